"""Hostile servers for the unit tests, in virtual time.

A server here is an async handler behind ``httpx.MockTransport``: it may
sleep on the test's :class:`~tests.clock.VirtualClock` before answering, and
it answers with a *streamed* body (an async iterator) so the client reads it
as it would from a socket: a response built with ``content=`` or ``json=``
is read by httpx before the client sees it, and would bypass every limit
these tests attack.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

import httpx

from groupme_async import AsyncGroupMe

from ..clock import VirtualClock
from .conftest import TOKEN, envelope

Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


def client(handler: Handler, clock: VirtualClock, **kwargs: Any) -> AsyncGroupMe:
    """A client whose every wait and every reading of the time is ``clock``."""
    return AsyncGroupMe(
        kwargs.pop("token", TOKEN),
        transport=httpx.MockTransport(handler),
        sleep=clock.sleep,
        clock=clock,
        rng=random.Random(0),
        **kwargs,
    )


async def chunks(
    parts: Iterable[bytes], clock: VirtualClock | None = None, every: float = 0.0
) -> AsyncIterator[bytes]:
    """``parts`` one by one, ``every`` virtual seconds apart."""
    for part in parts:
        if clock is not None and every:
            await clock.sleep(every)
        yield part


def streamed(
    status: int, body: AsyncIterator[bytes], headers: dict[str, str] | None = None
) -> httpx.Response:
    """A response whose body arrives from ``body`` as the client reads it."""
    return httpx.Response(status, headers=headers or {}, content=body)


def json_stream(
    data: Any, status: int = 200, errors: list[str] | None = None, **headers: str
) -> httpx.Response:
    """``data`` in the GroupMe envelope, as a one-chunk stream (written by
    the stdlib, which writes integers of any width)."""
    body = json.dumps(envelope(data, status, errors)).encode()
    return streamed(status, chunks([body]), headers)


def raw_stream(body: bytes, status: int = 200, **headers: str) -> httpx.Response:
    return streamed(status, chunks([body]), headers)
