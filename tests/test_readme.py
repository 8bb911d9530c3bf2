"""The README's commands, examples, signature and resource table are what the code does."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from groupme_async import AsyncGroupMe
from groupme_async.testing import SANDBOX_TOKEN

from .cli import clean_env, serve_fake

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)
PYTEST_BLOCKS = [b for b in BLOCKS if "pytest_plugins" in b]
SCRIPT_BLOCKS = [b for b in BLOCKS if "pytest_plugins" not in b]


def _section(name: str) -> str:
    match = re.search(rf"<!-- BEGIN {name}[^>]*-->\n(.*?)<!-- END {name} -->", README, re.S)
    assert match, f"the README has no {name} section"
    return match.group(1)


def test_the_readme_has_python_examples_of_both_kinds() -> None:
    assert PYTEST_BLOCKS and len(SCRIPT_BLOCKS) >= 2


@pytest.fixture(scope="module")
def served_fake() -> Iterator[str]:
    with serve_fake("--seed", "1") as url:
        yield url


@pytest.mark.parametrize("index", range(len(SCRIPT_BLOCKS)))
def test_every_script_example_runs_as_printed(index: int, served_fake: str, tmp_path: Path) -> None:
    """Run exactly as a user would: a file, GROUPME_TOKEN set; GROUPME_BASE_URL
    points it at FakeGroupMe on a socket instead of api.groupme.com."""
    script = tmp_path / "example.py"
    script.write_text(SCRIPT_BLOCKS[index])
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(GROUPME_TOKEN=SANDBOX_TOKEN, GROUPME_BASE_URL=served_fake),
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip(), "the example printed nothing"


@pytest.mark.parametrize("index", range(len(PYTEST_BLOCKS)))
def test_every_pytest_example_passes(index: int, tmp_path: Path) -> None:
    (tmp_path / "test_example.py").write_text(PYTEST_BLOCKS[index])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "asyncio_mode=auto",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
            "-W",
            "error",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b[1-9]\d* passed", result.stdout)


def _rendered_signature() -> str:
    parameters = list(inspect.signature(AsyncGroupMe.__init__).parameters.values())[1:]
    parts: list[str] = []
    for p in parameters:
        if p.kind is p.KEYWORD_ONLY and "*" not in parts:
            parts.append("*")
        parts.append(f"{p.name}={p.default!r}")
    return f"`AsyncGroupMe({', '.join(parts)})`"


def test_the_readme_signature_is_the_code() -> None:
    assert _section("client signature").strip() == _rendered_signature()


def _public_methods(obj: object) -> set[str]:
    return {
        name
        for klass in type(obj).__mro__
        if klass.__module__.startswith("groupme_async")
        for name, value in vars(klass).items()
        if not name.startswith("_") and inspect.isfunction(value)
    }


def test_the_readme_resource_table_is_the_code() -> None:
    rows = re.findall(r"^\| `gm\.(\w+)` \| (.*) \|$", _section("resource table"), re.M)
    gm = AsyncGroupMe("t0ken")
    resources = {name for name in vars(gm) if not name.startswith("_")}
    documented = {name for name, _ in rows}
    assert documented == resources, "rows missing or extra"
    for name, methods in rows:
        listed = set(re.findall(r"`(\w+)\(", methods))
        assert listed == _public_methods(getattr(gm, name)), f"gm.{name}"


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"^(python3 -m venv .*)$", README, re.M)
    assert len(commands) == 2, "the README opens with the export and the test command"
    export, tests = commands
    assert "export --sandbox" in export
    assert tests in (ROOT / ".ci" / "run").read_text()


def _run_marked_example(name: str) -> str:
    """The output of the python block after ``<!-- README <name> example: ... -->``."""
    block = README.split(f"<!-- README {name} example: tests/test_readme.py runs this block -->")[1]
    code = re.search(r"```python\n(.*?)```", block, re.S)
    assert code is not None
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code.group(1)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_realtime_example_runs() -> None:
    output = _run_marked_example("realtime")
    assert output.strip().endswith("hello from someone else"), output


def test_the_bots_example_runs() -> None:
    output = _run_marked_example("bots")
    lines = output.strip().splitlines()
    assert lines[0] == "Echo posted hello", output
    assert lines[1].endswith(" posted again") and not lines[1].startswith("Echo"), output


def test_the_bots_example_file_is_the_one_the_readme_names() -> None:
    assert "examples/echo_bot.py" in README and (ROOT / "examples" / "echo_bot.py").exists()
    assert "uvicorn echo_bot:app --app-dir examples" in README
