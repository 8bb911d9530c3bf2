"""Reading a request body under ASGI, with a cap: shared by the bot toolkit
(which serves GroupMe's callbacks) and FakeGroupMe (which serves everything)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any


async def read_capped_body(
    receive: Callable[[], Awaitable[Mapping[str, Any]]], limit: int
) -> bytes | None:
    """The whole body, or None: as soon as it passes ``limit`` bytes (the
    rest is not read), or when the client goes away before sending all of it.
    A body is refused rather than handled cut short."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
