"""A rate limiter shared by every task of an export.

GroupMe publishes no rate limit; it answers 420 when a client goes too fast.
The limiter therefore learns the allowed rate: it starts slow, doubles its
rate while nothing is refused (slow start), and after a 420 settles into
additive increase / gentle multiplicative decrease around the rate the
server allows.  A decrease of 15% keeps the average close to the limit
(about 92% of it) while the slow additive climb keeps 420s rare.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import anyio

from .._constants import RETRY_STATUSES

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class AdaptiveRateLimiter:
    """Paces requests at a rate it adapts to the server's 420s.

    ``acquire()`` waits for the next send slot; ``report(status)`` feeds back
    the outcome (``None`` for a connection failure).  One instance may be
    shared by any number of tasks.
    """

    def __init__(
        self,
        *,
        initial_rate: float = 10.0,
        min_rate: float = 0.5,
        max_rate: float = 1000.0,
        decrease: float = 0.85,
        increase_per_second: float | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        if not 0 < min_rate <= initial_rate <= max_rate:
            raise ValueError("need 0 < min_rate <= initial_rate <= max_rate")
        if not 0 < decrease < 1:
            raise ValueError("decrease must be between 0 and 1")
        self.rate = initial_rate
        self.min_rate = min_rate
        self.max_rate = max_rate
        self._decrease = decrease
        self._increase = increase_per_second
        self._clock = clock or time.monotonic
        self._sleep = sleep or anyio.sleep
        self._next_slot = self._clock()
        self._last_update = self._clock()
        self._last_decrease = float("-inf")
        self._slow_start = True
        self.requests = 0
        self.refused = 0

    async def acquire(self) -> None:
        now = self._clock()
        slot = max(now, self._next_slot)
        self._next_slot = slot + 1.0 / self.rate
        if slot > now:
            await self._sleep(slot - now)

    def report(self, status: int | None) -> None:
        self.requests += 1
        now = self._clock()
        elapsed = max(0.0, now - self._last_update)
        self._last_update = now
        if status in (420, 429):
            self.refused += 1
            # One burst of refusals is one signal: requests already in flight
            # when the first 420 came back must not shrink the rate again.
            if now - self._last_decrease >= 2.0 / self.rate:
                self._last_decrease = now
                self._slow_start = False
                self.rate = max(self.min_rate, self.rate * self._decrease)
                self._next_slot = max(self._next_slot, now + 1.0 / self.rate)
            return
        if status is None or status in RETRY_STATUSES:
            return
        if self._slow_start:
            self.rate = min(self.max_rate, self.rate * 2.0**elapsed)
        else:
            step = self._increase if self._increase is not None else 0.02 * self.rate
            self.rate = min(self.max_rate, self.rate + step * elapsed)
