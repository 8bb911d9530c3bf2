"""Twenty 5,000-message conversations: the concurrent export vs GroupyAPI one by one.

groupme_async runs its bulk export as a user would,
``export(gm, out, format="jsonl")`` into a fresh folder under
``benchmarks/.work`` (discovery, the adaptive concurrency, the
adaptive limiter, every page written to JSONL with its checkpoint).  GroupyAPI
has no export: it reads the twenty groups one after another with
``list(limit=100).autopage()`` and keeps nothing (less work than the export,
which also writes).  GroupyAPI's own ``list_all()`` pages by 20; it is timed
once for information.  The figure is the ratio of median wall times.
"""

from __future__ import annotations

import asyncio
import gc
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from groupme_async import AsyncGroupMe
from groupme_async.export import export

from ._common import groupy_walk, list_group_ids, median
from ._server import FakeServer

CONVERSATIONS = 20
# A plain folder of the work tree (gitignored), as a user's archive would be.
WORK = Path(__file__).resolve().parent / ".work"


async def _export(origin: str, token: str, out: str) -> tuple[int, int, int]:
    async with AsyncGroupMe(token, base_url=origin) as gm:
        summary = await export(gm, out, format="jsonl")
    if not summary.ok:
        raise RuntimeError(f"export failed: {summary.results}")
    return summary.new_messages, summary.requests, summary.rate_limited


def run(*, quick: bool, seed: int) -> dict[str, Any]:
    messages = 5_000
    repeats = 2 if quick else 5
    total = messages * CONVERSATIONS
    ours: list[float] = []
    groupy: list[float] = []
    requests_made: list[int] = []
    with FakeServer(seed=seed, groups=CONVERSATIONS, messages=messages, cache=True) as server:
        origin, token = server.origin, server.token
        group_ids = list_group_ids(origin, token, CONVERSATIONS)

        def run_ours() -> float:
            WORK.mkdir(exist_ok=True)
            out = tempfile.mkdtemp(prefix="gma-bench-export-", dir=WORK)
            try:
                gc.collect()
                start = time.perf_counter()
                n, requests, _ = asyncio.run(_export(origin, token, out))
                seconds = time.perf_counter() - start
            finally:
                shutil.rmtree(out, ignore_errors=True)
            if n != total:
                raise RuntimeError(f"export wrote {n} messages, expected {total}")
            requests_made.append(requests)
            return seconds

        def run_groupy(page: int = 100) -> float:
            gc.collect()
            start = time.perf_counter()
            n = sum(groupy_walk(origin, token, gid, page=page) for gid in group_ids)
            seconds = time.perf_counter() - start
            if n != total:
                raise RuntimeError(f"GroupyAPI read {n} messages, expected {total}")
            return seconds

        run_ours()  # warm-up: imports, first-use code paths, the server's cache
        for i in range(repeats):
            if i % 2 == 0:
                ours.append(run_ours())
                groupy.append(run_groupy())
            else:
                groupy.append(run_groupy())
                ours.append(run_ours())
        # GroupyAPI's list_all() (20 a page) takes ~4x as long: full runs only.
        list_all = None if quick else run_groupy(page=20)
    ours_med, groupy_med = median(ours), median(groupy)
    ratio = groupy_med / ours_med
    return {
        "key": "export_ratio_vs_groupy",
        "value": ratio,
        "conversations": CONVERSATIONS,
        "messages_per_conversation": messages,
        "repeats": repeats,
        "groupme_async_export_s": ours,
        "groupy_sequential_s": groupy,
        "export_requests": requests_made,
        "groupy_list_all_s": list_all,
        "extra": {
            "export_ratio_vs_groupy_list_all": None if list_all is None else list_all / ours_med
        },
        "summary": (
            f"{CONVERSATIONS} x {messages:,} messages, median of {repeats}: export "
            f"{ours_med:.2f} s ({total / ours_med:,.0f} msg/s), GroupyAPI (limit=100) "
            f"{groupy_med:.2f} s"
            + (
                ""
                if list_all is None
                else f"; GroupyAPI list_all() (20 a page) {list_all:.2f} s = "
                f"{list_all / ours_med:.2f}x"
            )
            + "."
        ),
    }
