"""How many conversations the export walks at once, learned from the answers.

A conversation's history is one chain of requests (each ``before_id`` comes
from the page before), so a walk has one request in flight at a time (its
next page is requested while the current one is written).  The number of
requests the export keeps in flight is therefore the number of walks
running, and that is what :class:`AdaptiveConcurrency` sets.

Over a real network an answer takes 50-150 ms whatever the load, so the
export is as fast as the number of walks it overlaps, up to the point where
GroupMe starts refusing (420/429) or its answers slow down.  The controller
is AIMD, TCP's congestion control, with a latency gradient:

* **Slow start**: from ``initial`` walks, every clean answer (no 420, latency
  flat) adds one, so the limit doubles each round trip, until the first cut.
* **Additive increase**: after a cut, one more walk per round (a round is
  ``limit`` answers, about one round trip).
* **Multiplicative decrease**: a 420/429 halves the limit; a round whose
  mean latency is ``tolerance`` x the baseline (a slow moving average of
  earlier rounds: latency rising means a queue is building somewhere)
  cuts it to ``latency_backoff`` x.  Answers to requests already in flight
  when a cut was made carry the same news, so for one smoothed round trip
  after a cut nothing cuts again.

It only grows while some walk is waiting for a slot: with every
conversation already running a larger limit would change nothing, and
would let it drift far above what was ever tried.  The limit stays between
``minimum`` and ``maximum``.  (The request *rate* is paced separately by
:class:`~groupme_async.AdaptiveRateLimiter`; this only sets how many walks
overlap.)

Slots go to walks by priority, the largest conversation first: the export
can finish no sooner than its longest chain of pages, so that one starts at
once and, when the limit falls below the number of walks running, the
smallest walks give up their slots at their next page boundary while the
largest keeps its own (the limit never goes below one).
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio

from .. import RateLimiter

Clock = Callable[[], float]
#: Slots are ordered by this: smaller first (the export uses
#: ``(-estimated_messages, discovery_index)``).
Priority = tuple[float, int]

#: GroupMe's "too fast" answers (420 Enhance Your Calm, and the standard 429).
_REFUSALS = frozenset({420, 429})
#: Seconds of answers behind ``requests_per_second``.
_RATE_WINDOW = 2.0
#: How fast the latency baseline follows the rounds (a permanently slower
#: network is the new normal after a few rounds).
_BASELINE_WEIGHT = 0.2
#: How fast the smoothed round trip (the calm period after a cut) follows.
_SRTT_WEIGHT = 0.125


class AdaptiveConcurrency:
    """The export's number of concurrent conversation walks, adapted to the
    server's answers (see the module docstring for the algorithm).

    ``export(gm, out, controller=AdaptiveConcurrency(maximum=8))`` tunes it;
    ``AdaptiveConcurrency.fixed(4)`` never changes.  ``clock`` (default
    ``time.monotonic``) times the answers.  ``limit`` is the current number
    of walks allowed, ``running`` the number holding a slot, ``peak`` the
    highest limit reached.
    """

    def __init__(
        self,
        *,
        initial: int = 4,
        minimum: int = 1,
        maximum: int = 32,
        backoff: float = 0.5,
        latency_backoff: float = 0.8,
        tolerance: float = 2.0,
        clock: Clock | None = None,
    ) -> None:
        for name, value in (("initial", initial), ("minimum", minimum), ("maximum", maximum)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not minimum <= initial <= maximum:
            raise ValueError("need minimum <= initial <= maximum")
        if not (0 < backoff < 1 and 0 < latency_backoff < 1):
            raise ValueError("backoff and latency_backoff must be between 0 and 1")
        if not tolerance > 1:
            raise ValueError("tolerance must be greater than 1")
        self.minimum = minimum
        self.maximum = maximum
        self._limit = float(initial)
        self.peak = initial
        self._backoff = backoff
        self._latency_backoff = latency_backoff
        self._tolerance = tolerance
        self._clock = clock or time.monotonic
        self._slow_start = True
        self._baseline: float | None = None
        self._srtt: float | None = None
        self._calm_until = -math.inf
        self._round_size = initial
        self._round_count = 0
        self._round_sum = 0.0
        self._answers: deque[float] = deque()
        self._running: set[Priority] = set()
        self._waiting: list[tuple[Priority, int, anyio.Event]] = []
        self._order = itertools.count()
        self.answers = 0
        self.refused = 0
        self.cuts = 0

    @classmethod
    def fixed(cls, concurrency: int, *, clock: Clock | None = None) -> AdaptiveConcurrency:
        """Always ``concurrency`` walks (no adaptation)."""
        return cls(initial=concurrency, minimum=concurrency, maximum=concurrency, clock=clock)

    @property
    def clock(self) -> Clock:
        """The clock that times the answers."""
        return self._clock

    @property
    def limit(self) -> int:
        """How many walks may run now."""
        return max(self.minimum, min(self.maximum, int(self._limit)))

    @property
    def running(self) -> int:
        """How many walks hold a slot."""
        return len(self._running)

    @property
    def waiting(self) -> int:
        """How many walks wait for a slot."""
        return len(self._waiting)

    def requests_per_second(self) -> float:
        """Answers received over the last two seconds, per second."""
        self._expire(self._clock())
        return len(self._answers) / _RATE_WINDOW

    # --- learning ---------------------------------------------------------

    def observe(self, status: int | None, rtt: float) -> None:
        """One answer: its HTTP status (``None``: no answer) and its round
        trip in seconds (from sending to having read the body)."""
        now = self._clock()
        self.answers += 1
        self._answers.append(now)
        if status in _REFUSALS:
            self.refused += 1
            self._cut(self._backoff, now)
            return
        if status is None or status >= 500:
            return  # a failure to answer says nothing about load or latency
        self._srtt = rtt if self._srtt is None else self._srtt + _SRTT_WEIGHT * (rtt - self._srtt)
        self._round_count += 1
        self._round_sum += rtt
        if self._slow_start and self._waiting:
            self._set(self._limit + 1.0)
        if self._round_count < self._round_size:
            return
        mean = self._round_sum / self._round_count
        self._new_round()
        baseline = self._baseline
        if baseline is None:
            self._baseline = mean
        else:
            # A moving average, not the minimum: one lucky round (a short
            # last page, a 304) must not make ordinary rounds look slow.
            self._baseline = baseline + _BASELINE_WEIGHT * (mean - baseline)
            if mean > baseline * self._tolerance:
                self._cut(self._latency_backoff, now)
                return
        if not self._slow_start and self._waiting:
            self._set(self._limit + 1.0)

    def _cut(self, factor: float, now: float) -> None:
        self._slow_start = False
        if now < self._calm_until:
            return
        self.cuts += 1
        self._set(self._limit * factor)
        self._calm_until = now + (self._srtt or 0.0)
        self._new_round()

    def _new_round(self) -> None:
        self._round_size = max(1, min(self.limit, self.running or 1))
        self._round_count = 0
        self._round_sum = 0.0

    def _set(self, limit: float) -> None:
        self._limit = max(float(self.minimum), min(float(self.maximum), limit))
        self.peak = max(self.peak, self.limit)
        self._grant()

    def _expire(self, now: float) -> None:
        while self._answers and self._answers[0] < now - _RATE_WINDOW:
            self._answers.popleft()

    # --- slots ------------------------------------------------------------

    @asynccontextmanager
    async def slot(self, priority: Priority) -> AsyncIterator[Slot]:
        """Hold a walk's slot for the ``async with`` block."""
        await self._acquire(priority)
        try:
            yield Slot(self, priority)
        finally:
            self._release(priority)

    async def _acquire(self, priority: Priority) -> None:
        if priority in self._running:
            raise RuntimeError(f"priority {priority} already holds a slot")
        if not self._waiting and len(self._running) < self.limit:
            self._running.add(priority)
            return
        event = anyio.Event()
        entry = (priority, next(self._order), event)
        heapq.heappush(self._waiting, entry)
        self._grant()
        try:
            await event.wait()
        except BaseException:
            if priority in self._running and event.is_set():
                self._release(priority)  # granted as it was cancelled
            else:
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
            raise

    def _release(self, priority: Priority) -> None:
        self._running.discard(priority)
        self._grant()

    def _grant(self) -> None:
        while self._waiting and len(self._running) < self.limit:
            priority, _, event = heapq.heappop(self._waiting)
            self._running.add(priority)
            event.set()

    def _over_limit(self, priority: Priority) -> bool:
        """This walk is not among the ``limit`` most important running."""
        excess = len(self._running) - self.limit
        if excess <= 0:
            return False
        return priority in sorted(self._running)[-excess:]

    async def yield_if_over(self, priority: Priority) -> bool:
        """For the walk holding ``priority``'s slot, at a page boundary: if
        the limit fell below the walks running and it is one of the least
        important, give the slot up and wait for it again.  True if it
        waited.  (A slot's ``yield_if_over()`` is the same for its walk.)"""
        if not self._over_limit(priority):
            return False
        self._release(priority)
        await self._acquire(priority)
        return True


class Slot:
    """A walk's hold on the controller; given by :meth:`AdaptiveConcurrency.slot`."""

    __slots__ = ("_controller", "_priority")

    def __init__(self, controller: AdaptiveConcurrency, priority: Priority) -> None:
        self._controller = controller
        self._priority = priority

    async def yield_if_over(self) -> bool:
        """At a page boundary: if the limit fell below the walks running and
        this is one of the least important, give the slot up and wait for
        it again.  True if it waited."""
        return await self._controller.yield_if_over(self._priority)

    def lane(self, pace: RateLimiter | None) -> Lane:
        """A rate limiter for this walk's requests: paced by ``pace`` (the
        export's shared :class:`~groupme_async.AdaptiveRateLimiter`), timed
        and reported to the controller."""
        return Lane(self._controller, pace)


class Lane:
    """One walk's requests (one at a time): each answer's round trip, from
    the moment the shared pacer let it go, is told to the controller."""

    __slots__ = ("_controller", "_pace", "_sent")

    def __init__(self, controller: AdaptiveConcurrency, pace: RateLimiter | None) -> None:
        self._controller = controller
        self._pace = pace
        self._sent: float | None = None

    async def acquire(self) -> None:
        """Wait for the shared pacer, then start timing the request."""
        if self._pace is not None:
            await self._pace.acquire()
        self._sent = self._controller.clock()

    def report(self, status: int | None) -> None:
        """Tell the controller the round trip, and the pacer the status."""
        sent, self._sent = self._sent, None
        if sent is not None:
            self._controller.observe(status, self._controller.clock() - sent)
        if self._pace is not None:
            self._pace.report(status)
