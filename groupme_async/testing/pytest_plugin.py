"""pytest fixtures for testing code that talks to GroupMe.

Enable in a ``conftest.py`` (this module is not auto-loaded)::

    pytest_plugins = ["groupme_async.testing.pytest_plugin"]

``groupme_client`` is an async fixture: it needs pytest-asyncio (or anyio's
pytest plugin) to run.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar, cast

import pytest

from .._client import AsyncGroupMe
from ._app import FakeGroupMe

_F = TypeVar("_F", bound=Callable[..., Any])


def _async_fixture(func: _F) -> _F:
    # pytest-asyncio in strict mode only runs async fixtures it decorated;
    # without it, anyio's plugin accepts plain pytest fixtures.
    if importlib.util.find_spec("pytest_asyncio") is not None:
        import pytest_asyncio

        return cast(_F, pytest_asyncio.fixture(func))
    return cast(_F, pytest.fixture(func))


@pytest.fixture
def groupme_fake() -> FakeGroupMe:
    """A fresh FakeGroupMe (seed 0, the default dataset) for each test."""
    return FakeGroupMe()


@_async_fixture
async def groupme_client(groupme_fake: FakeGroupMe) -> AsyncIterator[AsyncGroupMe]:
    """An AsyncGroupMe signed in as "me" on ``groupme_fake``, closed afterwards."""
    client = groupme_fake.client()
    try:
        yield client
    finally:
        await client.aclose()
