"""Likes and reactions, and the likes leaderboards of a group."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._data import ID_SCALE
from ._http import HTTPError, Reply, Request, empty, ok
from ._message_ops import locate
from ._push import conversation_channel, user_channel
from ._routes import Route
from ._state import FakeState
from ._store import ConversationStore
from ._times import iso_z

#: The unicode reactions GroupMe accepts (any other code is a 400).
REACTION_CODES = frozenset(
    (
        "\u2764\ufe0f",
        "\U0001f44d",
        "\U0001f923",
        "\U0001f389",
        "\U0001f525",
        "\U0001f62e",
        "\U0001f440",
        "\U0001f62d",
        "\U0001f97a",
        "\U0001f64f",
        "\U0001f480",
        "\U0001faf6",
        "\U0001f92c",
        "\U0001f485",
        "\U0001fae0",
    )
)
#: A like without ``like_icon`` shows as a red heart.
HEART = {"type": "unicode", "code": "\u2764\ufe0f"}
PERIODS = {"day": 86_400, "week": 7 * 86_400, "month": 30 * 86_400}
#: ``likes/mine`` and ``likes/for_me`` answer at most this many (the largest
#: recorded answers hold exactly 2,000).
MAX_LISTED = 2000


def like(state: FakeState, r: Request, *, conversation_id: str, message_id: str) -> Reply:
    """Like a message, or react with `like_icon` (one of 15 unicode codes, or a PowerUp emoji).

    "Me" holds one reaction per message: a new one replaces the old.  It shows
    in the message's `favorited_by` and `reactions`.
    """
    store, slot = locate(state, conversation_id, message_id)
    body = r.json()
    given = body.get("like_icon") if isinstance(body, dict) else None
    icon = HEART if given is None else checked_icon(given)
    add_like(state, store, slot, state.me_id, icon)
    me = state.me_id
    return empty(200) if given is None else ok({"reactions": [{**icon, "user_ids": [me]}]})


def add_like(
    state: FakeState, store: ConversationStore, slot: int, user_id: str, icon: dict[str, Any]
) -> None:
    """``user_id`` likes the message in ``slot`` with ``icon`` (replacing their reaction)."""
    message = store.slot_message(slot)
    reactions = _without(message.get("reactions"), user_id)
    for reaction in reactions:
        if _same(reaction, icon):
            reaction["user_ids"].append(user_id)
            break
    else:
        reactions.append({**icon, "user_ids": [user_id]})
    likers = [u for u in message.get("favorited_by") or () if u != user_id]
    liked = store.patch(slot, favorited_by=[*likers, user_id], reactions=reactions)
    if user_id == state.me_id:
        store.liked_at[slot] = state.wall_now()
    _publish_like(state, store, liked, user_id)


def _publish_like(
    state: FakeState, store: ConversationStore, message: dict[str, Any], user_id: str
) -> None:
    """``favorite`` on the conversation's channel; ``like.create`` on the
    author's own channel when someone else liked their message."""
    spec = store.spec
    state.publish(
        conversation_channel(spec.kind, spec.chat_id),
        {
            "type": "favorite",
            "alert": "",
            "subject": {"line": message, "reactions": message["reactions"], "user_id": user_id},
        },
    )
    author = message.get("user_id")
    if author == state.me_id and user_id != author:
        liker = state.world.users.get(user_id)
        name = liker.name if liker is not None else "Someone"
        state.publish(
            user_channel(author),
            {
                "type": "like.create",
                "alert": f"{name} liked your message",
                "subject": {"line": message, "user_id": user_id},
            },
        )


def unlike(state: FakeState, r: Request, *, conversation_id: str, message_id: str) -> Reply:
    """Take back "me"'s like or reaction (200 whether or not there was one)."""
    store, slot = locate(state, conversation_id, message_id)
    me = state.me_id
    message = store.slot_message(slot)
    if me in (message.get("favorited_by") or ()):
        store.patch(
            slot,
            favorited_by=[u for u in message["favorited_by"] if u != me],
            reactions=_without(message.get("reactions"), me),
        )
    store.liked_at.pop(slot, None)
    return empty(200)


def leaderboard(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """The liked messages of the last `period` (`day`, `week`, `month`), most liked first."""
    period = PERIODS.get(r.query.get("period", ""))
    if period is None:
        raise HTTPError(400, "period must be one of day, week, month")
    store = state.group(group_id)
    since = store.lower_bound((state.wall_now() - period) * ID_SCALE)
    liked = [m for _, m in _live(store, since) if m.get("favorited_by")]
    liked.sort(key=lambda m: (len(m["favorited_by"]), int(m["id"])), reverse=True)
    return ok({"messages": liked})


def liked_by_me(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """The group's messages "me" liked, most recently liked first, each with `liked_at`."""
    store = state.group(group_id)
    me = state.me_id
    found = []
    for slot, message in _live(store, 0):
        if me in (message.get("favorited_by") or ()):
            # Likes from the generated history count as made when sent.
            when = store.liked_at.get(slot, int(message["created_at"]))
            found.append((when, slot, message))
    found.sort(key=lambda entry: entry[:2], reverse=True)
    messages = [{**m, "liked_at": iso_z(when)} for when, _, m in found[:MAX_LISTED]]
    return ok({"messages": messages})


def likes_for_me(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """ "Me"'s messages in the group that others liked, newest first."""
    store = state.group(group_id)
    me = state.me_id
    found = [
        m
        for _, m in _live(store, 0)
        if m.get("user_id") == me and any(u != me for u in m.get("favorited_by") or ())
    ]
    return ok({"messages": found[::-1][:MAX_LISTED]})


def _live(store: ConversationStore, start: int) -> Iterator[tuple[int, dict[str, Any]]]:
    for slot in range(start, store.total):
        if slot not in store.deleted:
            yield slot, store.slot_message(slot)


def checked_icon(icon: Any) -> dict[str, Any]:
    if isinstance(icon, dict) and icon.get("type") == "unicode":
        if icon.get("code") not in REACTION_CODES:
            raise HTTPError(400, "like_icon.code is not an allowed reaction")
        return {"type": "unicode", "code": icon["code"]}
    if isinstance(icon, dict) and icon.get("type") == "emoji":
        pack = [icon.get("pack_id"), icon.get("pack_index")]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in pack):
            raise HTTPError(400, "like_icon needs integer pack_id and pack_index")
        return {"type": "emoji", "pack_id": pack[0], "pack_index": pack[1]}
    raise HTTPError(400, "like_icon.type must be unicode or emoji")


def _same(reaction: dict[str, Any], icon: dict[str, Any]) -> bool:
    keys = ("code",) if icon["type"] == "unicode" else ("pack_id", "pack_index")
    return reaction.get("type") == icon["type"] and all(reaction.get(k) == icon[k] for k in keys)


def _without(reactions: Any, user_id: str) -> list[dict[str, Any]]:
    """``reactions`` (copied) with ``user_id`` taken out; empty ones dropped."""
    out = []
    for reaction in reactions or ():
        users = [u for u in reaction.get("user_ids") or () if str(u) != user_id]
        if users:
            out.append({**reaction, "user_ids": users})
    return out


_LIKES = "/messages/:conversation_id/:message_id"

ROUTES = [
    Route("POST", "v3", _LIKES + "/like", like),
    Route("POST", "v3", _LIKES + "/unlike", unlike),
    Route("GET", "v3", "/groups/:group_id/likes", leaderboard),
    Route("GET", "v3", "/groups/:group_id/likes/mine", liked_by_me),
    Route("GET", "v3", "/groups/:group_id/likes/for_me", likes_for_me),
]
