"""Every check CI runs, runnable on a fresh machine with only `pip install nox`."""

from __future__ import annotations

import tomllib
from pathlib import Path

import nox
from packaging.requirements import Requirement

# floors is left out: it is the whole suite again after a fresh install
# (about 3 minutes here), so it runs on request: nox -s floors.
nox.options.sessions = ["tests", "lint", "typecheck", "docs"]
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).resolve().parent

#: The GroupyAPI release the benchmarks and the wire-format test use.
GROUPY_PIN = "GroupyAPI==0.10.3"


#: Where Debian's chromium lives; the viewer's browser test drives it.
CHROMIUM = "/usr/bin/chromium"


def install_chromium(session: nox.Session) -> None:
    """Debian's chromium for the viewer's browser test, when it is missing
    (CI machines run as root).  Playwright drives it; it never downloads a
    browser of its own."""
    if Path(CHROMIUM).exists():
        return
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-q", external=True, env=env)
    session.run(
        "apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium",
        external=True, env=env,
    )  # fmt: skip


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (unit, integration against FakeGroupMe, properties, and
    the viewer in a real headless Chromium)."""
    install_chromium(session)
    session.install("-e", ".[test]")
    # GroupyAPI pins requests~=2.20.0: installed beside the current requests
    # without its dependencies, as the benchmarks do, for the wire-format test
    # that drives GroupyAPI against FakeGroupMe.
    session.install("--no-deps", GROUPY_PIN)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff==0.17.6")  # pinned: formatting rules change between releases
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".[test]", "mypy==2.4.1", "types-PyYAML")
    session.run("mypy", "--strict", "groupme_async")


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site, built strictly into site/ (mkdocs.yml: a broken
    link, an unresolved reference or a docstring warning fails it)."""
    session.install("-e", ".[docs]")
    # mkdocs-material's banner about its successor is not a build warning.
    session.run("mkdocs", "build", "--strict", *session.posargs, env={"NO_MKDOCS_2_WARNING": "1"})


def floor_pins() -> list[str]:
    """``name==floor`` for every dependency and every requirement of the cli,
    server, view and test extras, read from pyproject.toml (the one place floors
    are written; tests/test_packaging.py holds each to a single ``>=``)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    texts = list(project["dependencies"])
    for extra in ("cli", "server", "view", "test"):
        texts += project["optional-dependencies"][extra]
    pins = []
    for text in texts:
        req = Requirement(text)
        if req.name == project["name"]:
            continue  # the test extra naming the cli and server extras
        (spec,) = req.specifier
        pins.append(f"{req.name}=={spec.version}")
    return pins


@nox.session
def floors(session: nox.Session) -> None:
    """The test suite on the lowest versions pyproject.toml allows, each installed exactly."""
    constraints = Path(session.create_tmp()) / "floors.txt"
    constraints.write_text("\n".join(floor_pins()) + "\n")
    install_chromium(session)
    session.install("-c", str(constraints), "-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """The full benchmark run; rewrites benchmarks/results.json and README."""
    session.install("-e", ".[bench]")
    session.run("python", "-m", "benchmarks", *session.posargs)
