"""The push server's websocket: the same Bayeux exchange as long-polling,
one JSON array per frame, each frame handled on its own."""

from __future__ import annotations

import contextlib
import math
from typing import Any

import anyio
import orjson

from ._asgi import Receive, Send
from ._http import HTTPError
from ._push import BayeuxMessage, Dropped, PushHub


async def serve_faye_websocket(hub: PushHub, receive: Receive, send: Send) -> None:
    """One websocket connection, for as long as the client keeps it."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    hub.stats.websockets += 1
    outgoing: tuple[Any, ...] = anyio.create_memory_object_stream[list[BayeuxMessage]](math.inf)
    out_send, out_receive = outgoing
    closed: str | None = None
    async with anyio.create_task_group() as tg, out_send, out_receive:

        async def writer() -> None:
            async for batch in out_receive:
                await send({"type": "websocket.send", "text": orjson.dumps(batch).decode()})

        async def handle(batch: object) -> None:
            nonlocal closed
            try:
                replies = await hub.exchange(batch, "websocket")
            except Dropped:
                closed = "dropped"
                tg.cancel_scope.cancel()
                return
            except HTTPError:
                closed = "bad frame"
                tg.cancel_scope.cancel()
                return
            await out_send.send(replies)

        async def restart(event: anyio.Event) -> None:
            nonlocal closed
            await event.wait()
            closed = "dropped"
            tg.cancel_scope.cancel()

        tg.start_soon(writer)
        tg.start_soon(restart, hub.restarted)
        while True:
            message = await receive()
            if message["type"] != "websocket.receive":
                tg.cancel_scope.cancel()
                return
            try:
                batch = orjson.loads(message.get("text") or message.get("bytes") or b"")
            except orjson.JSONDecodeError:
                batch = None
            # Each frame is handled on its own: a held /meta/connect must
            # not stop the next frame from being read.
            tg.start_soon(handle, batch)
    if closed is not None:
        # 1012: "service restart", what a restarting push server sends.
        with contextlib.suppress(Exception):
            await send({"type": "websocket.close", "code": 1012 if closed == "dropped" else 1003})
