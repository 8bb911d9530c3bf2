"""Every check CI runs, runnable on a fresh machine with only `pip install nox`."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.error_on_missing_interpreters = True

#: The GroupyAPI release the benchmarks and the wire-format test use.
GROUPY_PIN = "GroupyAPI==0.10.3"


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (unit, integration against FakeGroupMe, properties)."""
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
def bench(session: nox.Session) -> None:
    """The full benchmark run; rewrites benchmarks/results.json and README."""
    session.install("-e", ".[bench]")
    session.run("python", "-m", "benchmarks", *session.posargs)
