"""``AsyncGroupMe``: the client object users hold."""

from __future__ import annotations

import os
import random
from types import TracebackType

import httpx

from ._constants import DEFAULT_TIMEOUT
from ._retry import RetryPolicy
from ._transport import Sleep, Transport
from .resources import (
    Blocks,
    Chats,
    DirectMessages,
    GroupMessages,
    Groups,
    Messages,
    PinnedConversations,
    Users,
)

TOKEN_ENV = "GROUPME_TOKEN"  # noqa: S105 - the variable's name, not a token


class AsyncGroupMe:
    """An asyncio (and trio) client for the GroupMe API.

    ``token`` defaults to the ``GROUPME_TOKEN`` environment variable.
    ``base_url`` points every API family at one origin (v3 at ``/v3``, v4 at
    ``/v4``, v2 at ``/v2``, images at ``/image``), as
    :class:`groupme_async.testing.FakeGroupMe` serves them.  ``transport``
    takes any ``httpx.AsyncBaseTransport`` to run offline.  ``sleep`` replaces
    the backoff sleep (tests pass a recorder so they never wait).

    Use it as an async context manager, or call :meth:`aclose`.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if token is None:
            token = os.environ.get(TOKEN_ENV) or None
        if token is None:
            raise ValueError(
                f"no GroupMe access token: pass token=... or set {TOKEN_ENV} "
                "(get one at https://dev.groupme.com)"
            )
        if not isinstance(token, str) or not token.strip() or any(c in token for c in "\r\n"):
            raise ValueError("the access token must be a non-empty single-line string")
        if not isinstance(retry, RetryPolicy | None):
            raise TypeError("retry must be a RetryPolicy")
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        self._base_url = base_url
        self._transport = Transport(
            token.strip(),
            base_url=base_url,
            transport=transport,
            timeout=float(timeout),
            retry=retry or RetryPolicy(),
            sleep=sleep,
            rng=rng,
        )
        t = self._transport
        self.users = Users(t)
        """Your account (``/users``, directories, sharing, SMS mode)."""
        self.pinned_conversations = PinnedConversations(t)
        """v4 pinned conversations."""
        self.chats = Chats(t)
        """DM chats (``/chats``)."""
        self.direct_messages = DirectMessages(t)
        """DMs (``/direct_messages``) and read receipts."""
        self.group_messages = GroupMessages(t)
        """Group messages (``/groups/:id/messages``)."""
        self.groups = Groups(t)
        """Groups (``/groups``)."""
        self.messages = Messages(t)
        """Single-message operations (delete)."""
        self.blocks = Blocks(t)
        """Blocks (``/blocks``)."""

    @property
    def retry(self) -> RetryPolicy:
        return self._transport.retry

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._transport.aclose()

    async def __aenter__(self) -> AsyncGroupMe:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        where = self._base_url or "https://api.groupme.com"
        return f"<AsyncGroupMe base_url={where!r}>"
