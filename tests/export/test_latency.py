"""The export against a fake with network latency, on a virtual clock:
adaptive concurrency fills the pipe, and the largest conversation is never
held up by the others."""

from __future__ import annotations

from pathlib import Path

import anyio

from groupme_async import AdaptiveRateLimiter
from groupme_async.export import AdaptiveConcurrency, ConversationResult, ExportSummary, export
from groupme_async.testing import FakeGroupMe

from ..realtime.simclock import SimClock
from .conftest import QuietProgress, make_client, read_archive, truth

LATENCY = 0.1


def latency_fake(clock: SimClock, **kwargs: object) -> FakeGroupMe:
    return FakeGroupMe(
        seed=5,
        dm_chats=0,
        latency=LATENCY,
        jitter=0.02,
        clock=clock,
        sleep=clock.sleep,
        **kwargs,  # type: ignore[arg-type]
    )


class Finishes(QuietProgress):
    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self.start = clock.now
        self.at: dict[str, float] = {}
        self.paces: list[tuple[int, float]] = []

    def finished(self, result: ConversationResult) -> None:
        self.at[result.conversation.id] = self.clock.now - self.start

    def pace(self, concurrency: int, requests_per_second: float) -> None:
        self.paces.append((concurrency, requests_per_second))


async def run_export(
    fake: FakeGroupMe, clock: SimClock, out: Path, **kwargs: object
) -> tuple[ExportSummary, Finishes]:
    progress = Finishes(clock)
    async with make_client(fake, clock) as gm, anyio.create_task_group() as tg:  # type: ignore[arg-type]
        tg.start_soon(clock.drive)
        summary = await export(
            gm,
            out,
            progress=progress,
            limiter=AdaptiveRateLimiter(clock=clock, sleep=clock.sleep),
            **kwargs,  # type: ignore[arg-type]
        )
        tg.cancel_scope.cancel()
    return summary, progress


async def test_adaptive_concurrency_fills_the_pipe(tmp_path: Path) -> None:
    groups, pages = 12, 10
    runs = {}
    for name, kwargs in {
        "adaptive": {"controller": None},
        "fixed4": {"concurrency": 4},
    }.items():
        clock = SimClock()
        fake = latency_fake(
            clock, groups=groups, messages_per_conversation=pages * 100, exact_counts=True
        )
        if kwargs.get("controller", 0) is None:
            kwargs = {"controller": AdaptiveConcurrency(clock=clock)}
        summary, progress = await run_export(fake, clock, tmp_path / name, **kwargs)
        assert summary.ok and summary.new_messages == groups * pages * 100
        assert read_archive("jsonl", tmp_path / name) == truth(fake)
        runs[name] = (summary, progress, max(progress.at.values()))
    adaptive, _, took = runs["adaptive"]
    fixed, _, fixed_took = runs["fixed4"]
    # Every walk is 12 round trips (10 pages, the end of history, the check
    # for newer messages), and discovery 2: all twelve at once is ~14 round
    # trips, four at a time ~38.  (Sink writes run in a thread, which the
    # virtual clock does not wait for, so the bounds leave room.)
    assert took < 22 * LATENCY
    assert fixed_took > 3 * 12 * LATENCY * 0.9
    assert took < 0.6 * fixed_took
    assert adaptive.peak_concurrency >= groups
    assert fixed.peak_concurrency == 4
    paces = runs["adaptive"][1].paces
    assert paces and max(c for c, _ in paces) >= groups
    assert max(r for _, r in paces) > 4 / LATENCY


async def test_the_largest_conversation_never_waits_on_the_others(tmp_path: Path) -> None:
    clock = SimClock()
    fake = latency_fake(clock, groups=7, messages_per_conversation=200, exact_counts=True)
    big = fake.conversations()[3]
    for i in range(1800):  # 20 pages in all, the others 2
        fake.post("group", big.id, f"filler {i}")
    # Two slots for seven walks: the others share one, the largest keeps its own.
    summary, progress = await run_export(
        fake, clock, tmp_path, controller=AdaptiveConcurrency(initial=2, maximum=2, clock=clock)
    )
    assert summary.ok
    alone = (2 + 20 + 2) * (LATENCY + 0.02)  # discovery, its pages, the ends
    assert progress.at[big.id] <= alone
    # Meanwhile the six others went through the other slot one by one.
    assert max(progress.at.values()) > progress.at[big.id]


async def test_a_rate_limited_latency_fake_still_completes_with_few_refusals(
    tmp_path: Path,
) -> None:
    clock = SimClock()
    fake = latency_fake(
        clock,
        groups=8,
        messages_per_conversation=5000,
        exact_counts=True,
        rate_limit=40.0,
        burst=8,
    )
    started = clock.now
    summary, _ = await run_export(
        fake, clock, tmp_path, controller=AdaptiveConcurrency(clock=clock)
    )
    elapsed = clock.now - started
    assert summary.ok
    assert read_archive("jsonl", tmp_path) == truth(fake)
    admitted = summary.requests - summary.rate_limited
    # The pipe (eight walks at 0.1 s) could carry 80 requests a second: the
    # limit, not the latency, sets the pace, and few requests are refused.
    assert admitted / elapsed >= 0.8 * 40.0
    assert summary.rate_limited <= 0.03 * summary.requests
