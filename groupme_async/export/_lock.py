"""One export at a time per archive.

The lock is an OS file lock (``flock`` on Unix, through ``filelock``): the
kernel drops it when its process dies, however it dies, so a lock left by a
killed run is simply free for the next one.  Who holds it is written beside
it, for the error a second run shows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from typing import Any

import filelock

from ._disk import FILE_MODE, Disk
from ._model import ArchiveError, ArchiveLockedError

LOCK_NAME = ".groupme-export.lock"
HOLDER_NAME = ".groupme-export.lock.json"


class ArchiveLock:
    """An exclusive, non-blocking lock on ``disk``'s folder."""

    def __init__(self, disk: Disk) -> None:
        self._disk = disk
        self._path = disk.folder / LOCK_NAME
        self._holder = disk.folder / HOLDER_NAME
        # Not thread-local: a sink may be opened and closed on different threads.
        self._lock = filelock.FileLock(self._path, mode=FILE_MODE, thread_local=False)
        self._held = False

    def acquire(self) -> None:
        """Take the lock, or raise :class:`ArchiveLockedError` at once."""
        try:
            self._lock.acquire(blocking=False)
        except filelock.Timeout:
            raise ArchiveLockedError(self._disk.folder, self._read_holder()) from None
        except NotImplementedError as exc:  # filelock < 4 on a filesystem without flock
            raise ArchiveError(f"cannot lock {self._path}: {exc}") from None
        self._held = True
        try:
            self._disk.private(self._path)
            holder = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            }
            self._disk.replace(self._holder, json.dumps(holder).encode())
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        """Let go (idempotent); the holder note goes first, so a note
        without a lock is only ever a dead run's."""
        if not self._held:
            return
        self._held = False
        try:
            self._disk.unlink(self._holder)
        finally:
            self._lock.release()

    def _read_holder(self) -> dict[str, Any] | None:
        try:
            holder = json.loads(self._holder.read_bytes())
        except (OSError, ValueError):
            return None
        return holder if isinstance(holder, dict) else None
