"""results.json, the README's results table and ratios.png, all from one dict."""

from __future__ import annotations

import json
import os
import platform
import re
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, NamedTuple

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
README = HERE / "README.md"
CHART = HERE / "ratios.png"

START = "<!-- bench:results:start (rewritten by python -m benchmarks; do not edit) -->"
END = "<!-- bench:results:end -->"


class Target(NamedTuple):
    op: Literal[">=", "<="]
    value: float
    label: str
    measurement: str


TARGETS: dict[str, Target] = {
    "client_cpu_ratio_vs_raw": Target(
        ">=", 0.6, "client CPU: raw httpx+json / groupme_async", "client_cpu"
    ),
    "loopback_ratio_vs_groupy": Target(
        ">=", 3.0, "one 20k conversation over loopback: GroupyAPI / groupme_async", "loopback"
    ),
    "rss_ratio_1m_vs_100k": Target(
        "<=", 1.2, "export peak RSS: 1M-message / 100k-message conversation", "memory"
    ),
    "rate_limited_efficiency": Target(
        ">=", 0.9, "rate-limited export: achieved / allowed request rate", "rate_limited"
    ),
    "rate_limited_420_share": Target(
        "<=", 0.02, "rate-limited export: share of requests answered 420", "rate_limited"
    ),
    "wan_export_ratio_vs_groupy_50ms": Target(
        ">=",
        6.0,
        "20 x 1k at 50 ms: GroupyAPI limit=100 one by one / `groupme-async export`",
        "wan",
    ),
    "wan_export_ratio_vs_groupy_150ms": Target(">=", 6.0, "the same at 150 ms", "wan"),
    "wan_export_ratio_vs_groupy_list_all_50ms": Target(
        ">=",
        20.0,
        "20 x 1k at 50 ms: GroupyAPI `list_all()` one by one / `groupme-async export`",
        "wan",
    ),
    "wan_export_ratio_vs_groupy_list_all_150ms": Target(">=", 20.0, "the same at 150 ms", "wan"),
}


#: Figures shown for information, without a target.
INFO: dict[str, str] = {
    "loopback_ratio_vs_groupy_list_all": (
        "one 20k conversation: GroupyAPI `list_all()` (its documented whole-history call, "
        "which ignores `limit` and pages by 20) / groupme_async"
    ),
    "export_ratio_vs_groupy": (
        "20 x 5k on loopback (no latency): GroupyAPI limit=100 one by one / the library's "
        "`export()`; bound by the two processes' CPU on two cores (`benchmarks/export_many.py`)"
    ),
    "export_ratio_vs_groupy_list_all": (
        "20 x 5k on loopback: GroupyAPI `list_all()` one conversation after another / "
        "`export()` (full runs only)"
    ),
    "decode_hand_written_us_per_message": (
        "decoding one message with the hand-written `Message` hook, microseconds (best of the "
        "runs; `benchmarks/decode.py`)"
    ),
    "decode_generated_us_per_message": (
        "the same with cattrs' generated hook, `make_dict_structure_fn(Message, converter)`"
    ),
    "decode_generated_vs_hand_written": (
        "generated / hand-written cost; the hand-written hook is kept only if this is >= 1.10"
    ),
    "import_groupme_async_ms": (
        "`import groupme_async` in a fresh interpreter, CPU milliseconds (median; "
        "`benchmarks/import_time.py`)"
    ),
    "push_latency_ms_websocket": (
        "push latency, websocket: REST send to the MessageCreated event, median ms "
        "(uvicorn-served fake in the same process)"
    ),
    "push_latency_ms_long_polling": "push latency, long-polling: the same, median ms",
    "push_reconnect_ms_websocket": (
        "push reconnect, websocket: drop_push_clients() to resubscribed, median ms, "
        "backoff off (the default jittered first wait adds up to 500 ms)"
    ),
    "push_reconnect_ms_long_polling": "push reconnect, long-polling: the same, median ms",
}


#: Measurements without a target whose whole summary is shown under the table.
SUMMARIES = ("decode", "export")


def passes(key: str, value: float | None) -> bool | None:
    if value is None:
        return None
    target = TARGETS[key]
    return value >= target.value if target.op == ">=" else value <= target.value


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu_model": model,
        "cores": os.cpu_count(),
        "cores_usable": len(affinity) if affinity is not None else os.cpu_count(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "os": platform.platform(),
    }


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for dist in (
        "groupme_async",
        "httpx",
        "GroupyAPI",
        "requests",
        "attrs",
        "cattrs",
        "anyio",
        "uvicorn",
    ):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def load_previous() -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        return {}
    return data


def write_results(results: dict[str, Any]) -> None:
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")


def _fmt(value: float | None) -> str:
    if value is None:
        return "not measured"
    if abs(value) < 0.1:
        return f"{value:.4f}"
    return f"{value:.2f}"


def table(results: dict[str, Any]) -> str:
    details = results.get("details", {})
    m = results.get("machine", {})
    v = results.get("versions", {})
    lines = [
        f"Measured {results.get('generated_at', '?')} by `python -m benchmarks"
        f"{' --quick' if results.get('mode') == 'quick' else ''}` "
        f"(mode: **{results.get('mode', '?')}**) on {m.get('cpu_model', '?')}, "
        f"{m.get('cores', '?')} cores, Python {m.get('python', '?')}, {m.get('os', '?')}.",
        "",
        f"Versions: groupme_async {v.get('groupme_async')}, httpx {v.get('httpx')}, "
        f"GroupyAPI {v.get('GroupyAPI')}, requests {v.get('requests')}.",
        "",
        "| figure | measured | target | | what was compared |",
        "| --- | ---: | ---: | :---: | --- |",
    ]
    described: set[str] = set()
    for key, target in TARGETS.items():
        value = results.get(key)
        ok = passes(key, value)
        mark = "n/a" if ok is None else ("pass" if ok else "**miss**")
        detail = details.get(target.measurement, {})
        # A measurement with several figures is described on its first row.
        note = "" if target.measurement in described else detail.get("summary", "")
        described.add(target.measurement)
        mode = detail.get("mode")
        if mode and mode != results.get("mode"):
            note = f"({mode} run) {note}"
        lines.append(
            f"| `{key}` | {_fmt(value)} | {target.op} {target.value:g} | {mark} | "
            f"{target.label}. {note} |"
        )
    info = [(key, label) for key, label in INFO.items() if results.get(key) is not None]
    if info:
        lines.append("")
        lines.append("For information (no target):")
        lines.append("")
        for key, label in info:
            lines.append(f"- `{key}` = {_fmt(results[key])}: {label}.")
    for name in SUMMARIES:
        summary = details.get(name, {}).get("summary")
        if summary:
            lines.append(f"- `{name}`: {summary}")
    notes = results.get("notes") or []
    if notes:
        lines.append("")
        lines.extend(f"- {note}" for note in notes)
    lines.append("")
    lines.append("![ratios against targets](ratios.png)")
    return "\n".join(lines)


def write_readme(results: dict[str, Any]) -> None:
    text = README.read_text()
    block = f"{START}\n{table(results)}\n{END}"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + block + "\n"
    README.write_text(text)


def write_chart(results: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = list(TARGETS)
    rows = -(-len(keys) // 3)
    fig, grid = plt.subplots(rows, 3, figsize=(10.5, 3.2 * rows))
    for ax in list(grid.flat)[len(keys) :]:
        ax.axis("off")
    for ax, key in zip(grid.flat, keys, strict=False):
        target = TARGETS[key]
        value = results.get(key)
        ok = passes(key, value)
        color = "#9e9e9e" if ok is None else ("#2e7d32" if ok else "#c62828")
        shown = 0.0 if value is None else float(value)
        ax.bar([0], [shown], color=color, width=0.9)
        ax.axhline(target.value, color="black", linestyle="--", linewidth=1.2)
        top = max(shown, target.value) * 1.3 or 1.0
        ax.set_ylim(0, top)
        ax.set_xlim(-0.8, 1.6)
        ax.set_xticks([])
        ax.set_title(key.replace("_", " "), fontsize=8.5)
        ax.text(
            0,
            shown + top * 0.02,
            "not measured" if value is None else _fmt(value),
            ha="center",
            va="bottom",
            fontsize=9,
        )
        ax.text(
            0.99,
            target.value / top + 0.015,
            f"target {target.op} {target.value:g}",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7.5,
        )
    mode = results.get("mode", "?")
    fig.suptitle(
        f"groupme_async benchmarks ({mode} run, {results.get('generated_at', '?')})\n"
        "green = target met, red = missed, dashed line = target",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(CHART, dpi=110)
    plt.close(fig)
