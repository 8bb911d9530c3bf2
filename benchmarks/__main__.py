"""``python -m benchmarks``: run the measurements, write results.json, README and chart.

``--quick`` is a smaller run (under about a minute of measuring);
``--only NAME ...`` runs some measurements and keeps the others' last
figures.  GroupyAPI pins an ancient ``requests``, so it cannot be a declared
dependency: when missing it is installed here with ``pip install --no-deps``
beside the current ``requests`` the ``bench`` extra brings.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from . import _report

MEASUREMENTS = (
    "client_cpu",
    "loopback",
    "export",
    "wan",
    "decode",
    "memory",
    "rate_limited",
    "import_time",
    "push",
)
MODULES = {
    "client_cpu": "benchmarks.client_cpu",
    "loopback": "benchmarks.loopback",
    "export": "benchmarks.export_many",
    "wan": "benchmarks.wan",
    "decode": "benchmarks.decode",
    "memory": "benchmarks.memory",
    "rate_limited": "benchmarks.rate_limited",
    "import_time": "benchmarks.import_time",
    "push": "benchmarks.push",
}
NEEDS_GROUPY = {"loopback", "export", "wan"}
GROUPY_PIN = "GroupyAPI==0.10.3"


def ensure_groupy() -> None:
    if importlib.util.find_spec("groupy") is not None:
        return
    if importlib.util.find_spec("requests") is None:
        raise SystemExit(
            "GroupyAPI needs requests: install the bench extra (pip install -e .[bench])"
        )
    print(f"installing {GROUPY_PIN} without its dependencies (it pins requests~=2.20.0)")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", GROUPY_PIN], check=True
    )
    importlib.invalidate_caches()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about a minute")
    parser.add_argument(
        "--only", nargs="+", choices=MEASUREMENTS, metavar="NAME", help=", ".join(MEASUREMENTS)
    )
    parser.add_argument("--seed", type=int, default=1, help="FakeGroupMe's seed (default 1)")
    parser.add_argument(
        "--no-write", action="store_true", help="print figures; leave results/README/chart alone"
    )
    args = parser.parse_args(argv)
    chosen = list(args.only or MEASUREMENTS)
    mode = "quick" if args.quick else "full"
    if NEEDS_GROUPY & set(chosen):
        ensure_groupy()

    previous = _report.load_previous() if args.only else {}
    results: dict[str, Any] = {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": mode,
        "seed": args.seed,
        "machine": _report.machine(),
        "versions": _report.versions(),
    }
    # --only keeps every other measurement's last figure, informational ones too.
    for key in (*_report.TARGETS, *_report.INFO):
        results[key] = previous.get(key)
    details: dict[str, Any] = dict(previous.get("details", {}))
    failed = []
    for name in chosen:
        print(f"[{name}] running ({mode})...", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(MODULES[name])
            outcome: dict[str, Any] = module.run(quick=args.quick, seed=args.seed)
        except Exception:
            failed.append(name)
            error = traceback.format_exc()
            print(error, file=sys.stderr)
            details[name] = {"mode": mode, "error": error.strip().splitlines()[-1]}
            for key, target in _report.TARGETS.items():
                if target.measurement == name:
                    results[key] = None
            continue
        outcome["mode"] = mode
        outcome["elapsed_s"] = time.perf_counter() - started
        results[outcome["key"]] = outcome["value"]
        for key, value in outcome.get("extra", {}).items():
            results[key] = value
        details[name] = outcome
        print(f"[{name}] {outcome['summary']} ({outcome['elapsed_s']:.0f} s)", flush=True)
    results["targets"] = {
        key: {"op": t.op, "value": t.value, "pass": _report.passes(key, results.get(key))}
        for key, t in _report.TARGETS.items()
    }
    results["details"] = details
    print()
    for key, target in _report.TARGETS.items():
        value = results.get(key)
        verdict = {None: "not measured", True: "pass", False: "MISS"}[_report.passes(key, value)]
        shown = "-" if value is None else f"{value:.4g}"
        print(f"{key:28s} {shown:>10s}  target {target.op} {target.value:g}  {verdict}")
    if not args.no_write:
        _report.write_results(results)
        _report.write_readme(results)
        _report.write_chart(results)
        print(f"\nwrote {_report.RESULTS}, {_report.README} and {_report.CHART}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
