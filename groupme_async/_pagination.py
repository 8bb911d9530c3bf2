"""The pagination engine every resource shares.

Paginators here only know how to ask for the next chunk: a ``fetch`` callable
does the HTTP and returns raw items; the engine decides the next cursor and
when to stop.  Stopping never relies on ``count`` (deleted messages make it
unreachable): a message walk ends on a 304 or an empty page, a page walk on
an empty page.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Coroutine, Hashable
from typing import Any, Literal, TypeVar

from ._ids import id_key
from .errors import ResponseDecodeError

T = TypeVar("T")
RawMessage = dict[str, Any]
FetchMessages = Callable[[dict[str, str | int]], Awaitable[list[RawMessage]]]
Direction = Literal["before", "after"]


def _slow_key(message: Any) -> int:
    value = message.get("id") if isinstance(message, dict) else None
    key = id_key(str(value)) if isinstance(value, str | int) and not isinstance(value, bool) else -1
    if key < 0:
        raise ValueError("a message without a numeric id")
    return key


def _in_walk_order(page: list[RawMessage], descending: bool, endpoint: str) -> list[int]:
    """Sort ``page`` in place into walk order (usually it already is) and
    return its ids as numbers; a duplicate id within the page is dropped."""
    try:
        # The common case inline (an ASCII digit string); anything else is
        # checked the slow way and must still be a whole, unsigned number.
        keys = [
            int(v)
            if (v := m.get("id")).__class__ is str and v.isascii() and v.isdigit()
            else _slow_key(m)
            for m in page
        ]
    except (AttributeError, ValueError):
        raise ResponseDecodeError(endpoint, "not a list of messages with numeric ids") from None
    ordered = sorted(keys, reverse=descending)
    if keys == ordered and len(set(keys)) == len(keys):
        return keys
    by_id = {k: m for k, m in zip(keys, page, strict=True)}
    keys = sorted(by_id, reverse=descending)
    page[:] = [by_id[k] for k in keys]
    return keys


async def walk_messages(
    fetch: FetchMessages,
    *,
    direction: Direction,
    cursor: str | None,
    limit: int,
    endpoint: str = "messages",
    prefetch: bool = True,
) -> AsyncGenerator[list[RawMessage], None]:
    """Yield raw message pages from ``cursor`` in ``direction``.

    ``before``: newest first, each page continuing below the oldest id seen.
    ``after``: oldest first, each page continuing above the newest id seen.

    Each page is put in the promised order and anything not strictly past
    the cursor is dropped, so a server that repeats the cursor message or
    overlaps pages cannot make a message appear twice or the walk loop.

    With ``prefetch``, the next page is requested before this one is
    yielded; a caller that stops early has cost one unneeded request.
    """
    descending = direction == "before"
    param = f"{direction}_id"
    bound = id_key(cursor) if cursor is not None else None
    ahead = _Prefetch(fetch, prefetch)
    await ahead.start({"limit": limit} if cursor is None else {"limit": limit, param: cursor})
    try:
        while True:
            page = await ahead.result()
            keys = _in_walk_order(page, descending, endpoint)
            if bound is not None:
                # In walk order, anything not past the cursor can only lead.
                skip = 0
                while skip < len(keys) and (
                    keys[skip] >= bound if descending else keys[skip] <= bound
                ):
                    skip += 1
                if skip:
                    del page[:skip]
                    del keys[:skip]
            if not page:
                return
            cursor = str(page[-1]["id"])
            bound = keys[-1]
            # The next cursor is known before the caller touches this page:
            # ask for the next page now, so the server works while we decode.
            await ahead.start({"limit": limit, param: cursor})
            yield page
    finally:
        ahead.discard()


#: Event-loop steps a prefetch needs to get its request onto the socket
#: (connection pool, rate gate, write).  Measured on loopback: a 20,000
#: message walk takes ~0.44 s with the prefetch and ~0.57 s without.
_SEND_STEPS = 4


class _Prefetch:
    """At most one page request running ahead of the consumer.

    Under asyncio it runs as a task; under other event loops (trio) it is
    simply awaited when needed, which is the plain sequential walk.
    """

    __slots__ = ("_coro", "_enabled", "_fetch", "_task")

    def __init__(self, fetch: FetchMessages, enabled: bool) -> None:
        self._fetch = fetch
        self._enabled = enabled
        self._task: asyncio.Future[list[RawMessage]] | None = None
        self._coro: Coroutine[Any, Any, list[RawMessage]] | None = None

    async def start(self, params: dict[str, str | int]) -> None:
        coro = _call(self._fetch, params)
        if self._enabled and _on_asyncio():
            self._task = asyncio.ensure_future(coro)
            # Retrieved here so a walk abandoned mid-flight never logs
            # "exception was never retrieved"; awaiting it still raises.
            self._task.add_done_callback(_consume)
            # Let the task run until the request is on the wire (a few
            # immediate steps through the pool and the socket write), so
            # the server works while the caller decodes this page.
            for _ in range(_SEND_STEPS):
                await asyncio.sleep(0)
        else:
            self._coro = coro

    async def result(self) -> list[RawMessage]:
        task, coro = self._task, self._coro
        self._task = self._coro = None
        if task is not None:
            return await task
        assert coro is not None
        return await coro

    def discard(self) -> None:
        # The caller stopped early: the request ahead is not wanted.
        if self._task is not None:
            self._task.cancel()
        if self._coro is not None:
            self._coro.close()
        self._task = self._coro = None


def _on_asyncio() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # trio (or another loop): no asyncio loop is running
        return False
    return True


async def _call(fetch: FetchMessages, params: dict[str, str | int]) -> list[RawMessage]:
    return await fetch(params)


def _consume(task: asyncio.Future[list[RawMessage]]) -> None:
    if not task.cancelled():
        task.exception()


async def walk_pages(
    fetch: Callable[[int], Awaitable[list[T]]],
    key: Callable[[T], Hashable],
) -> AsyncIterator[T]:
    """Yield every item of a page-numbered listing, each once.

    Listings sorted by ``updated_at`` shift while they are read; an item that
    moves to a later page is not yielded again.
    """
    seen: set[Hashable] = set()
    page = 1
    while True:
        items = await fetch(page)
        if not items:
            return
        for item in items:
            k = key(item)
            if k not in seen:
                seen.add(k)
                yield item
        page += 1
