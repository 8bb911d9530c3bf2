"""Crash safety: a run killed at ANY disk step resumes with nothing lost and
nothing duplicated, in both formats, while walking back, while finishing
the walk back, and while adding new messages."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from groupme_async.export import export
from groupme_async.testing import FakeGroupMe

from .conftest import VirtualClock, make_client, make_fake, read_archive, truth
from .hostile import Crash, CrashAt

FORMATS = ["jsonl", "sqlite"]
World = tuple[FakeGroupMe, VirtualClock]


def small_world(clock: VirtualClock) -> FakeGroupMe:
    # Three pages walking back per conversation: several page steps, then the finish.
    return make_fake(
        clock, seed=4, dm_chats=1, groups=1, messages_per_conversation=230, exact_counts=True
    )


async def run(fake: FakeGroupMe, clock: VirtualClock, out: Path, fmt: str, hook: CrashAt) -> None:
    async with make_client(fake, clock) as gm:
        try:
            summary = await export(gm, out, format=fmt, on_step=hook)  # type: ignore[arg-type]
        except Crash:
            return
    if hook.crashed:
        assert not summary.ok
        assert any("killed" in (r.error or "") for r in summary.results)
    else:
        assert summary.ok


async def rerun_is_exact(fake: FakeGroupMe, clock: VirtualClock, out: Path, fmt: str) -> None:
    async with make_client(fake, clock) as gm:
        summary = await export(gm, out, format=fmt)  # type: ignore[arg-type]
    expected = truth(fake)
    assert summary.ok, summary.results
    assert read_archive(fmt, out) == expected
    assert {r.conversation.key: r.stored for r in summary.results} == {
        k: len(v) for k, v in expected.items()
    }
    leftovers = [p.name for p in out.iterdir() if ".tmp" in p.name or ".backfill" in p.name]
    assert leftovers == []


def post_new_messages(fake: FakeGroupMe, n: int) -> None:
    for conv in fake.conversations():
        for i in range(n):
            fake.post(conv.kind, conv.id, f"new {i}")


async def crash_at_every_step(
    tmp_path: Path, fmt: str, prepare: Callable[[Path], Awaitable[World]]
) -> list[tuple[str, str]]:
    """Count the steps of one run of a world ``prepare`` makes, then for
    each step: a fresh world, a run killed there, and a rerun that must be
    exact.  Returns the steps."""
    fake, clock = await prepare(tmp_path / "count")
    counter = CrashAt()
    await run(fake, clock, tmp_path / "count", fmt, counter)
    for at in range(len(counter.steps)):
        out = tmp_path / f"crash-{at}"
        fake, clock = await prepare(out)
        hook = CrashAt(at)
        await run(fake, clock, out, fmt, hook)
        assert hook.crashed
        try:
            await rerun_is_exact(fake, clock, out, fmt)
        except AssertionError as exc:
            raise AssertionError(f"crash before step {at} {hook.steps[at]}: {exc}") from exc
    return counter.steps


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_crash_at_any_step_of_a_first_run_resumes_exactly(tmp_path: Path, fmt: str) -> None:
    async def fresh(out: Path) -> World:
        clock = VirtualClock()
        return small_world(clock), clock

    steps = await crash_at_every_step(tmp_path, fmt, fresh)
    expected_kinds = (
        {"mkdir", "create", "write", "fsync", "fsync-dir", "rename", "unlink"}
        if fmt == "jsonl"
        else {"mkdir", "create", "write", "rename", "unlink", "sql", "commit"}
    )
    assert expected_kinds <= {step for step, _ in steps}


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_crash_at_any_step_while_adding_new_messages_resumes_exactly(
    tmp_path: Path, fmt: str
) -> None:
    async def archived(out: Path) -> World:
        clock = VirtualClock()
        fake = small_world(clock)
        await run(fake, clock, out, fmt, CrashAt())
        post_new_messages(fake, 130)  # two forward pages each
        return fake, clock

    steps = await crash_at_every_step(tmp_path, fmt, archived)
    assert {"write", "commit" if fmt == "sqlite" else "fsync"} <= {s for s, _ in steps}


# --- a real kill -9, in a child process ----------------------------------------

CHILD = textwrap.dedent(
    """
    import os, re, signal, sys
    import anyio
    from groupme_async.export import export
    from groupme_async.testing import FakeGroupMe

    fmt, out, kill_at = sys.argv[1], sys.argv[2], sys.argv[3]

    def hook(step, name):
        if re.search(kill_at, f"{step}:{name}"):
            os.kill(os.getpid(), signal.SIGKILL)

    async def main():
        fake = FakeGroupMe(seed=4, dm_chats=1, groups=1, messages_per_conversation=230,
                           exact_counts=True)
        async with fake.client() as gm:
            await export(gm, out, format=fmt, on_step=hook, concurrency=1)

    anyio.run(main)
    """
)


@pytest.mark.parametrize(
    ("fmt", "kill_at"),
    [
        # The kill that used to duplicate a whole history: the reversed
        # archive is renamed into place, the backfill not yet gone.
        ("jsonl", r"^unlink:group-.*\.backfill\.done$"),
        ("jsonl", r"^rename:group-.*\.jsonl\.tmp$"),
        ("jsonl", r"^rename:group-.*\.backfill\.jsonl$"),
        ("jsonl", r"^write:dm-.*\.backfill\.jsonl$"),
        # Mid-transaction and just before a commit: SQLite's own recovery.
        ("sqlite", r"^commit:"),
        ("sqlite", r"^sql:"),
    ],
)
async def test_kill_9_at_a_step_then_rerun_is_exact(tmp_path: Path, fmt: str, kill_at: str) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, fmt, str(tmp_path), kill_at],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    clock = VirtualClock()
    await rerun_is_exact(small_world(clock), clock, tmp_path, fmt)
