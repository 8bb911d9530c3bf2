"""Virtual time for push tests under asyncio: time jumps when the tasks settle.

FakeGroupMe's pings and held long-polls, and the client's watchdog and
backoff, all wait on this clock's ``sleep``.  A driver task lets every task
run until it blocks (a fixed number of scheduling steps), then jumps to the
earliest pending timer, as trio's ``MockClock(autojump_threshold=0)`` does.
A test therefore sees 30-second pings and a 60-second watchdog in
milliseconds, and never really sleeps.
"""

from __future__ import annotations

import heapq
import itertools

import anyio
import anyio.lowlevel
import anyio.to_thread

#: Scheduling steps the tasks get between two jumps: enough for an in-process
#: request and its answer to travel, so a jump never lands mid-exchange.
SETTLE_STEPS = 300
#: Real seconds between looks at a thread still working (not virtual time).
THREAD_POLL = 0.0005
THREAD_PATIENCE = 2.0


class SimClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._timers: list[tuple[float, int, anyio.Event]] = []
        self._count = itertools.count()
        self._added = anyio.Event()
        self.jumps = 0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await anyio.lowlevel.checkpoint()
            return
        event = anyio.Event()
        heapq.heappush(self._timers, (self.now + seconds, next(self._count), event))
        self._added.set()
        await event.wait()

    async def settle(self) -> None:
        for _ in range(SETTLE_STEPS):
            await anyio.lowlevel.checkpoint()
        # Work handed to a thread of the default pool (the export's disk
        # writes) is not a task that checkpoints: time must not jump while it
        # runs, or a loaded machine would make the same run take longer in
        # virtual time.
        # (A thread that itself waits on virtual time is let be after
        # THREAD_PATIENCE real seconds.)
        threads = anyio.to_thread.current_default_thread_limiter()
        for _ in range(int(THREAD_PATIENCE / THREAD_POLL)):
            if not threads.borrowed_tokens:
                break
            await anyio.sleep(THREAD_POLL)
            for _ in range(SETTLE_STEPS):
                await anyio.lowlevel.checkpoint()

    async def drive(self) -> None:
        """Run forever (in a task group): settle, then jump to the next timer."""
        while True:
            await self.settle()
            if not self._timers:
                self._added = anyio.Event()
                await self._added.wait()
                continue
            when, _, event = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            self.jumps += 1
            event.set()
