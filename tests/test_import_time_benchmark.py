"""The import-time figure: measured by benchmarks/import_time.py, recorded in results."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from benchmarks import _report, import_time

ROOT = Path(__file__).resolve().parents[1]


def test_the_measurement_times_fresh_imports() -> None:
    outcome = import_time.measure(3)
    assert outcome["key"] == "import_groupme_async_ms"
    assert len(outcome["cpu_ms"]) == len(outcome["wall_ms"]) == 3
    assert all(ms > 0 for ms in outcome["cpu_ms"] + outcome["wall_ms"])
    assert outcome["value"] == statistics.median(outcome["cpu_ms"])
    assert {"groupme_async", "httpx"} <= set(outcome["importtime_ms"])


def test_the_recorded_figure_is_in_results_and_the_readme() -> None:
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    value = results["import_groupme_async_ms"]
    assert isinstance(value, float) and value > 0
    assert results["details"]["import_time"]["value"] == value
    readme = (ROOT / "benchmarks" / "README.md").read_text()
    assert f"`import_groupme_async_ms` = {_report._fmt(value)}" in readme
