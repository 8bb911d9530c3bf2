"""The README's commands, examples, signature and resource table are what the code does."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from groupme_async import AsyncGroupMe

from .examples import passed_some, python_blocks, run_pytest_file, run_script

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
SCRIPT_BLOCKS, PYTEST_BLOCKS = python_blocks(README)


def _section(name: str) -> str:
    match = re.search(rf"<!-- BEGIN {name}[^>]*-->\n(.*?)<!-- END {name} -->", README, re.S)
    assert match, f"the README has no {name} section"
    return match.group(1)


def test_the_readme_has_python_examples_of_both_kinds() -> None:
    assert PYTEST_BLOCKS and len(SCRIPT_BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(SCRIPT_BLOCKS)))
def test_every_script_example_runs_as_printed(index: int, served_fake: str, tmp_path: Path) -> None:
    """Run exactly as a user would: a file, GROUPME_TOKEN set; GROUPME_BASE_URL
    points it at FakeGroupMe on a socket instead of api.groupme.com."""
    result = run_script(SCRIPT_BLOCKS[index], base_url=served_fake, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip(), "the example printed nothing"


@pytest.mark.parametrize("index", range(len(PYTEST_BLOCKS)))
def test_every_pytest_example_passes(index: int, tmp_path: Path) -> None:
    result = run_pytest_file(PYTEST_BLOCKS[index], cwd=tmp_path)
    assert passed_some(result), result.stdout + result.stderr


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
