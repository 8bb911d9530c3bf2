"""Push: a Faye (Bayeux) server at ``/push/faye``, over long-polling and websocket.

Every family publishes through ONE hook, :meth:`PushHub.publish` (reached as
``state.publish(channel, data)``)::

    state.publish(user_channel(state.me_id), {"type": "line.create", "subject": message})
    state.publish(group_channel(group_id), {"type": "favorite", "subject": {...}})

``data`` is GroupMe's ``data`` object (``type``, ``subject``, optionally
``alert``); the hub adds ``received_at`` and the Bayeux envelope
(``channel``, ``clientId``, ``id``) and queues it for every client
subscribed to ``channel``.  Channels: :func:`user_channel` (new group
messages and DMs of that user), :func:`group_channel` and :func:`dm_channel`
(typing, reactions, edits, deletes; a DM channel id uses ``_`` where the chat
id has ``+``).  A family wiring a new event only calls ``state.publish``.

Delivery follows the Bayeux rules GroupMe's peers rely on: a client's
messages wait in its queue until it sends ``/meta/connect``, which is held
until there is something to deliver, a ping is due (every
``ping_interval`` seconds of the fake's clock) or ``advice.timeout`` passes.
A websocket carries the same exchange, one JSON array per frame.

Fault modes (see :class:`~groupme_async.testing.FakeGroupMe`): :meth:`drop`
forgets every client id and cuts every connection (a push-server restart);
``silent`` keeps connections open but sends nothing and loses what is
published meanwhile; ``delay`` holds each delivery back (in order) and
``duplicate_rate`` sends some deliveries twice.
"""

from __future__ import annotations

import contextlib
import random
import secrets
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

import anyio

from ._http import CHAT_ID, DIGITS, HTTPError, Reply, Request, encode
from ._routes import Route


class World(Protocol):
    """What the push server needs of the fake's state (``FakeState``)."""

    seed: int
    clock: Callable[[], float]
    groups: dict[str, Any]

    @property
    def me_id(self) -> str: ...

    def wall_now(self) -> int: ...

    def chat(self, chat_id: str) -> Any: ...


class _Served(Protocol):
    push: PushHub


#: Where the fake serves Faye (the client's ``push`` family under one origin).
PUSH_PATH = "/push/faye"

PING_INTERVAL = 30.0
#: ``advice.timeout`` in milliseconds, as GroupMe sends it.
CONNECT_TIMEOUT_MS = 30_000
UNKNOWN_CLIENT = "401::Unknown client"

Sleep = Callable[[float], Awaitable[None]]
BayeuxMessage = dict[str, Any]


def user_channel(user_id: str) -> str:
    """The channel of everything new for ``user_id`` (``/user/:id``)."""
    return f"/user/{user_id}"


def group_channel(group_id: str) -> str:
    """A group's channel (typing, reactions, edits, deletes)."""
    return f"/group/{group_id}"


def dm_channel(chat_id: str) -> str:
    """A DM chat's channel: ``/direct_message/<a>_<b>`` for chat id ``<a>+<b>``."""
    return f"/direct_message/{chat_id.replace('+', '_')}"


def conversation_channel(kind: str, conversation_id: str) -> str:
    """The channel of a group (by id) or a DM (by chat id ``a+b``)."""
    return group_channel(conversation_id) if kind == "group" else dm_channel(conversation_id)


class Dropped(Exception):
    """The push server "restarted" while a connection was open."""


@dataclass
class _Client:
    id: str
    connection_type: str = "long-polling"
    subscriptions: set[str] = field(default_factory=set)
    queue: deque[tuple[float, BayeuxMessage]] = field(default_factory=deque)
    wake: anyio.Event = field(default_factory=anyio.Event)
    next_ping: float = 0.0
    dropped: bool = False

    def notify(self) -> None:
        self.wake.set()
        self.wake = anyio.Event()


@dataclass
class PushStats:
    """What the push server has done (for tests and benchmarks)."""

    handshakes: int = 0
    subscriptions: int = 0
    connects: int = 0
    delivered: int = 0
    """Data messages (pings included) sent to clients."""
    pings: int = 0
    drops: int = 0
    unknown_clients: int = 0
    """Requests that named a client id the server did not know."""
    websockets: int = 0
    """Websocket connections accepted."""


class PushHub:
    """The fake's Faye server: clients, subscriptions, queues and fault modes."""

    def __init__(self, state: World) -> None:
        self._state = state
        #: Whether a subscribe's ``ext.access_token`` is valid (set by the app).
        self.token_ok: Callable[[object], bool] = lambda token: False
        self.clock = state.clock
        self.sleep: Sleep = anyio.sleep
        self.clients: dict[str, _Client] = {}
        self.ping_interval = PING_INTERVAL
        self.silent = False
        self.delay = 0.0
        self.duplicate_rate = 0.0
        self.rng = random.Random(state.seed)
        self.stats = PushStats()
        #: One-shot advice for the next ``/meta/connect`` answer of every client.
        self.advice_override: dict[str, Any] | None = None
        self._ids = 0
        self._silence_lifted = anyio.Event()
        #: Set by :meth:`drop`: every open websocket closes.
        self._restart = anyio.Event()

    # --- the hook every family calls -------------------------------------------

    def publish(self, channel: str, data: dict[str, Any]) -> None:
        """Queue ``data`` for every client subscribed to ``channel``."""
        if self.silent:
            return  # a half-dead connection: the server believes it sent them
        payload = {**data, "received_at": data.get("received_at", self._state.wall_now())}
        deliver_at = self.clock() + self.delay
        for client in self.clients.values():
            if channel in client.subscriptions:
                message = self._envelope(client, channel, payload)
                client.queue.append((deliver_at, message))
                client.notify()

    def _envelope(self, client: _Client, channel: str, data: dict[str, Any]) -> BayeuxMessage:
        self._ids += 1
        return {"channel": channel, "clientId": client.id, "id": str(self._ids), "data": data}

    # --- fault modes ----------------------------------------------------------

    def drop(self) -> None:
        """Forget every client id and cut every connection."""
        self.stats.drops += 1
        self._restart.set()
        self._restart = anyio.Event()
        for client in self.clients.values():
            client.dropped = True
            client.notify()
        self.clients.clear()

    def set_silent(self, silent: bool) -> None:
        self.silent = silent
        if not silent:
            self._silence_lifted.set()
            self._silence_lifted = anyio.Event()

    # --- the Bayeux exchange ---------------------------------------------------

    async def exchange(self, batch: object, transport: str) -> list[BayeuxMessage]:
        """The answers to one request body (a JSON array of Bayeux messages)."""
        if isinstance(batch, dict):
            batch = [batch]
        if not isinstance(batch, list) or not all(isinstance(m, dict) for m in batch):
            raise HTTPError(400, "the body must be a JSON array of Bayeux messages")
        replies: list[BayeuxMessage] = []
        connect: tuple[_Client, BayeuxMessage] | None = None
        for message in batch:
            channel = message.get("channel")
            if channel == "/meta/connect":
                client = self.clients.get(str(message.get("clientId")))
                if client is None:
                    replies.append(self._unknown(message))
                else:
                    client.connection_type = str(message.get("connectionType", transport))
                    connect = (client, message)
            else:
                replies.append(self._answer(message, transport))
        if connect is not None:
            client, message = connect
            self.stats.connects += 1
            delivered = await self._hold(client)
            replies.extend(delivered)
            replies.append(self._connect_reply(client, message))
        return replies

    def _answer(self, message: BayeuxMessage, transport: str) -> BayeuxMessage:
        channel = message.get("channel")
        reply: BayeuxMessage = {"channel": channel, "id": message.get("id")}
        if channel == "/meta/handshake":
            client = _Client(secrets.token_hex(16), transport)
            client.next_ping = self.clock() + self.ping_interval
            self.clients[client.id] = client
            self.stats.handshakes += 1
            return reply | {
                "successful": True,
                "version": "1.0",
                "clientId": client.id,
                "supportedConnectionTypes": ["long-polling", "websocket"],
                "advice": {"reconnect": "retry", "interval": 0, "timeout": CONNECT_TIMEOUT_MS},
            }
        known = self.clients.get(str(message.get("clientId")))
        if known is None:
            return self._unknown(message)
        client = known
        reply["clientId"] = client.id
        if channel == "/meta/subscribe":
            return reply | self._subscribe(client, message)
        if channel == "/meta/unsubscribe":
            client.subscriptions.discard(str(message.get("subscription")))
            return reply | {"successful": True, "subscription": message.get("subscription")}
        if channel == "/meta/disconnect":
            self.clients.pop(client.id, None)
            client.dropped = True
            client.notify()
            return reply | {"successful": True}
        if isinstance(channel, str) and not channel.startswith("/meta/"):
            data = message.get("data")
            if isinstance(data, dict) and data.get("type") in ("ping", "typing"):
                if data.get("type") == "typing":
                    self.publish(channel, data)
                return reply | {"successful": True}
            return reply | {"successful": False, "error": "403::Clients may publish only ping"}
        return reply | {"successful": False, "error": f"405:{channel}:Invalid channel"}

    def _subscribe(self, client: _Client, message: BayeuxMessage) -> dict[str, Any]:
        subscription = message.get("subscription")
        result: dict[str, Any] = {"subscription": subscription}
        ext = message.get("ext")
        token = ext.get("access_token") if isinstance(ext, dict) else None
        if not self.token_ok(token):
            return result | {"successful": False, "error": "401::Unauthorized"}
        if not isinstance(subscription, str) or not self._may_subscribe(subscription):
            return result | {"successful": False, "error": f"403:{subscription}:Forbidden channel"}
        client.subscriptions.add(subscription)
        self.stats.subscriptions += 1
        return result | {"successful": True}

    def _may_subscribe(self, channel: str) -> bool:
        state = self._state
        kind, _, ident = channel[1:].partition("/")
        if kind == "user":
            return ident == state.me_id
        if kind == "group":
            return DIGITS.fullmatch(ident) is not None and ident in state.groups
        if kind == "direct_message":
            chat_id = ident.replace("_", "+")
            if CHAT_ID.fullmatch(chat_id) is None:
                return False
            with contextlib.suppress(HTTPError):
                state.chat(chat_id)
                return True
        return False

    def _unknown(self, message: BayeuxMessage) -> BayeuxMessage:
        self.stats.unknown_clients += 1
        return {
            "channel": message.get("channel"),
            "id": message.get("id"),
            "successful": False,
            "error": UNKNOWN_CLIENT,
            "advice": {"reconnect": "handshake", "interval": 0},
        }

    def _connect_reply(self, client: _Client, message: BayeuxMessage) -> BayeuxMessage:
        advice: dict[str, Any] = {
            "reconnect": "retry",
            "interval": 0,
            "timeout": CONNECT_TIMEOUT_MS,
        }
        if self.advice_override is not None:
            advice |= self.advice_override
            self.advice_override = None
        return {
            "channel": "/meta/connect",
            "clientId": client.id,
            "id": message.get("id"),
            "successful": True,
            "advice": advice,
        }

    async def _hold(self, client: _Client) -> list[BayeuxMessage]:
        """Wait until ``client`` has something due, a ping is due, or the timeout."""
        deadline = self.clock() + CONNECT_TIMEOUT_MS / 1000
        while True:
            if client.dropped:
                raise Dropped
            if self.silent:
                # Open but silent: nothing is sent until the silence ends or
                # the server drops the client.
                lifted = self._silence_lifted
                await _first(client.wake.wait, lifted.wait)
                client.next_ping = self.clock() + self.ping_interval
                deadline = self.clock() + CONNECT_TIMEOUT_MS / 1000
                continue
            now = self.clock()
            ready = self._due(client, now)
            if ready:
                return ready
            if now >= deadline:
                return []
            wake_at = min(deadline, client.next_ping)
            if client.queue:
                wake_at = min(wake_at, client.queue[0][0])
            await _first(client.wake.wait, partial(self.sleep, max(0.0, wake_at - now)))

    def _due(self, client: _Client, now: float) -> list[BayeuxMessage]:
        ready: list[BayeuxMessage] = []
        while client.queue and client.queue[0][0] <= now:
            message = client.queue.popleft()[1]
            ready.append(message)
            if self.duplicate_rate and self.rng.random() < self.duplicate_rate:
                ready.append(message)
        if now >= client.next_ping:
            pinged = next(
                (s for s in sorted(client.subscriptions) if s.startswith("/user/")),
                None,
            )
            if pinged is not None:
                ready.append(self._envelope(client, pinged, {"type": "ping"}))
                self.stats.pings += 1
            client.next_ping = now + self.ping_interval
        self.stats.delivered += len(ready)
        return ready

    # --- HTTP long-polling ------------------------------------------------------

    async def serve_http(self, request: Request) -> Reply:
        """One long-polling request: a JSON array in, a JSON array out."""
        replies = await self.exchange(request.json(), "long-polling")
        return Reply(200, encode(replies))

    # --- websocket (served by _faye_websocket.py) -----------------------------------

    @property
    def restarted(self) -> anyio.Event:
        """Set when the push server "restarts" (:meth:`drop`)."""
        return self._restart


async def _first(*waits: Callable[[], Awaitable[object]]) -> None:
    """Return when the first of ``waits`` finishes; cancel the others."""
    async with anyio.create_task_group() as tg:

        async def run(wait: Callable[[], Awaitable[object]]) -> None:
            await wait()
            tg.cancel_scope.cancel()

        for wait in waits:
            tg.start_soon(run, wait)


async def faye_long_polling(state: _Served, r: Request) -> Reply:
    """Faye (Bayeux) over HTTP long-polling: handshake, subscribe, connect (also a websocket)."""
    return await state.push.serve_http(r)


ROUTES = [Route("POST", "push", "/faye", faye_long_polling, push=True)]
