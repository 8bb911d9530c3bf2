"""A hostile server: every limit the client promises about what it reads, attacked.

Each server streams its body (see :mod:`.hostile`) and lives in virtual
time.  Where a protection, if removed, would make the client loop or wait
forever, the server gives up first (a bounded stream, a last honest
answer), so a broken client fails the test instead of hanging it.
"""

from __future__ import annotations

import copy
import logging
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest
import trio
import trio.testing

from groupme_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncGroupMe,
    BadRequestError,
    GroupMeError,
    RateLimitError,
    ResponseDecodeError,
    RetryPolicy,
    ServerError,
)

from ..clock import VirtualClock
from . import seed_examples as seeds
from .conftest import TOKEN
from .hostile import client, json_stream, raw_stream, streamed

DEADLINE = RetryPolicy().deadline
MiB = 2**20
CAP = 16 * MiB  # the default max_response_bytes
PEAK = 64 * MiB


# --- 2. a total deadline per call ------------------------------------------------------


async def test_a_body_dripped_a_byte_a_second_ends_at_the_deadline() -> None:
    clock = VirtualClock()
    sent = 0

    async def drip() -> AsyncIterator[bytes]:
        nonlocal sent
        while sent < 3 * DEADLINE:  # a body that ends, so a broken client cannot hang
            await clock.sleep(1.0)
            sent += 1
            yield b" "

    async def handler(request: httpx.Request) -> httpx.Response:
        return streamed(200, drip())

    start = clock.now
    async with client(handler, clock) as gm:
        with pytest.raises(APITimeoutError, match="deadline"):
            await gm.users.me()
    assert clock.now - start <= DEADLINE
    assert sent <= DEADLINE


@pytest.mark.parametrize(
    ("retry_after", "max_attempts", "error", "requests"),
    [
        # Waiting 300 s would end past the deadline: give up now, unslept.
        ("300", 5, APITimeoutError, 1),
        ("300", 100, APITimeoutError, 1),
        # 59 s waits: the attempts run out at 236 s ...
        ("59", 5, RateLimitError, 5),
        # ... or, with attempts to spare, the deadline ends it at 295 s.
        ("59", 100, APITimeoutError, 6),
    ],
)
async def test_retry_after_forever_ends_by_the_deadline(
    retry_after: str, max_attempts: int, error: type[GroupMeError], requests: int
) -> None:
    clock = VirtualClock()
    seen: list[float] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(clock.now)
        return json_stream(None, 420, **{"Retry-After": retry_after})

    start = clock.now
    async with client(handler, clock, retry=RetryPolicy(max_attempts=max_attempts)) as gm:
        with pytest.raises(error):
            await gm.users.me()
    assert clock.now - start <= DEADLINE
    assert len(seen) == requests


def _trio_client(handler: Callable[[httpx.Request], Awaitable[httpx.Response]], **kw: Any) -> Any:
    # Under trio's MockClock the event loop's own clock is virtual: this is
    # the clock the client's cancel scopes run on, with nobody injecting it.
    return AsyncGroupMe(
        TOKEN, transport=httpx.MockTransport(handler), clock=trio.current_time, **kw
    )


class StuckLimiter:
    async def acquire(self) -> None:
        await anyio.sleep(10**9)

    def report(self, status: int | None) -> None:
        return None


async def _silent(request: httpx.Request) -> httpx.Response:
    await anyio.sleep(10**9)  # accepts the request and never answers
    return json_stream(seeds.USERS_ME)


async def _drip_under_read_timeout(request: httpx.Request) -> httpx.Response:
    async def body() -> AsyncIterator[bytes]:
        # One byte every 29 s: no read ever waits the 30 s read timeout.
        for _ in range(1000):
            await anyio.sleep(29)
            yield b" "

    return streamed(200, body())


@pytest.mark.parametrize(
    ("handler", "options"),
    [
        (_silent, {}),
        (_drip_under_read_timeout, {}),
        (lambda request: json_stream(seeds.USERS_ME), {"rate_limiter": StuckLimiter()}),
    ],
    ids=["silent-server", "drip-under-read-timeout", "stuck-rate-limiter"],
)
def test_nothing_outlives_the_deadline_on_the_event_loop_clock(
    handler: Callable[[httpx.Request], Any], options: dict[str, Any]
) -> None:
    async def main() -> tuple[BaseException, float]:
        async def answer(request: httpx.Request) -> httpx.Response:
            result = handler(request)
            return await result if isinstance(result, Awaitable) else result

        start = trio.current_time()
        async with _trio_client(answer, **options) as gm:
            try:
                await gm.users.me()
            except GroupMeError as exc:
                return exc, trio.current_time() - start
        raise AssertionError("the call succeeded")

    error, elapsed = trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert isinstance(error, APITimeoutError), error
    assert elapsed <= DEADLINE
