"""Each failure mode a push client meets, against FakeGroupMe."""

from __future__ import annotations

import asyncio
import logging

import anyio
import pytest
import trio
import trio.testing

from groupme_async import APIConnectionError, AsyncGroupMe, RetryPolicy
from groupme_async.testing import FAKE_BASE_URL, SANDBOX_TOKEN, FakeGroupMe

from .conftest import PushOutage, RefuseWebsockets, collecting, world
from .simclock import SimClock

TRANSPORTS = ["websocket", "long-polling"]


def _group(fake: FakeGroupMe) -> str:
    return next(c.id for c in fake.conversations() if c.kind == "group")


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_silent_socket_is_noticed_and_replaced_by_a_new_handshake(transport: str) -> None:
    async with world() as (fake, gm, clock):
        async with collecting(gm, transport=transport) as (stream, collector):
            fake.post("group", _group(fake), "before")
            await collector.wait_for(1, clock)
            first = stream.client_id
            fake.push_silent = True
            silent_since = clock.now
            fake.post("group", _group(fake), "during")  # lost by push
            await collector.wait_for(2, clock)
            fake.push_silent = False
        assert [m.message.text for m in collector.messages] == ["before", "during"]
        assert collector.messages[1].from_gap_fill
        # Noticed after two missed pings (60 s), not before, and not much later.
        assert 60 <= clock.now - silent_since < 70
        assert stream.client_id != first
        assert stream.sessions == fake.push_stats.handshakes == 2


async def test_unknown_client_starts_over_with_a_new_client_id() -> None:
    async with world() as (fake, gm, clock):
        async with collecting(gm, transport="long-polling") as (stream, collector):
            await clock.sleep(1)  # connected, a /meta/connect held
            # The client waits 100 s before its next connect; the server forgets it then.
            fake.advise_push("retry", interval=100_000)
            fake.post("group", _group(fake), "one")
            await collector.wait_for(1, clock)
            first = stream.client_id
            fake.drop_push_clients()
            fake.post("group", _group(fake), "two")
            await collector.wait_for(2, clock)
        assert fake.push_stats.unknown_clients >= 1
        assert stream.client_id not in (None, first)
        assert [m.message.text for m in collector.messages] == ["one", "two"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_advice_handshake_makes_a_new_handshake(transport: str) -> None:
    async with world() as (fake, gm, clock):
        async with collecting(gm, transport=transport) as (stream, collector):
            await clock.sleep(1)
            first = stream.client_id
            handshakes = fake.push_stats.handshakes
            fake.advise_push("handshake")
            await clock.sleep(45)  # the held connect answers at 30 s, with the advice
            fake.post("group", _group(fake), "after")
            await collector.wait_for(1, clock)
        assert fake.push_stats.handshakes == handshakes + 1
        assert stream.client_id != first


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_advice_none_ends_the_stream_with_an_error(transport: str) -> None:
    async with world() as (fake, gm, _clock):
        fake.advise_push("none")
        async with gm.realtime.connect(transport=transport) as stream:
            with pytest.raises(APIConnectionError, match="advised not to reconnect"):
                async for _ in stream:
                    pass
        assert fake.push_stats.handshakes == 1


async def test_reconnects_back_off_with_jitter_and_give_up_under_the_retry_policy() -> None:
    holder: list[PushOutage] = []

    def outage(fake: FakeGroupMe, clock: SimClock) -> PushOutage:
        holder.append(PushOutage(fake, clock))
        return holder[0]

    async with world(transport=outage) as (fake, gm, clock):
        async with gm.realtime.connect(
            transport="long-polling", retry=RetryPolicy(max_attempts=3, base_delay=2.0)
        ) as stream:
            await clock.sleep(1)
            holder[0].down = True
            fake.drop_push_clients()
            started = clock.now
            with pytest.raises(APIConnectionError, match="ConnectError"):
                async for _ in stream:
                    pass
        # After the cut connect, two handshakes that could not connect, then
        # the policy's third attempt is spent: the error is raised.
        first, second = holder[0].attempts
        # Full jitter: the n-th wait is drawn from [0, 2 * 2 ** (n - 1)].
        assert 0 < first - started <= 2.0
        assert 0 < second - first <= 4.0


async def test_auto_falls_back_to_long_polling_when_the_websocket_is_refused() -> None:
    holder: list[RefuseWebsockets] = []

    def refusing(fake: FakeGroupMe, clock: SimClock) -> RefuseWebsockets:
        holder.append(RefuseWebsockets(fake, clock))
        return holder[0]

    async with world(transport=refusing) as (fake, gm, clock):
        async with collecting(gm) as (stream, collector):
            fake.post("group", _group(fake), "hi")
            await collector.wait_for(1, clock)
        assert stream.transport_in_use == "long-polling"
        assert holder[0].refused == 1


async def test_auto_prefers_the_websocket() -> None:
    async with world() as (fake, gm, clock):
        async with gm.realtime.connect() as stream:
            await clock.sleep(1)
            assert stream.transport_in_use == "websocket"
        assert fake.push_stats.websockets == 1


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_leaving_the_block_leaves_no_task_behind(transport: str) -> None:
    async with world() as (fake, gm, clock):
        before = set(asyncio.all_tasks())
        async with gm.realtime.connect(transport=transport) as stream:
            fake.post("group", _group(fake), "x")
            async for _ in stream:
                break
            assert len(set(asyncio.all_tasks()) - before) > 0
        await clock.settle()
        assert set(asyncio.all_tasks()) - before == set()


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_cancelling_the_reader_closes_everything(transport: str) -> None:
    async with world() as (_fake, gm, clock):
        before = set(asyncio.all_tasks())
        with anyio.move_on_after(0) as scope:
            async with gm.realtime.connect(transport=transport) as stream:
                await anyio.sleep_forever()
        assert scope.cancelled_caught
        await clock.settle()
        assert set(asyncio.all_tasks()) - before == set()
        assert stream.sessions <= 1


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_the_stream_runs_under_trio_and_cancels_cleanly(transport: str) -> None:
    async def main() -> list[str]:
        fake = FakeGroupMe(1, dm_chats=1, groups=1, messages_per_conversation=5,
                           clock=trio.current_time, sleep=trio.sleep)  # fmt: skip
        group = _group(fake)
        texts: list[str] = []
        async with AsyncGroupMe(
            SANDBOX_TOKEN, base_url=FAKE_BASE_URL, transport=fake.transport(),
            sleep=trio.sleep, clock=trio.current_time,
        ) as gm:  # fmt: skip
            with trio.move_on_after(600):
                async with gm.realtime.connect(transport=transport) as stream:
                    fake.post("group", group, "a")
                    await trio.sleep(5)
                    fake.drop_push_clients()
                    fake.post("group", group, "b")
                    async for event in stream:
                        texts.append(event.message.text)  # type: ignore[union-attr]
                        # then wait, reading, until the deadline cancels us
        return texts

    texts = trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert texts == ["a", "b"]


async def test_the_token_appears_in_no_log_record_repr_or_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with world() as (fake, gm, _clock):
        fake.advise_push("none")
        async with gm.realtime.connect(transport="long-polling") as stream:
            with pytest.raises(APIConnectionError) as caught:
                async for _ in stream:
                    fake.drop_push_clients()
        texts = [r.getMessage() for r in caplog.records] + [repr(stream), str(caught.value)]
        assert any("push" in t for t in texts)
        assert not [t for t in texts if SANDBOX_TOKEN in t]
