"""The README's commands and examples are what the code does."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_the_pytest_example_passes(tmp_path: Path) -> None:
    block = README.split("<!-- README example: tests/test_readme.py runs this block -->")[1]
    code = re.search(r"```python\n(.*?)```", block, re.S)
    assert code is not None
    (tmp_path / "test_example.py").write_text(code.group(1))
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
    assert "1 passed" in result.stdout


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"^(python3 -m venv .*)$", README, re.M)
    assert len(commands) == 2, "the README opens with the export and the test command"
    export, tests = commands
    assert "export --sandbox" in export
    assert tests in (ROOT / ".ci" / "run").read_text()


def test_the_realtime_example_runs() -> None:
    block = README.split("<!-- README realtime example: tests/test_readme.py runs this block -->")[
        1
    ]
    code = re.search(r"```python\n(.*?)```", block, re.S)
    assert code is not None
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code.group(1)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("hello from someone else"), result.stdout
