"""Rate limiting on an injected clock, and every injected fault as httpx sees it."""

from __future__ import annotations

import httpx
import pytest

from groupme_async import RetryPolicy
from groupme_async.testing import ALL_FAULTS, FakeGroupMe

from .conftest import ManualClock, http_client


def small(**kwargs: object) -> FakeGroupMe:
    return FakeGroupMe(seed=2, dm_chats=1, groups=1, messages_per_conversation=50, **kwargs)  # type: ignore[arg-type]


def group_id(fake: FakeGroupMe) -> str:
    return next(c.id for c in fake.conversations() if c.kind == "group")


async def test_token_bucket_answers_420_and_refills_with_the_clock() -> None:
    clock = ManualClock()
    fake = small(rate_limit=2.0, burst=3, clock=clock)
    async with http_client(fake) as client:
        statuses = [(await client.get("/v3/users/me")).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 420]
        limited = await client.get("/v3/users/me")
        assert limited.json() == {
            "response": None,
            "meta": {"code": 420, "errors": ["Enhance Your Calm"]},
        }
        clock.now += 0.5  # one token at 2 per second
        assert (await client.get("/v3/users/me")).status_code == 200
        assert (await client.get("/v3/users/me")).status_code == 420
        clock.now += 100  # refills only up to the burst
        statuses = [(await client.get("/v3/users/me")).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 420]
    assert fake.stats.responses[420] == 4


async def test_buckets_are_per_token() -> None:
    clock = ManualClock()
    fake = small(rate_limit=1.0, burst=1, clock=clock)
    async with http_client(fake) as client, http_client(fake, token="someone-else") as other:
        assert (await client.get("/v3/users/me")).status_code == 200
        # An unknown token is refused as 401 and spends nothing of ours.
        assert (await other.get("/v3/users/me")).status_code == 401
        assert (await client.get("/v3/users/me")).status_code == 420


def test_no_faults_at_rate_zero_and_bad_arguments_refused() -> None:
    with pytest.raises(ValueError, match="unknown faults"):
        FakeGroupMe(faults=["500", "fire"])
    with pytest.raises(ValueError, match="fault_rate"):
        FakeGroupMe(fault_rate=1.5)


async def test_fault_rate_zero_never_faults() -> None:
    fake = small()
    async with http_client(fake) as client:
        for _ in range(200):
            assert (await client.get("/v3/users/me")).status_code == 200
    assert fake.stats.faults == {}
    assert fake.stats.requests == 200 and fake.stats.responses == {200: 200}


@pytest.mark.parametrize(("kind", "status"), [("500", 500), ("503", 503)])
async def test_server_error_faults(kind: str, status: int) -> None:
    fake = small(fault_rate=1.0, faults=[kind])
    async with http_client(fake) as client:
        response = await client.get("/v3/users/me")
    assert response.status_code == status
    assert response.json()["response"] is None and response.json()["meta"]["errors"]
    assert fake.stats.faults == {kind: 1}


async def test_502_is_an_html_page() -> None:
    fake = small(fault_rate=1.0, faults=["502html"])
    async with http_client(fake) as client:
        response = await client.get("/v3/users/me")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<html>")


@pytest.mark.parametrize("kind", ["drop", "truncate"])
async def test_network_faults_raise_like_a_broken_connection(kind: str) -> None:
    fake = small(fault_rate=1.0, faults=[kind])
    async with http_client(fake) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(f"/v3/groups/{group_id(fake)}/messages")
    assert fake.stats.faults == {kind: 1}
    assert sum(fake.stats.responses.values()) == 0


async def test_slow_fault_awaits_the_configured_delay() -> None:
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    fake = small(fault_rate=1.0, faults=["slow"], slow_seconds=2.5, sleep=record)
    async with http_client(fake) as client:
        assert (await client.get("/v3/users/me")).status_code == 200
    assert delays == [2.5]


async def test_lost_after_commit_stores_the_message_then_drops() -> None:
    fake = small(fault_rate=1.0, faults=["lost_after_commit"])
    gid = group_id(fake)
    before = fake.message_count("group", gid)
    body = {"message": {"source_guid": "lost-1", "text": "did it land?"}}
    async with http_client(fake) as client:
        # Reads are not sends: this fault never hits them.
        assert (await client.get("/v3/users/me")).status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(f"/v3/groups/{gid}/messages", json=body)
        assert fake.message_count("group", gid) == before + 1
        assert list(fake.messages("group", gid))[-1]["source_guid"] == "lost-1"
        # Faults can be switched off mid-test; the retry then gets the 409
        # that tells a client its first attempt landed.
        fake.fault_rate = 0.0
        retry = await client.post(f"/v3/groups/{gid}/messages", json=body)
        assert retry.status_code == 409
    assert fake.stats.faults == {"lost_after_commit": 1}
    assert fake.message_count("group", gid) == before + 1


async def test_fault_sequence_is_deterministic_per_seed() -> None:
    async def run(seed: int) -> list[str]:
        fake = FakeGroupMe(
            seed,
            dm_chats=1,
            groups=1,
            messages_per_conversation=20,
            fault_rate=0.5,
            faults=["500", "503", "502html", "drop", "truncate"],
        )
        outcomes: list[str] = []
        async with http_client(fake) as client:
            for _ in range(200):
                try:
                    response = await client.get("/v3/users/me")
                    outcomes.append(str(response.status_code))
                except httpx.TransportError as exc:
                    outcomes.append(type(exc).__name__)
        return outcomes

    first = await run(4)
    assert first == await run(4)
    assert first != await run(5)
    assert {"200", "500", "503", "502", "RemoteProtocolError"} <= set(first)


async def test_client_retries_through_faults_without_duplicates() -> None:
    fake = FakeGroupMe(
        seed=9,
        dm_chats=1,
        groups=1,
        messages_per_conversation=30,
        fault_rate=0.3,
        faults=[f for f in ALL_FAULTS if f != "slow"],
    )
    gid = group_id(fake)
    before = fake.message_count("group", gid)
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    async with fake.client(sleep=no_wait, retry=RetryPolicy(max_attempts=12)) as gm:
        sent = [await gm.group_messages.send(gid, f"message {n}") for n in range(40)]
        walked = [m.id async for m in gm.group_messages.iter(gid)]
    assert fake.stats.faults["lost_after_commit"] > 0 and waits
    stored = list(fake.messages("group", gid))
    assert len(stored) == before + 40 == len(walked)
    assert [m["id"] for m in stored[-40:]] == [m.id for m in sent]
    assert [m["text"] for m in stored[-40:]] == [f"message {n}" for n in range(40)]
