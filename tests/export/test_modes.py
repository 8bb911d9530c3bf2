"""An archive holds private messages: every file it creates is 0600 and
every folder 0700, whatever the umask, including temporaries, the lock and
SQLite's side files."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from groupme_async.export import export, open_sink

from .conftest import VirtualClock, make_client, make_fake

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")

FORMATS = ["jsonl", "sqlite"]


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


class Modes:
    """A step hook that records the mode of everything under ``root`` at
    every step, so files that exist only mid-run are seen too."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seen: dict[str, int] = {}

    def __call__(self, step: str = "", name: str = "") -> None:
        for path in [self.root, *self.root.rglob("*")] if self.root.exists() else []:
            if path.exists():
                kind = "/" if path.is_dir() else ""
                self.seen[str(path.relative_to(self.root.parent)) + kind] = stat.S_IMODE(
                    path.stat().st_mode
                )


@pytest.mark.parametrize("fmt", FORMATS)
async def test_everything_the_archive_creates_is_private(tmp_path: Path, fmt: str) -> None:
    root = tmp_path / "new"
    modes = Modes(root)
    clock = VirtualClock()
    fake = make_fake(clock, seed=6, dm_chats=1, groups=1, messages_per_conversation=250)
    with umask(0o022):  # the usual umask: left to it, files would be 0644, folders 0755
        async with make_client(fake, clock) as gm:
            await export(gm, root / "archive", format=fmt, on_step=modes)  # type: ignore[arg-type]
            for conv in fake.conversations():
                fake.post(conv.kind, conv.id, "new")
            await export(gm, root / "archive", format=fmt, on_step=modes)  # type: ignore[arg-type]
    modes()
    folders = {name: mode for name, mode in modes.seen.items() if name.endswith("/")}
    files = {name: mode for name, mode in modes.seen.items() if not name.endswith("/")}
    assert folders == {"new/": 0o700, "new/archive/": 0o700}
    assert {mode for mode in files.values()} == {0o600}, files
    names = {Path(name).name for name in files}
    lock = {".groupme-export.lock", ".groupme-export.lock.json", ".groupme-export.lock.json.tmp"}
    assert lock <= names
    if fmt == "sqlite":
        assert {"groupme.sqlite", "groupme.sqlite-wal", "groupme.sqlite-shm"} <= names
    else:
        suffixes = {name.split(".", 1)[1] for name in names if name.startswith("group-")}
        assert suffixes == {
            "backfill.jsonl",
            "backfill.done",
            "jsonl.tmp",
            "jsonl",
            "state.json.tmp",
            "state.json",
        }


@pytest.mark.parametrize("fmt", FORMATS)
def test_files_an_older_version_left_readable_become_private(tmp_path: Path, fmt: str) -> None:
    from groupme_async.export import Conversation

    conv = Conversation(kind="group", id="5")
    sink = open_sink(fmt, tmp_path)  # type: ignore[arg-type]
    sink.resume_point(conv)
    sink.add_backfill_page(conv, [{"id": "2"}, {"id": "1"}])
    sink.finish_backfill(conv)
    sink.close()
    for path in tmp_path.iterdir():
        path.chmod(0o644)
    sink = open_sink(fmt, tmp_path)  # type: ignore[arg-type]
    try:
        sink.resume_point(conv)
        archive = tmp_path / ("groupme.sqlite" if fmt == "sqlite" else "group-5.jsonl")
        assert stat.S_IMODE(archive.stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / ".groupme-export.lock").stat().st_mode) == 0o600
    finally:
        sink.close()


def test_an_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    """``--out .`` or a shared folder: only what the export creates is made private."""
    tmp_path.chmod(0o755)
    open_sink("jsonl", tmp_path).close()
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
