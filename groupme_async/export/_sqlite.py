"""SQLite archive: conversations, messages, users and attachments in one file.

Each page is one transaction together with its checkpoint row, so a killed
run leaves the database exactly as of its last committed page.  ``raw`` keeps
every message as GroupMe sent it; the other columns are for querying.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import orjson

from ._model import Conversation, RawMessage, ResumePoint

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
    seq INTEGER NOT NULL,          -- the id as a number: ORDER BY seq is oldest first
    created_at INTEGER NOT NULL,   -- epoch seconds
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


def _dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # integers wider than 64 bits
        return json.dumps(value, ensure_ascii=False)


def _seq(message_id: Any) -> int:
    text = str(message_id)
    return int(text) if text.isdigit() else 0


class SqliteSink:
    """Writes ``<out>/groupme.sqlite``."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "groupme.sqlite"
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def _row(self, conversation: Conversation) -> sqlite3.Row | None:
        cur = self._db.execute(
            "SELECT phase, cursor, newest_id, stored FROM conversations WHERE key = ?",
            (conversation.key,),
        )
        row: sqlite3.Row | None = cur.fetchone()
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
                conversation.name,
            ),
        )

    def resume_point(self, conversation: Conversation) -> ResumePoint:
        self._upsert(conversation)
        row = self._row(conversation)
        assert row is not None
        phase, cursor, newest_id, stored = row
        if phase == "live" and newest_id is None:
            return ResumePoint(phase="backfill", stored=stored)
        return ResumePoint(phase=phase, cursor=cursor, newest_id=newest_id, stored=stored)

    def _insert(self, conversation: Conversation, page: list[RawMessage]) -> None:
        key = conversation.key
        messages = []
        users = []
        attachments = []
        for m in page:
            mid = str(m["id"])
            created = m.get("created_at") or 0
            user_id = m.get("user_id") or m.get("sender_id")
            messages.append(
                (
                    key,
                    mid,
                    _seq(mid),
                    created,
                    None if user_id is None else str(user_id),
                    m.get("name"),
                    m.get("text"),
                    int(bool(m.get("system"))),
                    m.get("sender_type"),
                    len(m.get("favorited_by") or ()),
                    _dumps(m),
                )
            )
            if user_id is not None and str(user_id) != "system":
                users.append((str(user_id), m.get("name"), m.get("avatar_url"), created))
            for position, att in enumerate(m.get("attachments") or ()):
                if isinstance(att, dict):
                    attachments.append(
                        (
                            key,
                            mid,
                            position,
                            att.get("type"),
                            att.get("url"),
                            _dumps(att),
                        )
                    )
        db = self._db
        db.executemany("INSERT OR IGNORE INTO messages VALUES (?,?,?,?,?,?,?,?,?,?,?)", messages)
        db.executemany(
            "INSERT INTO users (id, name, avatar_url, last_seen_at) VALUES (?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
            " avatar_url = excluded.avatar_url, last_seen_at = excluded.last_seen_at"
            " WHERE excluded.last_seen_at >= users.last_seen_at",
            users,
        )
        db.executemany("INSERT OR IGNORE INTO attachments VALUES (?,?,?,?,?,?)", attachments)

    def add_backfill_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        with self._transaction():
            self._upsert(conversation)
            self._insert(conversation, page)
            self._db.execute(
                "UPDATE conversations SET phase = 'backfill', cursor = ?,"
                " top_id = COALESCE(top_id, ?), stored = stored + ? WHERE key = ?",
                (str(page[-1]["id"]), str(page[0]["id"]), len(page), conversation.key),
            )

    def finish_backfill(self, conversation: Conversation) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE conversations SET phase = 'live', newest_id = top_id, cursor = NULL"
                " WHERE key = ?",
                (conversation.key,),
            )

    def add_forward_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        with self._transaction():
            self._insert(conversation, page)
            self._db.execute(
                "UPDATE conversations SET newest_id = ?, stored = stored + ? WHERE key = ?",
                (str(page[-1]["id"]), len(page), conversation.key),
            )

    def done(self, conversation: Conversation) -> None:
        pass  # every page was committed with its checkpoint already

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def close(self) -> None:
        self._db.close()


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
