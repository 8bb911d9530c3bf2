"""Every change an archive makes on disk, one step at a time.

The sinks never touch the disk directly: each write, fsync, rename, unlink
and truncation goes through :class:`Disk`, which first tells an optional
hook which step it is about to take.  A test stops a run at any step by
raising from the hook and checks that the next run resumes exactly.

An archive holds private messages, so what it creates is private: files
0600 and folders 0700, whatever the umask.  Files are opened with
``O_NOFOLLOW`` so a symlink planted in the archive cannot redirect a write.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700

StepHook = Callable[[str, str], None]
"""Called as ``hook(step, file name)`` before each step that changes the
archive on disk: ``mkdir``, ``create``, ``write``, ``truncate``, ``fsync``,
``fsync-dir``, ``rename``, ``unlink``, and for SQLite ``sql`` and ``commit``.
Raising from it stops the step (and, for a test, simulates a crash there)."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _CLOEXEC
_FRESH = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | _CLOEXEC


class Disk:
    """The archive folder ``folder`` and the steps that change it."""

    def __init__(self, folder: str | os.PathLike[str], on_step: StepHook | None = None) -> None:
        self.folder = Path(folder)
        self._hook = on_step

    def step(self, name: str, path: Path) -> None:
        if self._hook is not None:
            self._hook(name, path.name)

    def make_folder(self) -> None:
        """Create the folder (and any missing parents) 0700; an existing
        folder keeps its mode: it may be one the user shares on purpose."""
        missing = []
        folder = self.folder
        while not folder.is_dir():
            missing.append(folder)
            if folder.parent == folder:
                break
            folder = folder.parent
        for path in reversed(missing):
            self.step("mkdir", path)
            try:
                path.mkdir(mode=FOLDER_MODE)
            except FileExistsError:
                if path.is_dir():
                    continue  # made meanwhile by someone else: theirs to keep
                raise
            # mkdir's mode is filtered by the umask; set it exactly.
            os.chmod(path, FOLDER_MODE)

    def private(self, path: Path) -> None:
        """Make an existing file 0600 (one written by an older version may not be)."""
        if path.exists() and (path.stat().st_mode & 0o777) != FILE_MODE:
            os.chmod(path, FILE_MODE)

    def open_append(self, path: Path) -> int:
        """A descriptor appending to ``path``, created 0600 if missing."""
        if not path.exists():
            self.step("create", path)
        return self._open(path, _APPEND)

    def create(self, path: Path) -> int:
        """A descriptor writing ``path`` afresh (created 0600, or emptied)."""
        self.step("create", path)
        return self._open(path, _FRESH)

    def _open(self, path: Path, flags: int) -> int:
        fd = os.open(path, flags, FILE_MODE)
        try:
            if hasattr(os, "fchmod") and (os.fstat(fd).st_mode & 0o777) != FILE_MODE:
                os.fchmod(fd, FILE_MODE)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def write(self, fd: int, data: bytes, path: Path) -> None:
        """All of ``data``; ``OSError`` (disk full, file too large) may leave
        a prefix written, which the caller must roll back."""
        self.step("write", path)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]

    def truncate(self, fd: int, size: int, path: Path) -> None:
        self.step("truncate", path)
        os.ftruncate(fd, size)

    def truncate_path(self, path: Path, size: int) -> None:
        fd = os.open(path, os.O_WRONLY | _NOFOLLOW | _CLOEXEC)
        try:
            self.truncate(fd, size, path)
        finally:
            os.close(fd)

    def fsync(self, fd: int, path: Path) -> None:
        self.step("fsync", path)
        os.fsync(fd)

    def fsync_path(self, path: Path) -> None:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
        try:
            self.fsync(fd, path)
        finally:
            os.close(fd)

    def fsync_folder(self) -> None:
        """Make renames, creations and unlinks in the folder durable."""
        self.step("fsync-dir", self.folder)
        if not hasattr(os, "O_DIRECTORY"):  # Windows: a folder cannot be fsynced
            return
        fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def rename(self, source: Path, target: Path) -> None:
        self.step("rename", source)
        os.replace(source, target)

    def unlink(self, path: Path) -> None:
        if path.exists():
            self.step("unlink", path)
            path.unlink(missing_ok=True)

    def replace(self, path: Path, data: bytes) -> None:
        """Swap in a small file whole (through a temporary and a rename), so
        a reader sees the old contents or the new, never a mixture.  Not
        fsynced: callers only use it for what can be rebuilt."""
        tmp = path.with_name(path.name + ".tmp")
        fd = self.create(tmp)
        try:
            self.write(fd, data, tmp)
        finally:
            os.close(fd)
        self.rename(tmp, path)
