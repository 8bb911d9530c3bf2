"""One export at a time per archive, across processes; a killed holder's
lock is free for the next run."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from groupme_async.export import ArchiveLockedError, Conversation, export, open_sink

from .conftest import QuietProgress, VirtualClock, make_client, make_fake, read_archive, truth

FORMATS = ["jsonl", "sqlite"]
HOLDER_NOTE = ".groupme-export.lock.json"

HOLD = textwrap.dedent(
    """
    import sys
    from groupme_async.export import open_sink

    sink = open_sink(sys.argv[1], sys.argv[2])
    print("holding", flush=True)
    sys.stdin.read()  # until the parent closes our stdin, or kills us
    sink.close()
    """
)

TRY = textwrap.dedent(
    """
    import sys
    from groupme_async.export import ArchiveLockedError, open_sink

    try:
        open_sink(sys.argv[1], sys.argv[2]).close()
    except ArchiveLockedError as exc:
        print(exc)
        sys.exit(3)
    """
)


@contextmanager
def holder(fmt: str, out: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``out`` open as an archive."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, fmt, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline() == "holding\n"
            yield proc
        finally:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=30)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_second_process_cannot_export_while_another_holds_the_archive(
    tmp_path: Path, fmt: str
) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=2, dm_chats=1, groups=1, messages_per_conversation=120)
    with holder(fmt, tmp_path) as other:
        before = snapshot(tmp_path)
        async with make_client(fake, clock) as gm:
            with pytest.raises(ArchiveLockedError) as refused:
                await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
        message = str(refused.value)
        assert f"pid {other.pid} on {socket.gethostname()}" in message
        assert str(tmp_path) in message and "started 20" in message
        assert refused.value.holder is not None and refused.value.holder["pid"] == other.pid
        assert fake.stats.requests == 0  # refused before any request
        assert snapshot(tmp_path) == before  # and before touching anything
    # Once the other run lets go, this one proceeds.
    async with make_client(fake, clock) as gm:
        summary = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
    assert summary.ok
    assert read_archive(fmt, tmp_path) == truth(fake)
    assert not (tmp_path / HOLDER_NOTE).exists()


class TryFromAnotherProcess(QuietProgress):
    """Progress hook: once the export has written a page, another process
    tries to open the same archive."""

    def __init__(self, fmt: str, out: Path) -> None:
        self.fmt = fmt
        self.out = out
        self.answer: subprocess.CompletedProcess[str] | None = None

    def advanced(self, conversation: Conversation, messages: int) -> None:
        if self.answer is None:
            self.answer = subprocess.run(
                [sys.executable, "-c", TRY, self.fmt, str(self.out)],
                capture_output=True,
                text=True,
                timeout=30,
            )


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_running_export_refuses_another_process(tmp_path: Path, fmt: str) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=3, dm_chats=1, groups=1, messages_per_conversation=250)
    probe = TryFromAnotherProcess(fmt, tmp_path)
    async with make_client(fake, clock) as gm:
        summary = await export(gm, tmp_path, format=fmt, progress=probe)  # type: ignore[arg-type]
    assert probe.answer is not None
    assert probe.answer.returncode == 3, probe.answer.stderr
    assert f"pid {os.getpid()} on {socket.gethostname()}" in probe.answer.stdout
    assert summary.ok
    assert read_archive(fmt, tmp_path) == truth(fake)


@pytest.mark.parametrize("fmt", FORMATS)
async def test_the_lock_of_a_killed_run_is_taken_over(tmp_path: Path, fmt: str) -> None:
    with holder(fmt, tmp_path) as other:
        other.kill()  # SIGKILL: nothing of its own clean-up runs
        other.wait(timeout=30)
    note = json.loads((tmp_path / HOLDER_NOTE).read_text())
    assert note["pid"] == other.pid  # the dead run's note is still there
    clock = VirtualClock()
    fake = make_fake(clock, seed=4, dm_chats=1, groups=1, messages_per_conversation=120)
    async with make_client(fake, clock) as gm:
        summary = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
    assert summary.ok
    assert read_archive(fmt, tmp_path) == truth(fake)
    assert not (tmp_path / HOLDER_NOTE).exists()


@pytest.mark.parametrize("fmt", FORMATS)
async def test_two_runs_in_one_process_the_second_is_refused(tmp_path: Path, fmt: str) -> None:
    first = open_sink(fmt, tmp_path)  # type: ignore[arg-type]
    try:
        with pytest.raises(ArchiveLockedError, match=f"pid {os.getpid()}"):
            open_sink(fmt, tmp_path)  # type: ignore[arg-type]
    finally:
        first.close()
    open_sink(fmt, tmp_path).close()  # type: ignore[arg-type]
