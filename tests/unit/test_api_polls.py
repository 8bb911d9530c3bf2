"""gm.polls: create, get, vote (single and multi), end, and the walk over
``continuation_token``; arguments refused before any request."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

from groupme_async import AsyncGroupMe, Poll, PollOption, ResponseDecodeError

from . import content_examples as ex
from . import test_endpoints as endpoints
from .conftest import V3, envelope
from .refused import assert_refused
from .test_endpoints import Case

PID = ex.POLL_DATA["id"]
CLOSES = datetime(2021, 2, 23, 1, 15, tzinfo=UTC)


def _is_poll(poll: Any) -> bool:
    return (
        isinstance(poll, Poll)
        and poll.id == PID
        and poll.options
        == (
            PollOption(id="1", title="North", votes=1, voter_ids=(ex.ADA,)),
            PollOption(id="2", title="South"),
        )
        and poll.user_votes == ("1",)
        and poll.expiration == datetime.fromtimestamp(1614042900, UTC)
    )


CASES = [
    Case(
        "POST /poll/:group_id",
        lambda gm: gm.polls.create(
            ex.GROUP_ID,
            "Which boathouse?",
            ["North", "South"],
            expiration=CLOSES,
            type="multi",
        ),
        "POST",
        "v3",
        f"/poll/{ex.GROUP_ID}",
        body={
            "subject": "Which boathouse?",
            "options": [{"title": "North"}, {"title": "South"}],
            "expiration": int(CLOSES.timestamp()),
            "type": "multi",
            "visibility": "public",
        },
        status=201,
        response={"poll": ex.POLL, "message": ex.MESSAGE},
        check=_is_poll,
    ),
    Case(
        "POST /poll/:group_id with Unix seconds, anonymous",
        lambda gm: gm.polls.create(
            ex.GROUP_ID, "Q", ("a", "b", "c"), expiration=1614042900, visibility="anonymous"
        ),
        "POST",
        "v3",
        f"/poll/{ex.GROUP_ID}",
        body={
            "subject": "Q",
            "options": [{"title": "a"}, {"title": "b"}, {"title": "c"}],
            "expiration": 1614042900,
            "type": "single",
            "visibility": "anonymous",
        },
        status=201,
        response={"poll": ex.POLL},
        check=_is_poll,
    ),
    Case(
        "GET /poll/:group_id/:poll_id",
        lambda gm: gm.polls.get(ex.GROUP_ID, PID),
        "GET",
        "v3",
        f"/poll/{ex.GROUP_ID}/{PID}",
        response={"poll": ex.POLL},
        check=_is_poll,
    ),
    Case(
        "POST /poll/:group_id/:poll_id/:option_id",
        lambda gm: gm.polls.vote(ex.GROUP_ID, PID, "2"),
        "POST",
        "v3",
        f"/poll/{ex.GROUP_ID}/{PID}/2",
        response={"poll": ex.POLL},
        check=_is_poll,
    ),
    Case(
        "POST /poll/:group_id/:poll_id {votes}",
        lambda gm: gm.polls.vote(ex.GROUP_ID, PID, ["1", "2"]),
        "POST",
        "v3",
        f"/poll/{ex.GROUP_ID}/{PID}",
        body={"votes": ["1", "2"]},
        response={"poll": ex.POLL},
        check=_is_poll,
    ),
    Case(
        "POST /poll/:group_id/:poll_id {votes} with one choice",
        lambda gm: gm.polls.vote(ex.GROUP_ID, PID, ("2",)),
        "POST",
        "v3",
        f"/poll/{ex.GROUP_ID}/{PID}",
        body={"votes": ["2"]},
        response={"poll": ex.POLL},
        check=_is_poll,
    ),
    Case(
        "POST /poll/:group_id/:poll_id/end",
        lambda gm: gm.polls.end(ex.GROUP_ID, PID),
        "POST",
        "v3",
        f"/poll/{ex.GROUP_ID}/{PID}/end",
        response={"poll": ex.POLL},
        check=_is_poll,
    ),
]


@pytest.mark.parametrize("where", ["real hosts", "base_url"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_endpoint(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    await endpoints.test_endpoint(case, where, make_client)


def _page(first: int, count: int, token: str | None) -> dict[str, Any]:
    polls = [{"data": {**ex.POLL_DATA, "id": str(10**15 + n)}} for n in range(first, first + count)]
    return {"polls": polls, "continuation_token": token}


async def test_iter_follows_the_continuation_token_to_the_end(gm: AsyncGroupMe) -> None:
    pages = {None: _page(0, 3, "abc="), "abc=": _page(3, 3, "def/+"), "def/+": _page(6, 1, None)}
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(f"{V3}/poll/{ex.GROUP_ID}").mock(
            side_effect=lambda r: httpx.Response(
                200, json=envelope(pages[r.url.params.get("continuation_token")])
            )
        )
        polls = [p async for p in gm.polls.iter(ex.GROUP_ID)]
    assert [int(p.id) - 10**15 for p in polls] == list(range(7))
    # The token goes back as sent, escaped in the query, never in the path.
    assert [c.request.url.params.get("continuation_token") for c in route.calls] == [
        None,
        "abc=",
        "def/+",
    ]
    assert all(c.request.url.path == f"/v3/poll/{ex.GROUP_ID}" for c in route.calls)


async def test_iter_of_a_group_without_polls_is_empty(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.get(f"{V3}/poll/{ex.GROUP_ID}").mock(
            return_value=httpx.Response(
                200, json=envelope({"polls": [], "continuation_token": None})
            )
        )
        assert [p async for p in gm.polls.iter(ex.GROUP_ID)] == []


async def test_a_token_that_repeats_ends_the_walk_with_an_error_not_a_loop(
    gm: AsyncGroupMe,
) -> None:
    pages = {None: _page(0, 2, "a"), "a": _page(2, 2, "b"), "b": _page(4, 2, "a")}
    with respx.mock:
        route = respx.get(f"{V3}/poll/{ex.GROUP_ID}").mock(
            side_effect=lambda r: httpx.Response(
                200, json=envelope(pages[r.url.params.get("continuation_token")])
            )
        )
        seen: list[str] = []
        with pytest.raises(ResponseDecodeError, match="continuation_token"):
            async for poll in gm.polls.iter(ex.GROUP_ID):
                seen.append(poll.id)
    assert len(seen) == 6
    assert route.call_count == 3


async def test_an_old_poll_without_type_and_with_user_vote_decodes(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.get(f"{V3}/poll/{ex.GROUP_ID}/1613956027340751").mock(
            return_value=httpx.Response(200, json=envelope({"poll": ex.OLD_POLL}))
        )
        poll = await gm.polls.get(ex.GROUP_ID, "1613956027340751")
    assert poll.type is None and poll.user_votes == ("2",)


IN_A_DAY = datetime.now(UTC) + timedelta(days=1)


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.polls.create("1", "", ["a", "b"], expiration=IN_A_DAY),
        lambda gm: gm.polls.create("1", "Q", ["a"], expiration=IN_A_DAY),
        lambda gm: gm.polls.create("1", "Q", ["a", " "], expiration=IN_A_DAY),
        lambda gm: gm.polls.create("1", "Q", ["a", "b"], expiration=IN_A_DAY.replace(tzinfo=None)),
        lambda gm: gm.polls.create("1", "Q", ["a", "b"], expiration=0),
        lambda gm: gm.polls.create("1", "Q", ["a", "b"], expiration=True),
        lambda gm: gm.polls.create("1", "Q", ["a", "b"], expiration="tomorrow"),
        lambda gm: gm.polls.create("1", "Q", ["a", "b"], expiration=IN_A_DAY, type="many"),
        lambda gm: gm.polls.create("1", "Q", ["a", "b"], expiration=IN_A_DAY, visibility="x"),
        lambda gm: gm.polls.create("1/2", "Q", ["a", "b"], expiration=IN_A_DAY),
        lambda gm: gm.polls.get("1", "poll"),
        lambda gm: gm.polls.vote("1", "2", "end"),
        lambda gm: gm.polls.vote("1", "2", "../3"),
        lambda gm: gm.polls.vote("1", "2", []),
        lambda gm: gm.polls.vote("1", "2", ["1", "1"]),
        lambda gm: gm.polls.vote("1", "2", ["1", "x"]),
        lambda gm: gm.polls.end("1+2", "3"),
    ],
)
async def test_invalid_arguments_send_nothing(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    await assert_refused(call, gm)


def test_iter_checks_its_group_id_when_called() -> None:
    gm = AsyncGroupMe("t0ken")
    with pytest.raises(ValueError):
        gm.polls.iter("not-a-group")


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.polls.create("1", "Q", "ab", expiration=IN_A_DAY),
        lambda gm: gm.polls.vote("1", "2", {"1": True}),
    ],
)
async def test_one_string_where_a_list_belongs_is_a_type_error(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    await assert_refused(call, gm, TypeError)


async def test_an_expiration_in_another_zone_is_sent_as_the_same_instant(
    make_client: Callable[..., AsyncGroupMe],
) -> None:
    local = CLOSES.astimezone(timezone(timedelta(hours=-5)))
    with respx.mock:
        route = respx.post(f"{V3}/poll/1").mock(
            return_value=httpx.Response(201, json=envelope({"poll": ex.POLL}))
        )
        async with make_client() as gm:
            await gm.polls.create("1", "Q", ["a", "b"], expiration=local)
    assert json.loads(route.calls.last.request.content)["expiration"] == int(CLOSES.timestamp())
