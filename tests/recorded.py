"""Where the optional corpus of recorded GroupMe responses lives.

The corpus holds real people's names, so it is never committed: CI and
maintainers keep it beside the clone (``../shared/fixtures/recorded``) or name
it with ``GROUPME_RECORDED_FIXTURES``.  A fresh clone has neither; the tests
that read it then skip, with one reason that says how to provide it, while
their twins on the invented fixtures in ``tests/fixtures/`` still run.

The ``recorded`` fixture (``tests/conftest.py``) is the only way a test reaches
the corpus, so this module holds the only copy of the rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

ENV_VAR = "GROUPME_RECORDED_FIXTURES"
REPO_ROOT = Path(__file__).resolve().parents[1]


def default_location(repo_root: Path) -> Path:
    """The corpus's place when the variable is not set: beside the clone."""
    return repo_root.parent / "shared" / "fixtures" / "recorded"


def skip_reason() -> str:
    return (
        f"recorded GroupMe corpus not found: set {ENV_VAR} "
        "(or place it at ../shared/fixtures/recorded)"
    )


def locate_recorded(environ: Mapping[str, str], repo_root: Path = REPO_ROOT) -> Path:
    """The corpus folder: ``$GROUPME_RECORDED_FIXTURES``, else beside the clone.

    Skips the calling test when neither exists.  A variable naming a missing
    folder fails instead: the user asked for the corpus, and a typo must not
    turn twenty tests into quiet skips.  An empty variable counts as unset.
    """
    chosen = environ.get(ENV_VAR, "")
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_dir():
            pytest.fail(f"{ENV_VAR}={chosen!r} is not a folder", pytrace=False)
        return path
    fallback = default_location(repo_root)
    if fallback.is_dir():
        return fallback
    pytest.skip(skip_reason())


@attrs.frozen
class RecordedCorpus:
    """Read access to the corpus by path relative to its root."""

    root: Path

    def path(self, relative: str) -> Path:
        return self.root / relative

    def json(self, relative: str) -> Any:
        return json.loads(self.path(relative).read_text(encoding="utf-8"))

    def yaml(self, relative: str) -> Any:
        return yaml.safe_load(self.path(relative).read_text(encoding="utf-8"))
