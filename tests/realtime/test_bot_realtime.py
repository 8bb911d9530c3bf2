"""BotApp.run_realtime against FakeGroupMe: the echo example's handlers on a user
account, over both push transports, answering each message exactly once and
never itself."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import pytest

from groupme_async import AsyncGroupMe, AuthenticationError
from groupme_async.bots import BotApp, Context
from groupme_async.testing import FAKE_BASE_URL, FakeGroupMe

from .conftest import world
from .simclock import SimClock

TRANSPORTS = ["websocket", "long-polling"]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "echo_bot.py"


def echo_app() -> BotApp:
    spec = importlib.util.spec_from_file_location("echo_bot_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app: BotApp = module.create_app(None)
    return app


def mine(fake: FakeGroupMe, kind: str, id: str) -> list[str]:
    return [m["text"] for m in fake.messages(kind, id) if m["user_id"] == fake.me_id]  # type: ignore[arg-type]


async def until(clock: SimClock, done: Any) -> None:
    limit = clock.now + 600
    with anyio.fail_after(60):  # a real-time safety net; never reached when green
        while not done():
            assert clock.now <= limit, "the bot never answered"
            await clock.sleep(1)


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_the_echo_bot_answers_groups_and_dms_as_the_user(transport: str) -> None:
    async with world() as (fake, gm, clock):
        group = next(c.id for c in fake.conversations() if c.kind == "group")
        dm = next(c.id for c in fake.conversations() if c.kind == "direct")
        before_group, before_dm = mine(fake, "group", group), mine(fake, "direct", dm)
        bot = await gm.bots.create(group, "Other bot")
        app = echo_app()
        async with anyio.create_task_group() as tg:
            await tg.start(functools.partial(app.run_realtime, gm, transport=transport))
            fake.post("group", group, "!ping")  # someone else: answered
            fake.post("direct", dm, "!echo psst")  # a DM: answered as a DM
            await gm.group_messages.send(group, "!ping")  # the user: never
            await gm.bots.post(bot.bot_id, "!ping")  # a bot: never
            await until(clock, lambda: len(mine(fake, "direct", dm)) > len(before_dm))
            await until(clock, lambda: len(mine(fake, "group", group)) > len(before_group) + 1)
            await clock.sleep(300)  # nothing more may come
            tg.cancel_scope.cancel()
        assert mine(fake, "group", group) == [*before_group, "!ping", "pong"]
        assert mine(fake, "direct", dm) == [*before_dm, "psst"]


async def test_drops_and_duplicated_pushes_still_answer_each_message_once() -> None:
    async with world() as (fake, gm, clock):
        group = next(c.id for c in fake.conversations() if c.kind == "group")
        before = mine(fake, "group", group)
        app = echo_app()
        fake.push_duplicate_rate = 1.0  # every push arrives twice
        async with anyio.create_task_group() as tg:
            await tg.start(app.run_realtime, gm)
            for n in range(6):
                fake.post("group", group, f"!echo {n}")
                if n % 2:
                    fake.drop_push_clients()  # what was missed comes back by gap fill
                await clock.sleep(5)
            await until(clock, lambda: len(mine(fake, "group", group)) >= len(before) + 6)
            await clock.sleep(300)
            tg.cancel_scope.cancel()
        assert sorted(mine(fake, "group", group)[len(before) :]) == [str(n) for n in range(6)]


async def test_a_handler_that_raises_leaves_the_stream_running(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with world() as (fake, gm, clock):
        group = next(c.id for c in fake.conversations() if c.kind == "group")
        app = BotApp(None)
        seen: list[str | None] = []

        @app.on_message
        async def fragile(ctx: Context) -> None:
            seen.append(ctx.message.text)
            if ctx.message.text == "boom":
                raise ValueError("handler bug")

        async with anyio.create_task_group() as tg:
            await tg.start(app.run_realtime, gm)
            fake.post("group", group, "boom")
            fake.post("group", group, "after")
            await until(clock, lambda: len(seen) == 2)
            tg.cancel_scope.cancel()
        assert seen == ["boom", "after"]
        assert any("handler bug" in r.getMessage() for r in caplog.records)


async def test_a_stream_that_cannot_start_is_raised() -> None:
    async with world() as (fake, _gm, _clock):
        stranger = AsyncGroupMe("not0the0token", base_url=FAKE_BASE_URL, transport=fake.transport())
        async with stranger:
            with pytest.raises(AuthenticationError):
                await BotApp(None).run_realtime(stranger)
