"""The export against a rate-limited FakeGroupMe: how close to the limit, how few 420s.

FakeGroupMe refuses past a token bucket of ``RATE`` requests per second per
token (bucket ``BURST``) with 420 Enhance Your Calm.  The export runs with its
defaults (the adaptive concurrency, the :class:`AdaptiveRateLimiter`) over more
history than it can finish, and is stopped (its ``stop`` event) after
``seconds``.  ``rate_limited_efficiency`` is the rate of requests the server
admitted (every request the export sent minus the 420s, discovery included,
over the whole run from the first request) divided by ``RATE``;
``rate_limited_420_share`` is the 420s over all requests sent.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import Any

import anyio

from groupme_async import AsyncGroupMe
from groupme_async.export import ExportSummary, export

from ._server import FakeServer

RATE = 50.0
BURST = 10
WORK = Path(__file__).resolve().parent / ".work"


async def _export_for(origin: str, token: str, out: str, seconds: float) -> ExportSummary:
    stop = anyio.Event()
    async with AsyncGroupMe(token, base_url=origin) as gm, anyio.create_task_group() as tg:

        async def stopper() -> None:
            await anyio.sleep(seconds)
            stop.set()

        tg.start_soon(stopper)
        summary = await export(gm, out, format="jsonl", stop=stop)
        tg.cancel_scope.cancel()
    return summary


def run(*, quick: bool, seed: int) -> dict[str, Any]:
    seconds = 10.0 if quick else 30.0
    groups = 4
    # More than the run can read: RATE * seconds requests of 100 messages.
    messages = int(RATE * seconds * 100 / groups * 1.5)
    WORK.mkdir(exist_ok=True)
    out = tempfile.mkdtemp(prefix="gma-bench-rate-", dir=WORK)
    try:
        with FakeServer(
            seed=seed, groups=groups, messages=messages, rate_limit=RATE, burst=BURST
        ) as server:
            # Let the bucket refill after the readiness probe.
            asyncio.run(asyncio.sleep(BURST / RATE))
            summary = asyncio.run(_export_for(server.origin, server.token, out, seconds))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if summary.new_messages == 0:
        raise RuntimeError(f"the rate-limited export read nothing: {summary.results}")
    admitted = summary.requests - summary.rate_limited
    achieved = admitted / summary.seconds
    efficiency = achieved / RATE
    share = summary.rate_limited / summary.requests
    return {
        "key": "rate_limited_efficiency",
        "value": efficiency,
        "extra": {"rate_limited_420_share": share},
        "allowed_rate": RATE,
        "burst": BURST,
        "run_seconds": summary.seconds,
        "requests": summary.requests,
        "rate_limited": summary.rate_limited,
        "admitted_per_s": achieved,
        "messages": summary.new_messages,
        "interrupted": summary.interrupted,
        "summary": (
            f"{RATE:g} req/s (burst {BURST}) for {summary.seconds:.1f} s: "
            f"{summary.requests} requests, {summary.rate_limited} answered 420, "
            f"{achieved:.1f} admitted/s."
        ),
    }
