"""Run the code examples of a Markdown page (the README, a guide) as a reader would.

A ```python block is either a script (run as a file in a fresh interpreter,
``GROUPME_TOKEN`` set and ``GROUPME_BASE_URL`` pointing at a FakeGroupMe
served on a socket instead of api.groupme.com) or, when it enables the
pytest plugin, a test file run under pytest.  A ```sh block is run by bash
in the same environment, with ``groupme-async`` on ``PATH``.  Output shown
to the reader goes in ```text blocks, which are not run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from groupme_async.testing import SANDBOX_TOKEN

from .cli import clean_env

_BLOCK = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)
PYTEST_MARK = "pytest_plugins"


def blocks(markdown: str, language: str) -> list[str]:
    """The code of every fenced block in ``language``, in page order."""
    return [code for lang, code in _BLOCK.findall(markdown) if lang == language]


def python_blocks(markdown: str) -> tuple[list[str], list[str]]:
    """The page's python blocks: (scripts, pytest files)."""
    code = blocks(markdown, "python")
    return [b for b in code if PYTEST_MARK not in b], [b for b in code if PYTEST_MARK in b]


def _reader_env(base_url: str) -> dict[str, str]:
    env = clean_env(GROUPME_TOKEN=SANDBOX_TOKEN, GROUPME_BASE_URL=base_url)
    # The venv's groupme-async, whether or not the venv is activated.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_script(code: str, *, base_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``code`` as a file run with ``python -W error``, as a reader would."""
    script = cwd / "example.py"
    script.write_text(code)
    return subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_reader_env(base_url),
        timeout=120,
    )


def run_shell(code: str, *, base_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``code`` under ``bash -e`` (the first failing command fails it)."""
    return subprocess.run(
        ["bash", "-e", "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_reader_env(base_url),
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def run_pytest_file(code: str, *, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``code`` as ``test_example.py`` under pytest, with pytest-asyncio's auto mode."""
    (cwd / "test_example.py").write_text(code)
    return subprocess.run(
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
            str(cwd),
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env(),
        timeout=120,
    )


def passed_some(result: subprocess.CompletedProcess[str]) -> bool:
    """pytest ran and passed at least one test."""
    return result.returncode == 0 and re.search(r"\b[1-9]\d* passed", result.stdout) is not None


__all__ = [
    "PYTEST_MARK",
    "blocks",
    "passed_some",
    "python_blocks",
    "run_pytest_file",
    "run_script",
    "run_shell",
]
