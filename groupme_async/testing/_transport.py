"""The in-process transport: an ASGI app behind ``httpx.ASGITransport``.

An ASGI app called in process has no socket to drop, so the fake raises
:class:`NetworkFault` instead, and this transport turns it into the httpx
error a real broken connection produces.  Client code under test then takes
exactly the path it takes in production.  A websocket upgrade is served in
process too (see ``_websocket.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import httpx

from ._asgi import IN_PROCESS_KEY, NetworkFault, Receive, Scope, Send
from ._websocket import open_websocket, websocket_available

App = Callable[[Scope, Receive, Send], Coroutine[Any, Any, None]]


class FakeTransport(httpx.AsyncBaseTransport):
    """Serves an ASGI app (FakeGroupMe) to httpx without a network."""

    def __init__(self, app: App) -> None:
        async def in_process(scope: Scope, receive: Receive, send: Send) -> None:
            scope[IN_PROCESS_KEY] = True
            await app(scope, receive, send)

        self._app = app
        self._inner = httpx.ASGITransport(app=in_process)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("upgrade", "").lower() == "websocket":
            if not websocket_available():
                # As a server without websocket support answers an upgrade.
                return httpx.Response(400, request=request)
            return await open_websocket(self._app, request, {IN_PROCESS_KEY: True})
        try:
            return await self._inner.handle_async_request(request)
        except NetworkFault as fault:
            if fault.kind == "truncate":
                raise httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body "
                    f"(received {fault.received} bytes, expected {fault.expected})",
                    request=request,
                ) from None
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None

    async def aclose(self) -> None:
        await self._inner.aclose()
