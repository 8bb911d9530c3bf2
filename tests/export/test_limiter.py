"""The shared rate limiter paces, backs off on 420 and creeps back up."""

from __future__ import annotations

import pytest

from groupme_async.export import AdaptiveRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(clock: Clock, **kwargs: float) -> AdaptiveRateLimiter:
    return AdaptiveRateLimiter(clock=clock, sleep=clock.sleep, **kwargs)


async def test_acquire_spaces_requests_at_the_current_rate() -> None:
    clock = Clock()
    gate = limiter(clock, initial_rate=10.0)
    for _ in range(11):
        await gate.acquire()
    # 11 slots at 10/s span one second.
    assert clock.now == pytest.approx(1.0)


async def test_a_420_cuts_the_rate_once_per_burst() -> None:
    clock = Clock()
    gate = limiter(clock, initial_rate=20.0, decrease=0.5)
    gate.report(420)
    gate.report(420)  # in flight with the first: same signal
    assert gate.rate == pytest.approx(10.0)
    assert gate.refused == 2
    clock.now += 1.0
    gate.report(420)
    assert gate.rate == pytest.approx(5.0)


async def test_rate_grows_after_success_and_respects_bounds() -> None:
    clock = Clock()
    gate = limiter(clock, initial_rate=4.0, max_rate=10.0)
    clock.now += 1.0
    gate.report(200)  # slow start doubles per second
    assert gate.rate == pytest.approx(8.0)
    clock.now += 5.0
    gate.report(200)
    assert gate.rate == 10.0
    gate.report(420)
    clock.now += 1.0
    gate.report(200)  # after the first refusal growth is additive, not doubling
    assert 8.5 < gate.rate < 10.0


async def test_server_errors_and_connection_failures_do_not_grow_the_rate() -> None:
    clock = Clock()
    gate = limiter(clock, initial_rate=4.0)
    clock.now += 1.0
    gate.report(503)
    gate.report(None)
    assert gate.rate == 4.0
    assert gate.requests == 2


def test_bad_settings_are_rejected() -> None:
    with pytest.raises(ValueError):
        AdaptiveRateLimiter(initial_rate=0.1, min_rate=1.0)
    with pytest.raises(ValueError):
        AdaptiveRateLimiter(decrease=1.5)


async def test_converges_near_a_token_bucket_limit_with_few_refusals() -> None:
    """Simulated server: 50 req/s with a burst of 10; the limiter must hold
    >= 90% of it with <= 2% refusals (the export's benchmark target)."""
    clock = Clock()
    gate = limiter(clock, initial_rate=5.0)
    allowed, burst = 50.0, 10.0
    tokens, last = burst, 0.0
    ok = refused = 0
    while clock.now < 120.0:
        await gate.acquire()
        tokens = min(burst, tokens + (clock.now - last) * allowed)
        last = clock.now
        if tokens >= 1.0:
            tokens -= 1.0
            ok += 1
            gate.report(200)
        else:
            refused += 1
            gate.report(420)
        clock.now += 0.0005  # the request's own latency
    assert ok / clock.now >= 0.9 * allowed
    assert refused / (ok + refused) <= 0.02
