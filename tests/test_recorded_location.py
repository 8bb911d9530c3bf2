"""Finding the recorded corpus: the variable wins, then beside the clone, else a skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .recorded import ENV_VAR, REPO_ROOT, RecordedCorpus, default_location, locate_recorded


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A clone with nothing beside it."""
    root = tmp_path / "clone"
    root.mkdir()
    return root


def _place_beside(repo: Path) -> Path:
    corpus = repo.parent / "shared" / "fixtures" / "recorded"
    corpus.mkdir(parents=True)
    return corpus


def test_the_variable_wins_over_the_folder_beside_the_clone(repo: Path, tmp_path: Path) -> None:
    _place_beside(repo)
    chosen = tmp_path / "elsewhere"
    chosen.mkdir()
    assert locate_recorded({ENV_VAR: str(chosen)}, repo) == chosen


def test_without_the_variable_the_folder_beside_the_clone_is_used(repo: Path) -> None:
    beside = _place_beside(repo)
    assert locate_recorded({}, repo) == beside
    assert locate_recorded({ENV_VAR: ""}, repo) == beside  # empty counts as unset
    assert default_location(repo) == beside


def test_neither_skips_with_a_reason_naming_the_variable(repo: Path) -> None:
    with pytest.raises(pytest.skip.Exception) as info:
        locate_recorded({"UNRELATED": "1"}, repo)
    assert info.value.msg == (
        "recorded GroupMe corpus not found: set GROUPME_RECORDED_FIXTURES "
        "(or place it at ../shared/fixtures/recorded)"
    )


@pytest.mark.parametrize("kind", ["missing", "a file"])
def test_a_variable_naming_no_folder_fails_instead_of_skipping(
    repo: Path, tmp_path: Path, kind: str
) -> None:
    _place_beside(repo)  # a fallback exists, and is still not used
    chosen = tmp_path / "typo"
    if kind == "a file":
        chosen.write_text("not a folder")
    with pytest.raises(pytest.fail.Exception) as info:
        locate_recorded({ENV_VAR: str(chosen)}, repo)
    assert ENV_VAR in info.value.msg and str(chosen) in info.value.msg


def test_the_default_is_beside_this_clone() -> None:
    assert (REPO_ROOT / "pyproject.toml").is_file()
    assert default_location(REPO_ROOT) == REPO_ROOT.parent / "shared" / "fixtures" / "recorded"


def test_the_corpus_reads_json_and_yaml_by_relative_path(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.json").write_text('{"ids": [1, "2"]}', encoding="utf-8")
    (tmp_path / "a" / "c.yaml").write_text("interactions:\n- status: 202\n", encoding="utf-8")
    corpus = RecordedCorpus(tmp_path)
    assert corpus.path("a/b.json") == tmp_path / "a" / "b.json"
    assert corpus.json("a/b.json") == {"ids": [1, "2"]}
    assert corpus.yaml("a/c.yaml") == {"interactions": [{"status": 202}]}


def test_the_fixture_errors_when_the_variable_names_no_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-corpus"
    test = "tests/unit/test_envelope.py::test_recorded_bot_post_202_text_html_empty_body"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, ENV_VAR: str(missing)},
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout and f"{ENV_VAR}='{missing}' is not a folder" in result.stdout
