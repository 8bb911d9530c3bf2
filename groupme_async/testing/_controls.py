"""FakeGroupMe's test controls for bot callbacks and the push server.

Mixins of :class:`~groupme_async.testing.FakeGroupMe`, kept apart from the
world and the ASGI front door so each file reads as one concern.
"""

from __future__ import annotations

import math
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from ._callbacks import AsgiApp, CallbackDelivery, CallbackDispatcher
from ._push import PushHub, PushStats
from ._state import FakeState

if TYPE_CHECKING:
    import httpx


class CallbackControls:
    """How the fake delivers bot callbacks, and what it delivered."""

    _callbacks: CallbackDispatcher

    def route_callbacks(
        self, target: AsgiApp | httpx.AsyncBaseTransport, *, origin: str | None = None
    ) -> AbstractAsyncContextManager[None]:
        """Deliver bot callbacks in process while the block runs:
        ``async with fake.route_callbacks(app): ...``.

        Every new group message is POSTed (the message JSON, no envelope) to
        the ``callback_url`` of each bot in the group, its own posts
        included.  Callbacks to ``origin`` (such as ``"http://bot.test"``),
        or to any URL when ``origin`` is None, go to ``target``, an ASGI
        application or an httpx transport, without a socket.  Served by
        uvicorn, the fake delivers by itself (over httpx, to loopback hosts
        only unless :meth:`allow_callback_hosts`).  Deliveries run in the
        background, never inside the REST answer; see
        :meth:`callbacks_settled` and :attr:`callback_deliveries`.
        """
        return self._callbacks.route(target, origin)

    def allow_callback_hosts(self, *hosts: str) -> None:
        """Let the fake POST callbacks over the network to ``hosts`` too (by
        default only to loopback: a test's URL never reaches the internet)."""
        self._callbacks.allow_hosts(*hosts)

    def redeliver_callbacks(self, copies: int) -> None:
        """Deliver every later callback ``copies`` more times, as a server
        retrying a lost answer would (GroupMe is not documented to redeliver;
        the default is 0: each callback once)."""
        if isinstance(copies, bool) or not isinstance(copies, int) or copies < 0:
            raise ValueError("copies must be a whole number >= 0")
        self._callbacks.redeliveries = copies

    @property
    def callback_timeout(self) -> float:
        """Seconds (of the event loop's clock) a callback endpoint has to
        answer; later, the delivery is recorded as ``"timeout"`` and given up."""
        return self._callbacks.timeout

    @callback_timeout.setter
    def callback_timeout(self, seconds: float) -> None:
        if not (isinstance(seconds, int | float) and 0 < seconds < math.inf):
            raise ValueError("callback_timeout must be a positive, finite number of seconds")
        self._callbacks.timeout = float(seconds)

    @property
    def callback_deliveries(self) -> list[CallbackDelivery]:
        """Every callback POST made (the newest 10,000), oldest first."""
        return list(self._callbacks.deliveries)

    async def callbacks_settled(self) -> None:
        """Wait until every callback queued so far was delivered or failed
        (``RuntimeError`` if some are queued and nothing delivers them)."""
        await self._callbacks.settled()


class PushControls:
    """The push server's fault modes and counters."""

    _push: PushHub
    _state: FakeState

    def publish(self, channel: str, data: dict[str, Any]) -> None:
        """Push ``data`` (``{"type", "subject", "alert"}``) on ``channel``
        (``/user/<id>``, ``/group/<id>``, ``/direct_message/<a>_<b>``) to
        every subscribed client, as the fake's own endpoints do."""
        self._state.publish(channel, data)

    def drop_push_clients(self) -> None:
        """A push-server restart: every client id is forgotten (its next
        request answers ``401::Unknown client``), every held long-poll is cut
        and every websocket closed."""
        self._push.drop()

    @property
    def push_silent(self) -> bool:
        """While true, push connections stay open but nothing is sent (no
        pings, no messages) and what is published meanwhile is lost."""
        return self._push.silent

    @push_silent.setter
    def push_silent(self, silent: bool) -> None:
        self._push.set_silent(bool(silent))

    @property
    def push_delay(self) -> float:
        """Seconds (of ``clock``) each push is held back before delivery; order is kept."""
        return self._push.delay

    @push_delay.setter
    def push_delay(self, seconds: float) -> None:
        if not (isinstance(seconds, int | float) and 0 <= seconds < math.inf):
            raise ValueError("push_delay must be a finite, non-negative number of seconds")
        self._push.delay = float(seconds)

    @property
    def push_duplicate_rate(self) -> float:
        """The chance that a push is delivered twice (drawn from the seeded RNG)."""
        return self._push.duplicate_rate

    @push_duplicate_rate.setter
    def push_duplicate_rate(self, rate: float) -> None:
        if not (isinstance(rate, int | float) and 0.0 <= rate <= 1.0):
            raise ValueError("push_duplicate_rate must be between 0 and 1")
        self._push.duplicate_rate = float(rate)

    def advise_push(self, reconnect: str, interval: int | None = None) -> None:
        """The next ``/meta/connect`` answer carries ``advice.reconnect``
        (``"retry"``, ``"handshake"`` or ``"none"``), and ``interval`` ms."""
        if reconnect not in ("retry", "handshake", "none"):
            raise ValueError("reconnect must be 'retry', 'handshake' or 'none'")
        advice: dict[str, Any] = {"reconnect": reconnect}
        if interval is not None:
            advice["interval"] = interval
        self._push.advice_override = advice

    def push_client_ids(self) -> list[str]:
        """The Bayeux client ids the push server knows now."""
        return list(self._push.clients)

    @property
    def push_stats(self) -> PushStats:
        """Counters of the push server (handshakes, connects, deliveries, drops)."""
        return self._push.stats
