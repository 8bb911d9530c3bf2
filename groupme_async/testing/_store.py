"""Mutable state of one conversation: generated history plus what clients wrote.

A conversation is a sequence of "slots": first the ``spec.count`` generated
messages (never stored), then messages appended since the fake started
(stored, with ids above every generated one).  Deletions are a set of slot
numbers.  Cursor ids map to slots by arithmetic on the generated part and by
bisection on the appended part, so a page costs O(limit + deletions in its
range), never O(conversation size).
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterator
from typing import Any

from ._data import ID_SCALE, SLOT_SCALE, ConversationSpec

#: GroupMe rejects a repeated source_guid within one minute.
GUID_WINDOW_SECONDS = 60.0


class ConversationStore:
    """One conversation's messages, deletions, dedup window and read receipt."""

    __slots__ = (
        "appended",
        "appended_ids",
        "cache",
        "cache_size",
        "deleted",
        "guid_order",
        "guids",
        "has_files",
        "liked_at",
        "patches",
        "pinned",
        "read_receipt",
        "spec",
    )

    def __init__(self, spec: ConversationSpec, cache_size: int = 0) -> None:
        self.spec = spec
        # Generated messages recently served, newest last.  Off by default so
        # a huge conversation costs no memory; a benchmark serving the same
        # history to several clients turns it on to take generation (the
        # fake's own cost, not GroupMe's) out of the comparison.
        self.cache: dict[int, dict[str, Any]] = {}
        self.cache_size = cache_size
        self.appended: list[dict[str, Any]] = []
        self.appended_ids: list[int] = []
        self.deleted: set[int] = set()
        self.guids: dict[str, float] = {}
        self.guid_order: deque[tuple[float, str]] = deque()
        self.read_receipt: dict[str, Any] | None = None
        # What clients changed on single messages (likes, reactions, edits,
        # pins), by slot: generated messages are never stored, so their
        # changes are laid over them as they are served.
        self.patches: dict[int, dict[str, Any]] = {}
        #: When "me" liked each slot (wall seconds), for ``likes/mine``.
        self.liked_at: dict[int, int] = {}
        #: Pinned slots and when they were pinned.
        self.pinned: dict[int, int] = {}
        #: Whether any message carries a file (only then do listings without
        #: ``acceptFiles=1`` need to hide file messages' text).
        self.has_files = False

    # --- slots ---------------------------------------------------------------

    @property
    def total(self) -> int:
        return self.spec.count + len(self.appended)

    @property
    def alive(self) -> int:
        """The conversation's ``count``: messages not deleted."""
        return self.total - len(self.deleted)

    def slot_id(self, slot: int) -> int:
        n = self.spec.count
        return self.spec.message_id(slot) if slot < n else self.appended_ids[slot - n]

    def slot_message(self, slot: int) -> dict[str, Any]:
        n = self.spec.count
        if slot >= n:
            message = self.appended[slot - n]
        elif not self.cache_size:
            message = self.spec.message(slot)
        else:
            cached = self.cache.get(slot)
            if cached is None:
                cached = self.cache[slot] = self.spec.message(slot)
                if len(self.cache) > self.cache_size:
                    del self.cache[next(iter(self.cache))]
            message = cached
        if self.patches:
            patch = self.patches.get(slot)
            if patch is not None:
                return {**message, **patch}
        return message

    def lower_bound(self, message_id: int) -> int:
        """How many slots hold an id below ``message_id``."""
        # Appended ids are all above generated ones, so the two parts add up.
        return self.spec.lower_bound(message_id) + bisect.bisect_left(self.appended_ids, message_id)

    def find(self, message_id: int) -> int | None:
        """The live slot holding ``message_id``, if any."""
        slot = self.lower_bound(message_id)
        if slot < self.total and self.slot_id(slot) == message_id and slot not in self.deleted:
            return slot
        return None

    def newest_id(self) -> int:
        """The largest id ever used here (deleted ones included), or 0."""
        return self.slot_id(self.total - 1) if self.total else 0

    # --- pages ---------------------------------------------------------------

    def descending(self, stop: int, floor: int, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` live messages from slot ``stop - 1`` down to ``floor``."""
        out: list[dict[str, Any]] = []
        slot = stop - 1
        deleted = self.deleted
        while slot >= floor and len(out) < limit:
            if slot not in deleted:
                out.append(self.slot_message(slot))
            slot -= 1
        return out

    def ascending(self, start: int, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` live messages from slot ``start`` upward."""
        out: list[dict[str, Any]] = []
        slot = start
        total = self.total
        deleted = self.deleted
        while slot < total and len(out) < limit:
            if slot not in deleted:
                out.append(self.slot_message(slot))
            slot += 1
        return out

    def newest(self) -> dict[str, Any] | None:
        page = self.descending(self.total, 0, 1)
        return page[0] if page else None

    def iter_all(self) -> Iterator[dict[str, Any]]:
        for slot in range(self.total):
            if slot not in self.deleted:
                yield self.slot_message(slot)

    # --- writes --------------------------------------------------------------

    def guid_seen(self, guid: str, now: float) -> bool:
        """Whether ``guid`` was used within the window (forgetting older ones)."""
        order = self.guid_order
        while order and now - order[0][0] >= GUID_WINDOW_SECONDS:
            stamp, old = order.popleft()
            if self.guids.get(old) == stamp:
                del self.guids[old]
        seen = self.guids.get(guid)
        return seen is not None and now - seen < GUID_WINDOW_SECONDS

    def remember_guid(self, guid: str, now: float) -> None:
        self.guids[guid] = now
        self.guid_order.append((now, guid))

    def next_id(self, created_at: int) -> int:
        """An id above every existing one, shaped like the generated ids."""
        shaped = created_at * ID_SCALE + (self.spec.slot % 1000) * SLOT_SCALE + len(self.appended)
        return max(self.newest_id() + 1, shaped)

    def append(self, message: dict[str, Any]) -> None:
        self.appended.append(message)
        self.appended_ids.append(int(message["id"]))
        self.note_files(message.get("attachments"))

    def patch(self, slot: int, **changes: Any) -> dict[str, Any]:
        """Change fields of the message in ``slot``; returns it as now served."""
        self.patches.setdefault(slot, {}).update(changes)
        self.note_files(changes.get("attachments"))
        return self.slot_message(slot)

    def note_files(self, attachments: Any) -> None:
        if not self.has_files and isinstance(attachments, list):
            self.has_files = any(
                isinstance(a, dict) and a.get("type") == "file" for a in attachments
            )

    def delete(self, slot: int) -> None:
        self.deleted.add(slot)
