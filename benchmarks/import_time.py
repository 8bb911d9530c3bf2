"""How long ``import groupme_async`` takes in a fresh interpreter.

Each sample is a new ``python -c`` that times ``import groupme_async`` alone
(interpreter start-up is not counted), by the process's CPU time and by the
wall clock.  The figure is the median CPU time: on a machine shared with
other work the wall clock mostly measures the neighbours (both are kept in
``results.json``, and the summary gives the wall median).  One more run under
``python -X importtime`` names the dependencies that cost the most, and the
report says which optional packages (rich, pygments, click) the import
pulled in: httpx imports its own command line's packages whenever they are
installed, so the figure depends on what else the environment holds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

from ._common import median

_TIMED = (
    "import sys, time, json\n"
    "cpu, wall = time.process_time(), time.perf_counter()\n"
    "import groupme_async\n"
    "wall = (time.perf_counter() - wall) * 1000\n"
    "cpu = (time.process_time() - cpu) * 1000\n"
    "top = {m.partition('.')[0] for m in sys.modules}\n"
    "optional = sorted(top & {'rich', 'pygments', 'click'})\n"
    "print(json.dumps({'cpu_ms': cpu, 'wall_ms': wall, 'optional': optional}))\n"
)
#: The top-level packages ``import groupme_async`` brings in, reported by cost.
_DEPENDENCIES = ("httpx", "cattrs", "attrs", "anyio", "orjson", "importlib.metadata")
_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s+)(\S+)")


def _sample() -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", _TIMED], capture_output=True, text=True, check=True, timeout=60
    )
    sample: dict[str, Any] = json.loads(proc.stdout)
    return sample


def _breakdown() -> dict[str, float]:
    """Cumulative ms of groupme_async and of each dependency it imports first."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import groupme_async"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    out: dict[str, float] = {}
    for match in _LINE.finditer(proc.stderr):
        name = match.group(4)
        if name in (*_DEPENDENCIES, "groupme_async") and name not in out:
            out[name] = int(match.group(2)) / 1000
    return out


def run(*, quick: bool, seed: int) -> dict[str, Any]:
    del seed  # nothing random here
    return measure(7 if quick else 21)


def measure(runs: int) -> dict[str, Any]:
    """The median of ``runs`` timed imports, after one untimed warm-up."""
    _sample()  # warm the disk cache and the bytecode
    samples = [_sample() for _ in range(runs)]
    cpu = [s["cpu_ms"] for s in samples]
    wall = [s["wall_ms"] for s in samples]
    optional = sorted({name for s in samples for name in s["optional"]})
    breakdown = _breakdown()
    value = median(cpu)
    biggest = sorted(
        ((k, v) for k, v in breakdown.items() if k != "groupme_async"), key=lambda kv: -kv[1]
    )
    parts = ", ".join(f"{name} {ms:.0f} ms" for name, ms in biggest[:3])
    return {
        "key": "import_groupme_async_ms",
        "value": value,
        "runs": runs,
        "cpu_ms": cpu,
        "wall_ms": wall,
        "importtime_ms": breakdown,
        "optional_imported": optional,
        "summary": (
            f"median of {runs} fresh interpreters: {value:.0f} ms CPU "
            f"(min {min(cpu):.0f}, max {max(cpu):.0f}), {median(wall):.0f} ms wall; "
            f"largest imports under -X importtime (wall): {parts}; optional packages "
            f"pulled in by httpx: {', '.join(optional) or 'none'}."
        ),
    }
