"""The check every resource's argument tests share: refused, and nothing sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from groupme_async import AsyncGroupMe


async def assert_refused(
    call: Callable[[AsyncGroupMe], Awaitable[Any]],
    gm: AsyncGroupMe,
    error: type[Exception] = ValueError,
) -> None:
    """``call(gm)`` raises ``error`` before any request is made."""
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(200))
        with pytest.raises(error):
            await call(gm)
    assert route.call_count == 0
