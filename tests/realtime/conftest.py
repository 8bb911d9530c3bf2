"""A FakeGroupMe, a client and one virtual clock driving both (see simclock.py)."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx

from groupme_async import AsyncGroupMe, Message, RealtimeStream
from groupme_async.realtime import MessageCreated, RealtimeEvent
from groupme_async.testing import FAKE_BASE_URL, SANDBOX_TOKEN, FakeConversation, FakeGroupMe

from .simclock import SimClock


@contextlib.asynccontextmanager
async def world(
    *, seed: int = 1, transport: Any = None, **options: Any
) -> AsyncIterator[tuple[FakeGroupMe, AsyncGroupMe, SimClock]]:
    clock = SimClock()
    fake = FakeGroupMe(
        seed,
        dm_chats=2,
        groups=2,
        messages_per_conversation=10,
        clock=clock,
        sleep=clock.sleep,
        **options,
    )
    async with anyio.create_task_group() as tg:
        tg.start_soon(clock.drive)
        async with AsyncGroupMe(
            SANDBOX_TOKEN,
            base_url=FAKE_BASE_URL,
            transport=transport(fake, clock) if transport else fake.transport(),
            sleep=clock.sleep,
            clock=clock,
            rng=random.Random(seed),
        ) as gm:
            yield fake, gm, clock
        tg.cancel_scope.cancel()


class Collector:
    """Reads a stream in a task; tests wait on what it has seen."""

    def __init__(self) -> None:
        self.events: list[RealtimeEvent] = []
        self.error: BaseException | None = None
        self._changed = anyio.Event()

    async def run(self, stream: AsyncIterator[RealtimeEvent]) -> None:
        try:
            async for event in stream:
                self.events.append(event)
                self._changed.set()
                self._changed = anyio.Event()
        except Exception as exc:
            self.error = exc
            self._changed.set()

    @property
    def messages(self) -> list[MessageCreated]:
        return [e for e in self.events if isinstance(e, MessageCreated)]

    async def wait_for(self, count: int, clock: SimClock, *, within: float = 3600.0) -> None:
        """Until ``count`` messages arrived, at most ``within`` virtual seconds."""
        limit = clock.now + within
        with anyio.fail_after(60):  # a real-time safety net; never reached when green
            while len(self.messages) < count and self.error is None:
                assert clock.now <= limit, f"only {len(self.messages)} of {count} messages came"
                await clock.sleep(1)


@contextlib.asynccontextmanager
async def collecting(
    gm: AsyncGroupMe, **connect: Any
) -> AsyncIterator[tuple[RealtimeStream, Collector]]:
    """``gm.realtime.connect(**connect)``, read by a :class:`Collector` in a
    task for as long as the block runs (cancelled when it ends)."""
    collector = Collector()
    async with gm.realtime.connect(**connect) as stream, anyio.create_task_group() as tg:
        tg.start_soon(collector.run, stream)
        yield stream, collector
        tg.cancel_scope.cancel()


def sent_id(message: dict[str, Any] | Message) -> str:
    return message.id if isinstance(message, Message) else str(message["id"])


def key_of(conversation: FakeConversation) -> str:
    return conversation.conversation_id


class RefuseWebsockets(httpx.AsyncBaseTransport):
    """A network where websocket upgrades are refused (as some proxies do)."""

    def __init__(self, fake: FakeGroupMe, clock: SimClock) -> None:
        self._inner = fake.transport()
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("upgrade", "").lower() == "websocket":
            self.refused += 1
            return httpx.Response(400, request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class PushOutage(httpx.AsyncBaseTransport):
    """The push origin becomes unreachable (``down``) while REST keeps working."""

    def __init__(self, fake: FakeGroupMe, clock: SimClock) -> None:
        self._inner = fake.transport()
        self._clock = clock
        self.down = False
        self.attempts: list[float] = []
        """When each push request was refused (virtual time)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down and request.url.path.startswith("/push/"):
            self.attempts.append(self._clock.now)
            raise httpx.ConnectError("push is down", request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
