"""AsyncPaginator: the one public handle every listing returns."""

from __future__ import annotations

import asyncio
import gc
import random
import warnings
from typing import Any

import httpx
import pytest
import trio

from groupme_async import AsyncGroupMe, AsyncPaginator, Chat, Group, Message

from .conftest import TOKEN, envelope


def _raw(mid: int) -> dict[str, Any]:
    return {"id": str(mid), "created_at": 1_600_000_000 + mid, "text": f"m{mid}"}


class History:
    """``GET /groups/42/messages`` over ids 1..n, recording each request."""

    def __init__(self, n: int) -> None:
        self.ids = list(range(1, n + 1))
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.requests.append(params)
        if request.url.path.endswith("/chats"):
            last = {"id": "1", "created_at": 1, "conversation_id": "1+2"}
            chats = [{"other_user": {"id": "2"}, "last_message": last}]
            return httpx.Response(200, json=envelope(chats if params["page"] == "1" else []))
        limit = int(params["limit"])
        if "after_id" in params:
            page = [i for i in self.ids if i > int(params["after_id"])][:limit]
        else:
            top = int(params.get("before_id", len(self.ids) + 1))
            page = [i for i in self.ids if i < top][-limit:][::-1]
        if not page:
            return httpx.Response(304)
        return httpx.Response(200, json=envelope({"count": 0, "messages": [_raw(i) for i in page]}))


def _client(handler: Any) -> AsyncGroupMe:
    return AsyncGroupMe(TOKEN, transport=httpx.MockTransport(handler), rng=random.Random(0))


async def test_items_pages_and_max_items() -> None:
    history = History(25)
    async with _client(history) as gm:
        paginator = gm.group_messages.iter("42", limit=10)
        assert isinstance(paginator, AsyncPaginator)
        assert [m.id async for m in paginator] == [str(i) for i in range(25, 0, -1)]

        pages = [page async for page in gm.group_messages.iter("42", limit=10).pages()]
        assert [len(p) for p in pages] == [10, 10, 5]
        assert all(isinstance(p, list) and isinstance(p[0], Message) for p in pages)

        capped = [m.id async for m in gm.group_messages.iter("42", limit=10, max_items=12)]
        assert capped == [str(i) for i in range(25, 13, -1)]
        capped_pages = gm.group_messages.iter("42", limit=10, max_items=12).pages()
        assert [len(p) async for p in capped_pages] == [10, 2]


async def test_pages_continue_where_items_stopped() -> None:
    async with _client(History(25)) as gm, gm.group_messages.iter("42", limit=10) as paginator:
        first = [await paginator.__anext__() for _ in range(3)]
        rest = [page async for page in paginator.pages()]
    assert [m.id for m in first] == ["25", "24", "23"]
    assert [m.id for m in rest[0]] == [str(i) for i in range(22, 15, -1)]
    assert sum(len(p) for p in rest) == 22


async def test_max_items_stops_requesting_and_zero_requests_nothing() -> None:
    history = History(1000)
    async with _client(history) as gm:
        got = [m async for m in gm.group_messages.iter("42", limit=100, max_items=150)]
        assert len(got) == 150
        # Page 2 is enough; at most the one prefetched page beyond it.
        assert len(history.requests) <= 3
        history.requests.clear()
        assert [m async for m in gm.group_messages.iter("42", max_items=0)] == []
    assert history.requests == []


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.group_messages.iter("abc"),
        lambda gm: gm.group_messages.iter("42", before_id="x"),
        lambda gm: gm.group_messages.iter("42", before_id="1", after_id="2"),
        lambda gm: gm.group_messages.iter("42", limit=0),
        lambda gm: gm.group_messages.since("42", "../1"),
        lambda gm: gm.direct_messages.iter("1/2"),
        lambda gm: gm.direct_messages.since("12", "x"),
        lambda gm: gm.group_messages.iter_raw("../x"),
        lambda gm: gm.chats.iter(per_page=0),
        lambda gm: gm.groups.iter(per_page=500),
        lambda gm: gm.group_messages.iter("42", max_items=-1),
    ],
)
async def test_arguments_are_checked_when_the_listing_is_called(call: Any) -> None:
    requests: list[httpx.Request] = []
    async with _client(lambda r: requests.append(r) or httpx.Response(304)) as gm:
        with pytest.raises(ValueError):
            call(gm)  # no await, no iteration: the call itself refuses
    assert requests == []


async def test_aclose_cancels_the_prefetched_request_and_stops() -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    cancelled: list[bool] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if "before_id" in request.url.params:
            started.set()
            try:
                await release.wait()
            except asyncio.CancelledError:
                cancelled.append(True)
                raise
        return httpx.Response(
            200, json=envelope({"messages": [_raw(i) for i in range(100, 0, -1)]})
        )

    async with _client(handler) as gm:
        paginator = gm.group_messages.iter("42")
        first = await paginator.__anext__()
        assert first.id == "100"
        await asyncio.wait_for(started.wait(), 5)  # page 2 was requested ahead
        await paginator.aclose()
        await asyncio.sleep(0)
        assert cancelled == [True]
        with pytest.raises(StopAsyncIteration):
            await paginator.__anext__()
        await paginator.aclose()  # idempotent


def test_an_abandoned_walk_under_trio_is_closed_without_warnings() -> None:
    # The context manager closes the engine's generators: nothing is left for
    # the garbage collector to finalize (trio warns when it has to).
    async def main() -> list[str]:
        async with _client(History(300)) as gm:
            async with gm.group_messages.iter("42") as paginator:
                async for message in paginator:
                    if message.id == "250":
                        break
            async with gm.chats.iter() as chats:
                async for _ in chats:
                    break
            del paginator, chats
            gc.collect()
            await trio.sleep(0)
        return ["done"]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert trio.run(main) == ["done"]
        gc.collect()
    assert [str(w.message) for w in caught] == []


async def test_chats_and_groups_are_paginators_too() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        if request.url.path.endswith("/groups"):
            body: list[dict[str, Any]] = [{"id": str(page)}] if page <= 3 else []
        else:
            last = {"id": "1", "created_at": 1, "conversation_id": f"1+{page + 1}"}
            chat = {"other_user": {"id": str(page + 1)}, "last_message": last}
            body = [chat] if page <= 2 else []
        return httpx.Response(200, json=envelope(body))

    async with _client(handler) as gm:
        groups = gm.groups.iter(per_page=1)
        assert isinstance(groups, AsyncPaginator)
        assert [g.id async for g in groups] == ["1", "2", "3"]
        chats = [c async for c in gm.chats.iter(per_page=1)]
        assert [c.id for c in chats] == ["1+2", "1+3"]
        assert all(isinstance(c, Chat) for c in chats)
        assert [len(p) async for p in gm.groups.iter(per_page=1, max_items=2).pages()] == [1, 1]
        assert all(isinstance(g, Group) for g in await gm.groups.list())
