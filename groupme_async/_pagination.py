"""The pagination engine every resource shares, and its public handle.

Paginators here only know how to ask for the next chunk: a ``fetch``
callable does the HTTP and returns raw items; the engine decides the next
cursor and when to stop.  Stopping never relies on ``count`` (deleted
messages make it unreachable): a message walk ends on the API's
end-of-history signal, a page walk on an empty page.  A server that repeats
itself, or a cursor that does not move, ends a walk with a
:class:`~groupme_async.ResponseDecodeError` instead of looping or silently
stopping short.

:class:`AsyncPaginator` is what every listing returns: it wraps one of these
async generators and closes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine, Hashable
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

import attrs

from ._closing import AsyncClosing
from ._ids import id_key
from ._times import parse_time
from .errors import ResponseDecodeError, ResponseTooLargeError

T = TypeVar("T")
RawMessage = dict[str, Any]
Direction = Literal["before", "after"]

#: A page that is empty in the middle of a walk back, or that does not move
#: the cursor, is asked for again this many times before the walk fails.
SUSPECT_PAGE_RETRIES = 2


@attrs.frozen
class RawPage:
    """What one message-page request answered."""

    messages: list[RawMessage]
    end: bool
    """The API said there is nothing more in this direction (a 304, or for
    a forward walk a 200 with no messages)."""


FetchMessages = Callable[[dict[str, str | int]], Awaitable[RawPage]]


class AsyncPaginator(AsyncClosing, Generic[T]):
    """Every item of a listing, fetched a page at a time.

    ``async for item in paginator`` yields items; ``async for page in
    paginator.pages()`` yields each page as a list (the two share one walk,
    so a loop over ``pages()`` continues where an item loop stopped).
    ``max_items`` caps the total.  Use it as an async context manager, or
    call :meth:`aclose`, to end a walk early: that closes everything
    underneath, including a request made ahead of time.  Arguments were
    checked when the listing was called; nothing is requested until the
    first item or page is asked for.
    """

    __slots__ = ("_buffer", "_convert", "_done", "_index", "_left", "_pages")

    def __init__(
        self,
        pages: AsyncGenerator[list[Any], None],
        convert: Callable[[list[Any]], list[T]],
        *,
        max_items: int | None = None,
    ) -> None:
        if max_items is not None and (
            isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0
        ):
            raise ValueError(f"max_items must be None or an integer >= 0, got {max_items!r}")
        self._pages = pages
        self._convert = convert
        self._left = max_items
        self._buffer: list[T] = []
        self._index = 0
        self._done = False

    def __aiter__(self) -> AsyncPaginator[T]:
        return self

    async def __anext__(self) -> T:
        while self._index >= len(self._buffer):
            self._buffer = await self._next_page()
            self._index = 0
        item = self._buffer[self._index]
        self._index += 1
        return item

    def pages(self) -> _Pages[T]:
        """The remaining items, a page (a list) at a time."""
        return _Pages(self)

    async def _next_page(self) -> list[T]:
        if self._done or self._left == 0:
            await self.aclose()
            raise StopAsyncIteration
        try:
            raw = await self._pages.__anext__()
        except StopAsyncIteration:
            self._done = True
            raise
        page = self._convert(raw)
        if self._left is not None:
            page = page[: self._left]
            self._left -= len(page)
        return page

    async def _rest_of_page(self) -> list[T]:
        if self._index < len(self._buffer):
            rest = self._buffer[self._index :]
            self._buffer, self._index = [], 0
            return rest
        return await self._next_page()

    async def aclose(self) -> None:
        """Stop the walk and release what it holds (idempotent)."""
        self._done = True
        self._buffer, self._index = [], 0
        await self._pages.aclose()

    def __repr__(self) -> str:
        state = "done" if self._done else "open"
        return f"<AsyncPaginator {state}>"


class _Pages(Generic[T]):
    """``AsyncPaginator.pages()``: an iterator object, not a generator, so
    breaking out of it leaves nothing to finalize."""

    __slots__ = ("_paginator",)

    def __init__(self, paginator: AsyncPaginator[T]) -> None:
        self._paginator = paginator

    def __aiter__(self) -> _Pages[T]:
        return self

    async def __anext__(self) -> list[T]:
        return await self._paginator._rest_of_page()


def identity(page: list[T]) -> list[T]:
    return page


# --- message walks (before_id / after_id) ------------------------------------


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
        # The common case checked a page at a time, in C: every id a string
        # of ASCII digits, all of one (non-zero) length.
        ids = [m["id"] for m in page]
        joined = "".join(ids)
    except (TypeError, KeyError):
        joined = ""
    if joined.isascii() and joined.isdigit() and len(set(map(len, ids))) == 1:
        keys = list(map(int, ids))
    else:
        try:
            # Anything else is checked one by one and must still be a
            # whole, unsigned number.
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
    overlaps pages cannot make a message appear twice.  The walk ends only
    on the API's end signal (``RawPage.end``); a page that is empty without
    it, that does not move the cursor or that cannot be decoded is asked for
    again, then ends the walk with a ``ResponseDecodeError``: never a
    silently short history.

    With ``prefetch``, the next page is requested before this one is
    yielded; a caller that stops early has cost one unneeded request.
    """
    descending = direction == "before"
    param = f"{direction}_id"
    bound = id_key(cursor) if cursor is not None else None
    ahead = _Prefetch(fetch, prefetch)
    params: dict[str, str | int] = (
        {"limit": limit} if cursor is None else {"limit": limit, param: cursor}
    )
    suspect = 0
    await ahead.start(params)
    try:
        while True:
            try:
                answer = await ahead.result()
                page = answer.messages
                answered = len(page)
                keys = _in_walk_order(page, descending, endpoint)
            except ResponseTooLargeError:
                raise  # the same page again would be just as large
            except ResponseDecodeError:
                # A garbled page (a proxy's or a deploy's bad moment) is asked
                # for again like an empty one; past the retries the error stands.
                suspect += 1
                if suspect > SUSPECT_PAGE_RETRIES:
                    raise
                await ahead.start(params)
                continue
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
                if answer.end:
                    return
                suspect += 1
                if suspect > SUSPECT_PAGE_RETRIES:
                    what = (
                        "only messages already seen (the cursor did not move)"
                        if answered
                        else "an empty page without the end-of-history signal"
                    )
                    raise ResponseDecodeError(
                        endpoint, f"{param}={params.get(param)} answered {what}, {suspect} times"
                    )
                await ahead.start(params)
                continue
            suspect = 0
            cursor = str(page[-1]["id"])
            bound = keys[-1]
            params = {"limit": limit, param: cursor}
            # The next cursor is known before the caller touches this page:
            # ask for the next page now, so the server works while we decode.
            await ahead.start(params)
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
        self._task: asyncio.Future[RawPage] | None = None
        self._coro: Coroutine[Any, Any, RawPage] | None = None

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

    async def result(self) -> RawPage:
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


async def _call(fetch: FetchMessages, params: dict[str, str | int]) -> RawPage:
    return await fetch(params)


def _consume(task: asyncio.Future[RawPage]) -> None:
    if not task.cancelled():
        task.exception()


# --- page-numbered listings (/groups, /chats) -----------------------------------


def _unseen(items: list[T], key: Callable[[T], Hashable], seen: set[Hashable]) -> list[T]:
    """The items whose key is not in ``seen``, in order; their keys join it."""
    fresh = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            fresh.append(item)
    return fresh


async def walk_pages(
    fetch: Callable[[int], Awaitable[list[T]]],
    key: Callable[[T], Hashable],
    *,
    endpoint: str,
) -> AsyncGenerator[list[T], None]:
    """Yield every page of a page-numbered listing, each item once.

    Listings sorted by ``updated_at`` shift while they are read; an item that
    moves to a later page is not yielded again.  A non-empty page with
    nothing new means the server is not paging (it ignores ``page``): the
    walk ends with a ``ResponseDecodeError`` rather than looping forever.
    """
    seen: set[Hashable] = set()
    page = 1
    while True:
        items = await fetch(page)
        if not items:
            return
        fresh = _unseen(items, key, seen)
        if not fresh:
            raise ResponseDecodeError(
                endpoint, f"page {page} repeated only items already seen: the server is not paging"
            )
        yield fresh
        page += 1


# --- time-cursor listings (v4 /relationships) -------------------------------------


def _cursor_time(value: str, endpoint: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ResponseDecodeError(endpoint, f"cursor {value[:40]!r} is not an ISO time") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


async def walk_time_cursor(
    fetch: Callable[[str | None], Awaitable[list[T]]],
    cursor: Callable[[T], str | None],
    key: Callable[[T], Hashable],
    *,
    endpoint: str,
) -> AsyncGenerator[list[T], None]:
    """Yield every page of a listing continued by a time cursor (``since``).

    Each request passes the ISO time of the last item received, exactly as
    the server wrote it; the server picks the page size; an empty page ends
    the walk.  Whether ``since`` is inclusive is not documented, so an item
    seen before is dropped rather than yielded twice.  A page with nothing
    new whose last item does not move the cursor forward would be asked for
    forever: the walk ends with a ``ResponseDecodeError`` instead.
    """
    seen: set[Hashable] = set()
    since: str | None = None
    since_at: datetime | None = None
    while True:
        items = await fetch(since)
        if not items:
            return
        fresh = _unseen(items, key, seen)
        following = cursor(items[-1])
        if following is None:
            raise ResponseDecodeError(endpoint, "the last item has no time to continue from")
        following_at = _cursor_time(following, endpoint)
        if not fresh and since_at is not None and following_at <= since_at:
            raise ResponseDecodeError(
                endpoint, f"since={since} answered only items already seen: the cursor did not move"
            )
        if fresh:
            yield fresh
        since, since_at = following, following_at


# --- time cursors (gallery ``before=``, events ``end_at=``) ------------------------

RawItem = dict[str, Any]


def _stamp(item: Any, stamp_key: str, id_key: str, endpoint: str) -> tuple[datetime, str, str]:
    """(the item's time, its raw stamp, its id), or a decode error."""
    stamp = item.get(stamp_key) if isinstance(item, dict) else None
    ident = item.get(id_key) if isinstance(item, dict) else None
    if not isinstance(stamp, str) or not isinstance(ident, str | int) or isinstance(ident, bool):
        raise ResponseDecodeError(endpoint, f"an item without a {stamp_key!r} time or an id")
    try:
        when = parse_time(stamp)
    except ValueError:
        raise ResponseDecodeError(endpoint, f"{stamp_key} is not an ISO 8601 time") from None
    return when, stamp, str(ident)


async def walk_times(
    fetch: Callable[[str | None], Awaitable[list[RawItem]]],
    *,
    stamp_key: str,
    id_key: str,
    descending: bool,
    cursor: str | None,
    limit: int,
    endpoint: str,
    until: str | None = None,
) -> AsyncGenerator[list[RawItem], None]:
    """Yield every item of a listing paged by an ISO 8601 time, each once.

    ``fetch(cursor)`` asks for the page from ``cursor`` (``None``: the
    start); items come newest first (``descending``, a ``before=`` cursor)
    or oldest first (an ``end_at=`` lower bound), and the next cursor is the
    ``stamp_key`` of the last item.  Servers differ on whether the cursor's
    own instant is included, so the ids already yielded AT that instant are
    remembered (only those: memory stays bounded by a page) and skipped if
    sent again, and anything on the far side of the cursor is dropped.

    The walk ends on an empty page, on a short page with nothing new, or on
    reaching ``until`` (exclusive; the far bound the server was also sent,
    kept here too so a server that ignores it cannot walk the whole history).
    A full page with nothing new means the cursor cannot move (more than
    ``limit`` items share one instant, or the server ignores the cursor): a
    ``ResponseDecodeError``, never a loop.
    """
    at = None if cursor is None else parse_time(cursor)
    stop = None if until is None else parse_time(until)
    at_instant: set[str] = set()
    while True:
        page = await fetch(cursor)
        if not isinstance(page, list):
            raise ResponseDecodeError(endpoint, f"expected a list, got {type(page).__name__}")
        if not page:
            return
        fresh: list[tuple[datetime, str, str, RawItem]] = []
        in_page: set[str] = set()
        reached = False
        for item in page:
            when, stamp, ident = _stamp(item, stamp_key, id_key, endpoint)
            if ident in in_page:
                continue
            if stop is not None and (when <= stop if descending else when >= stop):
                reached = True
                continue
            if at is not None:
                behind = when > at if descending else when < at
                if behind or (when == at and ident in at_instant):
                    continue
            in_page.add(ident)
            fresh.append((when, stamp, ident, item))
        if not fresh:
            if reached or len(page) < limit:
                return
            raise ResponseDecodeError(
                endpoint,
                f"{stamp_key} cursor {cursor} answered a full page of items already seen: "
                "the cursor cannot move",
            )
        fresh.sort(key=lambda entry: entry[0], reverse=descending)
        last_when, cursor = fresh[-1][0], fresh[-1][1]
        if last_when != at:
            at_instant = set()
        at_instant.update(ident for when, _, ident, _ in fresh if when == last_when)
        at = last_when
        yield [entry[3] for entry in fresh]
        if reached:
            return


# --- continuation tokens (polls) -----------------------------------------------------


async def walk_tokens(
    fetch: Callable[[str | None], Awaitable[tuple[list[T], str | None]]],
    *,
    endpoint: str,
) -> AsyncGenerator[list[T], None]:
    """Yield each page of a listing paged by an opaque continuation token.

    ``fetch(token)`` answers ``(items, next_token)``; the walk ends when
    there is no next token.  A token the walk has already sent means the
    server is going round in circles: a ``ResponseDecodeError``, never a
    loop.  (Tokens are remembered, one per page, not items.)
    """
    token: str | None = None
    sent: set[str] = set()
    while True:
        items, token = await fetch(token)
        if items:
            yield items
        if not token:
            return
        if token in sent:
            raise ResponseDecodeError(
                endpoint, "the continuation_token repeated: the server is not paging"
            )
        sent.add(token)
