"""What the export runner and the sinks agree on."""

from __future__ import annotations

from typing import Any, Literal, Protocol

import attrs

RawMessage = dict[str, Any]
Kind = Literal["group", "direct"]


@attrs.frozen(kw_only=True)
class Conversation:
    """One conversation to archive."""

    kind: Kind
    id: str
    """The group id, or for a DM the other user's id."""
    name: str = ""
    chat_id: str | None = None
    """For DMs, ``"<lower id>+<higher id>"``."""
    estimated_count: int | None = None
    """GroupMe's ``count``: shown as a progress estimate, never trusted to stop."""

    @property
    def key(self) -> str:
        """A stable, filesystem-safe name: ``group-<id>`` or ``dm-<other user id>``."""
        return f"group-{self.id}" if self.kind == "group" else f"dm-{self.id}"


@attrs.frozen(kw_only=True)
class ResumePoint:
    """Where a conversation's archive stands."""

    phase: Literal["backfill", "live"]
    """``backfill``: still walking back through history from ``cursor``;
    ``live``: history is complete, only messages after ``newest_id`` remain."""
    cursor: str | None = None
    newest_id: str | None = None
    stored: int = 0


class Sink(Protocol):
    """An archive format.  Every ``add_*`` call is atomic: the page and the
    checkpoint that records it land together or not at all."""

    def resume_point(self, conversation: Conversation) -> ResumePoint: ...

    def add_backfill_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        """A page from the backward walk: newest first, older than any before it."""

    def finish_backfill(self, conversation: Conversation) -> None:
        """History is complete: the archive now reads oldest first."""

    def add_forward_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        """A page of new messages, oldest first, newer than any stored."""

    def done(self, conversation: Conversation) -> None:
        """This run has finished with ``conversation`` (completed or not)."""

    def close(self) -> None: ...
