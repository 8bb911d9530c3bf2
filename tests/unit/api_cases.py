"""The issue-12 families' unit tests: each endpoint is a ``Case`` of
``test_endpoints.py``, run by its ``check_case`` on the real hosts and on
``base_url``; and a check that bad input never reaches the network."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import respx

from groupme_async import AsyncGroupMe

from .test_endpoints import Case, check_case

WHERE = ("real hosts", "base_url")

__all__ = ["WHERE", "Case", "check_case", "sends_nothing"]


async def sends_nothing(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe, error: type[Exception]
) -> None:
    """``call`` raises ``error`` before any request is made."""
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(200))
        try:
            await call(gm)
        except error:
            pass
        else:
            raise AssertionError(f"no {error.__name__} raised")
    assert route.call_count == 0
