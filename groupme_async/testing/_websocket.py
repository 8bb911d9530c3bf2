"""Websockets in process: an upgrade request answered by the ASGI app itself.

``httpx.ASGITransport`` speaks only HTTP.  A websocket client built on httpx
(httpx-ws) upgrades with an ordinary request and then reads and writes raw
frames on the response's ``network_stream``.  :func:`open_websocket` runs the
app with a ``websocket`` scope and hands back such a stream: frames the
client writes become ``websocket.receive`` messages, and what the app sends
becomes frames, encoded by wsproto as a real server would.  The client's
code therefore takes the same path as over a socket.

The app runs in a task group opened by the upgrade request and closed when
the response is closed, so nothing outlives the connection.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import anyio
import httpx
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ._asgi import Message, Receive, Scope, Send

try:  # wsproto comes with the ``realtime`` extra (httpx-ws)
    import httpcore
    import wsproto
    import wsproto.events as ws_events
except ImportError:  # pragma: no cover - exercised only without the extra
    wsproto = None  # type: ignore[assignment]


def websocket_available() -> bool:
    """Whether in-process websockets can be served (wsproto is installed)."""
    return wsproto is not None


class _ClosingStream(httpx.AsyncByteStream):
    """The 101 response's (empty) body; closing it ends the app's task group."""

    def __init__(self, group: TaskGroup, streams: list[Any]) -> None:
        self._group = group
        self._streams = streams
        self._open = True

    async def __aiter__(self) -> Any:
        return
        yield b""

    async def aclose(self) -> None:
        if self._open:
            self._open = False
            self._group.cancel_scope.cancel()
            try:
                await self._group.__aexit__(None, None, None)
            finally:
                for stream in self._streams:
                    stream.close()


async def open_websocket(
    app: Any, request: httpx.Request, scope_extra: dict[str, Any]
) -> httpx.Response:
    """Upgrade ``request`` in process: a 101 with a ``network_stream``, or the
    app's refusal (403)."""
    assert wsproto is not None
    headers = [(k.lower(), v) for k, v in request.headers.raw]
    scope: Scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "wss" if request.url.scheme == "https" else "ws",
        "path": request.url.path,
        "raw_path": request.url.raw_path,
        "query_string": request.url.query,
        "root_path": "",
        "headers": headers,
        "server": (request.url.host, request.url.port),
        "client": ("127.0.0.1", 123),
        "subprotocols": [],
        **scope_extra,
    }
    to_app: tuple[MemoryObjectSendStream[Message], MemoryObjectReceiveStream[Message]]
    from_app: tuple[MemoryObjectSendStream[Message], MemoryObjectReceiveStream[Message]]
    to_app = anyio.create_memory_object_stream[Message](math.inf)
    from_app = anyio.create_memory_object_stream[Message](math.inf)
    connection = wsproto.WSConnection(wsproto.ConnectionType.SERVER)
    connection.initiate_upgrade_connection([(k, v) for k, v in headers], request.url.raw_path)
    streams = [*to_app, *from_app]
    closing = _ClosingStream(anyio.create_task_group(), streams)
    group = closing._group
    await group.__aenter__()
    try:

        async def run() -> None:
            receive: Receive = to_app[1].receive
            send: Send = from_app[0].send
            with contextlib.suppress(anyio.ClosedResourceError, anyio.EndOfStream):
                await app(scope, receive, send)
            # The app returned: the connection is over, as when a server
            # closes its end of a socket.
            from_app[0].close()

        group.start_soon(run)
        await to_app[0].send({"type": "websocket.connect"})
        first = await from_app[1].receive()
    except BaseException:
        await closing.aclose()
        raise
    if first["type"] != "websocket.accept":
        await closing.aclose()
        return httpx.Response(403, request=request)
    accept = connection.send(ws_events.AcceptConnection())
    response_headers: list[tuple[str, str]] = []
    for line in accept.decode("latin-1").split("\r\n")[1:]:
        name, sep, value = line.partition(": ")
        if sep:
            response_headers.append((name, value))
    stream = _SocketStream(connection, to_app[0], from_app[1])
    return httpx.Response(
        101,
        headers=response_headers,
        stream=closing,
        extensions={"network_stream": stream},
        request=request,
    )


if wsproto is not None:

    class _SocketStream(httpcore.AsyncNetworkStream):
        """The client's end of an in-process websocket, as raw frame bytes."""

        def __init__(
            self,
            connection: wsproto.WSConnection,
            to_app: MemoryObjectSendStream[Message],
            from_app: MemoryObjectReceiveStream[Message],
        ) -> None:
            self._connection = connection
            self._to_app = to_app
            self._from_app = from_app
            self._pending = b""
            self._eof = False
            self._parts: list[str] = []

        async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
            while not self._pending and not self._eof:
                try:
                    message = await self._from_app.receive()
                except (anyio.EndOfStream, anyio.ClosedResourceError):
                    # The app ended without a close frame: the socket dropped.
                    self._eof = True
                    break
                self._pending += self._frames(message)
            data, self._pending = self._pending[:max_bytes], self._pending[max_bytes:]
            return data

        def _frames(self, message: Message) -> bytes:
            if message["type"] == "websocket.send":
                text = message.get("text")
                if text is not None:
                    return self._connection.send(ws_events.TextMessage(data=text))
                return self._connection.send(ws_events.BytesMessage(data=message.get("bytes", b"")))
            if message["type"] == "websocket.close":
                if self._connection.state is wsproto.connection.ConnectionState.OPEN:
                    code = message.get("code", 1000)
                    return self._connection.send(ws_events.CloseConnection(code=code))
                self._eof = True
            return b""

        async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
            self._connection.receive_data(buffer)
            for event in self._connection.events():
                if isinstance(event, ws_events.TextMessage):
                    self._parts.append(event.data)
                    if event.message_finished:
                        text, self._parts = "".join(self._parts), []
                        await self._deliver({"type": "websocket.receive", "text": text})
                elif isinstance(event, ws_events.BytesMessage):
                    await self._deliver({"type": "websocket.receive", "bytes": bytes(event.data)})
                elif isinstance(event, ws_events.Ping):
                    self._pending += self._connection.send(event.response())
                elif isinstance(event, ws_events.CloseConnection):
                    if self._connection.state is not wsproto.connection.ConnectionState.CLOSED:
                        self._pending += self._connection.send(event.response())
                    self._eof = True
                    await self._deliver({"type": "websocket.disconnect", "code": event.code})

        async def _deliver(self, message: Message) -> None:
            with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
                await self._to_app.send(message)

        async def aclose(self) -> None:
            await self._deliver({"type": "websocket.disconnect", "code": 1000})
            self._eof = True
            self._to_app.close()

        def get_extra_info(self, info: str) -> Any:
            return None
