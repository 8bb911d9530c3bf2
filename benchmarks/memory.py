"""Peak memory of the export: one 100k-message vs one 1M-message conversation.

Each export runs in a fresh subprocess (``python -m benchmarks.memory
--child``) against FakeGroupMe on loopback, writing JSONL under
``benchmarks/.work``; the child reports its own peak RSS (``VmHWM`` of
``/proc/self/status``, else ``ru_maxrss``) and its RSS just before the
export started (after imports), so the figure is the ratio of the two peaks
and the growth over the baseline is shown beside it.  An export whose memory
grew with the conversation would show a ratio near 10; one that streams pages
stays near 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._server import ROOT, FakeServer

WORK = Path(__file__).resolve().parent / ".work"
CHILD_TIMEOUT = 900.0


def _rss_kb() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss // 1024)


def child(origin: str, token: str, out: str) -> dict[str, Any]:
    from groupme_async import AsyncGroupMe
    from groupme_async.export import export

    async def go() -> tuple[int, int]:
        async with AsyncGroupMe(token, base_url=origin) as gm:
            summary = await export(gm, out, format="jsonl")
        if not summary.ok:
            raise RuntimeError(f"export failed: {summary.results}")
        return summary.new_messages, summary.requests

    baseline = _rss_kb()
    start = time.perf_counter()
    messages, requests = asyncio.run(go())
    seconds = time.perf_counter() - start
    return {
        "messages": messages,
        "requests": requests,
        "seconds": seconds,
        "baseline_rss_kb": baseline,
        "peak_rss_kb": _peak_rss_kb(),
    }


def _peak_rss_kb() -> int:
    """This process's peak RSS since it started running Python.

    Linux's ``VmHWM`` belongs to the address space, which ``exec`` replaces;
    ``ru_maxrss`` survives ``exec`` and so counts the benchmark process this
    child was forked from (larger after the decoding measurements)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _measure(messages: int, seed: int) -> dict[str, Any]:
    WORK.mkdir(exist_ok=True)
    out = tempfile.mkdtemp(prefix="gma-bench-memory-", dir=WORK)
    try:
        with FakeServer(seed=seed, groups=1, messages=messages) as server:
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.memory",
                    "--child",
                    "--origin",
                    server.origin,
                    "--token",
                    server.token,
                    "--out",
                    out,
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=CHILD_TIMEOUT,
                check=False,
            )
        if proc.returncode != 0:
            raise RuntimeError(f"export child failed: {proc.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if result["messages"] != messages:
        raise RuntimeError(f"export wrote {result['messages']} messages, expected {messages}")
    return result


def run(*, quick: bool, seed: int) -> dict[str, Any]:
    small, large = (20_000, 200_000) if quick else (100_000, 1_000_000)
    a = _measure(small, seed)
    b = _measure(large, seed)
    ratio = b["peak_rss_kb"] / a["peak_rss_kb"]
    mib = 1024.0
    return {
        "key": "rss_ratio_1m_vs_100k",
        "value": ratio,
        "small_messages": small,
        "large_messages": large,
        "small": a,
        "large": b,
        "summary": (
            f"{'QUICK run: ' if quick else ''}{small:,} vs {large:,} messages"
            f"{' (the full run uses 100k vs 1M)' if quick else ''}: peak RSS "
            f"{a['peak_rss_kb'] / mib:.1f} MiB vs {b['peak_rss_kb'] / mib:.1f} MiB "
            f"(after imports: {a['baseline_rss_kb'] / mib:.1f} / "
            f"{b['baseline_rss_kb'] / mib:.1f} MiB); {large / b['seconds']:,.0f} msg/s."
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--child", action="store_true", required=True)
    parser.add_argument("--origin", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if not args.origin.startswith("http://127.0.0.1:"):
        parser.error("loopback only")
    print(json.dumps(child(args.origin, args.token, args.out)))


if __name__ == "__main__":
    main()
