from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from groupme_async.testing import SANDBOX_TOKEN, FakeGroupMe

# The plugin's fixtures, as a user's conftest would get them via pytest_plugins
# (which pytest only honours in the root conftest).
from groupme_async.testing.pytest_plugin import groupme_client, groupme_fake  # noqa: F401


@pytest.fixture
def fake() -> FakeGroupMe:
    return FakeGroupMe(seed=7)


def http_client(app: FakeGroupMe, token: str | None = SANDBOX_TOKEN) -> httpx.AsyncClient:
    headers = {"X-Access-Token": token} if token is not None else {}
    return httpx.AsyncClient(transport=app.transport(), base_url="http://fake", headers=headers)


@pytest.fixture
async def http(fake: FakeGroupMe) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(fake) as client:
        yield client


class ManualClock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
