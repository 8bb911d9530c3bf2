"""A rate limiter shared by every task of an export.

GroupMe publishes no rate limit; it answers 420 when a client goes too fast.
The limiter therefore learns the allowed rate instead of guessing one:

* Until the first refusal it does not pace at all, so an export against a
  server that never refuses runs at full speed.
* A 420 switches pacing on, at the rate of successful requests measured over
  the last second (a token-bucket server admits exactly its rate once its
  burst is spent), lowered by ``backoff``.  The first time, the measurement
  may be short of a full second, so the rate then grows quickly (x4 per
  second) until the next refusal calibrates it.
* After that it creeps up by ``growth`` (a fraction of the rate per second)
  and steps back to ``backoff`` x the measured rate on each refusal: close to
  the allowed rate, with a refusal only every several hundred requests.

Refusals of requests already in flight when the first one came back are the
same signal and do not lower the rate again.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

import anyio

from ._constants import RATE_LIMIT_STATUSES

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

_WINDOW = 1.0
#: No pacing beyond this many requests per second (it would mean none).
_MAX_RATE = 1e6
_MAX_GROWTH_SECONDS = 10.0


class AdaptiveRateLimiter:
    """Paces requests at a rate it adapts to the server's 420s.

    Pass one to ``AsyncGroupMe(rate_limiter=...)`` or
    ``gm.with_options(rate_limiter=...)``; the export shares one among all
    its conversations.

    ``acquire()`` waits for the next send slot; ``report(status)`` feeds back
    each attempt's outcome (``None`` for a connection failure).  One instance
    may be shared by any number of tasks.  ``rate`` is ``None`` while
    unpaced.
    """

    def __init__(
        self,
        *,
        min_rate: float = 0.5,
        backoff: float = 0.95,
        growth: float = 0.01,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        # Written so NaN fails each check (every comparison with NaN is false):
        # a NaN rate would silently switch pacing off.
        if not 0 < min_rate < math.inf:
            raise ValueError(f"min_rate must be a finite positive number, got {min_rate!r}")
        if not 0 < backoff < 1:
            raise ValueError(f"backoff must be between 0 and 1, got {backoff!r}")
        if not 0 <= growth < math.inf:
            raise ValueError(f"growth must be a finite number >= 0, got {growth!r}")
        self.rate: float | None = None
        self.min_rate = min_rate
        self._backoff = backoff
        self._growth = growth
        self._clock = clock or time.monotonic
        self._sleep = sleep or anyio.sleep
        self._next_slot = 0.0
        self._last_report = self._clock()
        self._calm_until = float("-inf")
        self._fast_growth = False
        self._successes: deque[float] = deque()
        self.requests = 0
        self.refused = 0

    async def acquire(self) -> None:
        """Wait for the next send slot (at once while unpaced)."""
        if self.rate is None:
            return
        now = self._clock()
        slot = max(now, self._next_slot)
        self._next_slot = slot + 1.0 / self.rate
        if slot > now:
            await self._sleep(slot - now)

    def _measured(self, now: float) -> float:
        while self._successes and self._successes[0] < now - _WINDOW:
            self._successes.popleft()
        return len(self._successes) / _WINDOW

    def report(self, status: int | None) -> None:
        """Learn from one attempt: a 420/429 lowers the rate, a success
        raises it; ``None`` (no answer) and 5xx teach nothing."""
        self.requests += 1
        now = self._clock()
        elapsed = max(0.0, now - self._last_report)
        self._last_report = now
        if status in RATE_LIMIT_STATUSES:
            self.refused += 1
            if now < self._calm_until:
                return
            measured = max(self.min_rate, self._measured(now))
            if self.rate is None:
                self.rate = measured
                self._fast_growth = True
            else:
                self.rate = max(self.min_rate, self._backoff * min(self.rate, measured))
                self._fast_growth = False
            self._calm_until = now + _WINDOW / 2
            self._next_slot = max(self._next_slot, now + 1.0 / self.rate)
            return
        if status is None or status >= 500:
            return
        self._successes.append(now)
        if self.rate is not None:
            # The exponent is capped: after minutes of silence (a long
            # backoff) 4 ** elapsed would overflow a float.
            factor = (
                4.0 ** min(elapsed, _MAX_GROWTH_SECONDS)
                if self._fast_growth
                else 1.0 + self._growth * elapsed
            )
            self.rate = min(_MAX_RATE, self.rate * factor)
