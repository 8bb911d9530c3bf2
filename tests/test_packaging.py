"""What `pip install groupme_async` brings, and what the built packages hold."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

import groupme_async
from groupme_async._constants import USER_AGENT

from .cli import run_python

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
RUNTIME = {"httpx", "attrs", "cattrs", "anyio", "orjson", "filelock"}


def test_a_plain_install_brings_only_the_runtime_dependencies() -> None:
    requires = [Requirement(r) for r in metadata.requires("groupme_async") or []]
    assert {r.name for r in requires if r.marker is None} == RUNTIME
    cli = [r for r in requires if r.marker is not None and r.marker.evaluate({"extra": "cli"})]
    assert "rich" in {r.name for r in cli}


def test_importing_the_library_imports_neither_rich_nor_pygments() -> None:
    # The test environment has rich, pygments and click (uvicorn brings it):
    # everything httpx's own command line would pull in if it could.
    code = (
        "import groupme_async, groupme_async.export\n"
        "print(sorted({m.partition('.')[0] for m in sys.modules}"
        " & {'rich', 'pygments', 'click'}))\n"
        "import httpx._main\n"  # httpx's CLI still imports when asked for
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def floors() -> dict[str, Version]:
    """name -> lower bound of every requirement `nox -s floors` pins."""
    requirements = [*PROJECT["dependencies"]]
    for extra in ("cli", "server", "view", "test"):
        requirements += PROJECT["optional-dependencies"][extra]
    out: dict[str, Version] = {}
    for text in requirements:
        req = Requirement(text)
        if req.name == PROJECT["name"]:
            continue  # the test extra naming cli and server
        (spec,) = req.specifier  # one bound each, so the floor is unambiguous
        assert spec.operator == ">=", text
        out[req.name] = Version(spec.version)
    return out


def test_every_dependency_has_one_floor_and_orjson_has_the_advisory_fix() -> None:
    bounds = floors()
    assert RUNTIME | {"rich", "uvicorn", "pytest"} <= set(bounds)
    assert bounds["orjson"] >= Version("3.9.15")  # deep-nesting recursion fix
    assert bounds["cattrs"] >= Version("24.1")  # cattrs.cols


def test_the_version_is_written_once_in_pyproject() -> None:
    version = PROJECT["version"]
    assert groupme_async.__version__ == version == metadata.version("groupme_async")
    assert f"groupme_async/{version}" == USER_AGENT
    for path in (ROOT / "groupme_async").rglob("*.py"):
        assert version not in path.read_text(), path


def test_the_license_ships_in_the_sdist_and_the_wheel(tmp_path: Path) -> None:
    license_text = (ROOT / "LICENSE").read_text()
    assert PROJECT["license"] == "MIT" and license_text.startswith("MIT License")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = tmp_path.glob("*.whl")
    (sdist,) = tmp_path.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as zf:
        licenses = [n for n in zf.namelist() if ".dist-info/" in n and n.endswith("/LICENSE")]
        assert [zf.read(n).decode() for n in licenses] == [license_text]
        meta = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA")))
    plain = [
        Requirement(line.split(":", 1)[1]).name
        for line in meta.decode().splitlines()
        if line.startswith("Requires-Dist:") and ";" not in line
    ]
    assert set(plain) == RUNTIME
    with tarfile.open(sdist) as tf:
        member = tf.extractfile(f"{sdist.name.removesuffix('.tar.gz')}/LICENSE")
        assert member is not None and member.read().decode() == license_text
