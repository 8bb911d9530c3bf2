"""The headline promise: every message exactly once, in order per conversation,
across push-server restarts, silent sockets, late and duplicated pushes."""

from __future__ import annotations

from collections import defaultdict

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupme_async.testing import FakeConversation, FakeGroupMe

from .conftest import Collector, collecting, key_of, sent_id, world

TRANSPORTS = ["websocket", "long-polling"]


async def _post(
    fake: FakeGroupMe, gm: object, conversation: FakeConversation, text: str, rest: bool
) -> str:
    if not rest:
        return sent_id(fake.post(conversation.kind, conversation.id, text))
    if conversation.kind == "group":
        return sent_id(await gm.group_messages.send(conversation.id, text))  # type: ignore[attr-defined]
    return sent_id(await gm.direct_messages.send(conversation.id, text))  # type: ignore[attr-defined]


def _check(expected: dict[str, list[str]], collector: Collector) -> None:
    got: dict[str, list[str]] = defaultdict(list)
    for event in collector.messages:
        got[event.conversation_id].append(event.message.id)
    assert dict(got) == {k: v for k, v in expected.items() if v}


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_every_message_once_in_order_while_the_push_server_keeps_restarting(
    transport: str,
) -> None:
    async with world() as (fake, gm, clock):
        conversations = fake.conversations()
        expected: dict[str, list[str]] = defaultdict(list)
        async with (
            collecting(gm, transport=transport) as (stream, collector),
            anyio.create_task_group() as tg,
        ):

            async def poster() -> None:
                for i in range(48):
                    conversation = conversations[i % len(conversations)]
                    # A third are the client's own REST sends; the rest are
                    # other people posting (fake.post) from another task.
                    mid = await _post(fake, gm, conversation, f"m{i}", rest=i % 3 == 0)
                    expected[key_of(conversation)].append(mid)
                    if i % 6 == 5:
                        fake.drop_push_clients()
                    await clock.sleep(1 + i % 4)

            tg.start_soon(poster)
            await collector.wait_for(48, clock)
            await clock.sleep(120)  # nothing more may arrive
            tg.cancel_scope.cancel()
        assert collector.error is None
        _check(expected, collector)
        assert fake.push_stats.drops == 8
        assert stream.sessions >= 9  # a new handshake after every restart
        assert stream.transport_in_use == transport
        # Both routes carried messages: the push, and gap fill after restarts.
        sources = {e.from_gap_fill for e in collector.messages}
        assert sources == {True, False}


OPS = st.lists(
    st.sampled_from(
        ["post_group", "post_dm", "send", "drop", "duplicates", "late", "silence", "wait"]
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ops=OPS, transport=st.sampled_from(TRANSPORTS), seed=st.integers(0, 3))
def test_exactly_once_over_random_interleavings(ops: list[str], transport: str, seed: int) -> None:
    async def scenario() -> None:
        async with world(seed=seed) as (fake, gm, clock):
            conversations = fake.conversations()
            groups = [c for c in conversations if c.kind == "group"]
            dms = [c for c in conversations if c.kind == "direct"]
            expected: dict[str, list[str]] = defaultdict(list)
            async with collecting(gm, transport=transport) as (stream, collector):
                for n, op in enumerate(ops):
                    target = (groups if op == "post_group" else dms)[n % 2]
                    if op in ("post_group", "post_dm", "send", "silence"):
                        if op == "send" or op == "silence":
                            target = conversations[n % len(conversations)]
                        if op == "silence":
                            # Open sockets, no pings, pushes lost: only the
                            # watchdog's new handshake and gap fill save it.
                            fake.push_silent = True
                        mid = await _post(fake, gm, target, f"op{n}", rest=op == "send")
                        expected[key_of(target)].append(mid)
                        if op == "silence":
                            await clock.sleep(70)
                            fake.push_silent = False
                    elif op == "drop":
                        fake.drop_push_clients()
                    elif op == "duplicates":
                        fake.push_duplicate_rate = 0.0 if fake.push_duplicate_rate else 0.5
                    elif op == "late":
                        fake.push_delay = 0.0 if fake.push_delay else 20.0
                    await clock.sleep(n % 3)
                total = sum(len(v) for v in expected.values())
                await collector.wait_for(total, clock)
                await clock.sleep(100)
            assert collector.error is None
            _check(expected, collector)
            if "silence" in ops:
                assert stream.sessions >= 2

    anyio.run(scenario)
