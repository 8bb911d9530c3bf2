"""Reading an archive back: its conversations and their messages, oldest first.

The media download and the offline viewer read JSON Lines and SQLite
archives alike through :func:`open_archive`.  Reading takes no lock and
changes nothing; a torn or garbage line (a write a crash cut short) is
skipped, as the next export would truncate it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, Protocol

import attrs

from .. import ConversationKind
from .._json import loads
from ._jsonl import read_conversation_names
from ._model import ArchiveError, RawMessage

SQLITE_NAME = "groupme.sqlite"
_KEY = re.compile(r"(group|dm)-([0-9]{1,40})")


@attrs.frozen(kw_only=True)
class ArchivedConversation:
    """A conversation as the archive records it."""

    key: str
    """``group-<id>`` or ``dm-<other user id>``: its file name in a JSON Lines archive."""
    kind: ConversationKind
    id: str
    name: str
    chat_id: str | None = None

    @property
    def conversation_id(self) -> str:
        """What the file and gallery services call it: the group id or the DM chat id."""
        return self.chat_id or self.id


class ArchiveReader(Protocol):
    """An archive opened for reading."""

    format: Literal["jsonl", "sqlite"]

    def conversations(self) -> list[ArchivedConversation]:
        """Every conversation with messages stored, in a stable order."""

    def messages(self, conversation: ArchivedConversation) -> Iterator[RawMessage]:
        """The conversation's messages, oldest first, as GroupMe sent them."""

    def close(self) -> None:
        """Let go of the archive."""


def open_archive(folder: str | os.PathLike[str]) -> ArchiveReader:
    """The archive in ``folder``, SQLite if it holds ``groupme.sqlite``, else
    JSON Lines; :class:`ArchiveError` if it holds neither."""
    path = Path(folder)
    if not path.is_dir():
        raise ArchiveError(f"{folder} is not a folder")
    if (path / SQLITE_NAME).is_file():
        return SqliteReader(path / SQLITE_NAME)
    reader = JsonlReader(path)
    if not reader.conversations():
        raise ArchiveError(f"{folder} holds no archive (no *.jsonl files, no {SQLITE_NAME})")
    return reader


def _text(value: object, default: str) -> str:
    return value if isinstance(value, str) and value else default


class JsonlReader:
    """A JSON Lines archive: ``<key>.jsonl`` files (or a history still being
    walked back, ``<key>.backfill.jsonl``, newest first)."""

    format: Literal["jsonl", "sqlite"] = "jsonl"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _files(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for path in sorted(self.folder.iterdir()):
            for suffix in (".jsonl", ".backfill.jsonl"):
                key = path.name.removesuffix(suffix)
                # A finished archive wins over a backfill left beside it.
                wanted = suffix == ".jsonl" or key not in found
                if wanted and path.name.endswith(suffix) and _KEY.fullmatch(key):
                    found[key] = path
        return found

    def conversations(self) -> list[ArchivedConversation]:
        """Every ``<key>.jsonl``, named from ``conversations.json``."""
        names = read_conversation_names(self.folder)
        out = []
        for key in self._files():
            match = _KEY.fullmatch(key)
            assert match is not None
            kind: ConversationKind = "group" if match.group(1) == "group" else "direct"
            known = names.get(key, {})
            chat_id = known.get("chat_id")
            out.append(
                ArchivedConversation(
                    key=key,
                    kind=kind,
                    id=match.group(2),
                    name=_text(known.get("name"), key),
                    chat_id=chat_id if isinstance(chat_id, str) and chat_id else None,
                )
            )
        return out

    def messages(self, conversation: ArchivedConversation) -> Iterator[RawMessage]:
        """The file's messages, oldest first (skipping torn or garbage lines)."""
        path = self._files().get(conversation.key)
        if path is None:
            return iter(())
        if path.name.endswith(".backfill.jsonl"):
            return reversed(list(_read_lines(path)))
        return _read_lines(path)

    def close(self) -> None:
        pass


def _read_lines(path: Path) -> Iterator[RawMessage]:
    with path.open("rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                return  # a torn last line
            try:
                message = loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and "id" in message:
                yield message


class SqliteReader:
    """A SQLite archive, opened read-only."""

    format: Literal["jsonl", "sqlite"] = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(
                f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            self._db.execute("SELECT 1 FROM conversations LIMIT 1")
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot read {path}: {exc}") from None

    def conversations(self) -> list[ArchivedConversation]:
        """Every conversation row that has messages, by key."""
        rows = self._db.execute(
            "SELECT key, kind, remote_id, chat_id, name FROM conversations c"
            " WHERE EXISTS (SELECT 1 FROM messages m WHERE m.conversation = c.key) ORDER BY key"
        ).fetchall()
        return [
            ArchivedConversation(
                key=key,
                kind="direct" if kind == "direct" else "group",
                id=remote_id,
                name=_text(name, key),
                chat_id=chat_id or None,
            )
            for key, kind, remote_id, chat_id, name in rows
        ]

    def messages(self, conversation: ArchivedConversation) -> Iterator[RawMessage]:
        """The rows' ``raw`` messages in ``seq`` order (oldest first)."""
        cursor = self._db.execute(
            "SELECT raw FROM messages WHERE conversation = ? ORDER BY seq", (conversation.key,)
        )
        for (raw,) in cursor:
            try:
                message = loads(raw.encode())
            except ValueError:
                continue
            if isinstance(message, dict):
                yield message

    def close(self) -> None:
        self._db.close()
