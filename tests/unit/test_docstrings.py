"""Every public class, method and function says what it is for."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest

PACKAGES = [
    "groupme_async",
    "groupme_async.bots",
    "groupme_async.export",
    "groupme_async.realtime",
    "groupme_async.testing",
    "groupme_async.viewer",
]


def _public_members(obj: type[Any]) -> list[tuple[str, Any]]:
    found = []
    for name, value in vars(obj).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property | staticmethod | classmethod):
            value = value.fget if isinstance(value, property) else value.__func__
        if inspect.isfunction(value):
            found.append((name, value))
    return found


def _undocumented(package: str) -> list[str]:
    module = importlib.import_module(package)
    missing = []
    for name in module.__all__:
        value = getattr(module, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        if not (value.__doc__ or "").strip():
            missing.append(f"{package}.{name}")
        if inspect.isclass(value):
            for member, function in _public_members(value):
                if not (function.__doc__ or "").strip():
                    missing.append(f"{package}.{name}.{member}")
    return missing


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_has_a_docstring(package: str) -> None:
    assert _undocumented(package) == []


def test_every_resource_and_its_methods_have_docstrings() -> None:
    from groupme_async import AsyncGroupMe

    gm = AsyncGroupMe("t0ken")
    missing = []
    for attribute, resource in vars(gm).items():
        if attribute.startswith("_"):
            continue
        cls = type(resource)
        if not (cls.__doc__ or "").strip():
            missing.append(cls.__name__)
        for klass in cls.__mro__:
            if klass.__module__.startswith("groupme_async"):
                for member, function in _public_members(klass):
                    if not (function.__doc__ or "").strip():
                        missing.append(f"gm.{attribute}.{member}")
    assert missing == []
