"""Exports at real network latency: ``groupme-async export`` vs GroupyAPI.

GroupMe answers in roughly 50-150 ms, so what a user waits for is set by how
many requests a client keeps in flight, not by its CPU on loopback.
FakeGroupMe is served (uvicorn, its own process, 127.0.0.1) with every answer
delayed by ``latency`` ± 20% (``serve --latency MS --jitter MS``; the delays
overlap, as on a network): twenty groups of exactly 1,000 messages, at 50 ms
and at 150 ms.  On the same server:

* groupme_async: the command line as a user runs it, ``groupme-async export
  --base-url ... --out <fresh folder>`` with the token in ``GROUPME_TOKEN``,
  timed from starting the process to its exit (interpreter start-up,
  imports, discovery, the adaptive concurrency, JSONL writes, the summary);
* GroupyAPI at its best: ``Messages(...).list(limit=100).autopage()`` over
  the twenty groups one after another (it has no export and no concurrency),
  keeping nothing, with the group ids handed to it (its discovery not timed);
* GroupyAPI's default, ``list_all()`` (20 a page): once per latency, in full
  runs only (about 50 s at 50 ms and 150 s at 150 ms).

Runs alternate; figures are ratios of median wall times measured on the same
server in the same run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._common import groupy_walk, list_group_ids, median
from ._server import ROOT, FakeServer

CONVERSATIONS = 20
MESSAGES = 1_000
LATENCIES_MS = (50, 150)
JITTER = 0.2
WORK = Path(__file__).resolve().parent / ".work"
_SUMMARY = re.compile(
    r"([\d,]+) new messages, ([\d,]+) requests \(([\d,]+) rate-limited, up to (\d+) at once\)"
)


def _cli() -> list[str]:
    """``groupme-async`` from this interpreter's environment, as a user runs it."""
    script = Path(sys.executable).with_name("groupme-async")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "groupme_async"]


def _export(origin: str, token: str) -> tuple[float, dict[str, int]]:
    WORK.mkdir(exist_ok=True)
    parent = tempfile.mkdtemp(prefix="gma-bench-wan-", dir=WORK)
    out = os.path.join(parent, "archive")
    env = {**os.environ, "GROUPME_TOKEN": token, "COLUMNS": "120"}
    try:
        start = time.perf_counter()
        proc = subprocess.run(
            [*_cli(), "export", "--base-url", origin, "--out", out],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(parent, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(f"groupme-async export failed: {proc.stderr[-2000:]}")
    found = _SUMMARY.search(proc.stdout)
    if found is None:
        raise RuntimeError(f"no summary line in the export's output: {proc.stdout[-2000:]}")
    messages, requests, refused, peak = (int(g.replace(",", "")) for g in found.groups())
    if messages != CONVERSATIONS * MESSAGES:
        raise RuntimeError(f"the export wrote {messages} messages")
    return seconds, {"requests": requests, "rate_limited": refused, "peak_concurrency": peak}


def _groupy(origin: str, token: str, group_ids: list[str], page: int) -> float:
    start = time.perf_counter()
    n = sum(groupy_walk(origin, token, gid, page=page) for gid in group_ids)
    seconds = time.perf_counter() - start
    if n != CONVERSATIONS * MESSAGES:
        raise RuntimeError(f"GroupyAPI read {n} messages")
    return seconds


def _one_latency(latency_ms: int, *, quick: bool, seed: int) -> dict[str, Any]:
    repeats = 1 if quick else 3
    ours: list[float] = []
    best: list[float] = []
    runs: list[dict[str, int]] = []
    with FakeServer(
        seed=seed,
        groups=CONVERSATIONS,
        messages=MESSAGES,
        cache=True,
        latency_ms=latency_ms,
        jitter_ms=latency_ms * JITTER,
    ) as server:
        origin, token = server.origin, server.token
        group_ids = list_group_ids(origin, token, CONVERSATIONS)
        _export(origin, token)  # warm-up: the server's message cache, the OS's file cache
        for i in range(repeats):
            if i % 2 == 0:
                seconds, info = _export(origin, token)
                ours.append(seconds)
                best.append(_groupy(origin, token, group_ids, 100))
            else:
                best.append(_groupy(origin, token, group_ids, 100))
                seconds, info = _export(origin, token)
                ours.append(seconds)
            runs.append(info)
        list_all = None if quick else _groupy(origin, token, group_ids, 20)
    ours_med, best_med = median(ours), median(best)
    return {
        "latency_ms": latency_ms,
        "jitter_ms": latency_ms * JITTER,
        "export_s": ours,
        "groupy_best_s": best,
        "groupy_list_all_s": list_all,
        "export_runs": runs,
        "ratio_vs_best": best_med / ours_med,
        "ratio_vs_list_all": None if list_all is None else list_all / ours_med,
        "export_median_s": ours_med,
        "groupy_best_median_s": best_med,
    }


def run(*, quick: bool, seed: int) -> dict[str, Any]:
    by_latency = {ms: _one_latency(ms, quick=quick, seed=seed) for ms in LATENCIES_MS}
    extra: dict[str, float | None] = {}
    parts = []
    for ms, r in by_latency.items():
        extra[f"wan_export_ratio_vs_groupy_{ms}ms"] = r["ratio_vs_best"]
        extra[f"wan_export_ratio_vs_groupy_list_all_{ms}ms"] = r["ratio_vs_list_all"]
        peak = max(run["peak_concurrency"] for run in r["export_runs"])
        list_all = r["groupy_list_all_s"]
        parts.append(
            f"{ms} ms: export {r['export_median_s']:.2f} s (up to {peak} at once), "
            f"GroupyAPI limit=100 {r['groupy_best_median_s']:.1f} s"
            + ("" if list_all is None else f", list_all() {list_all:.1f} s")
        )
    first = f"wan_export_ratio_vs_groupy_{LATENCIES_MS[0]}ms"
    value = extra.pop(first)
    repeats = 1 if quick else 3
    return {
        "key": first,
        "value": value,
        "extra": extra,
        "conversations": CONVERSATIONS,
        "messages_per_conversation": MESSAGES,
        "repeats": repeats,
        "by_latency_ms": by_latency,
        "summary": (
            f"{CONVERSATIONS} x {MESSAGES:,} messages, ±{JITTER:.0%} jitter, median of "
            f"{repeats}: " + "; ".join(parts) + "."
        ),
    }
