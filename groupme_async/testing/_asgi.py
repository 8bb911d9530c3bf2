"""ASGI plumbing: types, body reading, lifespan, and cutting a response short.

The in-process fault signal lives here, apart from :mod:`._app`, so that the
transport, which the app hands out, does not import the app back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any

import anyio

from .._asgi_body import read_capped_body
from ._http import JSON_TYPE, HTTPError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: ASGI scope key set by the in-process transport: network faults are then
#: raised as :class:`NetworkFault` for the transport to translate, because an
#: in-process ASGI app has no connection to drop.
IN_PROCESS_KEY = "groupme_async.testing.in_process"

#: The largest request body taken (a file upload may be just under 50 MiB,
#: plus multipart framing for videos); a larger one is read, dropped and
#: answered 413.
MAX_BODY_BYTES = 64 * 1024 * 1024


class NetworkFault(Exception):
    """Raised in process in place of a dropped or truncated connection."""

    def __init__(self, kind: str, received: int = 0, expected: int = 0) -> None:
        super().__init__(kind)
        self.kind = kind
        self.received = received
        self.expected = expected


async def read_body(receive: Receive) -> bytes:
    """The whole request body; :class:`HTTPError` 413 past :data:`MAX_BODY_BYTES`."""
    body = await read_capped_body(receive, MAX_BODY_BYTES)
    if body is None:
        # Too large, or the client left mid-body: never stored cut short (the
        # answer to a client that left goes nowhere).
        raise HTTPError(413, "Request Entity Too Large")
    return body


async def lifespan(
    receive: Receive, send: Send, background: Callable[[], Coroutine[Any, Any, None]] | None = None
) -> None:
    """The ASGI lifespan protocol; ``background`` runs from startup to shutdown."""
    async with anyio.create_task_group() as tg:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if background is not None:
                    tg.start_soon(background)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                tg.cancel_scope.cancel()
                break
    await send({"type": "lifespan.shutdown.complete"})


async def abort(
    send: Send, in_process: bool, kind: str, status: int, partial: bytes, *, expected: int
) -> None:
    """End the exchange as a broken connection would (``kind`` names the fault)."""
    if in_process:
        raise NetworkFault(kind, received=len(partial), expected=expected)
    # ASGI has no "close the socket": promise a body and stop short.  The
    # server then closes the connection and the client sees an incomplete
    # response, which is what a dropped connection looks like on the wire.
    headers = [(b"content-length", str(expected).encode()), (b"content-type", JSON_TYPE)]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if partial:
        await send({"type": "http.response.body", "body": partial, "more_body": True})
