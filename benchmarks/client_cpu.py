"""Client CPU per message, in process: groupme_async vs a raw httpx + json loop.

The pages are captured once from FakeGroupMe (in process), then replayed
byte for byte through ``httpx.MockTransport``, so no server and no socket is
involved: what differs between the two walks is only the client code.  Both
page back through one conversation 100 messages at a time with ``before_id``
until the 304; groupme_async yields typed ``Message`` models (the envelope,
cursor checks and the cattrs conversion), the raw loop yields the dicts
``json.loads`` made.  CPU is ``time.process_time`` of this process, runs
alternate, and the figure is the ratio of the medians.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from groupme_async import AsyncGroupMe

from ._common import raw_walk

ORIGIN = "http://fake.invalid"

Pages = dict[str | None, bytes]


def capture_pages(messages: int, seed: int) -> tuple[str, str, Pages]:
    """(token, group id, {before_id or None: body}) for one conversation."""
    from groupme_async.testing import FAKE_BASE_URL, SANDBOX_TOKEN, FakeGroupMe

    fake = FakeGroupMe(
        seed=seed, dm_chats=0, groups=1, messages_per_conversation=messages, exact_counts=True
    )
    group_id = fake.conversations()[0].id
    pages: Pages = {}

    async def walk() -> None:
        async with httpx.AsyncClient(transport=fake.transport(), base_url=FAKE_BASE_URL) as c:
            before: str | None = None
            while True:
                params: dict[str, str | int] = {"limit": 100}
                if before is not None:
                    params["before_id"] = before
                r = await c.get(
                    f"/v3/groups/{group_id}/messages",
                    params=params,
                    headers={"X-Access-Token": SANDBOX_TOKEN},
                )
                if r.status_code != 200:
                    return
                pages[before] = r.content
                before = r.json()["response"]["messages"][-1]["id"]

    asyncio.run(walk())
    return SANDBOX_TOKEN, group_id, pages


def replay(pages: Pages) -> httpx.MockTransport:
    json_header = {"content-type": "application/json"}

    def handler(request: httpx.Request) -> httpx.Response:
        body = pages.get(request.url.params.get("before_id"))
        if body is None:
            return httpx.Response(304)
        return httpx.Response(200, content=body, headers=json_header)

    return httpx.MockTransport(handler)


async def walk_groupme_async(token: str, group_id: str, pages: Pages) -> int:
    n = 0
    async with AsyncGroupMe(token, base_url=ORIGIN, transport=replay(pages)) as gm:
        async for _message in gm.group_messages.iter(group_id, limit=100):
            n += 1
    return n


async def walk_raw(token: str, group_id: str, pages: Pages) -> int:
    async with httpx.AsyncClient(transport=replay(pages)) as client:
        return await raw_walk(client, f"{ORIGIN}/v3/groups/{group_id}/messages", token)


def _cpu(fn: Callable[[str, str, Pages], Awaitable[int]], *args: Any) -> tuple[float, int]:
    gc.collect()
    start = time.process_time()
    n = asyncio.run(fn(*args))
    return time.process_time() - start, n


def run(*, quick: bool, seed: int) -> dict[str, Any]:
    messages = 10_000 if quick else 20_000
    repeats = 5 if quick else 9
    token, group_id, pages = capture_pages(messages, seed)
    # One warm-up each: imports, the converter's generated code, caches.
    _cpu(walk_groupme_async, token, group_id, pages)
    _cpu(walk_raw, token, group_id, pages)
    ours: list[float] = []
    raw: list[float] = []
    for i in range(repeats):
        order = (
            [(walk_groupme_async, ours), (walk_raw, raw)]
            if i % 2 == 0
            else [(walk_raw, raw), (walk_groupme_async, ours)]
        )
        for fn, sink in order:
            seconds, n = _cpu(fn, token, group_id, pages)
            if n != messages:
                raise RuntimeError(f"{fn.__name__} saw {n} messages, expected {messages}")
            sink.append(seconds)
    ours_med = statistics.median(ours)
    raw_med = statistics.median(raw)
    ratio = raw_med / ours_med
    return {
        "key": "client_cpu_ratio_vs_raw",
        "value": ratio,
        "messages": messages,
        "repeats": repeats,
        "page_bytes_mean": statistics.fmean(len(b) for b in pages.values()),
        "groupme_async_cpu_s": ours,
        "raw_httpx_cpu_s": raw,
        "groupme_async_us_per_message": ours_med / messages * 1e6,
        "raw_httpx_us_per_message": raw_med / messages * 1e6,
        "summary": (
            f"{messages:,} messages, median of {repeats}: groupme_async "
            f"{ours_med / messages * 1e6:.1f} us/message, raw httpx+json "
            f"{raw_med / messages * 1e6:.1f} us/message."
        ),
    }
