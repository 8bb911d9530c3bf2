"""gm.messages beyond delete: v4 show and edit, likes and reactions, pins, the
pinned lists and the likes leaderboards (URL, method, params, body, result),
and arguments refused before any request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from groupme_async import (
    AsyncGroupMe,
    BadRequestError,
    EmojiReaction,
    ImageAttachment,
    LikedMessage,
    Message,
    Reaction,
)
from groupme_async.resources import Messages

from . import content_examples as ex
from . import test_endpoints as endpoints
from .refused import assert_refused
from .test_endpoints import Case, uncovered

MID = ex.MESSAGE["id"]
CHAT = "30000001+30000002"
HEART = "\u2764\ufe0f"
IMG = ImageAttachment(url="https://i.groupme.com/123456789")


def _liked(result: Any, liked_at: bool) -> bool:
    return (
        isinstance(result, list)
        and all(isinstance(r, LikedMessage) for r in result)
        and result[0].message.id == MID
        and result[0].like_count == 1
        and (result[0].liked_at is not None) is liked_at
    )


CASES = [
    Case(
        "GET v4 /groups/:id/messages/:id",
        lambda gm: gm.messages.get(ex.GROUP_ID, MID),
        "GET",
        "v4",
        f"/groups/{ex.GROUP_ID}/messages/{MID}",
        response={"message": ex.MESSAGE},
        check=lambda m: (
            isinstance(m, Message)
            and m.favorited_by == (ex.BROOK,)
            and m.reactions
            == (
                Reaction(type="unicode", code=HEART, user_ids=(ex.BROOK,)),
                Reaction(type="emoji", pack_id=1, pack_index=12, user_ids=("30000003",)),
            )
        ),
    ),
    Case(
        "PUT v4 /groups/:id/messages/:id",
        lambda gm: gm.messages.edit(ex.GROUP_ID, MID, "Hello World!", attachments=[IMG]),
        "PUT",
        "v4",
        f"/groups/{ex.GROUP_ID}/messages/{MID}",
        body={"text": "Hello World!", "attachments": [{"type": "image", "url": IMG.url}]},
        response={"message": ex.EDITED},
        check=lambda m: (
            m.text == "Hello World!" and m.updated_at == datetime.fromtimestamp(1747065854, UTC)
        ),
    ),
    Case(
        "PUT v4 edit without text",
        lambda gm: gm.messages.edit(ex.GROUP_ID, MID, None, [IMG]),
        "PUT",
        "v4",
        f"/groups/{ex.GROUP_ID}/messages/{MID}",
        body={"attachments": [{"type": "image", "url": IMG.url}]},
        response={"message": ex.EDITED},
        check=lambda m: isinstance(m, Message),
    ),
    Case(
        "POST /messages/:cid/:mid/like",
        lambda gm: gm.messages.like(ex.GROUP_ID, MID),
        "POST",
        "v3",
        f"/messages/{ex.GROUP_ID}/{MID}/like",
    ),
    Case(
        "POST like with a unicode reaction in a DM",
        lambda gm: gm.messages.like(CHAT, MID, reaction="\U0001f525"),
        "POST",
        "v3",
        f"/messages/{CHAT}/{MID}/like",
        body={"like_icon": {"type": "unicode", "code": "\U0001f525"}},
        response={"reactions": [{"type": "unicode", "code": "\U0001f525"}]},
    ),
    Case(
        "POST like with a PowerUp emoji",
        lambda gm: gm.messages.like(
            ex.GROUP_ID, MID, reaction=EmojiReaction(pack_id=1, pack_index=12)
        ),
        "POST",
        "v3",
        f"/messages/{ex.GROUP_ID}/{MID}/like",
        body={"like_icon": {"type": "emoji", "pack_id": 1, "pack_index": 12}},
    ),
    Case(
        "POST /messages/:cid/:mid/unlike",
        lambda gm: gm.messages.unlike(CHAT, MID),
        "POST",
        "v3",
        f"/messages/{CHAT}/{MID}/unlike",
    ),
    Case(
        "POST /conversations/:cid/messages/:mid/pin",
        lambda gm: gm.messages.pin(ex.GROUP_ID, MID),
        "POST",
        "v3",
        f"/conversations/{ex.GROUP_ID}/messages/{MID}/pin",
    ),
    Case(
        "POST /conversations/:cid/messages/:mid/unpin",
        lambda gm: gm.messages.unpin(CHAT, MID),
        "POST",
        "v3",
        f"/conversations/{CHAT}/messages/{MID}/unpin",
    ),
    Case(
        "GET /pinned/groups/:id/messages",
        lambda gm: gm.messages.pinned(ex.GROUP_ID),
        "GET",
        "v3",
        f"/pinned/groups/{ex.GROUP_ID}/messages",
        response={"count": 1, "messages": [ex.PINNED_MESSAGE]},
        check=lambda r: (
            r[0].pinned_by == ex.BROOK and r[0].pinned_at == datetime.fromtimestamp(1747065900, UTC)
        ),
    ),
    Case(
        "GET /pinned/direct_messages",
        lambda gm: gm.messages.pinned_direct_messages(ex.BROOK),
        "GET",
        "v3",
        "/pinned/direct_messages",
        {"other_user_id": ex.BROOK},
        response={"count": 0, "messages": []},
        check=lambda r: r == [],
    ),
    Case(
        "GET /groups/:id/likes",
        lambda gm: gm.messages.leaderboard(ex.GROUP_ID, "week"),
        "GET",
        "v3",
        f"/groups/{ex.GROUP_ID}/likes",
        {"period": "week"},
        response={"messages": [ex.MESSAGE]},
        check=lambda r: _liked(r, liked_at=False),
    ),
    Case(
        "GET /groups/:id/likes/mine",
        lambda gm: gm.messages.liked_by_me(ex.GROUP_ID),
        "GET",
        "v3",
        f"/groups/{ex.GROUP_ID}/likes/mine",
        response={"messages": [ex.LIKED]},
        check=lambda r: (
            _liked(r, liked_at=True)
            and r[0].liked_at == datetime(2025, 5, 14, 14, 33, 17, 868800, tzinfo=UTC)
        ),
    ),
    Case(
        "GET /groups/:id/likes/for_me",
        lambda gm: gm.messages.likes_for_me(ex.GROUP_ID),
        "GET",
        "v3",
        f"/groups/{ex.GROUP_ID}/likes/for_me",
        response={"messages": [ex.MESSAGE]},
        check=lambda r: _liked(r, liked_at=False),
    ),
]


@pytest.mark.parametrize("where", ["real hosts", "base_url"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_endpoint(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    await endpoints.test_endpoint(case, where, make_client)


def test_every_messages_row_of_api_md_is_covered() -> None:
    wanted = {
        ("GET", "v4", "/groups/:/messages/:"),
        ("PUT", "v4", "/groups/:/messages/:"),
        ("POST", "v3", "/messages/:/:/like"),
        ("POST", "v3", "/messages/:/:/unlike"),
        ("POST", "v3", "/conversations/:/messages/:/pin"),
        ("POST", "v3", "/conversations/:/messages/:/unpin"),
        ("GET", "v3", "/pinned/groups/:/messages"),
        ("GET", "v3", "/pinned/direct_messages"),
        ("GET", "v3", "/groups/:/likes"),
        ("GET", "v3", "/groups/:/likes/mine"),
        ("GET", "v3", "/groups/:/likes/for_me"),
    }
    assert not uncovered(wanted, CASES)


def test_the_reaction_codes_are_the_fifteen_groupme_offers() -> None:
    # Written out here, not read from the library: dropping or adding one
    # must fail a test.
    offered = "\u2764\ufe0f \U0001f44d \U0001f923 \U0001f389 \U0001f525 \U0001f62e \U0001f440"
    offered += " \U0001f62d \U0001f97a \U0001f64f \U0001f480 \U0001faf6 \U0001f92c \U0001f485"
    offered += " \U0001fae0"
    assert frozenset(offered.split()) == Messages.REACTION_CODES
    assert len(Messages.REACTION_CODES) == 15


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.messages.like("1", "2", reaction="\U0001f602"),  # not offered
        lambda gm: gm.messages.like("1", "2", reaction="\u2764"),  # heart without VS16
        lambda gm: gm.messages.like("1", "2", reaction=""),
        lambda gm: gm.messages.like("1", "2", reaction=EmojiReaction(pack_id=-1, pack_index=0)),
        lambda gm: gm.messages.like("1", "2", reaction=EmojiReaction(pack_id=True, pack_index=0)),
        lambda gm: gm.messages.like("1/../2", "2"),
        lambda gm: gm.messages.like("1", "2?x=1"),
        lambda gm: gm.messages.unlike("1+", "2"),
        lambda gm: gm.messages.pin("..", "2"),
        lambda gm: gm.messages.unpin("1", "abc"),
        lambda gm: gm.messages.get("1+2", "3"),  # v4 show is groups only
        lambda gm: gm.messages.edit("1", "2", None),
        lambda gm: gm.messages.edit("1", "2", ""),
        lambda gm: gm.messages.edit("1", "2", "x" * 1001),
        lambda gm: gm.messages.pinned("abc"),
        lambda gm: gm.messages.pinned_direct_messages("1+2"),
        lambda gm: gm.messages.leaderboard("1", "year"),
        lambda gm: gm.messages.leaderboard("1", "Day"),
        lambda gm: gm.messages.liked_by_me("-1"),
        lambda gm: gm.messages.likes_for_me(""),
    ],
)
async def test_invalid_arguments_send_nothing(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    await assert_refused(call, gm)


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.messages.like("1", "2", reaction=1),
        lambda gm: gm.messages.like("1", "2", reaction={"type": "unicode", "code": "x"}),
        lambda gm: gm.messages.edit("1", "2", "x", attachments="abc"),
    ],
)
async def test_wrong_types_send_nothing(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    await assert_refused(call, gm, TypeError)


async def test_pinning_twice_is_a_bad_request_error_not_swallowed(gm: AsyncGroupMe) -> None:
    # GroupMe's answer to pinning a pinned message: a 400 with nothing in it.
    with respx.mock(assert_all_called=True) as mock:
        mock.post(f"https://api.groupme.com/v3/conversations/1/messages/{MID}/pin").mock(
            return_value=httpx.Response(400)
        )
        with pytest.raises(BadRequestError) as raised:
            await gm.messages.pin("1", MID)
    assert raised.value.status_code == 400
    assert raised.value.errors == []
