"""The client is anyio-based: it runs under trio as well as asyncio."""

from __future__ import annotations

import random
from typing import Any

import httpx
import trio

from groupme_async import AsyncGroupMe, RetryPolicy

from . import seed_examples as seeds
from .conftest import TOKEN, SleepRecorder, envelope


def _raw(mid: int) -> dict[str, Any]:
    return {"id": str(mid), "created_at": 1_600_000_000 + mid, "text": "x"}


def test_the_client_runs_under_trio() -> None:
    ids = list(range(1, 8))
    failures = {"before_id=5": 1}  # the second page fails once with a 503
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["x-access-token"] == TOKEN
        seen.append(f"{request.url.path}?{request.url.query.decode()}")
        if request.url.path == "/v3/users/me":
            return httpx.Response(200, json=envelope(seeds.USERS_ME))
        before = request.url.params.get("before_id")
        key = f"before_id={before}"
        if failures.get(key):
            failures[key] -= 1
            return httpx.Response(503, json=envelope(None, 503, ["overloaded"]))
        below = [i for i in ids if before is None or i < int(before)]
        page = below[-3:][::-1]
        if not page:
            return httpx.Response(304)
        return httpx.Response(200, json=envelope({"count": 7, "messages": [_raw(i) for i in page]}))

    sleeps = SleepRecorder()

    async def main() -> tuple[str, list[str]]:
        async with AsyncGroupMe(
            TOKEN,
            transport=httpx.MockTransport(handler),
            retry=RetryPolicy(max_attempts=3),
            sleep=sleeps,
            rng=random.Random(0),
        ) as gm:
            me = await gm.users.me()
            messages = [m.id async for m in gm.group_messages.iter("42", limit=3)]
        return me.id, messages

    user_id, messages = trio.run(main)
    assert user_id == "93645911"
    assert messages == ["7", "6", "5", "4", "3", "2", "1"]
    assert len(sleeps.delays) == 1  # the 503 was retried once
    assert seen.count("/v3/groups/42/messages?limit=3&before_id=5&acceptFiles=1") == 2


def test_default_sleep_works_under_trio() -> None:
    """Without an injected sleep the backoff uses anyio, which must work under trio."""
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            return httpx.Response(420, headers={"Retry-After": "0"})
        return httpx.Response(200, json=envelope({"id": "1"}))

    async def main() -> str:
        async with AsyncGroupMe(TOKEN, transport=httpx.MockTransport(handler)) as gm:
            return (await gm.users.me()).id

    assert trio.run(main) == "1"
    assert len(attempts) == 2
