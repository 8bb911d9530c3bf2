"""JSON Lines archive: one file per conversation, oldest message first.

Layout under the output folder (files 0600; the folder 0700 if we create it)::

    group-<id>.jsonl             the archive, one message per line as GroupMe sent it
    group-<id>.backfill.jsonl    history being walked back (newest first), until complete
    group-<id>.backfill.done     the complete history, newest first, being reversed
    group-<id>.state.json        counts, and the size and mtime they describe
    conversations.json           each conversation's kind, id and name (for readers)
    .groupme-export.lock         held by the run writing here (who: .lock.json)

**The files are their own checkpoint.**  A page is appended with one write
of whole lines; the next run reads where it stands from the last line (the
oldest message walked back, or the newest archived), so nothing that is not
on disk is ever recorded as done.  A write that fails part-way (disk full,
file too large) is truncated back off at once.  The state file only saves a
rescan: a file whose size and mtime match it is trusted; any other is read
line by line, a damaged tail (a torn or garbage last line) is truncated off
and fetched again, and damage *before* the last good line is an
:class:`ArchiveCorruptError` for that conversation alone.

**Finishing the walk back** is a sequence where a crash at any step leaves a
state the next run completes exactly:

1. fsync the backfill file, rename it to ``.backfill.done``, fsync the folder
   (from here the history is known complete);
2. write the reversed lines to ``.jsonl.tmp``, fsync it, rename it over
   ``.jsonl``, fsync the folder;
3. unlink ``.backfill.done``, fsync the folder.

A run that finds ``.backfill.done`` redoes 2-3 from it: the archive is
rebuilt from the done file alone, so doing it twice cannot duplicate
anything.  ``.tmp`` files are leftovers and are deleted.

**fsync.** Steps 1-3 fsync the data before each rename and the folder after
it, so power loss cannot leave a renamed but empty file.  Pages are not
fsynced one by one: losing the last pages to power loss only means fetching
them again, and a zero-filled tail is caught by the scan above, because a
file changed since its state was saved is never trusted.  When a run lets
go of a conversation it fsyncs the file before saving the state that vouches
for it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import attrs

from .._json import dumps, loads
from ._disk import Disk, StepHook
from ._lock import ArchiveLock
from ._model import ArchiveCorruptError, Conversation, RawMessage, ResumePoint

_BLOCK = 1 << 20
Phase = Literal["backfill", "live"]
#: Each conversation's kind, id and name, for readers of the archive (a
#: message does not say what its group is called).
CONVERSATIONS_NAME = "conversations.json"


def read_conversation_names(folder: Path) -> dict[str, dict[str, Any]]:
    """``conversations.json``: key -> kind, id, name, chat_id (empty if unreadable)."""
    try:
        data = json.loads((folder / CONVERSATIONS_NAME).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, dict)}


def encode_page(page: list[RawMessage]) -> bytes:
    return b"".join(dumps(m) + b"\n" for m in page)


def message_id(line: bytes) -> tuple[int, str] | None:
    """The id of the message on ``line`` (as a number and as written), or
    ``None`` if the line is not one message."""
    try:
        message = loads(line)
    except ValueError:
        return None
    raw = message.get("id") if isinstance(message, dict) else None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None
    text = str(raw)
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text), text


def _reverse_lines(path: Path) -> Iterator[bytes]:
    """The lines of ``path``, last first, reading backwards a block at a
    time; every line ends with its newline except a torn last one."""
    segments = _reverse_segments(path)
    torn = next(segments, b"")
    if torn:
        yield torn
    for segment in segments:
        yield segment + b"\n"


def _reverse_segments(path: Path) -> Iterator[bytes]:
    """The file split at its newlines, last piece first (the last piece is
    what follows the final newline: usually empty)."""
    with path.open("rb") as fh:
        position = fh.seek(0, os.SEEK_END)
        carry = b""
        while position > 0:
            step = min(_BLOCK, position)
            position -= step
            fh.seek(position)
            parts = (fh.read(step) + carry).split(b"\n")
            carry = parts[0]
            yield from reversed(parts[1:])
        yield carry


@attrs.frozen
class _Extent:
    """What a scan of a file found."""

    count: int
    good_bytes: int
    """Length of the valid prefix: everything past it is a damaged tail."""
    last_id: str | None


def _scan(path: Path, descending: bool) -> _Extent:
    """Check every line of ``path`` is one message, in order; a bad line
    followed by a good one is damage in the middle: ``ArchiveCorruptError``."""
    count = offset = 0
    previous: int | None = None
    last_id: str | None = None
    bad: tuple[int, int] | None = None  # (line number, offset)
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            found = message_id(line) if line.endswith(b"\n") else None
            good = found is not None and (
                previous is None or (found[0] < previous if descending else found[0] > previous)
            )
            if bad is None and found is not None and good:
                count += 1
                previous, last_id = found[0], found[1]
            elif bad is None:
                bad = (number, offset)
            elif good:
                # The file goes on, in order, past the damage: not a cut-short write.
                raise ArchiveCorruptError(
                    path,
                    f"line {bad[0]} is not a message in order, but messages follow it; "
                    f"the file was damaged. Move it aside (or cut it before line {bad[0]}) "
                    "and run again to fetch the rest",
                )
            offset += len(line)
    return _Extent(count, offset if bad is None else bad[1], last_id)


def _last_id(path: Path) -> str | None:
    """The id on the last line, if it is a whole message."""
    for line in _reverse_lines(path):
        found = message_id(line) if line.endswith(b"\n") else None
        return None if found is None else found[1]
    return None


@attrs.define
class _Conv:
    """What this run knows of one conversation's files."""

    phase: Phase
    stored: int
    last_id: str | None
    """The id on the active file's last line: the backfill cursor, or the newest archived."""
    changed: bool = False
    """Written or repaired since its state was saved."""
    fd: int | None = None
    size: int = 0


class JsonlSink:
    """Writes ``<out>/<conversation key>.jsonl`` files; holds the archive's
    lock from construction to :meth:`close` (:class:`ArchiveLockedError`
    if another run has it)."""

    def __init__(self, out: str | os.PathLike[str], *, on_step: StepHook | None = None) -> None:
        self.out = Path(out)
        self._disk = Disk(self.out, on_step)
        self._disk.make_folder()
        self._lock = ArchiveLock(self._disk)
        self._lock.acquire()
        self._convs: dict[str, _Conv] = {}
        self._names = read_conversation_names(self.out)
        self._names_changed = False

    def path(self, conversation: Conversation) -> Path:
        """The archive file of ``conversation``: ``<out>/<key>.jsonl``."""
        return self.out / f"{conversation.key}.jsonl"

    def _file(self, key: str, suffix: str) -> Path:
        return self.out / f"{key}{suffix}"

    def _active(self, key: str, phase: Phase) -> Path:
        """Where pages go in ``phase``: the backfill while walking back, the archive after."""
        return self._file(key, ".backfill.jsonl" if phase == "backfill" else ".jsonl")

    # --- reading where a conversation stands ---------------------------------

    def _load(self, conversation: Conversation) -> _Conv:
        key = conversation.key
        known = self._convs.get(key)
        if known is not None:
            return known
        for leftover in (".jsonl.tmp", ".state.json.tmp"):
            self._disk.unlink(self._file(key, leftover))
        backfill, done = self._file(key, ".backfill.jsonl"), self._file(key, ".backfill.done")
        archive = self._file(key, ".jsonl")
        archived = archive.stat().st_size if archive.exists() else 0
        if done.exists():
            if backfill.exists():
                raise ArchiveCorruptError(backfill, f"cannot be beside {done.name}")
            conv = self._finalize(key)
        elif backfill.exists() and archived and archived == backfill.stat().st_size:
            # An older version died after reversing the backfill into place
            # but before deleting it: the archive is complete.
            self._disk.unlink(backfill)
            conv = self._open_existing(key, "live", archive)
        elif backfill.exists():
            if archived:
                raise ArchiveCorruptError(archive, f"has messages, but so does {backfill.name}")
            conv = self._open_existing(key, "backfill", backfill)
        elif archive.exists():
            conv = self._open_existing(key, "live", archive)
        else:
            conv = _Conv("backfill", 0, None)
        self._convs[key] = conv
        return conv

    def _open_existing(self, key: str, phase: Phase, path: Path) -> _Conv:
        self._disk.private(path)
        self._disk.private(self._file(key, ".state.json"))
        stat = path.stat()
        state = self._read_state(key)
        if (
            state is not None
            and state.get("file") == path.name
            and state.get("bytes") == stat.st_size
            and state.get("mtime_ns") == stat.st_mtime_ns
            and isinstance(state.get("stored"), int)
        ):
            last = _last_id(path)
            if last is not None or stat.st_size == 0:
                return _Conv(phase, state["stored"], last)
        # Not provably as this sink left it: read every line.
        extent = _scan(path, descending=phase == "backfill")
        if extent.good_bytes < stat.st_size:
            self._disk.truncate_path(path, extent.good_bytes)
        return _Conv(phase, extent.count, extent.last_id, changed=True)

    def _read_state(self, key: str) -> dict[str, Any] | None:
        try:
            state = json.loads(self._file(key, ".state.json").read_bytes())
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) else None

    def resume_point(self, conversation: Conversation) -> ResumePoint:
        """Where the archive of ``conversation`` stands (its files are the checkpoint)."""
        self._remember(conversation)
        conv = self._load(conversation)
        if conv.phase == "backfill":
            return ResumePoint(phase="backfill", cursor=conv.last_id, stored=conv.stored)
        if conv.last_id is None:
            # An empty conversation: walk its (empty) history again.
            return ResumePoint(phase="backfill", stored=conv.stored)
        return ResumePoint(phase="live", newest_id=conv.last_id, stored=conv.stored)

    def _remember(self, conversation: Conversation) -> None:
        entry = {
            "kind": conversation.kind,
            "id": conversation.id,
            "name": conversation.name,
            "chat_id": conversation.chat_id,
        }
        if self._names.get(conversation.key) != entry:
            self._names[conversation.key] = entry
            self._names_changed = True

    # --- writing --------------------------------------------------------------

    def _append(self, conversation: Conversation, conv: _Conv, page: list[RawMessage]) -> None:
        if not page:
            return
        key = conversation.key
        path = self._active(key, conv.phase)
        data = encode_page(page)
        if conv.fd is None:
            conv.fd = self._disk.open_append(path)
            conv.size = os.fstat(conv.fd).st_size
        try:
            self._disk.write(conv.fd, data, path)
        except BaseException:
            # Never leave part of a page behind.  If even the truncation
            # fails, forget this conversation: the next call rescans the file.
            try:
                self._disk.truncate(conv.fd, conv.size, path)
            except BaseException:
                self._forget(key)
            raise
        conv.size += len(data)
        conv.stored += len(page)
        conv.last_id = str(page[-1]["id"])
        conv.changed = True

    def add_backfill_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        """Append a page of the walk back to the backfill file, in whole lines."""
        conv = self._load(conversation)
        if conv.phase == "live":
            if conv.last_id is not None:
                raise ValueError(f"{conversation.key}: history is already complete")
            conv.phase = "backfill"
        self._append(conversation, conv, page)

    def finish_backfill(self, conversation: Conversation) -> None:
        """History is complete: reverse the backfill into the archive, crash-safely."""
        key = conversation.key
        conv = self._load(conversation)
        if conv.phase == "live":
            return
        backfill = self._active(key, "backfill")
        if backfill.exists():
            self._close_fd(conv)
            self._disk.fsync_path(backfill)
            self._disk.rename(backfill, self._file(key, ".backfill.done"))
            self._disk.fsync_folder()
            self._convs[key] = self._finalize(key)
            return
        archive = self._active(key, "live")
        if not archive.exists():
            os.close(self._disk.create(archive))
            self._disk.fsync_folder()
        conv.phase = "live"

    def _finalize(self, key: str) -> _Conv:
        """Reverse ``.backfill.done`` into the archive (steps 2-3 above)."""
        done = self._file(key, ".backfill.done")
        archive, tmp = self._file(key, ".jsonl"), self._file(key, ".jsonl.tmp")
        size = done.stat().st_size
        if archive.exists() and archive.stat().st_size not in (0, size):
            raise ArchiveCorruptError(archive, f"does not match {done.name}; one of them changed")
        count = 0
        previous: int | None = None
        newest: str | None = None
        fd = self._disk.create(tmp)
        try:
            batch: list[bytes] = []
            pending = 0
            for line in _reverse_lines(done):
                found = message_id(line) if line.endswith(b"\n") else None
                if found is None or (previous is not None and found[0] <= previous):
                    raise ArchiveCorruptError(
                        done, f"line {count + 1} from the end is not a message in order"
                    )
                previous, newest = found[0], found[1]
                count += 1
                batch.append(line)
                pending += len(line)
                if pending >= _BLOCK:
                    self._disk.write(fd, b"".join(batch), tmp)
                    batch.clear()
                    pending = 0
            if batch:
                self._disk.write(fd, b"".join(batch), tmp)
            self._disk.fsync(fd, tmp)
        finally:
            os.close(fd)
        self._disk.rename(tmp, archive)
        self._disk.fsync_folder()
        self._disk.unlink(done)
        self._disk.fsync_folder()
        return _Conv("live", count, newest, changed=True)

    def add_forward_page(self, conversation: Conversation, page: list[RawMessage]) -> None:
        """Append a page of new messages to the archive, in whole lines."""
        conv = self._load(conversation)
        if conv.phase != "live":
            raise ValueError(f"{conversation.key}: history is not complete yet")
        self._append(conversation, conv, page)

    # --- letting go -----------------------------------------------------------

    @staticmethod
    def _close_fd(conv: _Conv) -> None:
        fd, conv.fd = conv.fd, None
        if fd is not None:
            os.close(fd)

    def _forget(self, key: str) -> None:
        conv = self._convs.pop(key, None)
        if conv is not None:
            self._close_fd(conv)

    def _settle(self, key: str, conv: _Conv) -> None:
        """Close the conversation's file and vouch for it in its state."""
        path = self._active(key, conv.phase)
        self._close_fd(conv)
        if not conv.changed or not path.exists():
            return
        # What the state vouches for must survive power loss first.
        self._disk.fsync_path(path)
        stat = path.stat()
        state = {
            "phase": conv.phase,
            "stored": conv.stored,
            "file": path.name,
            "bytes": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
        }
        self._disk.replace(self._file(key, ".state.json"), json.dumps(state).encode())
        conv.changed = False

    def done(self, conversation: Conversation) -> None:
        """This run is finished with ``conversation``: close it and save its counts."""
        conv = self._convs.get(conversation.key)
        if conv is not None:
            self._settle(conversation.key, conv)

    def close(self) -> None:
        """Save every conversation's counts and release the lock (idempotent)."""
        try:
            failure: BaseException | None = None
            for key, conv in self._convs.items():
                try:
                    self._settle(key, conv)
                except Exception as exc:
                    failure = failure or exc
                    self._close_fd(conv)
            if self._names_changed:
                # Rebuilt by any run from what discovery finds: no fsync needed.
                names = dict(sorted(self._names.items()))
                self._disk.replace(self.out / CONVERSATIONS_NAME, json.dumps(names).encode())
                self._names_changed = False
            if failure is not None:
                raise failure
        finally:
            self._convs.clear()
            self._lock.release()
