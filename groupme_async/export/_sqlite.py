"""SQLite archive: conversations, messages, users and attachments in one file.

Each page is one transaction together with its checkpoint row, so a killed
run leaves the database exactly as of its last committed page.  ``raw`` keeps
every message as GroupMe sent it; the other columns are for querying, and
hold what fits them (a value of an unexpected type is stored as JSON text, a
lone surrogate as U+FFFD, a timestamp that is not an integer as 0).

The database and its ``-wal``/``-shm``/``-journal`` files are 0600 (SQLite
gives the side files the database's mode).  ``synchronous=NORMAL`` in WAL
mode: power loss may undo the last few commits, each with its own
checkpoint, so a rerun fetches those pages again; it never corrupts.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from .._json import dumps
from ._disk import Disk, StepHook
from ._lock import ArchiveLock
from ._model import ArchiveCorruptError, ArchiveError, Conversation, RawMessage, ResumePoint

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    key TEXT PRIMARY KEY,          -- 'group-<id>' or 'dm-<other user id>'
    kind TEXT NOT NULL,            -- 'group' or 'direct'
    remote_id TEXT NOT NULL,       -- group id, or the other user's id
    chat_id TEXT,                  -- DMs: '<lower>+<higher>'
    name TEXT,
    phase TEXT NOT NULL DEFAULT 'backfill',
    cursor TEXT,
    top_id TEXT,
    newest_id TEXT,
    stored INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS messages (
    conversation TEXT NOT NULL REFERENCES conversations(key),
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,          -- position in the conversation: ORDER BY seq is oldest first
    created_at INTEGER NOT NULL,   -- epoch seconds (0 if GroupMe sent no integer)
    user_id TEXT,
    name TEXT,
    text TEXT,
    system INTEGER NOT NULL DEFAULT 0,
    sender_type TEXT,
    likes INTEGER NOT NULL DEFAULT 0,
    raw TEXT NOT NULL,             -- the message exactly as GroupMe returned it
    PRIMARY KEY (conversation, id)
);
CREATE INDEX IF NOT EXISTS messages_by_time ON messages (conversation, seq);
CREATE INDEX IF NOT EXISTS messages_by_created ON messages (created_at);
CREATE INDEX IF NOT EXISTS messages_by_user ON messages (user_id, created_at);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    name TEXT,                     -- the newest name seen
    avatar_url TEXT,
    last_seen_at INTEGER
);
CREATE TABLE IF NOT EXISTS attachments (
    conversation TEXT NOT NULL,
    message_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    type TEXT,
    url TEXT,
    raw TEXT NOT NULL,
    PRIMARY KEY (conversation, message_id, position)
);
CREATE INDEX IF NOT EXISTS attachments_by_type ON attachments (type);
"""

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_SIDE_FILES = ("-wal", "-shm", "-journal")


def _dumps(value: Any) -> str:
    return dumps(value).decode()


def _text(value: Any) -> str | None:
    """``value`` for a TEXT column: SQLite needs valid UTF-8."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.isascii():
            return value
        try:
            value.encode()
        except UnicodeEncodeError:
            return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
        return value
    return _dumps(value)


def _int(value: Any) -> int | None:
    if type(value) is int and _INT64_MIN <= value <= _INT64_MAX:
        return value
    return None


class SqliteSink:
    """Writes ``<out>/groupme.sqlite``; holds the archive's lock from
    construction to :meth:`close` (:class:`ArchiveLockedError` if another
    run has it, :class:`ArchiveCorruptError` if the file is not a database)."""

    def __init__(self, out: str | os.PathLike[str], *, on_step: StepHook | None = None) -> None:
        self._disk = disk = Disk(out, on_step)
        disk.make_folder()
        self.path = disk.folder / "groupme.sqlite"
        self._lock = ArchiveLock(disk)
        self._lock.acquire()
        try:
            self._db = self._connect()
        except BaseException:
            self._lock.release()
            raise

    def _connect(self) -> sqlite3.Connection:
        path = self.path
        if not path.exists():
            os.close(self._disk.create(path))
        for file in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
            self._disk.private(file)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._disk.step("sql", path)
            db.executescript(SCHEMA)
        except sqlite3.OperationalError as exc:
            db.close()
            raise ArchiveError(f"cannot use {path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            db.close()
            raise ArchiveCorruptError(path, f"not a usable SQLite database ({exc})") from exc
        except BaseException:
            db.close()
            raise
        return db

    def _row(self, conversation: Conversation) -> tuple[str, str | None, str | None, int] | None:
        cur = self._db.execute(
            "SELECT phase, cursor, newest_id, stored FROM conversations WHERE key = ?",
            (conversation.key,),
        )
        row: tuple[str, str | None, str | None, int] | None = cur.fetchone()
        return row

    def _upsert(self, conversation: Conversation) -> None:
        self._db.execute(
            "INSERT INTO conversations (key, kind, remote_id, chat_id, name) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET name = excluded.name, chat_id = excluded.chat_id",
            (
                conversation.key,
                conversation.kind,
                conversation.id,
                conversation.chat_id,
                _text(conversation.name),
            ),
        )

    def resume_point(self, conversation: Conversation) -> ResumePoint:
        """Where the archive of ``conversation`` stands (its checkpoint row)."""
        with self._transaction():
            self._upsert(conversation)
        row = self._row(conversation)
        assert row is not None
        phase, cursor, newest_id, stored = row
        if phase == "backfill":
            return ResumePoint(phase="backfill", cursor=cursor, stored=stored)
        if phase != "live":
            raise ArchiveCorruptError(self.path, f"{conversation.key} has phase {phase!r}")
        if newest_id is None:
            return ResumePoint(phase="backfill", stored=stored)  # empty: walk it again
        return ResumePoint(phase="live", newest_id=newest_id, stored=stored)

    def _insert(self, conversation: Conversation, page: list[RawMessage], step: int) -> int:
        """Store ``page`` at positions continuing the conversation's by
        ``step`` (-1 walking back, +1 forward); the number of new rows."""
        key = conversation.key
        low, high = self._db.execute(
            "SELECT MIN(seq), MAX(seq) FROM messages WHERE conversation = ?", (key,)
        ).fetchone()
        edge = (low if step < 0 else high) if low is not None else -step
        messages = []
        users = []
        attachments = []
        for offset, m in enumerate(page, start=1):
            mid = str(m["id"])
            created = _int(m.get("created_at")) or 0
            user_id = _text(m.get("user_id") or m.get("sender_id"))
            favorited = m.get("favorited_by")
            messages.append(
                (
                    key,
                    mid,
                    edge + step * offset,
                    created,
                    user_id,
                    _text(m.get("name")),
                    _text(m.get("text")),
                    int(m.get("system") is True),
                    _text(m.get("sender_type")),
                    len(favorited) if isinstance(favorited, list) else 0,
                    _dumps(m),
                )
            )
            if user_id is not None and user_id != "system":
                users.append((user_id, _text(m.get("name")), _text(m.get("avatar_url")), created))
            found = m.get("attachments")
            for position, att in enumerate(found if isinstance(found, list) else ()):
                if isinstance(att, dict):
                    attachments.append(
                        (
                            key,
                            mid,
                            position,
                            _text(att.get("type")),
                            _text(att.get("url")),
                            _dumps(att),
                        )
                    )
        db = self._db
        added = db.executemany(
            "INSERT OR IGNORE INTO messages VALUES (?,?,?,?,?,?,?,?,?,?,?)", messages
        ).rowcount
        db.executemany(
            "INSERT INTO users (id, name, avatar_url, last_seen_at) VALUES (?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
            " avatar_url = excluded.avatar_url, last_seen_at = excluded.last_seen_at"
            " WHERE excluded.last_seen_at >= users.last_seen_at",
            users,
        )
        db.executemany("INSERT OR IGNORE INTO attachments VALUES (?,?,?,?,?,?)", attachments)
        return added

    def add_backfill_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        """Store a page of the walk back with its checkpoint, in one transaction."""
        if not page:
            return
        with self._transaction():
            self._upsert(conversation)
            added = self._insert(conversation, page, -1)
            self._db.execute(
                "UPDATE conversations SET phase = 'backfill', cursor = ?,"
                " top_id = COALESCE(top_id, ?), stored = stored + ? WHERE key = ?",
                (str(page[-1]["id"]), str(page[0]["id"]), added, conversation.key),
            )

    def finish_backfill(self, conversation: Conversation) -> None:
        """History is complete: record it, so later runs walk forward."""
        with self._transaction():
            self._db.execute(
                "UPDATE conversations SET phase = 'live', newest_id = top_id, cursor = NULL"
                " WHERE key = ?",
                (conversation.key,),
            )

    def add_forward_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        """Store a page of new messages with its checkpoint, in one transaction."""
        if not page:
            return
        with self._transaction():
            added = self._insert(conversation, page, 1)
            self._db.execute(
                "UPDATE conversations SET newest_id = ?, stored = stored + ? WHERE key = ?",
                (str(page[-1]["id"]), added, conversation.key),
            )

    def done(self, conversation: Conversation) -> None:
        """This run is finished with ``conversation`` (nothing to do: every
        page was committed with its checkpoint already)."""

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self._disk, self.path)

    def close(self) -> None:
        """Close the database and release the lock (idempotent)."""
        try:
            self._db.close()
        finally:
            self._lock.release()


class _Transaction:
    def __init__(self, db: sqlite3.Connection, disk: Disk, path: Path) -> None:
        self._db = db
        self._disk = disk
        self._path = path

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._disk.step("sql", self._path)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self._disk.step("commit", self._path)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")
