"""Shared pieces for export tests: a fake on a virtual clock, and archive readers."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import httpx

from groupme_async import AdaptiveRateLimiter, AsyncGroupMe, RetryPolicy
from groupme_async.export import ExportProgress
from groupme_async.testing import FAKE_BASE_URL, FakeGroupMe

from ..clock import VirtualClock

__all__ = [
    "QuietProgress",
    "VirtualClock",
    "make_client",
    "make_fake",
    "make_limiter",
    "read_archive",
    "truth",
]


class QuietProgress(ExportProgress):
    """An ExportProgress that ignores everything: tests override what they watch."""


def make_fake(clock: VirtualClock, **kwargs: Any) -> FakeGroupMe:
    return FakeGroupMe(clock=clock, sleep=clock.sleep, **kwargs)


def make_client(
    fake: FakeGroupMe, clock: VirtualClock, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncGroupMe:
    """A client of ``fake``, or of ``transport`` (one wrapping ``fake.transport()``)."""
    return AsyncGroupMe(
        fake.token,
        base_url=FAKE_BASE_URL,
        transport=transport or fake.transport(),
        retry=RetryPolicy(max_attempts=12, base_delay=0.05, max_delay=2.0),
        sleep=clock.sleep,
        rng=random.Random(1),
    )


def make_limiter(clock: VirtualClock) -> AdaptiveRateLimiter:
    return AdaptiveRateLimiter(clock=clock, sleep=clock.sleep)


def truth(fake: FakeGroupMe) -> dict[str, list[dict[str, Any]]]:
    """Every conversation's messages, oldest first, keyed like the archive."""
    out = {}
    for conv in fake.conversations():
        key = f"group-{conv.id}" if conv.kind == "group" else f"dm-{conv.id}"
        out[key] = list(fake.messages(conv.kind, conv.id))
    return out


def read_archive(fmt: str, out: Path) -> dict[str, list[dict[str, Any]]]:
    """What the archive holds, oldest first, parsed back to messages."""
    if fmt == "jsonl":
        return {
            path.name.removesuffix(".jsonl"): [
                json.loads(line) for line in path.read_text().splitlines()
            ]
            for path in sorted(out.glob("*.jsonl"))
        }
    with sqlite3.connect(out / "groupme.sqlite") as db:
        archive: dict[str, list[dict[str, Any]]] = {}
        for key, raw in db.execute(
            "SELECT conversation, raw FROM messages ORDER BY conversation, seq"
        ):
            archive.setdefault(key, []).append(json.loads(raw))
        return archive
