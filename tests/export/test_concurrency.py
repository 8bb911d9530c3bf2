"""The export's concurrency controller, on a virtual clock: it grows while
answers come back clean and fast, cuts on 420/429 and on latency rising,
stays within its bounds, and never parks the largest walk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.lowlevel
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groupme_async.export import AdaptiveConcurrency

from ..clock import VirtualClock

RTT = 0.1


def controller(clock: VirtualClock, **kwargs: int | float) -> AdaptiveConcurrency:
    return AdaptiveConcurrency(clock=clock, **kwargs)  # type: ignore[arg-type]


@asynccontextmanager
async def walking(ctl: AdaptiveConcurrency, n: int) -> AsyncIterator[None]:
    """``n`` walks that each take a slot (or wait for one) and keep it for
    the block."""
    done = anyio.Event()

    async def one(index: int) -> None:
        async with ctl.slot((0.0, index)):
            await done.wait()

    async with anyio.create_task_group() as tg:
        for i in range(n):
            tg.start_soon(one, i)
        await settle()
        yield
        done.set()


def answer_round(
    ctl: AdaptiveConcurrency, clock: VirtualClock, rtt: float, status: int = 200
) -> None:
    """One answer per walk within the limit (those over it have parked),
    each after ``rtt``."""
    clock.now += rtt
    for _ in range(max(1, min(ctl.running, ctl.limit))):
        ctl.observe(status, rtt)


async def settle() -> None:
    for _ in range(20):
        await anyio.lowlevel.checkpoint()


async def rounds(ctl: AdaptiveConcurrency, clock: VirtualClock, n: int, read: str) -> list[int]:
    """``ctl.<read>`` after each of ``n`` clean rounds of answers."""
    seen = []
    for _ in range(n):
        answer_round(ctl, clock, RTT)
        await settle()
        seen.append(int(getattr(ctl, read)))
    return seen


async def test_slow_start_doubles_each_round_trip_while_walks_wait() -> None:
    clock = VirtualClock()
    ctl = controller(clock, initial=4, maximum=64)
    async with walking(ctl, 50):
        seen = [ctl.running, *await rounds(ctl, clock, 3, "running")]
    assert seen == [4, 8, 16, 32]
    assert ctl.peak == 32


async def test_no_growth_without_a_walk_waiting() -> None:
    clock = VirtualClock()
    ctl = controller(clock, initial=4, maximum=64)
    async with walking(ctl, 3):
        for _ in range(10):
            answer_round(ctl, clock, RTT)
    assert ctl.limit == 4


async def test_a_420_halves_once_per_burst_then_grows_by_one_a_round() -> None:
    clock = VirtualClock()
    ctl = controller(clock, initial=16, maximum=64)
    async with walking(ctl, 40):
        answer_round(ctl, clock, RTT)  # a baseline, and slow start to 32
        assert ctl.limit == 32
        clock.now += RTT
        for _ in range(5):  # the requests in flight with it carry the same news
            ctl.observe(420, RTT)
        assert ctl.limit == 16
        assert ctl.cuts == 1
        clock.now += 2 * RTT
        ctl.observe(429, RTT)  # a later refusal is news again
        assert ctl.limit == 8
        await settle()
        limits = await rounds(ctl, clock, 4, "limit")
    # Congestion avoidance: one more walk per round trip, not double.
    assert limits == [9, 10, 11, 12]
    assert ctl.refused == 6


async def test_latency_rising_cuts_multiplicatively() -> None:
    clock = VirtualClock()
    ctl = controller(clock, initial=20, maximum=64)
    async with walking(ctl, 40):
        answer_round(ctl, clock, RTT)
        grown = ctl.limit
        await settle()
        answer_round(ctl, clock, 3 * RTT)  # answers three times slower
    assert ctl.limit == int(grown * 0.8)
    assert ctl.cuts == 1


async def test_jitter_within_tolerance_is_not_a_rise() -> None:
    clock = VirtualClock()
    ctl = controller(clock, initial=4, maximum=8)
    async with walking(ctl, 30):
        for rtt in [0.1, 0.14, 0.07, 0.16, 0.08, 0.15, 0.1, 0.17]:
            answer_round(ctl, clock, rtt)
            await settle()
    assert ctl.cuts == 0
    assert ctl.limit == 8


async def test_5xx_and_lost_answers_teach_nothing() -> None:
    clock = VirtualClock()
    ctl = controller(clock, initial=4)
    for status in (500, 503, None):
        for _ in range(20):
            ctl.observe(status, 10.0)
    assert ctl.limit == 4 and ctl.cuts == 0


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 6),
    st.integers(0, 10),
    st.lists(
        st.tuples(st.sampled_from([200, 200, 200, 420, 429, 503, None]), st.floats(0.001, 5.0)),
        max_size=300,
    ),
)
def test_the_limit_stays_within_its_bounds(
    minimum: int, extra: int, answers: list[tuple[int | None, float]]
) -> None:
    clock = VirtualClock()
    maximum = minimum + extra
    ctl = AdaptiveConcurrency(initial=minimum, minimum=minimum, maximum=maximum, clock=clock)

    async def go() -> None:
        async with walking(ctl, maximum + 3):
            for status, rtt in answers:
                clock.now += rtt / 4
                ctl.observe(status, rtt)
                assert minimum <= ctl.limit <= maximum
                await anyio.lowlevel.checkpoint()
                assert ctl.running <= max(ctl.limit, ctl.running)

    anyio.run(go)
    assert minimum <= ctl.peak <= maximum


def test_fixed_never_changes() -> None:
    clock = VirtualClock()
    ctl = AdaptiveConcurrency.fixed(3, clock=clock)
    for status in (200,) * 50 + (420,) * 5:
        clock.now += 1.0
        ctl.observe(status, 0.1)
    assert ctl.limit == 3 and ctl.peak == 3


async def test_slots_go_to_the_largest_conversation_first() -> None:
    clock = VirtualClock()
    ctl = controller(clock, initial=1, maximum=1)
    order: list[int] = []
    gate = anyio.Event()

    async def walk(size: int, index: int) -> None:
        async with ctl.slot((-float(size), index)):
            order.append(size)
            await gate.wait()

    async with anyio.create_task_group() as tg:
        async with ctl.slot((0.0, 99)):  # everyone queues behind this one
            for index, size in enumerate([10, 500, 30, 2000, 7]):
                tg.start_soon(walk, size, index)
            await settle()
        gate.set()
    assert order == [2000, 500, 30, 10, 7]


async def test_when_the_limit_falls_the_smallest_walks_yield_and_the_largest_never() -> None:
    clock = VirtualClock()
    ctl = controller(clock, initial=4, maximum=4)
    parked: list[int] = []
    pages: dict[int, int] = {}
    stop = anyio.Event()

    async def walk(size: int) -> None:
        async with ctl.slot((-float(size), size)) as slot:
            while not stop.is_set():
                pages[size] = pages.get(size, 0) + 1
                clock.now += 0.01
                if await slot.yield_if_over():
                    parked.append(size)
                await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as tg:
        for size in (1000, 400, 300, 200):
            tg.start_soon(walk, size)
        await settle()
        for _ in range(3):  # refusals, well apart: 4 -> 2 -> 1 -> 1
            clock.now += 1.0
            ctl.observe(420, 0.05)
            await settle()
        assert ctl.limit == 1
        before = dict(pages)
        await settle()
        stop.set()
    # Only the largest kept walking; the three others gave up their slots.
    assert sorted(parked) == [200, 300, 400]
    assert pages[1000] > before[1000]
    assert all(pages[s] <= before[s] + 1 for s in (200, 300, 400))


async def test_a_walk_cancelled_while_waiting_leaves_no_slot_taken() -> None:
    clock = VirtualClock()
    ctl = controller(clock, initial=1, maximum=1)
    async with ctl.slot((0.0, 0)):
        with anyio.move_on_after(0.01):
            async with ctl.slot((0.0, 1)):
                raise AssertionError("got a slot that was taken")
        assert ctl.waiting == 0
    assert ctl.running == 0
    async with ctl.slot((0.0, 2)):
        assert ctl.running == 1


def test_bad_settings_are_rejected() -> None:
    with pytest.raises(ValueError, match="minimum <= initial <= maximum"):
        AdaptiveConcurrency(initial=8, maximum=4)
    with pytest.raises(ValueError, match="positive integer"):
        AdaptiveConcurrency(maximum=0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        AdaptiveConcurrency(backoff=1.0)
    with pytest.raises(ValueError, match="tolerance"):
        AdaptiveConcurrency(tolerance=1.0)
