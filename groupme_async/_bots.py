"""BotApp and Context: the bot toolkit (public in :mod:`groupme_async.bots`)."""

from __future__ import annotations

import contextlib
import inspect
import logging
import math
import traceback
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar

import anyio
import httpx
import orjson
from anyio.abc import TaskGroup, TaskStatus

from ._asgi_body import read_capped_body
from ._client import AsyncGroupMe
from ._convert import structure
from ._ids import check_bot_id
from ._realtime import TransportName
from .errors import ResponseDecodeError
from .models import Attachment, Message
from .realtime import MessageCreated

logger = logging.getLogger("groupme_async.bots")

Handler = Callable[["Context"], Awaitable[None]]
"""What ``@app.on_message`` and ``@app.command(...)`` take: ``async def
handler(ctx: Context) -> None``."""

H = TypeVar("H", bound=Handler)
Scope = Mapping[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
Reply = Callable[[str | None, Sequence[Attachment]], Awaitable[Message | None]]
#: The handlers one message runs, each with its context, in order.
Jobs = list[tuple[Handler, "Context"]]

#: A callback carries one message (1,000 characters of text plus attachments):
#: a few kilobytes.  Anything much larger is not GroupMe's.
DEFAULT_MAX_BODY_BYTES = 64 * 1024
#: Message ids remembered to drop redelivered callbacks.
DEFAULT_REMEMBER = 4096
DEFAULT_SHUTDOWN_TIMEOUT = 10.0


class Context:
    """What a handler gets: the message, its command arguments, and a way
    to answer."""

    __slots__ = ("_reply", "args", "command", "gm", "message", "rest")

    def __init__(
        self,
        message: Message,
        gm: AsyncGroupMe,
        reply: Reply,
        command: str | None = None,
        rest: str = "",
    ) -> None:
        self.message = message
        """The message, the same model REST calls return."""
        self.gm = gm
        """The client the app posts with: without a user token unless
        ``BotApp(token=...)`` (or the one given to ``run_realtime``)."""
        self.command = command
        """The command matched (as registered), or None for ``on_message``."""
        self.rest = rest
        """The text after the command, stripped ("" when there is none)."""
        self.args: tuple[str, ...] = tuple(rest.split())
        """The words after the command."""
        self._reply = reply

    async def reply(
        self, text: str | None = None, *, attachments: Sequence[Attachment] = ()
    ) -> Message | None:
        """Answer in the message's conversation, exactly once or not at all.

        From a callback the bot posts (``/bots/post``; ``None`` is returned,
        as GroupMe answers nothing).  A bot post has no ``source_guid``, so it
        is retried only when it certainly did not land; when its answer is
        lost the error is raised rather than risk a second post.  From
        :meth:`BotApp.run_realtime` the user sends, with one ``source_guid``
        for every attempt, and the sent message is returned.
        """
        return await self._reply(text, attachments)

    def __repr__(self) -> str:
        return f"<Context message={self.message.id} command={self.command!r}>"


class BotApp:
    """An ASGI application that receives a bot's callbacks and runs handlers.

    ``bot_id`` is the bot's secret id: replies are posted with it (it never
    appears in a repr or a log record).  ``None`` makes an app for
    :meth:`run_realtime` only, where replies are sent as the user (a
    callback's ``ctx.reply`` then raises ``ValueError``).  ``token`` is needed only for
    user-level calls from handlers (``ctx.gm``); without it the app's client
    can post as the bot and nothing else (``GROUPME_TOKEN`` is not read).
    ``base_url`` and ``transport`` are as for :class:`AsyncGroupMe`
    (``base_url`` defaults to ``GROUPME_BASE_URL``).

    A callback is answered before any handler runs: 200 for a message (a
    duplicate or a bot's message included), 400 for a body that is not a
    GroupMe message or is larger than ``max_body_bytes``, 405 for anything
    but POST.  When the server runs the ASGI lifespan (uvicorn does), the
    handlers run as tasks of the app; at shutdown they get
    ``shutdown_timeout`` seconds to finish and are then cancelled.  Without
    a lifespan (or ``async with app``) they run in the request's own task,
    after the answer is sent.

    The newest ``remember`` message ids are kept, so a redelivered callback
    runs no handler twice.  A handler that raises is logged (on
    ``groupme_async.bots``, with the token and bot id redacted) and never
    stops the app or the other handlers.
    """

    def __init__(
        self,
        bot_id: str | None,
        *,
        token: str | None = None,
        base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        remember: int = DEFAULT_REMEMBER,
        shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT,
    ) -> None:
        self._bot_id = None if bot_id is None else check_bot_id(bot_id, "bot_id")
        for value, name in ((max_body_bytes, "max_body_bytes"), (remember, "remember")):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not (isinstance(shutdown_timeout, int | float) and 0 <= shutdown_timeout < math.inf):
            raise ValueError("shutdown_timeout must be a finite number of seconds >= 0")
        self._max_body = max_body_bytes
        self._shutdown_timeout = float(shutdown_timeout)

        def make_client() -> AsyncGroupMe:
            if token is None:
                return AsyncGroupMe.without_token(base_url=base_url, transport=transport)
            return AsyncGroupMe(token, base_url=base_url, transport=transport)

        self._make_client = make_client
        # Made now, so a bad token or base_url fails at import, not at the
        # first message.
        self._gm: AsyncGroupMe | None = make_client()
        self._on_message: list[Handler] = []
        self._commands: dict[str, tuple[str, Handler]] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remember = remember
        self._tasks: TaskGroup | None = None
        self._running = 0
        self._idle = anyio.Event()

    # --- registering handlers -----------------------------------------------------

    def on_message(self, handler: H) -> H:
        """Run ``handler`` for every message (not a bot's), system messages
        included; a decorator."""
        self._on_message.append(_checked(handler))
        return handler

    def command(self, name: str) -> Callable[[H], H]:
        """Run the decorated handler for a message whose first word is
        ``name`` (``"!ping"``; matched ignoring case, as phones capitalise),
        with the words after it as ``ctx.args``.  Only people's messages run
        commands: never a bot's or a system message."""
        if not isinstance(name, str) or not name or any(c.isspace() for c in name):
            raise ValueError(f"a command is one word, such as '!ping', got {name!r}")
        key = name.casefold()
        if key in self._commands:
            raise ValueError(f"the command {name!r} already has a handler")

        def register(handler: H) -> H:
            self._commands[key] = (name, _checked(handler))
            return handler

        return register

    # --- running with a lifespan, or in process ---------------------------------------

    async def __aenter__(self) -> BotApp:
        """Start the app's handler tasks (what the ASGI lifespan does)."""
        if self._tasks is not None:
            raise RuntimeError("the app is already running")
        if self._gm is None:
            self._gm = self._make_client()
        tasks = anyio.create_task_group()
        await tasks.__aenter__()
        self._tasks = tasks
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Give running handlers ``shutdown_timeout`` seconds, cancel the
        rest, and close the client."""
        tasks, self._tasks = self._tasks, None
        if tasks is None:
            return
        try:
            with anyio.move_on_after(self._shutdown_timeout):
                while self._running:
                    await self._idle.wait()
            if self._running:
                logger.warning("shutdown: cancelling %d handler(s) still running", self._running)
            tasks.cancel_scope.cancel()
        finally:
            await tasks.__aexit__(None, None, None)
            await self.aclose()

    async def aclose(self) -> None:
        """Close the app's HTTP client (made again if the app is used again)."""
        gm, self._gm = self._gm, None
        if gm is not None:
            await gm.aclose()

    def __repr__(self) -> str:
        handlers = len(self._on_message) + len(self._commands)
        return f"<BotApp handlers={handlers} running={self._tasks is not None}>"

    # --- ASGI -----------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1008})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "lifespan.startup":
            return
        try:
            await self.__aenter__()
        except Exception as exc:
            await send({"type": "lifespan.startup.failed", "message": type(exc).__name__})
            return
        await send({"type": "lifespan.startup.complete"})
        try:
            while (await receive())["type"] != "lifespan.shutdown":
                pass
        finally:
            await self.__aexit__(None, None, None)
        await send({"type": "lifespan.shutdown.complete"})

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await _answer(send, 405, b"bot callbacks are POSTed", [(b"allow", b"POST")])
            return
        body = await self._body(scope, receive)
        if body is None:
            await _answer(send, 400, b"the body is larger than a GroupMe message")
            return
        try:
            message = _callback_message(body)
        except (orjson.JSONDecodeError, ResponseDecodeError) as exc:
            # Not quoted: the body is anyone's text.
            logger.warning("callback refused: %s", type(exc).__name__)
            await _answer(send, 400, b"the body is not a GroupMe message")
            return
        await _answer(send, 200, b"")
        if message.sender_type == "bot" or not self._first_time(message.id):
            return
        gm = self._client()
        jobs = self._jobs(message, gm, self._bot_reply(gm))
        if self._tasks is not None:
            self._running += 1
            self._tasks.start_soon(self._task, jobs)
        else:
            await self._run(jobs)

    async def _body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None past ``max_body_bytes`` (not read further)."""
        for name, value in scope.get("headers", ()):
            if name.lower() == b"content-length":
                with contextlib.suppress(ValueError):
                    if int(value) > self._max_body:
                        return None
        return await read_capped_body(receive, self._max_body)

    # --- realtime ---------------------------------------------------------------------

    async def run_realtime(
        self,
        gm: AsyncGroupMe,
        *,
        groups: Sequence[str] = (),
        direct_messages: Sequence[str] = (),
        transport: TransportName = "auto",
        task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
    ) -> None:
        """Run the same handlers for every message a user account receives
        (its groups and DMs), through ``gm.realtime``, until cancelled.

        For bots that need what a bot id cannot do (history, DMs, likes):
        ``ctx.gm`` is ``gm``, and ``ctx.reply`` sends as the user, exactly
        once (one ``source_guid`` for every attempt).  The user's own
        messages and bots' messages are ignored, so it never answers itself.
        ``groups``, ``direct_messages`` and ``transport`` are passed to
        ``gm.realtime.connect``.  A stream failure is raised; cancelling
        cancels the handlers still running.  Started with
        ``await task_group.start(app.run_realtime, gm)``, it returns once the
        stream is connected: every message posted afterwards is handled.
        """
        me = (await gm.users.me()).id
        async with (
            gm.realtime.connect(
                groups=groups, direct_messages=direct_messages, transport=transport
            ) as stream,
            anyio.create_task_group() as handlers,
        ):
            task_status.started()
            async for event in stream:
                if not isinstance(event, MessageCreated):
                    continue
                message = event.message
                if message.user_id == me or message.sender_type == "bot":
                    continue
                if not self._first_time(message.id):
                    continue
                jobs = self._jobs(message, gm, _user_reply(gm, message, event.conversation_id))
                self._running += 1
                handlers.start_soon(self._task, jobs)

    # --- dispatching ------------------------------------------------------------------

    def _first_time(self, message_id: str) -> bool:
        """Whether ``message_id`` is new (and remember it); bounded memory."""
        seen = self._seen
        if message_id in seen:
            seen.move_to_end(message_id)
            return False
        seen[message_id] = None
        if len(seen) > self._remember:
            seen.popitem(last=False)
        return True

    def _client(self) -> AsyncGroupMe:
        if self._gm is None:
            self._gm = self._make_client()
        return self._gm

    def _bot_reply(self, gm: AsyncGroupMe) -> Reply:
        bot_id = self._bot_id

        async def reply(text: str | None, attachments: Sequence[Attachment]) -> None:
            if bot_id is None:
                raise ValueError("this BotApp has no bot_id, so it cannot post as a bot")
            await gm.bots.post(bot_id, text, attachments=attachments)

        return reply

    def _jobs(self, message: Message, gm: AsyncGroupMe, reply: Reply) -> Jobs:
        """Every ``on_message`` handler, then the command's, each with its context."""
        plain = Context(message, gm, reply)
        jobs: Jobs = [(handler, plain) for handler in self._on_message]
        found = self._command_of(message)
        if found is not None:
            name, handler, rest = found
            jobs.append((handler, Context(message, gm, reply, name, rest)))
        return jobs

    def _command_of(self, message: Message) -> tuple[str, Handler, str] | None:
        if message.system or message.sender_type == "system" or not self._commands:
            return None
        words = (message.text or "").split(maxsplit=1)
        if not words:
            return None
        found = self._commands.get(words[0].casefold())
        if found is None:
            return None
        name, handler = found
        return name, handler, words[1].strip() if len(words) > 1 else ""

    async def _task(self, jobs: Jobs) -> None:
        try:
            await self._run(jobs)
        finally:
            self._running -= 1
            if self._running == 0:
                self._idle.set()
                self._idle = anyio.Event()

    async def _run(self, jobs: Jobs) -> None:
        for handler, context in jobs:
            try:
                await handler(context)
            except anyio.get_cancelled_exc_class():
                logger.warning(
                    "handler %s cancelled on message %s", _name(handler), context.message.id
                )
                raise
            except Exception as exc:
                # GroupMe got its 200 already; the app and the other
                # handlers carry on.
                text = "".join(traceback.format_exception(exc))
                text = context.gm._requester.redact(text)
                if self._bot_id is not None:
                    text = text.replace(self._bot_id, "[BOT ID]")
                logger.error(
                    "handler %s failed on message %s:\n%s",
                    _name(handler),
                    context.message.id,
                    text,
                )


def _user_reply(gm: AsyncGroupMe, message: Message, conversation_id: str) -> Reply:
    async def reply(text: str | None, attachments: Sequence[Attachment]) -> Message:
        if "+" in conversation_id:
            # A DM: the other side is the sender (the user's own are ignored).
            other = message.user_id or message.sender_id
            if other is None:
                raise ValueError("the message names no sender to answer")
            return await gm.direct_messages.send(other, text, attachments=attachments)
        return await gm.group_messages.send(conversation_id, text, attachments=attachments)

    return reply


def _callback_message(body: bytes) -> Message:
    """The message a callback POSTed, or ``ResponseDecodeError`` /
    ``orjson.JSONDecodeError`` for anything else."""
    data = orjson.loads(body)
    label = "bot callback"
    if not isinstance(data, dict):
        raise ResponseDecodeError(label, "not a JSON object")
    for key in ("text", "sender_type", "name"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ResponseDecodeError(label, f"{key} is not a string")
    group_id = data.get("group_id")
    if isinstance(group_id, int) and not isinstance(group_id, bool):
        group_id = str(group_id)
    if not isinstance(group_id, str) or not group_id.isascii() or not group_id.isdigit():
        raise ResponseDecodeError(label, "no group id (a bot lives in a group)")
    return structure(data, Message, label)


async def _answer(
    send: Send, status: int, body: bytes, headers: Collection[tuple[bytes, bytes]] = ()
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _checked(handler: H) -> H:
    candidate: object = handler  # the check narrows this, not the returned type
    if not inspect.iscoroutinefunction(candidate):
        raise TypeError(f"a handler is an async function, got {handler!r}")
    return handler


def _name(handler: Handler) -> str:
    return getattr(handler, "__qualname__", None) or repr(handler)
