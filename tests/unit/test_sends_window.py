"""Sends never post twice and never get stuck: the send window, attacked.

GroupMe refuses a repeated ``source_guid`` for one minute only.  Each test
puts FakeGroupMe (which keeps that one-minute window on the test's virtual
clock) behind a front that scripts what every send attempt meets: a 30 s
timeout, a 5xx, a 420 with ``Retry-After``, a connection lost after the
message was stored, a slow connect.  A retry reaching the fake more than a
minute after the first copy was stored would be stored a second time, so
"stored at most once" is checked on the fake's own data.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any, Literal

import attrs
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupme_async import (
    APIConnectionError,
    AsyncGroupMe,
    GroupMeError,
    Message,
    RateLimitError,
    ResponseDecodeError,
    RetryPolicy,
    SendOutcomeUnknownError,
)
from groupme_async.testing import FAKE_BASE_URL, FakeGroupMe

from ..clock import VirtualClock
from .conftest import envelope

WINDOW = 50.0  # RetryPolicy's default send_window

Kind = Literal["ok", "timeout", "5xx", "420", "lost_after_commit", "connect", "garbled"]


@attrs.frozen
class Fault:
    """What one send attempt meets.  ``stored``: the fake stores the message
    before the answer goes wrong; ``seconds``: how long the attempt takes
    (a timeout's wait, a 5xx's slow answer) or, for a 420, its Retry-After."""

    kind: Kind
    stored: bool = False
    seconds: float = 0.0
    connect: float = 0.0
    """Seconds the connection takes to open (bounded by the attempt's connect timeout)."""
    body: bytes = b"<html>Created</html>"
    """A garbled answer's body."""


OK = Fault("ok")


class Front(httpx.AsyncBaseTransport):
    """FakeGroupMe behind a scripted network: send attempt ``n`` meets ``faults[n]``
    (``ok`` once they run out); everything else reaches the fake untouched."""

    def __init__(
        self, fake: FakeGroupMe, clock: VirtualClock, faults: list[Fault], reads: bool = True
    ) -> None:
        self.inner = fake.transport()
        self.clock = clock
        self.faults = list(faults)
        self.reads = reads
        """Whether reads (find_sent's listing) get through at all."""
        self.starts: list[float] = []
        """When each send attempt reached the network."""
        self.met: list[Fault] = []

    async def _forward(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            if not self.reads:
                raise httpx.ConnectError("connection refused", request=request)
            return await self._forward(request)
        self.starts.append(self.clock())
        fault = self.faults.pop(0) if self.faults else OK
        self.met.append(fault)
        if fault.connect:
            # As httpcore does: a connection that takes longer than the
            # connect timeout is abandoned, and the request never leaves.
            allowed = request.extensions["timeout"]["connect"]
            if fault.connect > allowed:
                await self.clock.sleep(allowed)
                raise httpx.ConnectTimeout("connect timed out", request=request)
            await self.clock.sleep(fault.connect)
        if fault.kind == "connect":
            raise httpx.ConnectError("connection refused", request=request)
        if fault.kind == "420":
            return httpx.Response(
                420,
                json=envelope(None, 420, ["Enhance Your Calm"]),
                headers={"Retry-After": f"{fault.seconds:g}"},
            )
        if fault.kind == "ok":
            return await self._forward(request)
        if fault.stored:
            await self._forward(request)
        if fault.kind == "garbled":
            # A proxy mangles the 201: the message is posted, the answer unreadable.
            return httpx.Response(201, content=fault.body)
        if fault.kind == "lost_after_commit":
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        await self.clock.sleep(fault.seconds)
        if fault.kind == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(503, json=envelope(None, 503, ["Service Unavailable"]))


class Limiter:
    """A rate limiter that holds the ``hold``-th acquire for ``seconds``."""

    def __init__(self, clock: VirtualClock, hold: int, seconds: float) -> None:
        self.clock, self.hold, self.seconds = clock, hold, seconds
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1
        if self.acquired == self.hold:
            await self.clock.sleep(self.seconds)

    def report(self, status: int | None) -> None:
        return None


@attrs.define
class Scene:
    """A FakeGroupMe with one conversation of each kind, on a virtual clock."""

    kind: Literal["group", "direct"] = "group"
    clock: VirtualClock = attrs.Factory(VirtualClock)
    fake_options: dict[str, Any] = attrs.Factory(dict)
    fake: FakeGroupMe = attrs.field(init=False)
    cid: str = attrs.field(init=False)
    """The group id, or the other user's id."""

    def __attrs_post_init__(self) -> None:
        self.fake = FakeGroupMe(
            seed=7,
            groups=1,
            dm_chats=1,
            messages_per_conversation=3,
            clock=self.clock,
            sleep=self.clock.sleep,
            **self.fake_options,
        )
        self.cid = next(c.id for c in self.fake.conversations() if c.kind == self.kind)

    def client(
        self,
        faults: list[Fault],
        *,
        hold: tuple[int, float] | None = None,
        reads: bool = True,
        **options: Any,
    ) -> tuple[AsyncGroupMe, Front]:
        """A client whose send attempts meet ``faults``; ``hold``: the
        (n-th acquire, seconds) a rate limiter holds."""
        front = Front(self.fake, self.clock, faults, reads)
        if hold is not None:
            options["rate_limiter"] = Limiter(self.clock, *hold)
        gm = AsyncGroupMe(
            self.fake.token,
            base_url=FAKE_BASE_URL,
            transport=front,
            sleep=self.clock.sleep,
            clock=self.clock,
            rng=random.Random(0),
            **options,
        )
        return gm, front

    async def send(self, gm: AsyncGroupMe, guid: str | None = None) -> Message:
        resource = gm.group_messages if self.kind == "group" else gm.direct_messages
        return await resource.send(self.cid, "hello", source_guid=guid)

    def stored(self, guid: str) -> int:
        return sum(m["source_guid"] == guid for m in self.fake.messages(self.kind, self.cid))


def within_window(front: Front) -> bool:
    return all(start - front.starts[0] <= WINDOW for start in front.starts)


async def test_two_30s_timeouts_and_a_retry_stay_inside_the_window() -> None:
    scene = Scene()
    faults = [Fault("timeout", stored=True, seconds=30), Fault("timeout", seconds=30)]
    gm, front = scene.client(faults)
    async with gm:
        with pytest.raises(SendOutcomeUnknownError) as info:
            await scene.send(gm, "g-30s")
        # A third attempt would start after 60 s, when GroupMe no longer
        # refuses the guid: the send stops and says it may have landed.
        assert len(front.starts) == 2 and within_window(front)
        assert info.value.source_guid == "g-30s" and info.value.conversation_id == scene.cid
        found = await gm.group_messages.find_sent(scene.cid, info.value.source_guid)
    assert found is not None and found.source_guid == "g-30s"
    assert scene.stored("g-30s") == 1


async def test_retry_after_45_is_slept_when_the_window_allows_it() -> None:
    # First attempt refused outright: waiting 45 s keeps the retry in the window.
    scene = Scene()
    gm, front = scene.client([Fault("420", seconds=45)])
    async with gm:
        message = await scene.send(gm, "g-45")
    assert front.starts[1] - front.starts[0] == pytest.approx(45)
    assert message.source_guid == "g-45" and scene.stored("g-45") == 1


async def test_retry_after_45_is_not_slept_into_the_duplicate_window() -> None:
    # After a 30 s timeout that stored the message, 45 s more would cross it.
    scene = Scene()
    gm, front = scene.client([Fault("timeout", stored=True, seconds=30), Fault("420", seconds=45)])
    async with gm:
        with pytest.raises(SendOutcomeUnknownError) as info:
            await scene.send(gm, "g-45")
    assert len(front.starts) == 2 and within_window(front)
    assert isinstance(info.value.__cause__, RateLimitError)
    assert scene.stored("g-45") == 1


async def test_a_rate_limiter_holding_a_retry_past_the_window_cannot_post_twice() -> None:
    # The retry's backoff ends inside the window, but the limiter keeps the
    # attempt waiting 40 s more: sent then, it would land a second copy.
    scene = Scene()
    gm, front = scene.client([Fault("timeout", stored=True, seconds=30)], hold=(2, 40))
    async with gm:
        with pytest.raises(SendOutcomeUnknownError):
            await scene.send(gm, "g-held")
    assert within_window(front)
    assert scene.stored("g-held") == 1


async def test_a_limiter_wait_before_the_first_attempt_does_not_shrink_the_window() -> None:
    # The window opens when the first attempt goes out, not when send() was
    # called: a long wait for the first slot still leaves room for retries.
    scene = Scene()
    gm, front = scene.client([Fault("5xx", seconds=1)], hold=(1, 55))
    async with gm:
        message = await scene.send(gm, "g-late")
    assert len(front.starts) == 2 and within_window(front)
    assert message.source_guid == "g-late"


async def test_a_slow_connect_late_in_the_window_cannot_deliver_after_it() -> None:
    # The first copy is stored, its answer dribbles for 48 s and is lost.
    # The retry starts inside the window, but its connection takes 15 s: it
    # must be abandoned by the window's end, not delivered at 63 s.
    scene = Scene()
    gm, front = scene.client([Fault("5xx", stored=True, seconds=48), Fault("ok", connect=15)])
    async with gm:
        with pytest.raises(SendOutcomeUnknownError):
            await scene.send(gm, "g-slow")
    assert len(front.starts) == 2 and within_window(front)
    assert scene.stored("g-slow") == 1


@pytest.mark.parametrize("kind", ["group", "direct"])
async def test_a_send_whose_answer_is_lost_after_commit_is_found_by_find_sent(
    kind: Literal["group", "direct"],
) -> None:
    # Every send stores the message and loses the answer; reads are untouched.
    scene = Scene(kind, fake_options={"fault_rate": 1.0, "faults": ("lost_after_commit",)})
    clock = scene.clock
    async with scene.fake.client(sleep=clock.sleep, clock=clock, rng=random.Random(0)) as gm:
        resource = gm.group_messages if kind == "group" else gm.direct_messages
        with pytest.raises(SendOutcomeUnknownError) as info:
            await scene.send(gm)
        assert info.value.conversation_id == scene.cid
        found = await resource.find_sent(info.value.conversation_id, info.value.source_guid)
    assert isinstance(found, Message) and found.source_guid == info.value.source_guid
    assert scene.stored(info.value.source_guid) == 1
    assert scene.fake.stats.faults["lost_after_commit"] == RetryPolicy().max_attempts


async def test_connect_errors_never_sent_anything_so_they_are_not_an_unknown_outcome() -> None:
    scene = Scene()
    gm, front = scene.client([Fault("connect")] * 10)
    async with gm:
        with pytest.raises(APIConnectionError) as info:
            await scene.send(gm, "g-refused")
        assert not isinstance(info.value, SendOutcomeUnknownError)
        assert info.value.sent is False
        assert await gm.group_messages.find_sent(scene.cid, "g-refused") is None
    assert len(front.starts) == RetryPolicy().max_attempts


@pytest.mark.parametrize(
    "body",
    [b"<html>Created</html>", b"", b'{"response": {"msg": {}}, "meta": {"code": 201}}'],
    ids=["html", "empty", "no-message"],
)
async def test_a_posted_message_whose_answer_cannot_be_read_is_an_unknown_outcome(
    body: bytes,
) -> None:
    # A 201 is a post, whatever its body: "could not decode" must not read
    # as "not sent", or the caller sends it again.
    scene = Scene()
    gm, front = scene.client([Fault("garbled", stored=True, body=body)])
    async with gm:
        with pytest.raises(SendOutcomeUnknownError) as info:
            await scene.send(gm, "g-garbled")
        cause = info.value.__cause__
        assert isinstance(cause, ResponseDecodeError)
        assert cause.endpoint == "POST /groups/:group_id/messages"
        found = await gm.group_messages.find_sent(scene.cid, "g-garbled")
    assert found is not None and len(front.starts) == 1
    assert scene.stored("g-garbled") == 1


async def test_a_409_on_retry_whose_lookup_fails_is_an_unknown_outcome() -> None:
    # The 409 proves an earlier attempt landed; failing to fetch it must not
    # surface as a connection error that reads as "not sent".
    scene = Scene()
    gm, front = scene.client([Fault("lost_after_commit", stored=True)], reads=False)
    async with gm:
        with pytest.raises(SendOutcomeUnknownError) as info:
            await scene.send(gm, "g-409")
    assert isinstance(info.value.__cause__, APIConnectionError)
    assert len(front.starts) == 2 and scene.stored("g-409") == 1


# --- the property ------------------------------------------------------------------

#: Faults after which the message may be on GroupMe, as far as the client can tell.
MAYBE_LANDED = frozenset({"timeout", "5xx", "lost_after_commit", "garbled"})

faults = st.one_of(
    st.builds(Fault, st.just("ok")),
    st.builds(Fault, st.just("connect")),
    st.builds(Fault, st.just("lost_after_commit"), stored=st.just(True)),
    st.builds(Fault, st.just("timeout"), stored=st.booleans(), seconds=st.floats(0, 30)),
    st.builds(Fault, st.just("5xx"), stored=st.booleans(), seconds=st.floats(0, 30)),
    st.builds(Fault, st.just("420"), seconds=st.integers(0, 59).map(float)),
    st.builds(Fault, st.just("ok"), connect=st.floats(0.1, 40)),
    st.builds(Fault, st.just("garbled"), stored=st.booleans()),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    script=st.lists(faults, max_size=8),
    attempts=st.integers(1, 8),
    window=st.sampled_from([5.0, 30.0, 50.0, 59.9]),
    kind=st.sampled_from(["group", "direct"]),
    hold=st.none() | st.tuples(st.integers(1, 4), st.floats(0, 70)),
)
def test_every_send_is_stored_at_most_once_and_told_truthfully(
    script: list[Fault],
    attempts: int,
    window: float,
    kind: Literal["group", "direct"],
    hold: tuple[int, float] | None,
) -> None:
    scene = Scene(kind)
    policy = RetryPolicy(max_attempts=attempts, send_window=window)
    gm, front = scene.client(script, retry=policy, hold=hold)

    async def main() -> Message | GroupMeError:
        async with gm:
            try:
                return await scene.send(gm, "the-guid")
            except GroupMeError as exc:
                return exc

    outcome = asyncio.run(main())
    copies = scene.stored("the-guid")
    assert all(start - front.starts[0] <= window for start in front.starts)
    assert 1 <= len(front.starts) <= attempts
    assert copies <= 1
    maybe = any(f.kind in MAYBE_LANDED for f in front.met)
    if isinstance(outcome, Message):
        assert outcome.source_guid == "the-guid" and copies == 1
    elif isinstance(outcome, SendOutcomeUnknownError):
        assert maybe
        assert (outcome.source_guid, outcome.conversation_id) == ("the-guid", scene.cid)
    else:
        # Nothing may have landed: the error is the last attempt's own.
        assert not maybe and copies == 0
        last = front.met[-1]
        expected: Callable[[GroupMeError], bool] = {
            "420": lambda e: isinstance(e, RateLimitError),
        }.get(last.kind, lambda e: isinstance(e, APIConnectionError) and not e.sent)
        assert expected(outcome), (last, outcome)


def test_the_window_tests_use_the_default_window() -> None:
    # WINDOW is what the tests above rely on: the default must not drift
    # (a minute or more is refused: test_client_options.py).
    assert RetryPolicy().send_window == WINDOW == 50.0
