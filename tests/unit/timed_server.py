"""A respx side effect paging items by an ISO 8601 time, as the gallery
(``before=``, newest first) and the calendar (``end_at=``, earliest first) do,
with either reading of whether the cursor's own instant is included."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from groupme_async import ResponseDecodeError

from .conftest import envelope

START = datetime(2025, 5, 14, 12, 0, tzinfo=UTC)


def stamp(offset: int) -> str:
    """``START`` plus ``offset`` tenths of a millisecond, as GroupMe writes it."""
    when = START + timedelta(microseconds=100 * offset)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 100:04d}Z"


class TimedServer:
    """Items ``(id, offset)``; a page is the ``limit`` items nearest the cursor."""

    def __init__(
        self,
        items: list[tuple[int, int]],
        *,
        param: str,
        descending: bool,
        inclusive: bool,
        list_key: str,
        build: Callable[[int, str], dict[str, Any]],
        default_limit: int = 100,
    ) -> None:
        self.items = items
        self.param = param
        self.descending = descending
        self.inclusive = inclusive
        self.list_key = list_key
        self.build = build
        self.default_limit = default_limit
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.requests.append(params)
        limit = int(params.get("limit", self.default_limit))
        cursor = params.get(self.param)
        order = sorted(self.items, key=lambda item: (item[1], item[0]), reverse=self.descending)
        if cursor is not None:
            at = datetime.fromisoformat(cursor)

            def keep(offset: int) -> bool:
                when = datetime.fromisoformat(stamp(offset))
                if self.descending:
                    return when <= at if self.inclusive else when < at
                return when >= at if self.inclusive else when > at

            order = [item for item in order if keep(item[1])]
        page = [self.build(item_id, stamp(offset)) for item_id, offset in order[:limit]]
        return httpx.Response(200, json=envelope({self.list_key: page}))


def check_walk(
    server: TimedServer, limit: int, walk: Callable[[], Awaitable[list[Any]]], expected: list[Any]
) -> None:
    """The property of every time-cursor walk, against ``server``: each item
    once, in order, in at most one request per item; or, only where more
    items share an instant than a page holds, a ``ResponseDecodeError``.
    A server that leaves the cursor's instant out loses ties at a page's
    edge (nothing a client can do), but still never repeats one."""
    offsets = [offset for _, offset in server.items]
    ties = max((offsets.count(offset) for offset in offsets), default=0)
    try:
        got = asyncio.run(walk())
    except ResponseDecodeError:
        assert server.inclusive and ties >= limit
        return
    if server.inclusive or ties <= 1:
        assert got == expected
    else:
        assert len(set(got)) == len(got) and set(got) <= set(expected)
    assert len(server.requests) <= len(server.items) + 2
