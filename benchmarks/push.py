"""Push latency and reconnect time, over loopback, for both transports.

A FakeGroupMe is served by uvicorn on 127.0.0.1 inside this process (the
benchmark must call ``drop_push_clients()`` on the very fake it talks to), so
server and client share one event loop and one core: the figures are an upper
bound of what the client adds on loopback.

* latency: ``gm.group_messages.send()`` (a REST post) until the stream yields
  that message's ``MessageCreated`` (pushed on ``/user/<me>``);
* reconnect: ``fake.drop_push_clients()`` (a push-server restart) until the
  server has the new client's subscription, with the default ``RetryPolicy``
  (its jittered first wait, up to 0.5 s, dominates) and with no backoff (the
  cost of the protocol: notice the drop, handshake, subscribe, gap-fill look).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from groupme_async import AsyncGroupMe, MessageCreated, RetryPolicy
from groupme_async.testing import SANDBOX_TOKEN, FakeGroupMe

TRANSPORTS = ("websocket", "long-polling")


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000,
        "max": ordered[-1] * 1000,
    }


async def _serve(fake: FakeGroupMe) -> tuple[Any, asyncio.Task[None], str]:
    import uvicorn

    config = uvicorn.Config(
        fake, host="127.0.0.1", port=0, log_level="warning", ws="wsproto", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    return server, task, f"http://{host}:{port}"


async def _measure(
    fake: FakeGroupMe, origin: str, transport: str, sends: int, drops: int, retry: RetryPolicy
) -> dict[str, Any]:
    group_id = next(c.id for c in fake.conversations() if c.kind == "group")
    latencies: list[float] = []
    reconnects: list[float] = []
    gm = AsyncGroupMe(SANDBOX_TOKEN, base_url=origin)
    async with gm, gm.realtime.connect(transport=transport, retry=retry) as stream:  # type: ignore[arg-type]
        events = stream.__aiter__()

        async def until(message_id: str) -> None:
            while True:
                event = await events.__anext__()
                if isinstance(event, MessageCreated) and event.message.id == message_id:
                    return

        for i in range(sends + 5):
            started = time.perf_counter()
            sent = await gm.group_messages.send(group_id, f"bench {i}")
            await until(sent.id)
            if i >= 5:  # the first few warm the connections up
                latencies.append(time.perf_counter() - started)
        for i in range(drops):
            subscribed = fake.push_stats.subscriptions
            started = time.perf_counter()
            fake.drop_push_clients()
            while fake.push_stats.subscriptions == subscribed:
                await asyncio.sleep(0.0005)
            reconnects.append(time.perf_counter() - started)
            # Live again: a message posted now arrives.
            sent = await gm.group_messages.send(group_id, f"after drop {i}")
            await until(sent.id)
        assert stream.transport_in_use == transport
    return {"latency_ms": _ms(latencies), "reconnect_ms": _ms(reconnects)}


async def _main(quick: bool, seed: int) -> dict[str, Any]:
    sends, drops = (50, 10) if quick else (300, 40)
    fake = FakeGroupMe(seed, groups=1, dm_chats=1, messages_per_conversation=50)
    server, task, origin = await _serve(fake)
    results: dict[str, Any] = {}
    try:
        for transport in TRANSPORTS:
            results[transport] = await _measure(
                fake, origin, transport, sends, drops, RetryPolicy()
            )
            no_backoff = await _measure(
                fake, origin, transport, 5, drops, RetryPolicy(base_delay=0.0)
            )
            results[transport]["reconnect_no_backoff_ms"] = no_backoff["reconnect_ms"]
    finally:
        server.should_exit = True
        fake.drop_push_clients()
        await task
    results["sends"] = sends
    results["drops"] = drops
    return results


def run(*, quick: bool, seed: int) -> dict[str, Any]:
    figures = asyncio.run(_main(quick, seed))
    ws, lp = figures["websocket"], figures["long-polling"]
    extra = {
        "push_latency_ms_websocket": ws["latency_ms"]["p50"],
        "push_latency_ms_long_polling": lp["latency_ms"]["p50"],
        "push_reconnect_ms_websocket": ws["reconnect_no_backoff_ms"]["p50"],
        "push_reconnect_ms_long_polling": lp["reconnect_no_backoff_ms"]["p50"],
    }

    def line(name: str, f: dict[str, Any]) -> str:
        return (
            f"{name}: latency p50 {f['latency_ms']['p50']:.1f} ms / p95 "
            f"{f['latency_ms']['p95']:.1f} ms; reconnect p50 "
            f"{f['reconnect_no_backoff_ms']['p50']:.1f} ms without backoff, "
            f"{f['reconnect_ms']['p50']:.0f} ms with the default jittered backoff"
        )

    return {
        "key": "push_latency_ms_websocket",
        "value": extra.pop("push_latency_ms_websocket"),
        "extra": extra,
        **figures,
        "summary": (
            f"{figures['sends']} sends, {figures['drops']} drops per transport; "
            f"{line('websocket', ws)}; {line('long-polling', lp)}."
        ),
    }
