"""Single messages: v4 show and edit, pins and the pinned lists."""

from __future__ import annotations

from typing import Any

from ._http import HTTPError, Reply, Request, empty, not_found, ok
from ._messages import checked_content
from ._push import group_channel
from ._routes import Route
from ._state import FakeState
from ._store import ConversationStore


def locate(
    state: FakeState, conversation_id: str, message_id: str
) -> tuple[ConversationStore, int]:
    """The live message ``message_id`` of a group or DM chat, or a 404."""
    store = state.conversation(conversation_id)
    slot = store.find(int(message_id))
    if slot is None:
        raise not_found()
    return store, slot


def show_message(state: FakeState, r: Request, *, group_id: str, message_id: str) -> Reply:
    """One group message, with its likes, reactions, edit and pin."""
    store, slot = locate(state, group_id, message_id)
    return ok({"message": store.slot_message(slot)})


def edit_message(state: FakeState, r: Request, *, group_id: str, message_id: str) -> Reply:
    """Replace the `text` (and `attachments`, if given) of "me"'s message; sets `updated_at`.

    403 for anyone else's message; the send rules for text and attachments.
    """
    store, slot = locate(state, group_id, message_id)
    current = store.slot_message(slot)
    if current.get("user_id") != state.me_id:
        raise HTTPError(403, "You can only edit your own messages")
    body = r.json_object()
    # An edit that leaves attachments out keeps them.
    text, attachments = checked_content(
        body.get("text"), body["attachments"] if "attachments" in body else current["attachments"]
    )
    edited = store.patch(
        slot, text=text or None, attachments=attachments, updated_at=state.wall_now()
    )
    state.publish(group_channel(group_id), {"type": "message.update", "subject": edited})
    return ok({"message": edited})


def pin(state: FakeState, r: Request, *, conversation_id: str, message_id: str) -> Reply:
    """Pin a message; a bare 400 if it already is (as GroupMe answers)."""
    store, slot = locate(state, conversation_id, message_id)
    if slot in store.pinned:
        return empty(400)
    now = store.pinned[slot] = state.wall_now()
    store.patch(slot, pinned_at=now, pinned_by=state.me_id)
    return empty(200)


def unpin(state: FakeState, r: Request, *, conversation_id: str, message_id: str) -> Reply:
    """Unpin a message; a bare 400 if it is not pinned."""
    store, slot = locate(state, conversation_id, message_id)
    if store.pinned.pop(slot, None) is None:
        return empty(400)
    store.patch(slot, pinned_at=None, pinned_by="")
    return empty(200)


def pinned_group_messages(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """A group's pinned messages, most recently pinned first."""
    return ok(_pinned(state.group(group_id)))


def pinned_direct_messages(state: FakeState, r: Request) -> Reply:
    """The pinned messages of the DM chat with `other_user_id`."""
    other = r.query.get("other_user_id")
    if not other:
        raise HTTPError(400, "other_user_id is required")
    return ok(_pinned(state.dm(other)))


def _pinned(store: ConversationStore) -> dict[str, Any]:
    slots = sorted(
        (s for s in store.pinned if s not in store.deleted),
        key=lambda s: (store.pinned[s], s),
        reverse=True,
    )
    return {"count": len(slots), "messages": [store.slot_message(s) for s in slots]}


_PINS = "/conversations/:conversation_id/messages/:message_id"

ROUTES = [
    Route("GET", "v4", "/groups/:group_id/messages/:message_id", show_message),
    Route("PUT", "v4", "/groups/:group_id/messages/:message_id", edit_message),
    Route("POST", "v3", _PINS + "/pin", pin),
    Route("POST", "v3", _PINS + "/unpin", unpin),
    Route("GET", "v3", "/pinned/groups/:group_id/messages", pinned_group_messages),
    Route("GET", "v3", "/pinned/direct_messages", pinned_direct_messages),
]
