"""JSON Lines archive: one file per conversation, oldest message first.

Layout under the output folder::

    group-<id>.jsonl            the archive, one message per line as GroupMe sent it
    group-<id>.state.json       the checkpoint: the commit record of the .jsonl
    group-<id>.backfill/NNNN    pages of a history walk not yet complete

History arrives newest first, so until a conversation's walk is complete its
pages are kept as numbered files and assembled, reversed, at the end.  New
messages are appended; the checkpoint records the file's committed length,
and a run that was killed mid-append truncates back to it on resume.  Every
checkpoint is replaced atomically (write, then rename).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from ._model import Conversation, RawMessage, ResumePoint


def _line(message: RawMessage) -> bytes:
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class JsonlSink:
    """Writes ``<out>/<conversation key>.jsonl`` files."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        probe = self.out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
        self._states: dict[str, dict[str, Any]] = {}

    def path(self, conversation: Conversation) -> Path:
        return self.out / f"{conversation.key}.jsonl"

    def _state_path(self, conversation: Conversation) -> Path:
        return self.out / f"{conversation.key}.state.json"

    def _segments(self, conversation: Conversation) -> Path:
        return self.out / f"{conversation.key}.backfill"

    def _save(self, conversation: Conversation, state: dict[str, Any]) -> None:
        self._states[conversation.key] = state
        _replace(self._state_path(conversation), json.dumps(state).encode())

    def _state(self, conversation: Conversation) -> dict[str, Any]:
        cached = self._states.get(conversation.key)
        if cached is not None:
            return cached
        path = self._state_path(conversation)
        state: dict[str, Any]
        if path.exists():
            state = json.loads(path.read_bytes())
        else:
            state = {
                "phase": "backfill",
                "cursor": None,
                "top_id": None,
                "newest_id": None,
                "stored": 0,
                "segments": 0,
                "bytes": 0,
            }
        self._states[conversation.key] = state
        return state

    def resume_point(self, conversation: Conversation) -> ResumePoint:
        state = self._state(conversation)
        if state["phase"] == "finalize":
            self._assemble(conversation)
            state = self._state(conversation)
        if state["phase"] == "live":
            archive = self.path(conversation)
            committed = state["bytes"]
            if archive.exists() and archive.stat().st_size > committed:
                # A run died mid-append: drop the uncommitted tail.
                with archive.open("r+b") as fh:
                    fh.truncate(committed)
            if state["newest_id"] is None:
                # An empty conversation: walk its (empty) history again.
                return ResumePoint(phase="backfill")
        return ResumePoint(
            phase="live" if state["phase"] == "live" else "backfill",
            cursor=state["cursor"],
            newest_id=state["newest_id"],
            stored=state["stored"],
        )

    def add_backfill_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        state = dict(self._state(conversation))
        folder = self._segments(conversation)
        folder.mkdir(exist_ok=True)
        number = state["segments"] + 1
        _replace(folder / f"{number:08d}.jsonl", b"".join(_line(m) for m in page))
        state.update(
            phase="backfill",
            segments=number,
            cursor=str(page[-1]["id"]),
            top_id=state["top_id"] or str(page[0]["id"]),
            stored=state["stored"] + len(page),
        )
        self._save(conversation, state)

    def finish_backfill(self, conversation: Conversation) -> None:
        state = dict(self._state(conversation))
        state["phase"] = "finalize"
        self._save(conversation, state)
        self._assemble(conversation)

    def _assemble(self, conversation: Conversation) -> None:
        state = dict(self._state(conversation))
        folder = self._segments(conversation)
        archive = self.path(conversation)
        tmp = archive.with_name(archive.name + ".tmp")
        size = 0
        with tmp.open("wb") as out:
            for number in range(state["segments"], 0, -1):
                lines = (folder / f"{number:08d}.jsonl").read_bytes().splitlines(keepends=True)
                chunk = b"".join(reversed(lines))
                out.write(chunk)
                size += len(chunk)
        os.replace(tmp, archive)
        state.update(phase="live", newest_id=state["top_id"], cursor=None, segments=0, bytes=size)
        self._save(conversation, state)
        shutil.rmtree(folder, ignore_errors=True)

    def add_forward_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        state = dict(self._state(conversation))
        data = b"".join(_line(m) for m in page)
        with self.path(conversation).open("ab") as fh:
            fh.truncate(state["bytes"])
            fh.write(data)
        state.update(
            bytes=state["bytes"] + len(data),
            newest_id=str(page[-1]["id"]),
            stored=state["stored"] + len(page),
        )
        self._save(conversation, state)

    def close(self) -> None:
        self._states.clear()
