"""One respx check for a client call: the request it sends and what it makes of the answer.

The issue-12 families' unit tests describe each endpoint as an :class:`Call`
and run it on the real hosts and on ``base_url`` (see ``test_api_*.py``).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import httpx
import respx

from groupme_async import AsyncGroupMe

from .conftest import TOKEN, envelope

HOSTS = {
    "real hosts": {
        "v3": ("api.groupme.com", "/v3"),
        "v4": ("api.groupme.com", "/v4"),
        "v2": ("v2.groupme.com", ""),
    },
    "base_url": {family: ("127.0.0.1", f"/{family}") for family in ("v3", "v4", "v2")},
}
WHERE = tuple(HOSTS)


@attrs.frozen
class Call:
    """A client call, the request it must send, and the answer it gets."""

    name: str
    call: Callable[[AsyncGroupMe], Awaitable[Any]]
    method: str
    family: str
    path: str
    params: dict[str, str] = attrs.field(factory=dict)
    body: Any = None
    """The JSON body it must send (None: no body at all)."""
    status: int = 200
    response: Any = None
    """The ``response`` of the envelope; None answers an empty body."""
    check: Callable[[Any], bool] = lambda result: result is None

    def reply(self) -> httpx.Response:
        if self.response is None:
            return httpx.Response(self.status)
        return httpx.Response(self.status, json=envelope(self.response, self.status))


async def check_call(case: Call, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    """``case.call`` sends exactly the request described, once, and ``case.check`` holds."""
    host, prefix = HOSTS[where][case.family]
    base_url = None if where == "real hosts" else "http://127.0.0.1:8000"
    with respx.mock(assert_all_called=True) as mock:
        route = mock.route(method=case.method, host=host, path=prefix + case.path).mock(
            return_value=case.reply()
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
