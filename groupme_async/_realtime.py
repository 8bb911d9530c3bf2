"""The realtime engine: Bayeux over the client's own httpx client, and gap fill.

One stream is one background task (in the ``async with`` block's task group)
that runs sessions until it is cancelled.  A session is: open a link
(websocket, or HTTP long-polling through the requester's pool), handshake,
subscribe, fill the gap from REST, then ``/meta/connect`` for as long as the
server keeps answering.  Whatever ends a session (a drop, ``401::Unknown
client``, ``advice.reconnect = handshake``, or silence noticed by the
watchdog) starts the next one with a NEW handshake: a client id is never
reused, because GroupMe never resumes one.

Exactly once: every message id delivered is remembered per conversation as
the last one (ids grow with time, so one number per conversation is the
whole memory).  A message at or below it is a duplicate, whether it came by
push, by gap fill or by both; gap fill asks REST for everything above it.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, TypeVar

import anyio
import attrs
import orjson
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ._closing import AsyncClosing
from ._ids import chat_id, check_chat_id, check_id, id_key
from ._requester import Requester
from ._retry import RetryPolicy
from .errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    GroupMeError,
    PermissionDeniedError,
    ResponseDecodeError,
)
from .models import Message
from .realtime import MessageCreated, RealtimeEvent, decode_event
from .resources.chats import Chats
from .resources.groups import Groups
from .resources.messages import DirectMessages, GroupMessages
from .resources.users import Users

logger = logging.getLogger("groupme_async")

T = TypeVar("T")
TransportName = Literal["auto", "websocket", "long-polling"]
TRANSPORTS = ("auto", "websocket", "long-polling")

#: GroupMe pings about every 30 s; two missed pings is silence.
PING_INTERVAL = 30.0
#: Listing pages while looking for conversations with traffic.
LIST_PAGE = 100
#: ``updated_at`` of a conversation may lag its newest message: look this far
#: back past the previous listing.
LISTING_SLACK = 300

_BayeuxMessage = dict[str, Any]


class _Silent(Exception):
    """No traffic for the silence timeout: the connection is presumed dead."""


class _Rehandshake(Exception):
    """The server wants a new handshake (unknown client, advice)."""


class _ServerSaidStop(Exception):
    pass


@attrs.define
class _Failure:
    error: BaseException


@functools.cache
def _httpx_ws() -> Any:
    """httpx_ws (the ``realtime`` extra), or None; imported on first use, not
    with the package: it costs a tenth of a second that every other use of
    the client (an export, a script) would pay for nothing."""
    try:
        import httpx_ws
    except ImportError:  # pragma: no cover - exercised only without the extra
        return None
    return httpx_ws


def websocket_supported() -> bool:
    """Whether the websocket transport is installed (``pip install groupme_async[realtime]``)."""
    return _httpx_ws() is not None


class _LongPolling:
    """Bayeux over HTTP POSTs: each send's answer is the next thing received."""

    name = "long-polling"

    def __init__(self, requester: Requester, timeout: Callable[[], float]) -> None:
        self._r = requester
        self._timeout = timeout
        self._answers: list[list[_BayeuxMessage]] = []

    async def send(self, batch: list[_BayeuxMessage]) -> None:
        label = f"push {batch[0]['channel']}"
        answer = await self._r.post_raw("push", orjson.dumps(batch), label, self._timeout())
        if not isinstance(answer, list):
            raise ResponseDecodeError(label, "the answer is not a JSON array")
        self._answers.append(answer)

    async def receive(self) -> list[_BayeuxMessage]:
        return self._answers.pop(0)


class _WebSocket:
    """Bayeux over one websocket: one JSON array per frame, either way."""

    name = "websocket"

    def __init__(self, session: Any) -> None:
        self._ws = session

    async def send(self, batch: list[_BayeuxMessage]) -> None:
        await self._ws.send_text(orjson.dumps(batch).decode())

    async def receive(self) -> list[_BayeuxMessage]:
        text = await self._ws.receive_text()
        try:
            answer = orjson.loads(text)
        except orjson.JSONDecodeError:
            raise ResponseDecodeError("push websocket", "a frame that is not JSON") from None
        if isinstance(answer, dict):
            answer = [answer]
        if not isinstance(answer, list):
            raise ResponseDecodeError("push websocket", "a frame that is not a JSON array")
        return answer


_Link = _LongPolling | _WebSocket


@attrs.define
class _Conversation:
    """Where gap fill looks: a group id or the other user of a DM."""

    key: str
    """Group id, or DM chat id."""
    kind: Literal["group", "direct"]
    target: str
    """Group id, or the other user's id."""


class RealtimeStream(AsyncClosing):
    """Events from GroupMe's push service, as ``async for event in stream``.

    Made by :meth:`groupme_async.resources.Realtime.connect`; use it as an
    async context manager.  Leaving the block (or cancelling the task)
    closes the connection and every task it started.  A failure the stream
    cannot recover from (reconnects failing past the retry policy, an
    authentication error, ``advice.reconnect = none``) is raised from the
    ``async for``.
    """

    def __init__(
        self,
        requester: Requester,
        *,
        groups: Sequence[str],
        direct_messages: Sequence[str],
        gap_fill: bool,
        transport: TransportName,
        retry: RetryPolicy | None,
        silence_timeout: float,
    ) -> None:
        self._r = requester
        self._group_ids = list(groups)
        self._dm_ids = list(direct_messages)
        self._gap_fill = gap_fill
        self._transport = transport
        self._retry = retry
        self._silence_timeout = silence_timeout
        self._users = Users(requester)
        self._groups = Groups(requester)
        self._chats = Chats(requester)
        self._group_messages = GroupMessages(requester)
        self._direct_messages = DirectMessages(requester)
        self._sleep = requester.sleep

        self._me = ""
        self._channels: list[str] = []
        self._next_id = 0
        #: Conversation -> the newest message id delivered (or known at the start).
        self._delivered: dict[str, int] = {}
        self._known: dict[str, _Conversation] = {}
        self._listed_at: int | None = None
        self._started_at = 0
        self._websocket_failed = False
        self._websocket_worked = False
        self._live = False
        self._advice: dict[str, Any] = {"reconnect": "retry", "interval": 0, "timeout": 30_000}
        self._send: MemoryObjectSendStream[RealtimeEvent | _Failure] | None = None
        self._receive: MemoryObjectReceiveStream[RealtimeEvent | _Failure] | None = None
        self._group: Any = None
        self.client_id: str | None = None
        """The Bayeux client id of the current session (a new one after every reconnect)."""
        self.sessions = 0
        """Handshakes that succeeded."""
        self.duplicates = 0
        """Messages dropped because they had been delivered already."""
        self.transport_in_use: str | None = None
        """``"websocket"`` or ``"long-polling"``, once connected."""

    # --- the context manager and the iterator ----------------------------------

    async def __aenter__(self) -> RealtimeStream:
        if self._group is not None:
            raise RuntimeError("a realtime stream can be entered only once")
        # Before returning: every message posted after ``async with`` is
        # entered is then newer than the baseline, so it will be delivered.
        await self._prepare()
        send, receive = anyio.create_memory_object_stream[RealtimeEvent | _Failure](0)
        self._send, self._receive = send, receive
        self._group = anyio.create_task_group()
        await self._group.__aenter__()
        self._group.start_soon(self._run)
        return self

    async def aclose(self) -> None:
        """Close the connection and stop every task of the stream."""
        group, self._group = self._group, False
        if not group:
            return
        group.cancel_scope.cancel()
        try:
            await group.__aexit__(None, None, None)
        finally:
            assert self._receive is not None
            self._receive.close()

    def __aiter__(self) -> RealtimeStream:
        return self

    async def __anext__(self) -> RealtimeEvent:
        if self._receive is None:
            raise RuntimeError("use the stream inside 'async with gm.realtime.connect() as stream'")
        try:
            item = await self._receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None
        if isinstance(item, _Failure):
            raise item.error
        return item

    def __repr__(self) -> str:
        return f"<RealtimeStream transport={self.transport_in_use!r} sessions={self.sessions}>"

    # --- the engine ------------------------------------------------------------

    async def _run(self) -> None:
        assert self._send is not None
        async with self._send:
            try:
                await self._main()
            except Exception as exc:
                await self._send.send(_Failure(exc))

    async def _prepare(self) -> None:
        self._me = (await self._users.me()).id
        self._channels = self._subscriptions()
        self._started_at = int(time.time())
        if self._gap_fill:
            await self._baseline()

    async def _main(self) -> None:
        retry = self._retry or self._r.retry
        attempt = 0
        error: BaseException
        while True:
            try:
                await self._session()
                raise _Reconnect(self._live, APIConnectionError("the push connection ended"))
            except _ServerSaidStop:
                raise APIConnectionError(
                    "the push server advised not to reconnect (advice.reconnect = none)"
                ) from None
            except (AuthenticationError, PermissionDeniedError):
                raise
            except APIError as exc:
                if exc.status_code < 500 and exc.status_code not in (420, 429):
                    raise
                healthy, error = self._live, exc
            except _Reconnect as reconnect:
                if reconnect.immediate:
                    continue
                healthy, error = reconnect.healthy, reconnect.error
            attempt = 1 if healthy else attempt + 1
            delay = retry.delay(attempt, rng=self._r.rng)
            if delay is None:
                raise error
            interval = self._advice.get("interval")
            if isinstance(interval, int | float) and not isinstance(interval, bool):
                delay += max(0.0, interval / 1000)
            logger.info("push: reconnecting in %.2fs (%s)", delay, error)
            await self._sleep(delay)

    def _subscriptions(self) -> list[str]:
        channels = [f"/user/{self._me}"]
        channels += [f"/group/{g}" for g in self._group_ids]
        for other in self._dm_ids:
            chat = other if "+" in other else chat_id(self._me, other)
            channels.append(f"/direct_message/{chat.replace('+', '_')}")
        return channels

    def _message(self, channel: str, **fields: Any) -> _BayeuxMessage:
        self._next_id += 1
        return {"channel": channel, **fields, "id": str(self._next_id)}

    async def _session(self) -> None:
        """One handshake's life.  Ends by raising: ``_Reconnect`` for anything a
        new handshake may fix, or the error that ends the stream."""
        self._live = False
        use_websocket = self._transport == "websocket" or (
            self._transport == "auto" and websocket_supported() and not self._websocket_failed
        )
        httpx_ws = _httpx_ws()
        if not use_websocket or httpx_ws is None:
            await self._converse(_LongPolling(self._r, self._poll_timeout))
            return
        outcome: BaseException | None = None
        opened = False
        try:
            connecting: Any = httpx_ws.aconnect_ws(
                self._r.bases["push"], self._r.client, keepalive_ping_interval_seconds=None
            )
            async with connecting as session:
                opened = True
                # Raised inside the socket's task group, an error would come
                # out wrapped in an ExceptionGroup: carry it out by hand.
                try:
                    await self._converse(_WebSocket(session))
                except Exception as exc:
                    outcome = exc
        except Exception as exc:
            refused = isinstance(exc, httpx_ws.WebSocketUpgradeError)
            if not opened and (refused or not self._websocket_worked):
                self._websocket_refused(exc)
            outcome = outcome or exc
        if isinstance(outcome, _Reconnect | _ServerSaidStop | GroupMeError):
            raise outcome
        what = _describe(outcome) if outcome is not None else "closed"
        raise _Reconnect(self._live, APIConnectionError(f"push websocket: {what}"))

    def _websocket_refused(self, exc: BaseException) -> None:
        if self._transport == "websocket":
            raise _Reconnect(False, APIConnectionError(f"push websocket: {_describe(exc)}"))
        logger.info(
            "push: the websocket could not be opened (%s); using long-polling", _describe(exc)
        )
        self._websocket_failed = True
        raise _Reconnect(False, APIConnectionError("push websocket refused"), immediate=True)

    def _poll_timeout(self) -> float:
        timeout = self._advice.get("timeout")
        held = timeout / 1000 if isinstance(timeout, int | float) else 30.0
        return held + self._r.settings.timeout

    async def _converse(self, link: _Link) -> None:
        try:
            await self._bayeux(link)
        except (_Reconnect, _ServerSaidStop):
            raise
        except _Silent:
            logger.info("push: no traffic for %.0fs; starting over", self._silence_timeout)
            raise _Reconnect(self._live, _silence()) from None
        except _Rehandshake as exc:
            raise _Reconnect(self._live, APIConnectionError(f"push: {exc}")) from None
        except (AuthenticationError, PermissionDeniedError):
            raise
        except APIError as exc:
            if exc.status_code < 500 and exc.status_code not in (420, 429):
                raise
            raise _Reconnect(self._live, exc) from None
        except GroupMeError as exc:
            raise _Reconnect(self._live, exc) from None
        except Exception as exc:
            ws = _httpx_ws()
            if ws is not None and isinstance(exc, ws.HTTPXWSException):
                error = APIConnectionError(f"push websocket: {_describe(exc)}")
                raise _Reconnect(self._live, error) from None
            raise

    async def _bayeux(self, link: _Link) -> None:
        supported = ["websocket", "long-polling"] if link.name == "websocket" else ["long-polling"]
        handshake = self._message(
            "/meta/handshake", version="1.0", supportedConnectionTypes=supported
        )
        reply = await self._ask(link, [handshake], "/meta/handshake")
        if not reply.get("successful"):
            raise APIConnectionError(f"push handshake refused: {_error_text(reply)}")
        client_id = reply.get("clientId")
        if not isinstance(client_id, str) or not client_id:
            raise ResponseDecodeError("push /meta/handshake", "no clientId")
        self._take_advice(reply)
        self.client_id = client_id
        self.sessions += 1
        timestamp = int(time.time())
        subscribes = [
            self._message(
                "/meta/subscribe",
                clientId=client_id,
                subscription=channel,
                ext=self._r.subscribe_ext(timestamp),
            )
            for channel in self._channels
        ]
        await self._guarded(link.send, subscribes)
        pending = {m["id"] for m in subscribes}
        while pending:
            for message in await self._guarded(link.receive):
                if message.get("channel") == "/meta/subscribe" and message.get("id") in pending:
                    pending.discard(message["id"])
                    _check_subscribed(message)
                # Nothing else is due before the first connect.
        self.transport_in_use = link.name
        if link.name == "websocket":
            self._websocket_worked = True
        if self._gap_fill:
            await self._fill_gap()
        self._live = True
        while True:
            connect = self._message("/meta/connect", clientId=client_id, connectionType=link.name)
            await self._guarded(link.send, [connect])
            answered = False
            while not answered:
                for message in await self._guarded(link.receive):
                    channel = message.get("channel")
                    if channel == "/meta/connect":
                        answered = answered or message.get("id") == connect["id"]
                        self._after_connect(message)
                    elif isinstance(channel, str) and not channel.startswith("/meta/"):
                        await self._pushed(channel, message.get("data"))
            interval = self._advice.get("interval")
            if isinstance(interval, int | float) and interval > 0:
                await self._sleep(interval / 1000)

    async def _ask(self, link: _Link, batch: list[_BayeuxMessage], channel: str) -> _BayeuxMessage:
        await self._guarded(link.send, batch)
        while True:
            for message in await self._guarded(link.receive):
                if message.get("channel") == channel and message.get("id") == batch[0]["id"]:
                    return message

    def _take_advice(self, message: _BayeuxMessage) -> None:
        advice = message.get("advice")
        if isinstance(advice, dict):
            self._advice = {**self._advice, **advice}

    def _after_connect(self, message: _BayeuxMessage) -> None:
        self._take_advice(message)
        advice = message.get("advice")
        reconnect = advice.get("reconnect") if isinstance(advice, dict) else None
        if reconnect == "none":
            raise _ServerSaidStop
        if not message.get("successful"):
            raise _Rehandshake(f"connect refused: {_error_text(message)}")
        if reconnect == "handshake":
            raise _Rehandshake("the server advised a new handshake")

    async def _guarded(self, call: Callable[..., Awaitable[T]], *args: Any) -> T:
        """``call(*args)``, or ``_Silent`` if no traffic comes for the silence timeout."""
        silent = done = False
        result: Any = None
        failure: BaseException | None = None
        async with anyio.create_task_group() as tg:

            async def watchdog() -> None:
                nonlocal silent
                await self._sleep(self._silence_timeout)
                silent = True
                tg.cancel_scope.cancel()

            tg.start_soon(watchdog)
            try:
                result = await call(*args)
                done = True
            except Exception as exc:
                failure = exc
            tg.cancel_scope.cancel()
        if failure is not None:
            raise failure
        if silent and not done:
            raise _Silent
        return result  # type: ignore[no-any-return]

    # --- delivery -----------------------------------------------------------------

    async def _pushed(self, channel: str, data: Any) -> None:
        if not isinstance(data, dict):
            return
        event = decode_event(channel, data)
        if event is None:
            return
        if isinstance(event, MessageCreated):
            await self._deliver_message(event)
            return
        assert self._send is not None
        await self._send.send(event)

    async def _deliver_message(self, event: MessageCreated) -> None:
        key = event.conversation_id
        number = id_key(event.message.id)
        last = self._delivered.get(key)
        if last is not None and number <= last:
            self.duplicates += 1
            return
        self._delivered[key] = number
        if key not in self._known:
            self._known[key] = self._conversation_of(key)
        assert self._send is not None
        await self._send.send(event)

    def _conversation_of(self, key: str) -> _Conversation:
        if "+" not in key:
            return _Conversation(key, "group", key)
        a, _, b = key.partition("+")
        return _Conversation(key, "direct", b if a == self._me else a)

    # --- gap fill ---------------------------------------------------------------

    async def _baseline(self) -> None:
        """Remember the newest message of every conversation, before subscribing."""
        for conversation, last in await self._list_conversations(cutoff=None):
            self._known[conversation.key] = conversation
            self._delivered[conversation.key] = last

    async def _fill_gap(self) -> None:
        """Deliver, from REST, every message newer than the last one delivered
        in each conversation that had traffic since the previous listing."""
        cutoff = None if self._listed_at is None else self._listed_at - LISTING_SLACK
        for conversation, last in await self._list_conversations(cutoff=cutoff):
            delivered = self._delivered.get(conversation.key)
            if delivered is not None and last <= delivered:
                continue
            self._known[conversation.key] = conversation
            if delivered is None:
                await self._fill_new(conversation)
            else:
                await self._fill_since(conversation, delivered)

    async def _fill_since(self, conversation: _Conversation, after: int) -> None:
        source = self._group_messages if conversation.kind == "group" else self._direct_messages
        async with source.since(conversation.target, str(after)) as messages:
            async for message in messages:
                await self._deliver_message(self._filled(conversation, message))

    async def _fill_new(self, conversation: _Conversation) -> None:
        # A conversation first seen now (joined during an outage): what it
        # got since the stream started, newest first until older than that.
        source = self._group_messages if conversation.kind == "group" else self._direct_messages
        recent: list[Message] = []
        async with source.iter(conversation.target) as messages:
            async for message in messages:
                if message.created_at.timestamp() < self._started_at:
                    break
                recent.append(message)
        if not recent:
            self._delivered.setdefault(conversation.key, 0)
        for message in reversed(recent):
            await self._deliver_message(self._filled(conversation, message))

    def _filled(self, conversation: _Conversation, message: Message) -> MessageCreated:
        return MessageCreated(message=message, conversation_id=conversation.key, channel="rest")

    async def _list_conversations(self, cutoff: int | None) -> list[tuple[_Conversation, int]]:
        """Groups and DM chats with their newest message id, most recently
        active first; stops past ``cutoff`` (epoch seconds) if the listing is
        in that order."""
        found: list[tuple[_Conversation, int]] = []
        newest = 0
        page = 1
        while True:
            groups = await self._groups.list(page, LIST_PAGE, omit_memberships=True)
            stamps = [int(g.updated_at.timestamp()) if g.updated_at else 0 for g in groups]
            for group, stamp in zip(groups, stamps, strict=True):
                last = group.messages.last_message_id if group.messages else None
                found.append((_Conversation(group.id, "group", group.id), _number(last)))
                newest = max(newest, stamp)
            if _done(stamps, cutoff, len(groups)):
                break
            page += 1
        page = 1
        while True:
            chats = await self._chats.list(page, LIST_PAGE)
            stamps = [int(c.updated_at.timestamp()) if c.updated_at else 0 for c in chats]
            for chat, stamp in zip(chats, stamps, strict=True):
                last = chat.last_message.id if chat.last_message else None
                found.append((_Conversation(chat.id, "direct", chat.other_user.id), _number(last)))
                newest = max(newest, stamp)
            if _done(stamps, cutoff, len(chats)):
                break
            page += 1
        if newest:
            self._listed_at = max(self._listed_at or 0, newest)
        return found


class _Reconnect(Exception):
    def __init__(self, healthy: bool, error: BaseException, *, immediate: bool = False) -> None:
        super().__init__(str(error))
        self.healthy = healthy
        self.error = error
        self.immediate = immediate


def _done(stamps: list[int], cutoff: int | None, size: int) -> bool:
    if size < LIST_PAGE:
        return True
    if cutoff is None:
        return False
    in_order = all(a >= b for a, b in itertools.pairwise(stamps))
    return in_order and bool(stamps) and stamps[-1] < cutoff


def _number(message_id: str | None) -> int:
    return 0 if message_id is None else max(0, id_key(message_id))


def _silence() -> APIConnectionError:
    return APIConnectionError("push: the connection went silent")


def _error_text(message: _BayeuxMessage) -> str:
    error = message.get("error")
    return error[:200] if isinstance(error, str) else "no reason given"


def _check_subscribed(message: _BayeuxMessage) -> None:
    if message.get("successful"):
        return
    error = _error_text(message)
    if "Unknown client" in error:
        raise _Rehandshake(error)
    code = error.split(":", 1)[0]
    where = f"push subscribe {message.get('subscription')}"
    if code == "401":
        raise AuthenticationError(401, [error], endpoint=where)
    if code == "403":
        raise PermissionDeniedError(403, [error], endpoint=where)
    raise APIConnectionError(f"{where}: {error}")


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def check_conversations(groups: object, direct_messages: object) -> tuple[list[str], list[str]]:
    """The ``connect()`` arguments, checked before anything is sent."""
    if isinstance(groups, str | bytes) or not isinstance(groups, list | tuple):
        raise TypeError("groups must be a list of group ids")
    if isinstance(direct_messages, str | bytes) or not isinstance(direct_messages, list | tuple):
        raise TypeError("direct_messages must be a list of user ids or chat ids")
    group_ids = [check_id(g, "groups") for g in groups]
    dms = [
        check_chat_id(d, "direct_messages") if isinstance(d, str) and "+" in d
        else check_id(d, "direct_messages")
        for d in direct_messages
    ]  # fmt: skip
    return group_ids, dms


def check_transport(transport: object) -> TransportName:
    if transport not in TRANSPORTS:
        raise ValueError(f"transport must be one of {TRANSPORTS}, got {transport!r}")
    if transport == "websocket" and not websocket_supported():
        raise ValueError("the websocket transport needs: pip install groupme_async[realtime]")
    return transport  # type: ignore[return-value]


def check_silence(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (0 < value < math.inf):
        raise ValueError(f"silence_timeout must be a positive number of seconds, got {value!r}")
    return float(value)
