"""The documentation site: every guide's examples run, and the reference
covers every public name.

``nox -s docs`` builds the site with ``mkdocs build --strict`` (broken links,
unresolved references and docstring warnings fail it); these tests need no
mkdocs, so they run with the rest of the suite.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from groupme_async import AsyncGroupMe

from .examples import blocks, passed_some, python_blocks, run_pytest_file, run_script, run_shell

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
GUIDES = sorted((DOCS / "guides").glob("*.md"))
REFERENCE = sorted((DOCS / "reference").glob("*.md"))

#: The modules whose ``__all__`` is the public API the reference documents.
PUBLIC_MODULES = (
    "groupme_async",
    "groupme_async.realtime",
    "groupme_async.export",
    "groupme_async.testing",
    "groupme_async.bots",
    "groupme_async.viewer",
)


def _examples(kind: str) -> list[Any]:
    found = []
    for page in PAGES:
        text = page.read_text()
        scripts, tests = python_blocks(text)
        code = {"script": scripts, "pytest": tests, "sh": blocks(text, "sh")}[kind]
        name = page.relative_to(DOCS).as_posix()
        found += [pytest.param(c, id=f"{name}#{i}") for i, c in enumerate(code, 1)]
    return found


def test_every_guide_has_runnable_examples() -> None:
    assert GUIDES
    for guide in GUIDES:
        text = guide.read_text()
        assert blocks(text, "python") or blocks(text, "sh"), f"{guide.name} has no example"


@pytest.mark.parametrize("code", _examples("script"))
def test_every_script_example_runs(code: str, served_fake: str, tmp_path: Path) -> None:
    result = run_script(code, base_url=served_fake, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip(), "the example printed nothing"


@pytest.mark.parametrize("code", _examples("pytest"))
def test_every_pytest_example_passes(code: str, tmp_path: Path) -> None:
    result = run_pytest_file(code, cwd=tmp_path)
    assert passed_some(result), result.stdout + result.stderr


@pytest.mark.parametrize("code", _examples("sh"))
def test_every_shell_example_runs(code: str, served_fake: str, tmp_path: Path) -> None:
    result = run_shell(code, base_url=served_fake, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the reference ---------------------------------------------------------------


def _directives() -> list[str]:
    """The target of every ``::: path`` line of the reference pages."""
    return [
        path for page in REFERENCE for path in re.findall(r"^::: (\S+)$", page.read_text(), re.M)
    ]


def _resolve(path: str) -> Any:
    """The object a dotted path names: the longest importable module, then attributes."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise LookupError(path)


def _public_names() -> dict[str, Any]:
    """``module.name`` -> object, for every name in the public modules' ``__all__``."""
    names = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            names[f"{module_name}.{name}"] = getattr(module, name)
    return names


def test_every_directive_names_an_object() -> None:
    directives = _directives()
    assert len(directives) == len(set(directives)), "a name is documented twice"
    for path in directives:
        _resolve(path)  # raises for a name that does not exist


def test_every_public_name_has_a_reference_entry() -> None:
    documented = [_resolve(path) for path in _directives()]
    missing = [
        path
        for path, obj in _public_names().items()
        if not any(obj is other for other in documented)
    ]
    assert missing == []


def test_every_resource_class_has_a_reference_entry() -> None:
    documented = set(_directives())
    gm = AsyncGroupMe("t0ken")
    missing = [
        f"gm.{attribute}"
        for attribute, resource in vars(gm).items()
        if not attribute.startswith("_")
        and f"groupme_async.resources.{type(resource).__name__}" not in documented
    ]
    assert missing == []


def _assignment_docstrings(tree: ast.Module) -> dict[str, bool]:
    """Module-level names assigned in ``tree`` (in try bodies too) -> whether
    a string literal follows the assignment (an attribute docstring)."""
    found: dict[str, bool] = {}

    def scan(body: list[ast.stmt]) -> None:
        for index, stmt in enumerate(body):
            if isinstance(stmt, ast.Try):
                scan(stmt.body)
            targets: list[ast.expr] = []
            if isinstance(stmt, ast.Assign):
                targets = stmt.targets
            elif isinstance(stmt, ast.AnnAssign):
                targets = [stmt.target]
            following = body[index + 1] if index + 1 < len(body) else None
            documented = (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            )
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = found.get(target.id, False) or documented

    scan(tree.body)
    return found


def test_every_public_constant_and_alias_has_a_docstring() -> None:
    """Classes and functions are held to it by test_docstrings; the other
    public names (constants, type aliases) need a docstring after their
    assignment, which is what the reference renders."""
    package = ROOT / "groupme_async"
    assigned: dict[str, bool] = {}
    for source in package.rglob("*.py"):
        for name, documented in _assignment_docstrings(ast.parse(source.read_text())).items():
            assigned[name] = assigned.get(name, False) or documented
    others = {
        path.rpartition(".")[2]
        for path, obj in _public_names().items()
        if not (inspect.isclass(obj) or inspect.isfunction(obj))
    }
    assert others, "the public API has constants and aliases"
    assert sorted(name for name in others if not assigned.get(name)) == []


# --- the README points to the site ---------------------------------------------


def test_the_readme_links_every_guide() -> None:
    readme = (ROOT / "README.md").read_text()
    linked = set(re.findall(r"\]\((docs/[^)#]+)\)", readme))
    for target in linked:
        assert (ROOT / target).is_file(), f"README links to a missing {target}"
    assert {f"docs/guides/{g.name}" for g in GUIDES} <= linked


# --- the bots guide ---------------------------------------------------------------


def test_the_bots_example_answers_as_the_bot_then_as_you(served_fake: str, tmp_path: Path) -> None:
    text = (DOCS / "guides" / "bots.md").read_text()
    marked = text.split("<!-- bots example: tests/test_docs.py checks its output -->", 1)[1]
    code = re.search(r"```python\n(.*?)```", marked, re.S)
    assert code is not None
    result = run_script(code.group(1), base_url=served_fake, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "Echo posted hello", result.stdout
    assert lines[1].endswith(" posted again") and not lines[1].startswith("Echo"), result.stdout


def test_the_bot_the_guide_names_exists_and_serves_as_shown() -> None:
    text = (DOCS / "guides" / "bots.md").read_text()
    assert "examples/echo_bot.py" in text and (ROOT / "examples" / "echo_bot.py").exists()
    assert "uvicorn echo_bot:app --app-dir examples" in text
