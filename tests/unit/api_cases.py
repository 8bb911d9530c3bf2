"""One respx check for a client call: the request it sends and what it makes of the answer.

The issue-12 families' unit tests describe each endpoint as a ``Case`` (the
one ``test_endpoints.py`` uses for the seed endpoints) and run it on the real
hosts and on ``base_url`` (see ``test_api_*.py``).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import respx

from groupme_async import AsyncGroupMe

from .conftest import TOKEN, envelope
from .test_endpoints import LOCAL, REAL, Case

HOSTS = {"real hosts": REAL, "base_url": LOCAL}
WHERE = tuple(HOSTS)
#: A client call, the request it must send and the answer it gets (a
#: ``response`` of None answers an empty body).
Call = Case


def _reply(case: Case) -> httpx.Response:
    if case.response is None:
        return httpx.Response(case.status)
    return httpx.Response(case.status, json=envelope(case.response, case.status))


async def check_call(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    """``case.call`` sends exactly the request described, once, and ``case.check`` holds."""
    host, prefix = HOSTS[where][case.family]
    base_url = None if where == "real hosts" else "http://127.0.0.1:8000"
    with respx.mock(assert_all_called=True) as mock:
        route = mock.route(method=case.method, host=host, path=prefix + case.path).mock(
            return_value=_reply(case)
        )
        async with make_client(base_url=base_url) as gm:
            result = await case.call(gm)
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.url.raw_path.split(b"?")[0] == (prefix + case.path).encode()
    assert sorted(request.url.params.multi_items()) == sorted(case.params.items())
    if case.body is None:
        assert request.content == b""
    else:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == case.body
    assert request.headers["x-access-token"] == TOKEN
    assert case.check(result), f"unexpected result {result!r}"


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
