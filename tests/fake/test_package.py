"""The shape of groupme_async.testing itself."""

from __future__ import annotations

import ast
from pathlib import Path

import groupme_async.testing


def test_the_fake_modules_import_each_other_without_a_cycle() -> None:
    package = Path(groupme_async.testing.__file__).parent
    graph: dict[str, set[str]] = {}
    for module in package.glob("*.py"):
        imported: set[str] = set()
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    imported.add(node.module)
                else:
                    imported.update(alias.name for alias in node.names)
        graph[module.stem] = imported & {m.stem for m in package.glob("*.py")}

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        for child in graph[name]:
            visit(child, (*path, name))

    for name in graph:
        visit(name, ())
