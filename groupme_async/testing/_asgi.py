"""ASGI types and the in-process fault signal, shared by the app and its transport.

They live apart from :mod:`._app` so that the transport, which the app hands
out, does not import the app back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: ASGI scope key set by the in-process transport: network faults are then
#: raised as :class:`NetworkFault` for the transport to translate, because an
#: in-process ASGI app has no connection to drop.
IN_PROCESS_KEY = "groupme_async.testing.in_process"


class NetworkFault(Exception):
    """Raised in process in place of a dropped or truncated connection."""

    def __init__(self, kind: str, received: int = 0, expected: int = 0) -> None:
        super().__init__(kind)
        self.kind = kind
        self.received = received
        self.expected = expected
