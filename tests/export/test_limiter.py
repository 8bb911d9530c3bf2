"""The shared rate limiter: unpaced until refused, then close to the allowed rate."""

from __future__ import annotations

import math

import pytest

from groupme_async import AdaptiveRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def limiter(clock: Clock, **kwargs: float) -> AdaptiveRateLimiter:
    return AdaptiveRateLimiter(clock=clock, sleep=clock.sleep, **kwargs)


async def test_no_pacing_until_the_first_refusal() -> None:
    clock = Clock()
    gate = limiter(clock)
    for _ in range(1000):
        await gate.acquire()
        gate.report(200)
    assert clock.now == 0.0
    assert gate.rate is None


async def test_a_refusal_paces_at_the_measured_success_rate() -> None:
    clock = Clock()
    gate = limiter(clock)
    for _ in range(30):  # 30 successes over the last second
        clock.now += 1 / 30
        gate.report(200)
    gate.report(420)
    assert gate.rate == pytest.approx(30.0)
    start = clock.now
    for _ in range(4):
        await gate.acquire()
    # The first slot is one interval after the refusal, then one per interval.
    assert clock.now - start == pytest.approx(4 / 30, rel=0.05)


async def test_refusals_in_flight_count_once_and_later_ones_back_off() -> None:
    clock = Clock()
    gate = limiter(clock, backoff=0.5)
    for _ in range(20):
        clock.now += 0.05
        gate.report(200)
    gate.report(420)
    first = gate.rate
    gate.report(420)  # in flight with the first: the same signal
    assert gate.rate == first
    assert gate.refused == 2
    for _ in range(20):
        clock.now += 0.05
        gate.report(200)
    before = gate.rate
    assert before is not None and before > first  # type: ignore[operator]
    gate.report(420)
    assert gate.rate == pytest.approx(0.5 * min(before, 20.0))


async def test_server_errors_and_connection_failures_leave_the_rate_alone() -> None:
    clock = Clock()
    gate = limiter(clock)
    clock.now += 1.0
    gate.report(200)
    gate.report(420)
    rate = gate.rate
    clock.now += 1.0
    gate.report(503)
    gate.report(None)
    assert gate.rate == rate
    assert gate.requests == 4


@pytest.mark.parametrize(
    "settings",
    [
        {"min_rate": 0},
        {"min_rate": math.nan},
        {"min_rate": math.inf},
        {"backoff": 1.5},
        {"backoff": math.nan},
        {"growth": -0.1},
        {"growth": math.nan},
        {"growth": math.inf},
    ],
)
def test_bad_settings_are_rejected(settings: dict[str, float]) -> None:
    # A NaN rate compares false with everything: it would switch pacing off.
    with pytest.raises(ValueError):
        AdaptiveRateLimiter(**settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(("allowed", "burst"), [(50.0, 10.0), (20.0, 5.0), (200.0, 40.0)])
async def test_holds_near_a_token_bucket_limit_with_few_refusals(
    allowed: float, burst: float
) -> None:
    """A simulated token-bucket server: the export's benchmark targets are
    >= 90% of the allowed rate with <= 2% of requests refused."""
    clock = Clock()
    gate = limiter(clock)
    tokens, last = burst, 0.0
    ok = refused = 0
    while clock.now < 60.0:
        await gate.acquire()
        tokens = min(burst, tokens + (clock.now - last) * allowed)
        last = clock.now
        clock.now += 0.001  # the request's own latency
        if tokens >= 1.0:
            tokens -= 1.0
            ok += 1
            gate.report(200)
        else:
            refused += 1
            gate.report(420)
    assert ok / clock.now >= 0.9 * allowed
    assert refused / (ok + refused) <= 0.02
