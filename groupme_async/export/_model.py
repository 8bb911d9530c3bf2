"""What the export runner and the sinks agree on."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal, Protocol

import attrs

from .. import ConversationKind

RawMessage = dict[str, Any]


class ArchiveError(Exception):
    """The archive folder cannot be used as it stands."""


class ArchiveLockedError(ArchiveError):
    """Another export is writing to this archive right now.

    ``holder`` is what that run wrote beside the lock (``pid``, ``host``,
    ``started``), or ``None`` if it could not be read.
    """

    def __init__(self, folder: str | os.PathLike[str], holder: Mapping[str, Any] | None) -> None:
        self.folder = os.fspath(folder)
        self.holder = dict(holder) if holder is not None else None
        if holder is None:
            who = "its process could not be identified"
        else:
            who = (
                f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
                f"started {holder.get('started', '?')}"
            )
        super().__init__(
            f"{self.folder} is in use by another export ({who}); "
            "wait for it to finish or stop it, then run again"
        )


class ArchiveCorruptError(ArchiveError):
    """An archive file holds something that is not what the export wrote.

    Raised for one conversation (the others carry on) when a file has
    garbage before its last complete message: truncating it could throw
    away messages the server may no longer have, so it is left as it is
    for a person to look at.  A damaged *tail* (a write cut short) is not
    an error: it is truncated and fetched again.
    """

    def __init__(self, path: str | os.PathLike[str], detail: str) -> None:
        self.path = os.fspath(path)
        super().__init__(f"{self.path}: {detail}")


@attrs.frozen(kw_only=True)
class Conversation:
    """One conversation to archive."""

    kind: ConversationKind
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
    checkpoint that records it land together or not at all, whatever step a
    crash interrupts.  A sink holds the archive's exclusive lock from its
    construction until :meth:`close`."""

    def resume_point(self, conversation: Conversation) -> ResumePoint:
        """Where the archive of ``conversation`` stands."""

    def add_backfill_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        """A page from the backward walk: newest first, older than any before it."""

    def finish_backfill(self, conversation: Conversation) -> None:
        """History is complete: the archive now reads oldest first."""

    def add_forward_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        """A page of new messages, oldest first, newer than any stored."""

    def done(self, conversation: Conversation) -> None:
        """This run has finished with ``conversation`` (completed or not)."""

    def close(self) -> None:
        """Save what is pending and release the lock (even if saving fails)."""
