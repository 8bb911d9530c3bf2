"""The gallery: a conversation's messages carrying pictures, videos or files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ._data import ID_SCALE
from ._http import HTTPError, Reply, Request, ok
from ._messages import MAX_PAGE_LIMIT, hide_file_text
from ._routes import Route
from ._state import FakeState
from ._times import iso_z, parse_iso

MEDIA_TYPES = frozenset({"image", "video", "file"})
_MICRO = 10**6
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def list_gallery(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """A group's or DM chat's media messages, newest first, each with `gallery_ts`.

    `before` / `after` (ISO 8601, both exclusive) bound the page; `limit`
    defaults to 100; `acceptFiles` as for message pages.
    """
    store = state.conversation(conversation_id)
    limit = r.int_param("limit", MAX_PAGE_LIMIT)
    if not 1 <= limit <= MAX_PAGE_LIMIT:
        raise HTTPError(400, f"limit must be from 1 to {MAX_PAGE_LIMIT}")
    before, after = _bound(r, "before"), _bound(r, "after")
    # A message's gallery time is read from its id (created second, then
    # the id's low digits), so it grows with the id and a bound is a slot.
    slot = store.total if before is None else store.lower_bound((before[0] + 1) * ID_SCALE)
    found: list[dict[str, Any]] = []
    while slot > 0 and len(found) < limit:
        slot -= 1
        if slot in store.deleted:
            continue
        key = _key(store.slot_id(slot))
        if after is not None and key[0] < after[0]:
            break
        if (before is not None and key >= before) or (after is not None and key <= after):
            continue
        message = store.slot_message(slot)
        if any(a.get("type") in MEDIA_TYPES for a in message.get("attachments") or ()):
            found.append({**message, "gallery_ts": iso_z(*key)})
    return ok({"messages": hide_file_text(store, r, found)})


def _key(message_id: int) -> tuple[int, int]:
    return message_id // ID_SCALE, message_id % _MICRO


def _bound(r: Request, name: str) -> tuple[int, int] | None:
    raw = r.query.get(name)
    if raw is None or raw == "":
        return None
    when = parse_iso(raw, name)
    return (when.replace(microsecond=0) - _EPOCH) // _SECOND, when.microsecond


ROUTES = [
    Route("GET", "v3", "/conversations/:conversation_id/gallery", list_gallery),
]
