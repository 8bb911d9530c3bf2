"""A griffe extension: the Sphinx roles in groupme_async's docstrings become
cross-references that mkdocs checks.

The docstrings say ``:class:`RetryPolicy``` or ``:meth:`aclose```, as Sphinx
would; Markdown would print the role literally.  Each role is resolved the way
Python would resolve the name where the docstring is written (the object's
members, then its module's names and imports) and rewritten to an autorefs
link, ``[`RetryPolicy`][groupme_async._retry.RetryPolicy]``.  A rendered
docstring whose link leads nowhere the reference renders (a name that does not
resolve, or a private helper) is autorefs' warning, which fails
``mkdocs build --strict``: a reference cannot point nowhere.

RST's ``text::`` (a literal block follows) becomes ``text:``; the indented
block under it is already a Markdown code block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import griffe

if not hasattr(griffe.Extension, "on_package"):
    # Older griffe would never call the hook below, and the roles would be
    # printed literally without a single warning.
    raise ImportError("docs/_tools/sphinx_roles.py needs griffe 2.0 or later (griffelib>=2.0)")

ROLE = re.compile(r":(?:py:)?(class|meth|func|attr|exc|mod|data|obj|const):`(~?)([\w.]+)`")
LITERAL_BLOCK = re.compile(r"(\S)::$", re.M)
CALLABLE_ROLES = {"meth", "func"}


def _objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _objects(member)  # type: ignore[arg-type]


def _inherited(cls: griffe.Class) -> set[str]:
    try:
        return set(cls.inherited_members)
    except (griffe.AliasResolutionError, griffe.CyclicAliasError, KeyError):
        return set()


def _target(obj: griffe.Object, name: str, loader: griffe.GriffeLoader) -> str:
    """The full path ``name`` means in ``obj``'s scope (``name`` itself when
    it means nothing there: autorefs then reports it if it is rendered)."""
    head, _, rest = name.lstrip(".").partition(".")
    cls = obj if isinstance(obj, griffe.Class) else obj.parent
    if isinstance(cls, griffe.Class) and head not in cls.members and head in _inherited(cls):
        # A mixin's member, rendered on the class that inherits it (the
        # reference shows inherited members).
        return f"{cls.path}.{name.lstrip('.')}"
    try:
        base = obj.resolve(head)
    except griffe.NameResolutionError:
        return name  # an absolute path such as groupme_async.testing.FakeGroupMe, or nothing
    path = f"{base}.{rest}" if rest else base
    try:
        loader.modules_collection[path]
    except (KeyError, griffe.AliasResolutionError):
        return name
    return path


def _rewrite(obj: griffe.Object, text: str, loader: griffe.GriffeLoader) -> str:
    def link(match: re.Match[str]) -> str:
        role, short, name = match.groups()
        title = name.rpartition(".")[2] if short else name
        if role in CALLABLE_ROLES:
            title += "()"
        return f"[`{title}`][{_target(obj, name, loader)}]"

    return LITERAL_BLOCK.sub(r"\1:", ROLE.sub(link, text))


class SphinxRoles(griffe.Extension):
    """Rewrites every docstring of the package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Rewrite each docstring of ``pkg`` and its submodules."""
        if pkg.name != "groupme_async":
            return  # other packages' docstrings are theirs to write
        for obj in _objects(pkg):
            if obj.docstring is not None:
                obj.docstring.value = _rewrite(obj, obj.docstring.value, loader)
