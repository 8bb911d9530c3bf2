"""One 20,000-message conversation over loopback: groupme_async vs raw httpx vs GroupyAPI.

FakeGroupMe runs under uvicorn in its own process (one conversation of
exactly ``messages`` messages, fixed seed).  Each client reads the whole
conversation newest first, 100 messages a page, over a kept-alive connection:

* groupme_async: ``gm.group_messages.iter(group_id)`` yielding typed models;
* raw httpx: an ``httpx.AsyncClient`` loop with ``json.loads`` (the floor for
  any httpx-based client);
* GroupyAPI: ``Messages(...).list(limit=100).autopage()`` on ``requests``
  (GroupyAPI's ``list_all()`` ignores ``limit`` and pages by 20: it is timed
  once, for information, and is not the headline).

Runs rotate the order and the figure is the ratio of median wall times.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from typing import Any

import httpx

from groupme_async import AsyncGroupMe

from ._common import groupy_walk, median, raw_walk
from ._server import FakeServer


async def _ours(origin: str, token: str, group_id: str) -> int:
    n = 0
    async with AsyncGroupMe(token, base_url=origin) as gm:
        async for _message in gm.group_messages.iter(group_id, limit=100):
            n += 1
    return n


async def _raw(origin: str, token: str, group_id: str) -> int:
    async with httpx.AsyncClient() as client:
        return await raw_walk(client, f"{origin}/v3/groups/{group_id}/messages", token)


def _timed(fn: Callable[[], int], server: FakeServer) -> tuple[float, float, float, int]:
    """(wall s, this process's CPU s, server CPU s, messages)."""
    gc.collect()
    server_cpu = server.cpu_seconds()
    cpu = time.process_time()
    wall = time.perf_counter()
    n = fn()
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    return wall, cpu, server.cpu_seconds() - server_cpu, n


def run(*, quick: bool, seed: int) -> dict[str, Any]:
    messages = 20_000
    repeats = 3 if quick else 7
    with FakeServer(seed=seed, groups=1, messages=messages, cache=True) as server:
        origin, token = server.origin, server.token
        group_id = httpx.get(f"{origin}/v3/groups", headers={"X-Access-Token": token}).json()[
            "response"
        ][0]["id"]
        clients: dict[str, Callable[[], int]] = {
            "groupme_async": lambda: asyncio.run(_ours(origin, token, group_id)),
            "raw_httpx": lambda: asyncio.run(_raw(origin, token, group_id)),
            "groupy": lambda: groupy_walk(origin, token, group_id),
        }
        names = list(clients)
        for name in names:  # warm-up: imports, connection set-up code paths, caches
            clients[name]()
        samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
        for i in range(repeats):
            for name in names[i % 3 :] + names[: i % 3]:
                wall, cpu, server_cpu, n = _timed(clients[name], server)
                if n != messages:
                    raise RuntimeError(f"{name} read {n} messages, expected {messages}")
                samples[name].append((wall, cpu, server_cpu))
        list_all_wall, _, _, n = _timed(
            lambda: groupy_walk(origin, token, group_id, page=20), server
        )
        if n != messages:
            raise RuntimeError(f"groupy list_all read {n} messages, expected {messages}")
    wall = {name: median([s[0] for s in samples[name]]) for name in names}
    cpu = {name: median([s[1] for s in samples[name]]) for name in names}
    server_cpu = {name: median([s[2] for s in samples[name]]) for name in names}
    ratio = wall["groupy"] / wall["groupme_async"]
    return {
        "key": "loopback_ratio_vs_groupy",
        "value": ratio,
        "messages": messages,
        "repeats": repeats,
        "wall_s": wall,
        "client_cpu_s": cpu,
        "server_cpu_s": server_cpu,
        "samples": samples,
        "ratio_vs_raw_httpx": wall["raw_httpx"] / wall["groupme_async"],
        "groupy_list_all_wall_s": list_all_wall,
        "extra": {"loopback_ratio_vs_groupy_list_all": list_all_wall / wall["groupme_async"]},
        "summary": (
            f"{messages:,} messages, median of {repeats}: groupme_async "
            f"{wall['groupme_async']:.2f} s, raw httpx {wall['raw_httpx']:.2f} s, "
            f"GroupyAPI (limit=100) {wall['groupy']:.2f} s; GroupyAPI list_all() "
            f"(20 a page) {list_all_wall:.2f} s = {list_all_wall / wall['groupme_async']:.2f}x."
        ),
    }
