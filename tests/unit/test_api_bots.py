"""gm.bots: every call's request and answer; a bot post is never sent twice."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from groupme_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncGroupMe,
    Bot,
    ImageAttachment,
    ServerError,
)

from . import api_examples as ex
from .api_cases import WHERE, Case, check_case, sends_nothing
from .conftest import INVENTED, SleepRecorder, fail

BOT_ID = ex.BOT["bot_id"]
POST = "https://api.groupme.com/v3/bots/post"


def _bot(result: Any) -> bool:
    return isinstance(result, Bot) and result.bot_id == BOT_ID and result.group_name == "Family"


CALLS = [
    Case(
        "POST /bots",
        lambda gm: gm.bots.create(
            ex.GROUP_ID,
            "Dice",
            callback_url="https://example.com/callback",
            avatar_url="https://i.groupme.com/bot",
        ),
        "POST",
        "v3",
        "/bots",
        body={
            "bot": {
                "name": "Dice",
                "group_id": ex.GROUP_ID,
                "avatar_url": "https://i.groupme.com/bot",
                "callback_url": "https://example.com/callback",
                "dm_notification": False,
            }
        },
        status=201,
        response={"bot": ex.BOT},
        check=_bot,
    ),
    Case(
        "POST /bots answered bare",
        lambda gm: gm.bots.create(ex.GROUP_ID, "Dice", dm_notification=True),
        "POST",
        "v3",
        "/bots",
        body={"bot": {"name": "Dice", "group_id": ex.GROUP_ID, "dm_notification": True}},
        status=201,
        response=ex.BOT,
        check=_bot,
    ),
    Case(
        "GET /bots",
        lambda gm: gm.bots.list(),
        "GET",
        "v3",
        "/bots",
        response=[ex.BOT, {**ex.BOT, "bot_id": "ffffffffffffffffffffffffff", "avatar_url": None}],
        check=lambda r: len(r) == 2 and _bot(r[0]) and r[1].avatar_url is None,
    ),
    Case(
        "POST /bots/update",
        lambda gm: gm.bots.update(BOT_ID, name="Dice 2", callback_url="https://example.com/2"),
        "POST",
        "v3",
        "/bots/update",
        body={"bot": {"bot_id": BOT_ID, "name": "Dice 2", "callback_url": "https://example.com/2"}},
        response={"bot": {**ex.BOT, "name": "Dice 2"}},
        check=lambda r: isinstance(r, Bot) and r.name == "Dice 2",
    ),
    Case(
        "POST /bots/destroy",
        lambda gm: gm.bots.destroy(BOT_ID),
        "POST",
        "v3",
        "/bots/destroy",
        body={"bot_id": BOT_ID},
    ),
    Case(
        "POST /bots/post",
        lambda gm: gm.bots.post(
            BOT_ID, "Rolled a 6", attachments=[ImageAttachment(url="https://i.groupme.com/1")]
        ),
        "POST",
        "v3",
        "/bots/post",
        body={
            "bot_id": BOT_ID,
            "text": "Rolled a 6",
            "attachments": [{"type": "image", "url": "https://i.groupme.com/1"}],
        },
        status=202,
        token=False,
    ),
]


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("case", CALLS, ids=[c.name for c in CALLS])
async def test_call(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    await check_case(case, where, make_client)


def recorded_202() -> httpx.Response:
    """The live service's answer to a bot post (invented twin of a recording)."""
    exchange = json.loads((INVENTED / "http" / "bot_post_202.json").read_text())
    return httpx.Response(exchange["status"], headers=exchange["headers"], content=b"")


async def test_the_empty_text_html_202_is_success(gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post(POST).mock(return_value=recorded_202())
        assert await gm.bots.post(BOT_ID, "hi") is None
    assert route.call_count == 1
    assert json.loads(route.calls.last.request.content) == {"bot_id": BOT_ID, "text": "hi"}


@pytest.mark.parametrize(
    "first",
    [
        httpx.Response(420, json={"meta": {"code": 420, "errors": ["Enhance Your Calm"]}}),
        httpx.Response(429),
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("no connection"),
    ],
    ids=["420", "429", "connect refused", "connect timeout"],
)
async def test_a_post_that_certainly_did_not_land_is_retried(
    first: Any, gm: AsyncGroupMe, sleeps: SleepRecorder
) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post(POST).mock(side_effect=[first, recorded_202()])
        await gm.bots.post(BOT_ID, "hi")
    assert route.call_count == 2 and len(sleeps.delays) == 1


@pytest.mark.parametrize(
    ("first", "error"),
    [
        (fail(500), ServerError),
        (fail(503), ServerError),
        (httpx.Response(502, text="<html>Bad Gateway</html>"), ServerError),
        (httpx.ReadTimeout("no answer"), APITimeoutError),
        (httpx.RemoteProtocolError("dropped"), APIConnectionError),
    ],
    ids=["500", "503", "502 html", "read timeout", "dropped"],
)
async def test_a_post_whose_answer_was_lost_is_never_sent_again(
    first: Any, error: type[Exception], gm: AsyncGroupMe, sleeps: SleepRecorder
) -> None:
    # It may have posted: a second attempt could post twice, so it is raised.
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post(POST).mock(side_effect=[first, recorded_202()])
        with pytest.raises(error):
            await gm.bots.post(BOT_ID, "hi")
    assert route.call_count == 1 and sleeps.delays == []


def test_the_docstrings_say_bots_cannot_read_history() -> None:
    from groupme_async.resources import Bots

    assert "cannot read" in (Bots.__doc__ or "")
    assert "cannot read" in (Bots.post.__doc__ or "")
    assert "may or may not" in (Bots.post.__doc__ or "")


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.bots.post(BOT_ID, "x" * 1001),
        lambda gm: gm.bots.post(BOT_ID),
        lambda gm: gm.bots.post(BOT_ID, ""),
        lambda gm: gm.bots.post("not/a/bot", "hi"),
        lambda gm: gm.bots.post("", "hi"),
        lambda gm: gm.bots.create(ex.GROUP_ID, ""),
        lambda gm: gm.bots.create("abc", "Dice"),
        lambda gm: gm.bots.create(ex.GROUP_ID, "Dice", dm_notification="no"),
        lambda gm: gm.bots.update(BOT_ID),
        lambda gm: gm.bots.update(BOT_ID, name=" "),
        lambda gm: gm.bots.destroy("bot id"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    await sends_nothing(call, gm, ValueError)


# --- a client without a token: bot posts only -----------------------------------


async def test_a_client_without_a_token_posts_as_a_bot_and_sends_no_token(
    sleeps: SleepRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GROUPME_TOKEN is not read: a bot process may hold no user token at all.
    monkeypatch.setenv("GROUPME_TOKEN", "env0token")
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post(POST).mock(side_effect=[httpx.Response(420), recorded_202()])
        async with AsyncGroupMe.without_token(sleep=sleeps) as gm:
            await gm.bots.post(BOT_ID, "hi")
    assert route.call_count == 2  # retried as any client retries a bot post
    assert all("x-access-token" not in c.request.headers for c in route.calls)
    assert json.loads(route.calls.last.request.content) == {"bot_id": BOT_ID, "text": "hi"}


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.users.me(),
        lambda gm: gm.bots.list(),
        lambda gm: gm.group_messages.send("1234567", "hi"),
        lambda gm: gm.images.upload(b"\xff\xd8\xff\xe0 not really a jpeg"),
    ],
    ids=["users.me", "bots.list", "send", "image upload"],
)
async def test_a_client_without_a_token_refuses_every_other_call_before_sending(
    call: Callable[[AsyncGroupMe], Awaitable[Any]],
) -> None:
    async with AsyncGroupMe.without_token() as gm:
        with respx.mock(assert_all_called=False) as mock:
            route = mock.route().mock(return_value=httpx.Response(200))
            with pytest.raises(ValueError, match="needs an access token"):
                await call(gm)
        assert route.call_count == 0


async def test_a_client_without_a_token_cannot_open_the_push_stream() -> None:
    async with AsyncGroupMe.without_token() as gm:
        with pytest.raises(ValueError, match="needs an access token"):
            await gm.realtime.connect().__aenter__()


def test_a_client_without_a_token_says_so_and_keeps_base_url_rules() -> None:
    gm = AsyncGroupMe.without_token(base_url="http://127.0.0.1:8000")
    assert repr(gm) == "<AsyncGroupMe base_url='http://127.0.0.1:8000' without_token>"
    assert repr(AsyncGroupMe("t0ken")) == "<AsyncGroupMe base_url='https://api.groupme.com'>"
    with pytest.raises(ValueError, match="origin"):
        AsyncGroupMe.without_token(base_url="http://127.0.0.1:8000/v3")
