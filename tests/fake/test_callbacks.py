"""FakeGroupMe's bot callbacks: every new group message is POSTed, in the
background, to the callback URL of each bot in the group, and nothing a
callback endpoint does can break the fake."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest
import trio
import trio.testing

from groupme_async import AsyncGroupMe
from groupme_async.testing import CallbackDelivery, FakeGroupMe

KEYS = {
    "attachments",
    "avatar_url",
    "created_at",
    "group_id",
    "id",
    "name",
    "sender_id",
    "sender_type",
    "source_guid",
    "system",
    "text",
    "user_id",
}


class Endpoint:
    """A bot's callback endpoint (an ASGI app) that records every POST; it
    answers ``status``, or waits for ``gate`` first when one is set."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[tuple[str, str, dict[str, str], Any]] = []
        self.gate: anyio.Event | None = None
        self.entered = anyio.Event()
        self.cancelled = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.received.append((scope["method"], scope["path"], headers, json.loads(body)))
        self.entered.set()
        if self.gate is not None:
            try:
                await self.gate.wait()
            except BaseException:
                self.cancelled += 1
                raise
        await send({"type": "http.response.start", "status": self.status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    @property
    def payloads(self) -> list[Any]:
        return [r[3] for r in self.received]


@pytest.fixture
def fake() -> FakeGroupMe:
    return FakeGroupMe(seed=3, dm_chats=1, groups=2, messages_per_conversation=20)


@pytest.fixture
async def gm(fake: FakeGroupMe) -> AsyncIterator[AsyncGroupMe]:
    async with fake.client() as client:
        yield client


def groups(fake: FakeGroupMe) -> list[str]:
    return [c.id for c in fake.conversations() if c.kind == "group"]


async def test_every_new_group_message_reaches_the_groups_bots_own_posts_included(
    fake: FakeGroupMe, gm: AsyncGroupMe
) -> None:
    first, second = groups(fake)
    endpoint = Endpoint()
    echo = await gm.bots.create(first, "Echo", callback_url="http://bot.test/echo/cb")
    await gm.bots.create(first, "Mute")  # no callback URL: nothing to deliver
    await gm.bots.create(second, "Other", callback_url="http://bot.test/other")
    async with fake.route_callbacks(endpoint):
        someone = fake.post("group", first, "hello bot")
        mine = await gm.group_messages.send(first, "me too")
        await gm.bots.post(echo.bot_id, "beep")
        fake.post("direct", fake.conversations()[0].id, "a DM reaches no bot")
        await fake.callbacks_settled()
    stored = list(fake.messages("group", first))[-3:]
    assert [p["id"] for p in endpoint.payloads] == [m["id"] for m in stored]
    assert [p["id"] for p in endpoint.payloads][:2] == [someone["id"], mine.id]
    for (method, path, headers, payload), message in zip(endpoint.received, stored, strict=True):
        assert (method, path) == ("POST", "/echo/cb")
        assert headers["content-type"] == "application/json"
        assert "x-access-token" not in headers
        # The message itself, no envelope, exactly the documented keys.
        assert set(payload) == KEYS
        assert payload == {key: message[key] for key in KEYS}
    assert [p["sender_type"] for p in endpoint.payloads] == ["user", "user", "bot"]
    assert endpoint.payloads[2]["name"] == "Echo" and endpoint.payloads[2]["text"] == "beep"
    assert [d.url for d in fake.callback_deliveries] == ["http://bot.test/echo/cb"] * 3
    assert all(d.ok and d.attempt == 1 for d in fake.callback_deliveries)


async def test_the_rest_answer_never_waits_for_a_slow_endpoint(
    fake: FakeGroupMe, gm: AsyncGroupMe
) -> None:
    group = groups(fake)[0]
    endpoint = Endpoint()
    endpoint.gate = anyio.Event()
    await gm.bots.create(group, "Slow", callback_url="http://bot.test/slow")
    async with fake.route_callbacks(endpoint):
        sent = await gm.group_messages.send(group, "first")
        await endpoint.entered.wait()
        # The endpoint holds the first callback; the fake keeps answering.
        again = await gm.group_messages.send(group, "second")
        assert [m["text"] for m in list(fake.messages("group", group))[-2:]] == [
            "first",
            "second",
        ]
        assert fake.callback_deliveries == []
        endpoint.gate.set()
        await fake.callbacks_settled()
    assert [p["id"] for p in endpoint.payloads] == [sent.id, again.id]


@pytest.mark.parametrize("status", [500, 503, 404])
async def test_an_error_status_is_recorded_and_never_retried(
    fake: FakeGroupMe, gm: AsyncGroupMe, status: int
) -> None:
    group = groups(fake)[0]
    endpoint = Endpoint(status)
    await gm.bots.create(group, "Broken", callback_url="http://bot.test/")
    async with fake.route_callbacks(endpoint):
        fake.post("group", group, "one")
        fake.post("group", group, "two")
        await fake.callbacks_settled()
    assert len(endpoint.received) == 2
    assert [(d.status, d.ok, d.attempt) for d in fake.callback_deliveries] == [
        (status, False, 1)
    ] * 2


async def test_an_endpoint_that_raises_is_a_500_and_the_fake_carries_on(
    fake: FakeGroupMe, gm: AsyncGroupMe
) -> None:
    group = groups(fake)[0]

    async def crashes(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("the bot fell over")

    await gm.bots.create(group, "Crash", callback_url="http://bot.test/")
    async with fake.route_callbacks(crashes):
        fake.post("group", group, "one")
        await fake.callbacks_settled()
        sent = await gm.group_messages.send(group, "still answering")
        await fake.callbacks_settled()
    assert sent.text == "still answering"
    assert [d.status for d in fake.callback_deliveries] == [500, 500]


async def test_a_transport_that_fails_is_recorded_by_its_error() -> None:
    fake = FakeGroupMe(seed=3, groups=1, dm_chats=0, messages_per_conversation=5)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with fake.client() as gm:
        group = groups(fake)[0]
        await gm.bots.create(group, "Gone", callback_url="http://bot.test/")
        async with fake.route_callbacks(httpx.MockTransport(refuse)):
            fake.post("group", group, "anyone there?")
            await fake.callbacks_settled()
    assert fake.callback_deliveries == [
        CallbackDelivery(
            "http://bot.test/",
            fake.callback_deliveries[0].message_id,
            1,
            None,
            "ConnectError",
        )
    ]


async def test_redeliver_callbacks_sends_each_one_again(
    fake: FakeGroupMe, gm: AsyncGroupMe
) -> None:
    group = groups(fake)[0]
    endpoint = Endpoint()
    await gm.bots.create(group, "Twice", callback_url="http://bot.test/")
    fake.redeliver_callbacks(2)
    async with fake.route_callbacks(endpoint):
        one = fake.post("group", group, "one")
        two = fake.post("group", group, "two")
        await fake.callbacks_settled()
    assert [p["id"] for p in endpoint.payloads] == [one["id"]] * 3 + [two["id"]] * 3
    assert [d.attempt for d in fake.callback_deliveries] == [1, 2, 3, 1, 2, 3]
    with pytest.raises(ValueError):
        fake.redeliver_callbacks(-1)


async def test_a_route_takes_only_its_origin_and_the_network_only_loopback(
    fake: FakeGroupMe, gm: AsyncGroupMe
) -> None:
    group = groups(fake)[0]
    endpoint = Endpoint()
    await gm.bots.create(group, "Routed", callback_url="http://bot.test:80/cb")
    await gm.bots.create(group, "Elsewhere", callback_url="https://bot.example.org/cb")
    await gm.bots.create(group, "Nonsense", callback_url="ftp://127.0.0.1/cb")
    async with fake.route_callbacks(endpoint, origin="http://BOT.test"):
        message = fake.post("group", group, "hi")
        await fake.callbacks_settled()
    assert [p["id"] for p in endpoint.payloads] == [message["id"]]
    outcomes = {d.url: (d.status, d.error) for d in fake.callback_deliveries}
    assert outcomes == {
        "http://bot.test:80/cb": (200, None),
        # Never attempted: the fake does not reach beyond loopback unless told.
        "https://bot.example.org/cb": (None, "host not allowed"),
        "ftp://127.0.0.1/cb": (None, "host not allowed"),
    }


async def test_queued_callbacks_with_nothing_to_deliver_them_say_so(
    fake: FakeGroupMe, gm: AsyncGroupMe
) -> None:
    group = groups(fake)[0]
    await fake.callbacks_settled()  # nothing queued: returns at once
    await gm.bots.create(group, "Waiting", callback_url="http://bot.test/")
    fake.post("group", group, "hi")
    with pytest.raises(RuntimeError, match="route_callbacks"):
        await fake.callbacks_settled()
    # A worker that starts later delivers what was queued meanwhile.
    endpoint = Endpoint()
    async with fake.route_callbacks(endpoint):
        await fake.callbacks_settled()
    assert [p["text"] for p in endpoint.payloads] == ["hi"]


def test_a_silent_endpoint_times_out_on_the_loops_clock_and_the_next_one_is_delivered() -> None:
    """Under trio's MockClock the event loop's time jumps when every task
    waits, so the ten-second timeout passes without a real wait."""

    async def main() -> tuple[list[CallbackDelivery], Endpoint, float]:
        fake = FakeGroupMe(seed=3, groups=1, dm_chats=0, messages_per_conversation=5)
        endpoint = Endpoint()
        endpoint.gate = anyio.Event()  # never set: the endpoint never answers
        async with fake.client() as gm:
            group = groups(fake)[0]
            await gm.bots.create(group, "Silent", callback_url="http://bot.test/")
            async with fake.route_callbacks(endpoint):
                start = trio.current_time()
                fake.post("group", group, "one")
                await fake.callbacks_settled()
                waited = trio.current_time() - start
                endpoint.gate = None
                fake.post("group", group, "two")
                await fake.callbacks_settled()
        return fake.callback_deliveries, endpoint, waited

    deliveries, endpoint, waited = trio.run(
        main, clock=trio.testing.MockClock(autojump_threshold=0)
    )
    assert [(d.status, d.error) for d in deliveries] == [(None, "timeout"), (200, None)]
    assert waited == pytest.approx(10.0)
    assert endpoint.cancelled == 1 and len(endpoint.received) == 2


def test_callback_settings_are_checked() -> None:
    fake = FakeGroupMe(seed=3, groups=1, dm_chats=0, messages_per_conversation=5)
    assert fake.callback_timeout == 10.0
    fake.callback_timeout = 2.5
    assert fake.callback_timeout == 2.5
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError):
            fake.callback_timeout = bad
    with pytest.raises(ValueError):
        fake.allow_callback_hosts(" ")
