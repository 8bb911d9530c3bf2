"""examples/echo_bot.py against FakeGroupMe: in process (the fake delivers its
callbacks to the app, the app's replies land as bot posts), and for real (the
fake and the example each served by uvicorn on a loopback port)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import anyio.to_thread
import pytest

from groupme_async import AsyncGroupMe, MessageCreated
from groupme_async.testing import FAKE_BASE_URL, SANDBOX_TOKEN, FakeGroupMe

uvicorn = pytest.importorskip("uvicorn", reason="the server extra (uvicorn) is not installed")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "echo_bot.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("echo_bot_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bot_posts(fake: FakeGroupMe, group_id: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages("group", group_id) if m["sender_type"] == "bot"]


@pytest.fixture
def fake() -> FakeGroupMe:
    return FakeGroupMe(seed=5, groups=2, dm_chats=1, messages_per_conversation=10)


async def make_bot(fake: FakeGroupMe, callback_url: str | None) -> tuple[str, str]:
    """A bot in the first group: (group id, bot id)."""
    group = next(c.id for c in fake.conversations() if c.kind == "group")
    async with fake.client() as gm:
        bot = await gm.bots.create(group, "Echo", callback_url=callback_url)
    return group, bot.bot_id


@pytest.mark.parametrize("redeliveries", [0, 2])
async def test_in_process_the_echo_bot_answers_each_command_once(
    fake: FakeGroupMe, redeliveries: int
) -> None:
    group, bot_id = await make_bot(fake, "http://echo.test/groupme")
    app = load_example().create_app(bot_id, base_url=FAKE_BASE_URL, transport=fake.transport())
    fake.redeliver_callbacks(redeliveries)
    async with fake.route_callbacks(app, origin="http://echo.test"):
        fake.post("group", group, "!ping")
        fake.post("group", group, "!echo hello  there")
        fake.post("group", group, "just talking")
        fake.post("group", group, "!Echo")
        await fake.callbacks_settled()
    posts = bot_posts(fake, group)
    assert [m["text"] for m in posts] == ["pong", "hello  there", "echo what?"]
    assert {m["name"] for m in posts} == {"Echo"}
    # The bot heard its own three posts too, and answered none of them.
    deliveries = fake.callback_deliveries
    assert len(deliveries) == 7 * (1 + redeliveries)
    assert all(d.ok for d in deliveries)


async def test_in_process_with_the_apps_lifespan_replies_come_after_the_200(
    fake: FakeGroupMe,
) -> None:
    group, bot_id = await make_bot(fake, "http://echo.test/groupme")
    app = load_example().create_app(bot_id, base_url=FAKE_BASE_URL, transport=fake.transport())
    async with fake.route_callbacks(app):
        async with app:  # what uvicorn's lifespan does: handlers run as the app's tasks
            fake.post("group", group, "!ping")
            await fake.callbacks_settled()
        # Leaving the block waited for the handler; its post is then heard too.
        await fake.callbacks_settled()
    assert [m["text"] for m in bot_posts(fake, group)] == ["pong"]
    assert [d.ok for d in fake.callback_deliveries] == [True, True]


# --- served for real: two uvicorn servers on loopback ------------------------------------


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    # Connections queue in the backlog until uvicorn accepts them: no need to
    # wait for it to start.
    sock.listen(64)
    return sock


@contextlib.asynccontextmanager
async def served_fake(fake: FakeGroupMe) -> AsyncIterator[str]:
    """The fake served by uvicorn in this event loop, with its lifespan (which
    delivers bot callbacks over the network)."""
    sock = _listening_socket()
    config = uvicorn.Config(fake, lifespan="on", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    async with anyio.create_task_group() as tg:
        tg.start_soon(server.serve, [sock])
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            server.should_exit = True
    sock.close()


@contextlib.contextmanager
def served_example(bot_id: str, fake_url: str) -> Iterator[subprocess.Popen[str]]:
    """``uvicorn echo_bot:app`` in its own process, as the example says to run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUPME_")}
    env.update(GROUPME_BOT_ID=bot_id, GROUPME_BASE_URL=fake_url)
    command = [sys.executable, "-m", "uvicorn", "echo_bot:app", "--app-dir", str(EXAMPLE.parent)]
    command += ["--host", "127.0.0.1", "--port", "0"]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as proc:
        try:
            yield proc
        finally:
            proc.terminate()
            proc.wait(10)


async def _url_of(proc: subprocess.Popen[str]) -> str:
    assert proc.stderr is not None
    seen = []
    with anyio.fail_after(30):
        while True:
            line = await anyio.to_thread.run_sync(proc.stderr.readline)
            seen.append(line)
            assert line, "uvicorn exited:\n" + "".join(seen)
            found = re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line)
            if found:
                return found.group(1)


async def test_served_for_real_the_example_answers_through_its_callback_url(
    fake: FakeGroupMe,
) -> None:
    group, bot_id = await make_bot(fake, None)
    async with served_fake(fake) as fake_url, AsyncGroupMe(SANDBOX_TOKEN, base_url=fake_url) as gm:
        with served_example(bot_id, fake_url) as proc:
            app_url = await _url_of(proc)
            await gm.bots.update(bot_id, callback_url=f"{app_url}/groupme")
            async with gm.realtime.connect(transport="long-polling") as stream:
                asked = fake.post("group", group, "!echo over the wire")
                with anyio.fail_after(30):  # a real-time safety net; never reached when green
                    async for event in stream:
                        if isinstance(event, MessageCreated) and event.message.sender_type == "bot":
                            break
    assert event.message.text == "over the wire" and event.message.name == "Echo"
    assert event.conversation_id == group
    # The user's message, then the bot's own post, each POSTed to the app once.
    callbacks = fake.callback_deliveries
    assert callbacks[0].message_id == asked["id"]
    assert all(d.ok and d.url == f"{app_url}/groupme" for d in callbacks)
    assert [m["text"] for m in bot_posts(fake, group)] == ["over the wire"]
