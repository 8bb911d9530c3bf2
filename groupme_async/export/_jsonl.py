"""JSON Lines archive: one file per conversation, oldest message first.

Layout under the output folder::

    group-<id>.jsonl             the archive, one message per line as GroupMe sent it
    group-<id>.backfill.jsonl    history being walked back (newest first), until complete
    group-<id>.state.json        the phase, and counts saved when a run lets go of the file

The files are their own checkpoint: each page is appended with a single
write of whole lines, so a run killed at any point leaves every file a
valid sequence of messages, and the next run reads where it stands from the
last line (the oldest message walked back, or the newest archived).  A line
cut short by a crash mid-write, or power loss, is dropped on resume and its
page fetched again.  When the walk back reaches the first message, the
backfill file is reversed into the archive (in bounded memory), and new
messages are appended from then on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from ._model import Conversation, RawMessage, ResumePoint

_BLOCK = 1 << 20


def _encode(page: list[RawMessage]) -> bytes:
    try:
        return b"".join(orjson.dumps(m) + b"\n" for m in page)
    except TypeError:
        # orjson refuses integers wider than 64 bits; json does not.
        return "".join(
            json.dumps(m, ensure_ascii=False, separators=(",", ":")) + "\n" for m in page
        ).encode()


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _reverse_lines(path: Path) -> Iterator[bytes]:
    """The lines of ``path`` (each with its newline), last first, reading
    backwards a block at a time."""
    with path.open("rb") as fh:
        position = fh.seek(0, os.SEEK_END)
        carry = b""
        while position > 0:
            step = min(_BLOCK, position)
            position -= step
            fh.seek(position)
            chunk = fh.read(step) + carry
            lines = chunk.split(b"\n")
            carry = lines[0]
            for line in reversed(lines[1:]):
                if line:
                    yield line + b"\n"
        if carry:
            yield carry + b"\n"


def _repair(path: Path) -> None:
    """Drop a last line that a crash cut short."""
    if not path.exists():
        return
    with path.open("r+b") as fh:
        end = fh.seek(0, os.SEEK_END)
        if end == 0:
            return
        fh.seek(end - 1)
        if fh.read(1) == b"\n":
            return
        keep = 0
        position = end
        while position > 0:
            step = min(_BLOCK, position)
            position -= step
            fh.seek(position)
            cut = fh.read(step).rfind(b"\n")
            if cut >= 0:
                keep = position + cut + 1
                break
        fh.truncate(keep)


def _edge_id(path: Path, last: bool) -> str | None:
    """The id of the first or last message in ``path``, if it has any."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    if last:
        line = next(_reverse_lines(path))
    else:
        with path.open("rb") as fh:
            line = fh.readline()
    return str(orjson.loads(line)["id"])


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    count = 0
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK):
            count += block.count(b"\n")
    return count


class JsonlSink:
    """Writes ``<out>/<conversation key>.jsonl`` files."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        probe = self.out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
        self._open: dict[str, IO[bytes]] = {}
        self._stored: dict[str, int] = {}
        self._phase: dict[str, str] = {}

    def path(self, conversation: Conversation) -> Path:
        return self.out / f"{conversation.key}.jsonl"

    def _backfill_path(self, conversation: Conversation) -> Path:
        return self._active(conversation.key, "backfill")

    def _state_path(self, key: str) -> Path:
        return self.out / f"{key}.state.json"

    def _active(self, key: str, phase: str) -> Path:
        """The file pages go to in ``phase``: the backfill while walking back,
        the archive otherwise."""
        return self.out / (f"{key}.backfill.jsonl" if phase == "backfill" else f"{key}.jsonl")

    def _load(self, conversation: Conversation) -> tuple[str, int]:
        key = conversation.key
        if key in self._phase:
            return self._phase[key], self._stored[key]
        state_path = self._state_path(key)
        state: dict[str, Any] = (
            json.loads(state_path.read_bytes()) if state_path.exists() else {"phase": "backfill"}
        )
        phase = state["phase"]
        if phase == "finalize":
            self._assemble(conversation)
            return self._load(conversation)
        active = self._active(key, phase)
        size = active.stat().st_size if active.exists() else 0
        if "bytes" in state and state["bytes"] == size:
            stored = state["stored"]
        else:
            # The last run did not let go cleanly: trust the files, not the counts.
            _repair(active)
            stored = _count_lines(active)
            if phase == "backfill":
                stored += _count_lines(self.path(conversation))
        self._phase[key], self._stored[key] = phase, stored
        return phase, stored

    def _save(self, key: str, phase: str) -> None:
        active = self._active(key, phase)
        size = active.stat().st_size if active.exists() else 0
        state = {"phase": phase, "stored": self._stored[key], "bytes": size}
        _replace(self._state_path(key), json.dumps(state).encode())
        self._phase[key] = phase

    def resume_point(self, conversation: Conversation) -> ResumePoint:
        phase, stored = self._load(conversation)
        if phase == "backfill":
            cursor = _edge_id(self._backfill_path(conversation), last=True)
            return ResumePoint(phase="backfill", cursor=cursor, stored=stored)
        newest = _edge_id(self.path(conversation), last=True)
        if newest is None:
            # An empty conversation: walk its (empty) history again.
            return ResumePoint(phase="backfill", stored=stored)
        return ResumePoint(phase="live", newest_id=newest, stored=stored)

    def _append(self, conversation: Conversation, path: Path, page: list[RawMessage]) -> None:
        fh = self._open.get(conversation.key)
        if fh is None or fh.name != str(path):
            if fh is not None:
                fh.close()
            fh = self._open[conversation.key] = path.open("ab")
        # One write of whole lines, flushed to the OS: a killed process
        # cannot leave half a page behind.
        fh.write(_encode(page))
        fh.flush()
        self._stored[conversation.key] += len(page)

    def add_backfill_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        phase, _ = self._load(conversation)
        if phase != "backfill":
            self._save(conversation.key, "backfill")
        self._append(conversation, self._backfill_path(conversation), page)

    def finish_backfill(self, conversation: Conversation) -> None:
        self._load(conversation)
        self._release(conversation)
        self._save(conversation.key, "finalize")
        self._assemble(conversation)

    def _assemble(self, conversation: Conversation) -> None:
        backfill = self._backfill_path(conversation)
        archive = self.path(conversation)
        tmp = archive.with_name(archive.name + ".tmp")
        # An earlier walk of an empty conversation may have left an archive.
        earlier = archive.read_bytes() if archive.exists() else b""
        stored = earlier.count(b"\n")
        with tmp.open("wb") as out:
            out.write(earlier)
            if backfill.exists():
                _repair(backfill)
                batch: list[bytes] = []
                for line in _reverse_lines(backfill):
                    batch.append(line)
                    if len(batch) >= 1000:
                        out.write(b"".join(batch))
                        stored += len(batch)
                        batch.clear()
                out.write(b"".join(batch))
                stored += len(batch)
        os.replace(tmp, archive)
        self._stored[conversation.key] = stored
        self._save(conversation.key, "live")
        backfill.unlink(missing_ok=True)

    def add_forward_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        self._load(conversation)
        self._append(conversation, self.path(conversation), page)

    def _release(self, conversation: Conversation) -> None:
        fh = self._open.pop(conversation.key, None)
        if fh is not None:
            fh.close()

    def done(self, conversation: Conversation) -> None:
        """This run is finished with ``conversation``: close it and save its counts."""
        if conversation.key in self._phase:
            self._release(conversation)
            self._save(conversation.key, self._phase[conversation.key])

    def close(self) -> None:
        for fh in self._open.values():
            fh.close()
        self._open.clear()
        for key, phase in list(self._phase.items()):
            self._save(key, phase)
        self._phase.clear()
        self._stored.clear()
