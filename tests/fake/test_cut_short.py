"""A request body the client stopped sending half way is refused, never
handled as if it were whole (an upload would be stored truncated)."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from groupme_async.testing import SANDBOX_TOKEN, FakeGroupMe

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


async def call(fake: FakeGroupMe, messages: list[dict[str, Any]]) -> int:
    pending = iter(messages)
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return next(pending, {"type": "http.disconnect"})

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/image/pictures",
        "query_string": b"",
        "headers": [(b"x-access-token", SANDBOX_TOKEN.encode()), (b"host", b"fake")],
    }
    await fake(scope, receive, send)
    return int(sent[0]["status"])


async def test_an_upload_cut_short_is_refused_and_a_whole_one_stored() -> None:
    fake = FakeGroupMe(seed=1)
    half = [{"type": "http.request", "body": PNG[:100], "more_body": True}]
    assert await call(fake, half) == 413
    whole = [
        {"type": "http.request", "body": PNG[:100], "more_body": True},
        {"type": "http.request", "body": PNG[100:], "more_body": False},
    ]
    assert await call(fake, whole) == 200
