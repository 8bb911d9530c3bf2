"""Bots: "me"'s bots, and their posts (which need no token and answer an empty 202)."""

from __future__ import annotations

from typing import Any

from ._groups import message_store, my_group
from ._http import DIGITS, HTTPError, Reply, Request, not_found, ok
from ._messages import message_created
from ._routes import Route
from ._social import BotRecord, hex_id
from ._state import FakeState

MAX_TEXT_LENGTH = 1000
#: The live service answers a bot post with 202, no body, and this type.
_POSTED_TYPE = b"text/html"


def create_bot(state: FakeState, r: Request) -> Reply:
    """Make a bot in a group "me" is in: 201 `{"bot": ...}` (its `bot_id` is its secret)."""
    body = r.json_object("bot")
    group_id = body.get("group_id")
    if not isinstance(group_id, str | int) or not DIGITS.fullmatch(str(group_id)):
        raise HTTPError(400, "group_id is required")
    record, _ = my_group(state, str(group_id))
    name = _name(body)
    bots = state.bots
    number = next(bots.serial)
    bot = BotRecord(
        bot_id=hex_id(state.seed, 26, "bot", number),
        group_id=record.id,
        name=name,
        avatar_url=_url(body, "avatar_url"),
        callback_url=_url(body, "callback_url"),
        dm_notification=_flag(body, "dm_notification") or False,
        user_id=str(100_000 + number),
    )
    bots.bots[bot.bot_id] = bot
    return ok({"bot": _json(state, bot)}, 201)


def list_bots(state: FakeState, r: Request) -> Reply:
    """The bots "me" made, oldest first."""
    return ok([_json(state, bot) for bot in state.bots.bots.values()])


def update_bot(state: FakeState, r: Request) -> Reply:
    """Change a bot's `name`, `avatar_url`, `callback_url` or `dm_notification`."""
    body = r.json_object("bot")
    bot = _bot(state, body)
    if body.get("name") is not None:
        bot.name = _name(body)
    for key in ("avatar_url", "callback_url"):
        if key in body:
            setattr(bot, key, _url(body, key))
    if (flag := _flag(body, "dm_notification")) is not None:
        bot.dm_notification = flag
    return ok({"bot": _json(state, bot)})


def destroy_bot(state: FakeState, r: Request) -> Reply:
    """Delete a bot (`bot_id`)."""
    bot = _bot(state, r.json_object())
    del state.bots.bots[bot.bot_id]
    return ok(None)


def post_as_bot(state: FakeState, r: Request) -> Reply:
    """Post as a bot (`bot_id`, `text` <= 1000, `attachments`): no token needed; 202, empty body.

    The post becomes a group message with `sender_type` "bot" and the bot's
    name and avatar.
    """
    body = r.json_object()
    bot = _bot(state, body)
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise HTTPError(400, "text must be a string")
    if text is not None and len(text) > MAX_TEXT_LENGTH:
        raise HTTPError(400, f"text is too long (maximum is {MAX_TEXT_LENGTH} characters)")
    attachments = body.get("attachments") or []
    if not isinstance(attachments, list) or not all(
        isinstance(a, dict) and isinstance(a.get("type"), str) for a in attachments
    ):
        raise HTTPError(400, "attachments must be a list of objects with a type")
    picture = body.get("picture_url")
    if isinstance(picture, str) and picture:
        attachments = [*attachments, {"type": "image", "url": picture}]
    if not (text or "").strip() and not attachments:
        raise HTTPError(400, "text is required")
    store = message_store(state, bot.group_id)
    created_at = max(state.wall_now(), store.newest_id() // 10**8)
    message_id = store.next_id(created_at)
    message = {
        "attachments": attachments,
        "avatar_url": bot.avatar_url,
        "created_at": created_at,
        "favorited_by": [],
        "group_id": bot.group_id,
        "id": str(message_id),
        "name": bot.name,
        "sender_id": bot.user_id,
        "sender_type": "bot",
        "source_guid": hex_id(state.seed, 32, "bot post", message_id),
        "system": False,
        "text": text,
        "user_id": bot.user_id,
        "pinned_at": None,
        "pinned_by": "",
        "platform": "gm",
    }
    store.append(message)
    message_created(state, store, message)
    return Reply(202, b"", _POSTED_TYPE)


# --- internals ---------------------------------------------------------------


def _json(state: FakeState, bot: BotRecord) -> dict[str, Any]:
    record = state.rosters.groups.get(bot.group_id)
    return bot.to_json(record.name if record is not None else None)


def _bot(state: FakeState, body: dict[str, Any]) -> BotRecord:
    bot_id = body.get("bot_id")
    if not isinstance(bot_id, str) or not bot_id:
        raise HTTPError(400, "bot_id is required")
    bot = state.bots.bots.get(bot_id)
    if bot is None:
        raise not_found()
    return bot


def _name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise HTTPError(400, "name is required")
    return name


def _url(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise HTTPError(400, f"{key} must be a string")
    return value or None


def _flag(body: dict[str, Any], key: str) -> bool | None:
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise HTTPError(400, f"{key} must be true or false")
    return value


ROUTES = [
    Route("GET", "v3", "/bots", list_bots),
    Route("POST", "v3", "/bots", create_bot),
    Route("POST", "v3", "/bots/update", update_bot),
    Route("POST", "v3", "/bots/destroy", destroy_bot),
    Route("POST", "v3", "/bots/post", post_as_bot, sends_message=True, needs_token=False),
]
