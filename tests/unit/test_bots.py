"""BotApp as an ASGI application (httpx.ASGITransport in front, respx behind):
what it answers, what it ignores, what it runs, exactly once."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from groupme_async import ImageAttachment, ServerError
from groupme_async.bots import BotApp, Context

from .conftest import TOKEN, V3, invented_json

BOT_ID = "0a1b2c3d4e5f60718293a4b5c6"
POST = f"{V3}/bots/post"


def callback(**changes: Any) -> dict[str, Any]:
    """The invented callback body (tests/fixtures/bot_callback.json), changed."""
    return {**invented_json("bot_callback.json"), **changes}


def posted(route: respx.Route) -> list[dict[str, Any]]:
    return [json.loads(call.request.content) for call in route.calls]


async def deliver(
    app: Any, body: Any = None, *, content: Any = None, method: str = "POST", **headers: str
) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bot.test"
    ) as http:
        if body is not None:
            return await http.request(method, "/groupme", json=body, headers=headers)
        return await http.request(method, "/groupme", content=content, headers=headers)


class Calls:
    """Handlers that record what they were given."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None, tuple[str, ...], str]] = []

    def record(self, ctx: Context) -> None:
        self.seen.append((ctx.message.id, ctx.command, ctx.args, ctx.rest))


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def app(calls: Calls) -> BotApp:
    app = BotApp(BOT_ID)

    @app.on_message
    async def everything(ctx: Context) -> None:
        calls.record(ctx)

    @app.command("!ping")
    async def ping(ctx: Context) -> None:
        calls.record(ctx)
        await ctx.reply("pong")

    return app


@pytest.fixture
def groupme() -> AsyncIterator[respx.Route]:
    with respx.mock(assert_all_called=False) as mock:
        yield mock.post(POST).mock(return_value=httpx.Response(202, text=""))


async def test_a_command_is_answered_with_a_bot_post_that_carries_no_token(
    app: BotApp, calls: Calls, groupme: respx.Route
) -> None:
    answer = await deliver(app, callback(text="!ping"))
    assert answer.status_code == 200
    mid = callback()["id"]
    assert calls.seen == [(mid, None, (), ""), (mid, "!ping", (), "")]
    assert posted(groupme) == [{"bot_id": BOT_ID, "text": "pong"}]
    assert "x-access-token" not in groupme.calls.last.request.headers


async def test_a_reply_with_attachments(groupme: respx.Route) -> None:
    app = BotApp(BOT_ID)

    @app.command("!pic")
    async def pic(ctx: Context) -> None:
        await ctx.reply(attachments=[ImageAttachment(url="https://i.groupme.com/1")])

    assert (await deliver(app, callback(text="!pic"))).status_code == 200
    assert posted(groupme) == [
        {"bot_id": BOT_ID, "attachments": [{"type": "image", "url": "https://i.groupme.com/1"}]}
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"{",
        b"[]",
        b'"a string"',
        json.dumps([callback()]).encode(),
        json.dumps(callback(id="not-an-id")).encode(),
        json.dumps({k: v for k, v in callback().items() if k != "id"}).encode(),
        json.dumps({k: v for k, v in callback().items() if k != "created_at"}).encode(),
        json.dumps({k: v for k, v in callback().items() if k != "group_id"}).encode(),
        json.dumps(callback(group_id="../../etc")).encode(),
        json.dumps(callback(text=5)).encode(),
        json.dumps(callback(sender_type=["user"])).encode(),
        json.dumps(callback(attachments="x")).encode(),
        json.dumps(callback(created_at="yesterday")).encode(),
        b"[" * 5000 + b"]" * 5000,
    ],
    ids=lambda c: c[:24].decode(errors="replace") or "empty",
)
async def test_anything_but_a_message_is_a_400_and_runs_nothing(
    app: BotApp, calls: Calls, groupme: respx.Route, content: bytes
) -> None:
    answer = await deliver(app, content=content, **{"content-type": "application/json"})
    assert answer.status_code == 400
    assert answer.text == "the body is not a GroupMe message"  # never quotes the body
    assert calls.seen == [] and groupme.call_count == 0


async def test_an_oversized_body_is_a_400_read_no_further(calls: Calls) -> None:
    app = BotApp(BOT_ID, max_body_bytes=2048)

    @app.on_message
    async def everything(ctx: Context) -> None:
        calls.record(ctx)

    big = json.dumps(callback(text="x" * 4000)).encode()
    assert (await deliver(app, content=big)).status_code == 400
    streamed_chunks = 0

    async def stream() -> AsyncIterator[bytes]:
        # No Content-Length: counted as it arrives.
        nonlocal streamed_chunks
        for _ in range(100):
            streamed_chunks += 1
            yield b" " * 1024

    answer = await deliver(app, content=stream())
    assert answer.status_code == 400 and answer.text.startswith("the body is larger")
    assert calls.seen == []
    fits = json.dumps(callback(text="x" * 1000)).encode()
    assert len(fits) <= 2048 and (await deliver(app, content=fits)).status_code == 200
    assert len(calls.seen) == 1


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_only_post_is_accepted(app: BotApp, calls: Calls, method: str) -> None:
    answer = await deliver(app, content=b"", method=method)
    assert answer.status_code == 405 and answer.headers["allow"] == "POST"
    assert calls.seen == []


async def test_messages_from_bots_are_ignored_so_it_never_answers_itself(
    app: BotApp, calls: Calls, groupme: respx.Route
) -> None:
    answer = await deliver(app, callback(text="!ping", sender_type="bot", name="Echo"))
    assert answer.status_code == 200
    assert calls.seen == [] and groupme.call_count == 0


async def test_a_redelivered_callback_runs_no_handler_twice(
    app: BotApp, calls: Calls, groupme: respx.Route
) -> None:
    for _ in range(3):
        assert (await deliver(app, callback(text="!ping"))).status_code == 200
    assert [c[1] for c in calls.seen] == [None, "!ping"]
    assert groupme.call_count == 1


async def test_the_memory_of_ids_is_bounded(calls: Calls) -> None:
    app = BotApp(BOT_ID, remember=2)

    @app.on_message
    async def everything(ctx: Context) -> None:
        calls.record(ctx)

    for mid in ["101", "102", "101", "103", "104", "101"]:
        await deliver(app, callback(id=mid, text="hi"))
    # 101 was remembered while among the two newest, then forgotten.
    assert [c[0] for c in calls.seen] == ["101", "102", "103", "104", "101"]


async def test_a_handler_that_raises_is_logged_without_secrets_and_the_rest_still_run(
    caplog: pytest.LogCaptureFixture, groupme: respx.Route
) -> None:
    app = BotApp(BOT_ID, token=TOKEN)
    ran: list[str] = []

    @app.on_message
    async def clumsy(ctx: Context) -> None:
        raise RuntimeError(f"oops with {TOKEN} and {BOT_ID}")

    @app.command("!ping")
    async def ping(ctx: Context) -> None:
        ran.append(ctx.message.id)
        await ctx.reply("pong")

    caplog.set_level(logging.DEBUG)
    assert (await deliver(app, callback(text="!ping"))).status_code == 200
    assert ran == [callback()["id"]] and groupme.call_count == 1
    (record,) = [r for r in caplog.records if r.name == "groupme_async.bots"]
    assert record.levelno == logging.ERROR
    text = record.getMessage()
    assert "clumsy" in text and callback()["id"] in text and "RuntimeError" in text
    assert "[REDACTED]" in text and "[BOT ID]" in text
    everything = "\n".join(r.getMessage() for r in caplog.records) + repr(app)
    assert TOKEN not in everything and BOT_ID not in everything
    assert record.exc_info is None  # the traceback is in the message, redacted


async def test_a_reply_whose_answer_was_lost_is_not_posted_again(
    app: BotApp, calls: Calls, caplog: pytest.LogCaptureFixture
) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post(POST).mock(side_effect=[httpx.Response(500), httpx.Response(202)])
        assert (await deliver(app, callback(text="!ping"))).status_code == 200
    assert route.call_count == 1  # a 500 may have posted: never sent twice
    assert any(ServerError.__name__ in r.getMessage() for r in caplog.records)


async def test_without_a_token_user_calls_fail_in_the_handler_not_the_app(
    groupme: respx.Route, caplog: pytest.LogCaptureFixture
) -> None:
    app = BotApp(BOT_ID)

    @app.on_message
    async def needs_history(ctx: Context) -> None:
        await ctx.gm.group_messages.list(ctx.message.group_id or "")

    assert (await deliver(app, callback())).status_code == 200
    assert any("needs an access token" in r.getMessage() for r in caplog.records)


async def test_an_app_without_a_bot_id_cannot_reply_from_a_callback(
    caplog: pytest.LogCaptureFixture, groupme: respx.Route
) -> None:
    app = BotApp(None)

    @app.command("!ping")
    async def ping(ctx: Context) -> None:
        await ctx.reply("pong")

    assert (await deliver(app, callback(text="!ping"))).status_code == 200
    assert groupme.call_count == 0
    assert any("no bot_id" in r.getMessage() for r in caplog.records)


TEXTS = [
    ("!ping", ("!ping", (), "")),
    ("  !ping   a  b ", ("!ping", ("a", "b"), "a  b")),
    ("!PING Now", ("!ping", ("Now",), "Now")),
    ("!Ping", ("!ping", (), "")),
    ("!ping\nsecond line", ("!ping", ("second", "line"), "second line")),
    ("!ping\u00a0x", ("!ping", ("x",), "x")),
    ("!pinger", None),
    ("!pin", None),
    ("say !ping", None),
    ("", None),
    (" ", None),
    (None, None),
    ("!echo  two  spaces ", ("!echo", ("two", "spaces"), "two  spaces")),
    ("!echo", ("!echo", (), "")),
]


@pytest.mark.parametrize(("text", "expected"), TEXTS, ids=[repr(t) for t, _ in TEXTS])
async def test_command_parsing(text: str | None, expected: tuple[Any, ...] | None) -> None:
    app = BotApp(BOT_ID)
    matched: list[tuple[str | None, tuple[str, ...], str]] = []
    plain: list[str | None] = []

    @app.on_message
    async def everything(ctx: Context) -> None:
        plain.append(ctx.command)

    for name in ("!ping", "!echo"):

        @app.command(name)
        async def handler(ctx: Context) -> None:
            matched.append((ctx.command, ctx.args, ctx.rest))

    attachments = [] if text else [{"type": "image", "url": "https://i.groupme.com/x"}]
    await deliver(app, callback(text=text, attachments=attachments))
    assert plain == [None]  # on_message runs for every message, with no command
    assert matched == ([] if expected is None else [expected])


async def test_system_messages_run_on_message_but_never_a_command() -> None:
    app = BotApp(BOT_ID)
    seen: list[str] = []

    @app.on_message
    async def everything(ctx: Context) -> None:
        seen.append("message")

    @app.command("!ping")
    async def ping(ctx: Context) -> None:
        seen.append("command")

    system = callback(text="!ping", sender_type="system", user_id="system", system=True)
    assert (await deliver(app, system)).status_code == 200
    assert seen == ["message"]


def test_registration_is_checked() -> None:
    app = BotApp(BOT_ID)
    for bad in ("", "two words", "tab\there", 5):
        with pytest.raises(ValueError):
            app.command(bad)  # type: ignore[arg-type]

    @app.command("!ping")
    async def ping(ctx: Context) -> None: ...

    with pytest.raises(ValueError, match="already"):
        app.command("!PING")

    def not_async(ctx: Context) -> None: ...

    with pytest.raises(TypeError):
        app.on_message(not_async)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        app.command("!sync")(not_async)  # type: ignore[arg-type]
    for bad_id in ("", "has space", "../x", 5):
        with pytest.raises(ValueError):
            BotApp(bad_id)  # type: ignore[arg-type]
    for option in ({"max_body_bytes": 0}, {"remember": -1}, {"shutdown_timeout": -1.0}):
        with pytest.raises(ValueError):
            BotApp(BOT_ID, **option)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BotApp(BOT_ID, token="two words")
    assert BOT_ID not in repr(BotApp(BOT_ID, token=TOKEN))
    assert TOKEN not in repr(BotApp(BOT_ID, token=TOKEN))


async def test_a_websocket_is_closed() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    await BotApp(BOT_ID)({"type": "websocket", "path": "/"}, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1008}]


# --- the lifespan: handlers after the 200, and a clean shutdown ------------------------


class Lifespan:
    """Drives an app's ASGI lifespan as a server does."""

    def __init__(self, app: BotApp) -> None:
        self.app = app
        self.to_app, self._from_test = anyio.create_memory_object_stream[dict[str, Any]](10)
        self._to_test, self.from_app = anyio.create_memory_object_stream[dict[str, Any]](10)

    async def run(self) -> None:
        async def send(message: dict[str, Any]) -> None:
            await self._to_test.send(message)

        with self._from_test, self._to_test:
            await self.app({"type": "lifespan"}, self._from_test.receive, send)
        self.to_app.close()
        self.from_app.close()

    async def step(self, kind: str) -> str:
        await self.to_app.send({"type": f"lifespan.{kind}"})
        return str((await self.from_app.receive())["type"])


async def test_with_a_lifespan_the_200_goes_out_before_the_handler_runs(
    groupme: respx.Route,
) -> None:
    app = BotApp(BOT_ID)
    release = anyio.Event()
    finished: list[str] = []

    @app.command("!slow")
    async def slow(ctx: Context) -> None:
        await release.wait()
        await ctx.reply("done")
        finished.append(ctx.message.id)

    lifespan = Lifespan(app)
    async with anyio.create_task_group() as tg:
        tg.start_soon(lifespan.run)
        assert await lifespan.step("startup") == "lifespan.startup.complete"
        answer = await deliver(app, callback(text="!slow"))
        assert answer.status_code == 200 and finished == []  # answered, still working
        release.set()
        # Shutdown waits for the running handler.
        assert await lifespan.step("shutdown") == "lifespan.shutdown.complete"
    assert finished == [callback()["id"]] and groupme.call_count == 1


async def test_shutdown_cancels_handlers_that_outlive_the_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = BotApp(BOT_ID, shutdown_timeout=0)
    cancelled: list[str] = []
    handled: list[str] = []

    @app.on_message
    async def forever(ctx: Context) -> None:
        if ctx.message.id == callback()["id"]:
            try:
                await anyio.Event().wait()
            except anyio.get_cancelled_exc_class():
                cancelled.append(ctx.message.id)
                raise
        handled.append(ctx.message.id)

    lifespan = Lifespan(app)
    async with anyio.create_task_group() as tg:
        tg.start_soon(lifespan.run)
        await lifespan.step("startup")
        assert (await deliver(app, callback())).status_code == 200
        assert await lifespan.step("shutdown") == "lifespan.shutdown.complete"
    assert cancelled == [callback()["id"]]
    assert any("cancelling 1 handler" in r.getMessage() for r in caplog.records)
    # Used again (a test, a restart): it makes a new client and runs inline.
    assert (await deliver(app, callback(id="999"))).status_code == 200
    assert handled == ["999"]


async def test_async_with_runs_handlers_as_tasks_and_waits_for_them() -> None:
    app = BotApp(BOT_ID)
    release = anyio.Event()
    done: list[str] = []

    @app.on_message
    async def slow(ctx: Context) -> None:
        await release.wait()
        done.append(ctx.message.id)

    async with app:
        with pytest.raises(RuntimeError):
            await app.__aenter__()
        await deliver(app, callback())
        assert done == []
        release.set()
    assert done == [callback()["id"]]


# --- exactly once, whatever GroupMe redelivers --------------------------------------

DELIVERY = st.tuples(
    st.sampled_from(["101", "102", "103", "104", "105"]),
    st.sampled_from(["!ping", "hello", None]),
    st.sampled_from(["user", "user", "bot"]),
)


@settings(max_examples=60, deadline=None)
@given(rounds=st.lists(st.lists(DELIVERY, min_size=1, max_size=4), min_size=1, max_size=8))
def test_any_sequence_of_redelivered_callbacks_runs_each_handler_once_per_message(
    rounds: list[list[tuple[str, str | None, str]]],
) -> None:
    """Each round's callbacks arrive concurrently, as a server redelivering
    while the first delivery is in flight would send them."""
    ran: Counter[tuple[str, str]] = Counter()
    # What a message is, is decided by its first delivery (a redelivery is a copy).
    first: dict[str, tuple[str | None, str]] = {}
    for round_ in rounds:
        for mid, text, sender in round_:
            first.setdefault(mid, (text, sender))

    async def scenario() -> list[int]:
        app = BotApp(BOT_ID)

        @app.on_message
        async def everything(ctx: Context) -> None:
            await anyio.lowlevel.checkpoint()
            ran[(ctx.message.id, "message")] += 1

        @app.command("!ping")
        async def ping(ctx: Context) -> None:
            await anyio.lowlevel.checkpoint()
            ran[(ctx.message.id, "command")] += 1

        statuses: list[int] = []

        async def one(mid: str) -> None:
            text, sender = first[mid]
            body = callback(id=mid, text=text, sender_type=sender)
            if not text:
                body["attachments"] = [{"type": "image", "url": "https://i.groupme.com/x"}]
            statuses.append((await deliver(app, body)).status_code)

        async with app:
            for round_ in rounds:
                async with anyio.create_task_group() as tg:
                    for mid, _, _ in round_:
                        tg.start_soon(one, mid)
        return statuses

    statuses = anyio.run(scenario)
    assert statuses == [200] * sum(len(r) for r in rounds)
    expected: Counter[tuple[str, str]] = Counter()
    for mid, (text, sender) in first.items():
        if sender != "bot":
            expected[(mid, "message")] = 1
            if text == "!ping":
                expected[(mid, "command")] = 1
    assert ran == expected


def test_the_handlers_see_the_same_message_model_rest_returns() -> None:
    from groupme_async import Message

    seen: list[Any] = []
    app = BotApp(BOT_ID)

    @app.on_message
    async def everything(ctx: Context) -> None:
        seen.append(ctx.message)

    anyio.run(deliver, app, callback())
    (message,) = seen
    assert isinstance(message, Message)
    assert message.group_id == "40000001" and message.text == "!weather"
    assert message.attachments[0] == ImageAttachment(
        url="https://i.groupme.com/640x640.jpeg.example0callback0photo"
    )


_: Callable[..., Any] = deliver  # keep the helper's signature checked by mypy-in-tests
