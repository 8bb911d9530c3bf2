"""The fake's network latency: every answer delayed by ``latency ± jitter``,
on the injected sleep, without holding up other requests."""

from __future__ import annotations

import time

import anyio
import httpx
import pytest

from groupme_async.testing import SANDBOX_TOKEN, FakeGroupMe
from tests.realtime.simclock import SimClock

from .conftest import http_client
from .test_serve_and_determinism import serving


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await anyio.lowlevel.checkpoint()


def small(**kwargs: object) -> FakeGroupMe:
    return FakeGroupMe(seed=3, dm_chats=1, groups=1, messages_per_conversation=20, **kwargs)  # type: ignore[arg-type]


async def test_every_answer_waits_latency_plus_or_minus_jitter() -> None:
    sleep = RecordingSleep()
    fake = small(latency=0.1, jitter=0.03, sleep=sleep)
    async with http_client(fake) as client:
        for _ in range(40):
            assert (await client.get("/v3/users/me")).status_code == 200
        # Refused requests travel too.
        refused = await client.get("/v3/users/me", headers={"X-Access-Token": "x"})
        assert refused.status_code == 401
    assert len(sleep.waits) == 41
    assert all(0.07 <= w <= 0.13 for w in sleep.waits)
    # Jitter really varies (not a constant 0.1), both ways.
    assert min(sleep.waits) < 0.09 and max(sleep.waits) > 0.11


async def test_jitter_is_drawn_from_the_seed() -> None:
    runs = []
    for _ in range(2):
        sleeps = RecordingSleep()
        fake = small(latency=0.05, jitter=0.05, sleep=sleeps)
        async with http_client(fake) as client:
            for _ in range(10):
                await client.get("/v3/groups")
        runs.append(sleeps.waits)
    assert runs[0] == runs[1]
    assert all(w >= 0.0 for w in runs[0])


async def test_no_latency_no_sleep() -> None:
    sleep = RecordingSleep()
    fake = small(sleep=sleep)
    async with http_client(fake) as client:
        await client.get("/v3/users/me")
    assert sleep.waits == []


async def test_delayed_answers_overlap_on_a_virtual_clock() -> None:
    clock = SimClock()
    fake = small(latency=0.2, clock=clock, sleep=clock.sleep)
    finished: list[float] = []
    async with http_client(fake) as client, anyio.create_task_group() as outer:
        outer.start_soon(clock.drive)
        start = clock.now

        async def one() -> None:
            assert (await client.get("/v3/users/me")).status_code == 200
            finished.append(clock.now - start)

        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(one)
        outer.cancel_scope.cancel()
    # Ten requests at once take one latency, not ten.
    assert finished == [pytest.approx(0.2)] * 10


@pytest.mark.parametrize("bad", [{"latency": -0.1}, {"jitter": -1.0}, {"latency": float("nan")}])
def test_bad_latency_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="latency and jitter"):
        small(**bad)


def test_serve_latency_flag_delays_answers_over_a_socket() -> None:
    with (
        serving("--latency", "60", "--jitter", "0") as url,
        httpx.Client(base_url=url, headers={"X-Access-Token": SANDBOX_TOKEN}) as client,
    ):
        client.get("/v3/users/me")  # the connection is made before timing
        started = time.perf_counter()
        assert client.get("/v3/users/me").status_code == 200
        assert time.perf_counter() - started >= 0.06
