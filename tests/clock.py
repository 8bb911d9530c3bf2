"""A virtual clock for tests: time passes only when someone sleeps."""

from __future__ import annotations

import anyio


class VirtualClock:
    """Shared by a FakeGroupMe (rate limit, the 60 s guid window, slow faults),
    the client's backoff and the export's limiter, so rate limits and retries
    run at full speed and deterministically."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await anyio.lowlevel.checkpoint()
