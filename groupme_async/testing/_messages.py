"""Messages: group and DM pages and sends, DM chats, deletes, read receipts."""

from __future__ import annotations

from typing import Any

from ._data import User
from ._http import DIGITS, HTTPError, Reply, Request, empty, not_found, ok
from ._push import conversation_channel, user_channel
from ._routes import Route
from ._state import FakeState
from ._store import ConversationStore
from ._uploads import check_media_attachments

MAX_PAGE_LIMIT = 100
MAX_TEXT_LENGTH = 1000


def list_group_messages(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """A page of a group's messages (`limit`, `before_id`, `since_id`, `after_id`, `acceptFiles`).

    Without `acceptFiles=1` the text of file messages is an upgrade notice.
    """
    return _page(r, state.group(group_id), "messages")


def send_group_message(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Send to a group; a repeated `source_guid` within 60 s is a 409."""
    return _create(state, state.group(group_id), r.json_object("message"))


def list_direct_messages(state: FakeState, r: Request) -> Reply:
    """A page of the DMs with `other_user_id` and the read receipt (same cursors, `acceptFiles`)."""
    other = r.query.get("other_user_id")
    if not other:
        raise HTTPError(400, "other_user_id is required")
    return _page(r, state.dm(other), "direct_messages")


def send_direct_message(state: FakeState, r: Request) -> Reply:
    """Send a DM to `recipient_id` (403 if "me" blocked them)."""
    payload = r.json_object("direct_message")
    recipient = payload.get("recipient_id")
    if not isinstance(recipient, str | int) or not str(recipient):
        raise HTTPError(400, "recipient_id is required")
    return _create(state, state.dm(str(recipient), create=True), payload)


def list_chats(state: FakeState, r: Request) -> Reply:
    """The DM chats, most recently active first (`page`, `per_page`)."""
    page, per_page = r.page(20)
    chats = [chat_json(s) for s in state.dms.values() if s.alive]
    chats.sort(key=lambda c: c["updated_at"], reverse=True)
    return ok(chats[(page - 1) * per_page : page * per_page])


def show_chat(state: FakeState, r: Request, *, chat_id: str) -> Reply:
    """One DM chat by its `<lower id>+<higher id>` chat id."""
    return ok(chat_json(state.chat(chat_id)))


def delete_message(state: FakeState, r: Request, *, conversation_id: str, message_id: str) -> Reply:
    """Delete a message from a group or DM chat: 204, or 403 for someone else's DM."""
    store = state.conversation(conversation_id)
    slot = store.find(int(message_id))
    if slot is None:
        raise not_found()
    # DM deletion mode is "sender": only your own DMs; in groups the fake
    # treats "me" as an admin.
    if store.spec.kind == "direct" and store.slot_message(slot).get("user_id") != state.me_id:
        raise HTTPError(403, "You can only delete your own messages")
    message = store.slot_message(slot)
    store.delete(slot)
    state.publish(
        conversation_channel(store.spec.kind, store.spec.chat_id),
        {
            "type": "message.deleted",
            "alert": "",
            "subject": {
                "message_id": message_id,
                "conversation_id": store.spec.chat_id,
                "deleted_at": state.wall_now(),
                "deletion_actor": "sender" if message.get("user_id") == state.me_id else "admin",
                "user_id": state.me_id,
            },
        },
    )
    return empty(204)


def mark_read(state: FakeState, r: Request) -> Reply:
    """Mark a DM chat read up to a message; later DM pages carry the receipt."""
    payload = r.json_object("read_receipt")
    chat_id, message_id = payload.get("chat_id"), payload.get("message_id")
    if not isinstance(chat_id, str) or not isinstance(message_id, str | int):
        raise HTTPError(400, "chat_id and message_id are required")
    store = state.chat(chat_id)
    if not DIGITS.fullmatch(str(message_id)) or store.find(int(message_id)) is None:
        raise not_found()
    receipt = {
        "id": str(message_id),
        "chat_id": chat_id,
        "message_id": str(message_id),
        "user_id": state.me_id,
        "read_at": state.wall_now(),
    }
    store.read_receipt = receipt
    return ok({"read_receipt": receipt})


# --- shared with the rest of the fake ----------------------------------------


def chat_json(store: ConversationStore) -> dict[str, Any]:
    spec = store.spec
    last = store.newest()
    other = spec.senders[1]
    receipt = store.read_receipt
    return {
        "created_at": spec.created_at,
        "last_message": last,
        "messages_count": store.alive,
        "other_user": other.chat_user(),
        "updated_at": last["created_at"] if last else spec.created_at,
        "message_deletion_period": 2147483647,
        "message_deletion_mode": ["sender"],
        "requires_approval": False,
        "unread_count": None,
        "last_read_message_id": receipt["message_id"] if receipt else None,
        "last_read_at": receipt["read_at"] if receipt else None,
        "message_edit_period": 15,
    }


def store_message(
    state: FakeState,
    store: ConversationStore,
    sender: User,
    text: str | None,
    attachments: list[dict[str, Any]],
    guid: str,
    now: float,
) -> dict[str, Any]:
    """Append a message from ``sender`` with the next id; returns it as the API shows it."""
    newest = store.newest_id()
    created_at = max(int(state.wall_offset + now), newest // 10**8)
    spec = store.spec
    message: dict[str, Any] = {
        "attachments": attachments,
        "avatar_url": sender.avatar_url,
        "created_at": created_at,
        "favorited_by": [],
    }
    if spec.kind == "group":
        message["group_id"] = spec.id
    else:
        message["conversation_id"] = spec.chat_id
    message["id"] = str(store.next_id(created_at))
    index = next(k for k, u in enumerate(spec.senders) if u.id == sender.id)
    message["name"] = spec.nicknames[index]
    if spec.kind == "direct":
        message["recipient_id"] = spec.senders[1 - index].id
    message["sender_id"] = sender.id
    message["sender_type"] = "user"
    message["source_guid"] = guid
    if spec.kind == "group":
        message["system"] = False
    message["text"] = text
    message["user_id"] = sender.id
    message["pinned_at"] = None
    message["pinned_by"] = ""
    store.append(message)
    store.remember_guid(guid, now)
    message_created(state, store, message)
    return message


def message_created(state: FakeState, store: ConversationStore, message: dict[str, Any]) -> None:
    """Tell everyone who hears of a new message: "me"'s push channel, and the
    callback of every bot in a group."""
    spec = store.spec
    name, text = message["name"], message["text"]
    alert = f"{name}: {text}" if text else f"{name} sent an attachment"
    # GroupMe pushes every new message, the user's own included, on /user/<me>.
    if spec.kind == "direct":
        subject = {**message, "chat_id": spec.chat_id}
        state.publish(
            user_channel(state.me_id),
            {"type": "direct_message.create", "alert": alert, "subject": subject},
        )
        return
    if state.groups.get(spec.id) is store:  # not a group "me" has left
        state.publish(
            user_channel(state.me_id), {"type": "line.create", "alert": alert, "subject": message}
        )
    # Every bot hears every message, its own posts included.
    for bot in state.bots.bots.values():
        if bot.group_id == spec.id and bot.callback_url:
            state.callbacks.enqueue(bot.callback_url, message)


def announce(
    state: FakeState,
    store: ConversationStore,
    text: str,
    attachment: dict[str, Any],
    event: tuple[str, dict[str, Any]],
) -> dict[str, Any]:
    """Post "me"'s message announcing a poll or a calendar event: the
    attachment, and ``event`` (type, data) with "me" as its user."""
    kind, data = event
    guid = f"{attachment['type']}-{attachment.get('poll_id') or attachment.get('event_id')}"
    message = store_message(state, store, state.world.me, text, [attachment], guid, state.clock())
    message["event"] = {
        "type": kind,
        "data": {**data, "user": {"id": state.me_id, "nickname": message["name"]}},
    }
    return message


def checked_content(text: Any, attachments: Any) -> tuple[str | None, list[dict[str, Any]]]:
    """A message's ``text`` and ``attachments`` (sends and edits), or a 400."""
    if text is not None and not isinstance(text, str):
        raise HTTPError(400, "text must be a string")
    if text is not None and len(text) > MAX_TEXT_LENGTH:
        raise HTTPError(400, f"text is too long (maximum is {MAX_TEXT_LENGTH} characters)")
    if attachments is None:
        attachments = []
    if not isinstance(attachments, list) or not all(
        isinstance(a, dict) and isinstance(a.get("type"), str) for a in attachments
    ):
        raise HTTPError(400, "attachments must be a list of objects with a type")
    if not (text or "").strip() and not attachments:
        raise HTTPError(400, "text is required unless there are attachments")
    return text, attachments


#: What GroupMe puts in place of a file message's text for clients that do
#: not send ``acceptFiles=1`` (the attachment itself is left intact).
UPGRADE_NOTICE = "Please upgrade to download this file."


def hide_file_text(
    store: ConversationStore, r: Request, messages: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``messages`` as a client without ``acceptFiles=1`` sees them."""
    if not store.has_files or r.query.get("acceptFiles") in ("1", "true"):
        return messages
    return [
        {**m, "text": UPGRADE_NOTICE}
        if any(a.get("type") == "file" for a in m.get("attachments") or ())
        else m
        for m in messages
    ]


# --- internals ---------------------------------------------------------------


def _page(r: Request, store: ConversationStore, key: str) -> Reply:
    raw_limit = r.query.get("limit")
    if raw_limit is None or raw_limit == "":
        limit = 20
    else:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise HTTPError(400, "limit must be an integer") from None
        if limit < 1:
            raise HTTPError(400, "limit must be at least 1")
        limit = min(limit, MAX_PAGE_LIMIT)
    cursors: dict[str, int] = {}
    for name in ("before_id", "since_id", "after_id"):
        value = r.query.get(name)
        if value is None or value == "":
            continue
        if not DIGITS.fullmatch(value):
            raise HTTPError(400, f"{name} must be a message id")
        cursors[name] = int(value)
    # With several cursors, the documented order decides (before, since, after).
    if "before_id" in cursors:
        messages = store.descending(store.lower_bound(cursors["before_id"]), 0, limit)
    elif "since_id" in cursors:
        floor = store.lower_bound(cursors["since_id"] + 1)
        messages = store.descending(store.total, floor, limit)
    elif "after_id" in cursors:
        messages = store.ascending(store.lower_bound(cursors["after_id"] + 1), limit)
        # An after_id at or past the newest message answers 200 with an
        # empty list on the real API, not 304.
    else:
        messages = store.descending(store.total, 0, limit)
    if not messages and "after_id" not in cursors:
        return empty(304)
    messages = hide_file_text(store, r, messages)
    body: dict[str, Any] = {"count": store.alive, key: messages}
    if key == "direct_messages" and store.read_receipt is not None:
        body["read_receipt"] = store.read_receipt
    return ok(body)


def _create(state: FakeState, store: ConversationStore, payload: dict[str, Any]) -> Reply:
    guid = payload.get("source_guid")
    if not isinstance(guid, str) or not guid:
        raise HTTPError(400, "source_guid is required")
    text, attachments = checked_content(payload.get("text"), payload.get("attachments", []))
    check_media_attachments(state, store.spec.chat_id, attachments)
    now = state.clock()
    if store.guid_seen(guid, now):
        raise HTTPError(409, "Message with this source_guid already exists")
    if store.spec.kind == "direct" and store.spec.id in state.blocks:
        raise HTTPError(403, "You have blocked this user")
    message = store_message(state, store, state.world.me, text, attachments, guid, now)
    return ok({"message": message}, 201)


ROUTES = [
    Route("GET", "v3", "/groups/:group_id/messages", list_group_messages),
    Route("POST", "v3", "/groups/:group_id/messages", send_group_message, sends_message=True),
    Route("GET", "v3", "/direct_messages", list_direct_messages),
    Route("POST", "v3", "/direct_messages", send_direct_message, sends_message=True),
    Route("GET", "v3", "/chats", list_chats),
    Route("GET", "v3", "/chats/:chat_id", show_chat),
    Route("DELETE", "v3", "/conversations/:conversation_id/messages/:message_id", delete_message),
    Route("POST", "v2", "/read_receipts", mark_read),
]
