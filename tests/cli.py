"""Run ``groupme-async`` in a fresh interpreter, as a user's shell would.

``blocked`` makes some top-level packages unimportable in that interpreter
(a meta-path finder installed before anything else is imported), which is
how a test sees an install without an extra.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

_BLOCKER = """
import sys

class _Blocked:
    def __init__(self, names):
        self.names = names

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
        return None

sys.meta_path.insert(0, _Blocked(set(sys.argv.pop(1).split(",")) - {""}))
"""

CLI = _BLOCKER + "from groupme_async.__main__ import main\nsys.exit(main(sys.argv[1:]))\n"


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without a token (and with ``extra``)."""
    env = {k: v for k, v in os.environ.items() if k != "GROUPME_TOKEN"}
    env.update(extra)
    return env


def run_cli(
    *argv: str,
    blocked: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """``groupme-async ARGV`` with no standard input (not a terminal)."""
    return subprocess.run(
        [sys.executable, "-c", CLI, ",".join(blocked), *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else clean_env(),
        cwd=cwd,
        timeout=timeout,
    )


def run_python(code: str, *, blocked: Iterable[str] = ()) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter, after blocking ``blocked``."""
    return subprocess.run(
        [sys.executable, "-c", _BLOCKER + code, ",".join(blocked)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
    )


@contextmanager
def serve_fake(*args: str) -> Iterator[str]:
    """``python -m groupme_async.testing serve --port 0 ARGS``; yields its URL."""
    command = [sys.executable, "-m", "groupme_async.testing", "serve", "--port", "0", *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
            assert match, "the fake did not start"
            yield match.group(1)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


__all__ = ["CLI", "clean_env", "run_cli", "run_python", "serve_fake"]
