"""gm.subgroups: a group's topics (URL, method, params, body, result) and
arguments refused before any request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from groupme_async import AsyncGroupMe, EmojiReaction, Member, Reaction, Subgroup

from . import content_examples as ex
from . import test_endpoints as endpoints
from .conftest import V3, envelope
from .refused import assert_refused
from .test_endpoints import Case

SID = str(ex.SUBGROUP["id"])
TOPIC = f"/groups/{ex.GROUP_ID}/subgroups/{SID}"


def _is_topic(topic: Any) -> bool:
    return (
        isinstance(topic, Subgroup)
        and topic.id == SID
        and topic.parent_id == ex.GROUP_ID
        and topic.creator_user_id == ex.ADA
        and topic.type == "announcement"
        and topic.like_icon == Reaction(type="emoji", pack_id=1, pack_index=49)
        and topic.messages is not None
        and topic.messages.count == 4
        and topic.created_at == datetime.fromtimestamp(1715574084, UTC)
    )


def _is_me(member: Any) -> bool:
    return isinstance(member, Member) and member.user_id == ex.ADA and member.id == "1080225494"


CASES = [
    Case(
        "GET /groups/:id/subgroups",
        lambda gm: gm.subgroups.list(ex.GROUP_ID, page=2, per_page=5),
        "GET",
        "v3",
        f"/groups/{ex.GROUP_ID}/subgroups",
        {"page": "2", "per_page": "5"},
        response=[ex.SUBGROUP],
        check=lambda r: _is_topic(r[0]),
    ),
    Case(
        "POST /groups/:id/subgroups",
        lambda gm: gm.subgroups.create(
            ex.GROUP_ID, "Race day", description="Only the captains post", type="announcement"
        ),
        "POST",
        "v3",
        f"/groups/{ex.GROUP_ID}/subgroups",
        body={
            "topic": "Race day",
            "group_type": "announcement",
            "description": "Only the captains post",
        },
        status=201,
        response=ex.SUBGROUP,
        check=_is_topic,
    ),
    Case(
        "GET /groups/:id/subgroups/:sid",
        lambda gm: gm.subgroups.get(ex.GROUP_ID, SID),
        "GET",
        "v3",
        TOPIC,
        response=ex.SUBGROUP,
        check=_is_topic,
    ),
    Case(
        "PUT /groups/:id/subgroups/:sid",
        lambda gm: gm.subgroups.update(
            ex.GROUP_ID,
            SID,
            topic="Race day!",
            type="private",
            avatar_url="https://i.groupme.com/1x1.jpeg.topic",
            like_icon=EmojiReaction(pack_id=1, pack_index=49),
        ),
        "PUT",
        "v3",
        TOPIC,
        body={
            "topic": "Race day!",
            "group_type": "private",
            "avatar_url": "https://i.groupme.com/1x1.jpeg.topic",
            "like_icon": {"type": "emoji", "pack_id": 1, "pack_index": 49},
        },
        response=ex.SUBGROUP,
        check=_is_topic,
    ),
    Case(
        "DELETE /groups/:id/subgroups/:sid",
        lambda gm: gm.subgroups.delete(ex.GROUP_ID, SID),
        "DELETE",
        "v3",
        TOPIC,
    ),
    Case(
        "POST /groups/:id/subgroups/:sid/mute",
        lambda gm: gm.subgroups.mute(ex.GROUP_ID, SID, 60),
        "POST",
        "v3",
        TOPIC + "/mute",
        body={"duration": 60},
        response={"membership": ex.MEMBERSHIP},
        check=_is_me,
    ),
    Case(
        "POST mute until unmuted",
        lambda gm: gm.subgroups.mute(ex.GROUP_ID, SID),
        "POST",
        "v3",
        TOPIC + "/mute",
        body={"duration": None},
        response={"membership": ex.MEMBERSHIP},
        check=_is_me,
    ),
    Case(
        "POST /groups/:id/subgroups/:sid/unmute",
        lambda gm: gm.subgroups.unmute(ex.GROUP_ID, SID),
        "POST",
        "v3",
        TOPIC + "/unmute",
        response={"membership": ex.MEMBERSHIP},
        check=_is_me,
    ),
]


@pytest.mark.parametrize("where", ["real hosts", "base_url"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_endpoint(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    await endpoints.test_endpoint(case, where, make_client)


async def test_iter_pages_until_an_empty_page(gm: AsyncGroupMe) -> None:
    topics = [{**ex.SUBGROUP, "id": 100 + n} for n in range(5)]
    with respx.mock:
        route = respx.get(f"{V3}/groups/{ex.GROUP_ID}/subgroups").mock(
            side_effect=lambda r: httpx.Response(
                200,
                json=envelope(topics[(int(r.url.params["page"]) - 1) * 2 :][:2]),
            )
        )
        got = [t.id async for t in gm.subgroups.iter(ex.GROUP_ID, per_page=2)]
    assert got == [str(100 + n) for n in range(5)]
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.subgroups.list("1", page=0),
        lambda gm: gm.subgroups.list("1", per_page=101),
        lambda gm: gm.subgroups.get("1", "../2"),
        lambda gm: gm.subgroups.create("1", ""),
        lambda gm: gm.subgroups.create("1", "x", type="public"),
        lambda gm: gm.subgroups.create("1", "x", description=5),
        lambda gm: gm.subgroups.update("1", "2"),
        lambda gm: gm.subgroups.update("1", "2", topic=" "),
        lambda gm: gm.subgroups.update("1", "2", type="announce"),
        lambda gm: gm.subgroups.delete("1+2", "3"),
        lambda gm: gm.subgroups.mute("1", "2", 0),
        lambda gm: gm.subgroups.mute("1", "2", True),
        lambda gm: gm.subgroups.mute("1", "2", "60"),
        lambda gm: gm.subgroups.unmute("1", "2/mute"),
    ],
)
async def test_invalid_arguments_send_nothing(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    await assert_refused(call, gm)


async def test_a_like_icon_that_is_not_a_powerup_emoji_is_a_type_error(gm: AsyncGroupMe) -> None:
    await assert_refused(
        lambda gm: gm.subgroups.update("1", "2", like_icon="\U0001f525"), gm, TypeError
    )


def test_iter_checks_its_arguments_when_called() -> None:
    gm = AsyncGroupMe("t0ken")
    with pytest.raises(ValueError):
        gm.subgroups.iter("x")
    with pytest.raises(ValueError):
        gm.subgroups.iter("1", per_page=0)
