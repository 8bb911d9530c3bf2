"""The pagination engine every resource shares.

Paginators here only know how to ask for the next chunk: a ``fetch`` callable
does the HTTP and returns raw items; the engine decides the next cursor and
when to stop.  Stopping never relies on ``count`` (deleted messages make it
unreachable): a message walk ends on a 304 or an empty page, a page walk on
an empty page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from typing import Any, Literal, TypeVar

from ._ids import id_key
from .errors import ResponseDecodeError

T = TypeVar("T")
RawMessage = dict[str, Any]
FetchMessages = Callable[[dict[str, str | int]], Awaitable[list[RawMessage]]]
Direction = Literal["before", "after"]


def _message_id(message: RawMessage) -> int:
    value = message.get("id")
    return id_key(str(value)) if isinstance(value, str | int) else -1


def _in_walk_order(page: list[RawMessage], descending: bool, endpoint: str) -> list[int]:
    """Sort ``page`` in place into walk order (usually it already is) and
    return its ids as numbers; a duplicate id within the page is dropped."""
    keys = [_message_id(m) for m in page]
    if keys and min(keys) < 0:
        raise ResponseDecodeError(endpoint, "a message id is not numeric")
    ordered = sorted(keys, reverse=descending)
    if keys == ordered and len(set(keys)) == len(keys):
        return keys
    by_id = {k: m for k, m in zip(keys, page, strict=True)}
    page[:] = [by_id[k] for k in sorted(by_id, reverse=descending)]
    return sorted(by_id, reverse=descending)


async def walk_messages(
    fetch: FetchMessages,
    *,
    direction: Direction,
    cursor: str | None,
    limit: int,
    endpoint: str = "messages",
) -> AsyncIterator[list[RawMessage]]:
    """Yield raw message pages from ``cursor`` in ``direction``.

    ``before``: newest first, each page continuing below the oldest id seen.
    ``after``: oldest first, each page continuing above the newest id seen.

    Each page is put in the promised order and anything not strictly past
    the cursor is dropped, so a server that repeats the cursor message or
    overlaps pages cannot make a message appear twice or the walk loop.
    """
    descending = direction == "before"
    param = f"{direction}_id"
    bound = id_key(cursor) if cursor is not None else None
    while True:
        params: dict[str, str | int] = {"limit": limit}
        if cursor is not None:
            params[param] = cursor
        page = await fetch(params)
        keys = _in_walk_order(page, descending, endpoint)
        if bound is not None:
            # In walk order, anything not past the cursor can only lead.
            skip = 0
            while skip < len(keys) and (keys[skip] >= bound if descending else keys[skip] <= bound):
                skip += 1
            if skip:
                del page[:skip]
                del keys[:skip]
        if not page:
            return
        yield page
        cursor = str(page[-1]["id"])
        bound = keys[-1]


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
