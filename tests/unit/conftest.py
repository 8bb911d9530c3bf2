"""Shared helpers for the unit tests: a client that never sleeps, and the invented fixtures."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from groupme_async import AsyncGroupMe, RetryPolicy

TOKEN = "tok-SECRET-5f1e2d3c4b"  # a token string that must never leak
INVENTED = Path(__file__).parents[1] / "fixtures"

V3 = "https://api.groupme.com/v3"
V4 = "https://api.groupme.com/v4"
V2 = "https://v2.groupme.com"


class SleepRecorder:
    """An injected ``sleep`` that records each delay instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def envelope(response: Any, code: int = 200, errors: list[str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"code": code}
    if errors is not None:
        meta["errors"] = errors
    return {"response": response, "meta": meta}


def ok(response: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=envelope(response, status))


def fail(status: int, errors: list[str] | None = None, **headers: str) -> httpx.Response:
    body = envelope(None, status, errors if errors is not None else ["failed"])
    return httpx.Response(status, json=body, headers=headers)


def invented_json(relative: str) -> Any:
    """A fixture from ``tests/fixtures/``: invented people and ids, in recorded shapes."""
    return json.loads((INVENTED / relative).read_text(encoding="utf-8"))


#: The invented fixtures holding a page of messages under ``response.messages``.
MESSAGE_PAGES = (
    "group_messages.json",
    "group_messages_before.json",
    "group_messages_2016.json",
    "likes_mine.json",
)


def invented_messages() -> list[dict[str, Any]]:
    """Every invented raw message: the pages, show, create, the DMs and the callback."""
    raws = [m for name in MESSAGE_PAGES for m in invented_json(name)["response"]["messages"]]
    for single in ("group_message_show.json", "group_message_create.json"):
        raws.append(invented_json(single)["response"]["message"])
    raws += invented_json("direct_messages.json")["response"]["direct_messages"]
    raws.append(invented_json("bot_callback.json"))
    return raws


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def make_client(sleeps: SleepRecorder) -> Callable[..., AsyncGroupMe]:
    def make(**kwargs: Any) -> AsyncGroupMe:
        kwargs.setdefault("sleep", sleeps)
        kwargs.setdefault("rng", random.Random(0))
        return AsyncGroupMe(kwargs.pop("token", TOKEN), **kwargs)

    return make


@pytest.fixture
async def gm(make_client: Callable[..., AsyncGroupMe]) -> AsyncIterator[AsyncGroupMe]:
    async with make_client() as client:
        yield client


@pytest.fixture
async def gm_fast(make_client: Callable[..., AsyncGroupMe]) -> AsyncIterator[AsyncGroupMe]:
    """A client with a generous retry policy (faults never exhaust it)."""
    async with make_client(retry=RetryPolicy(max_attempts=50, base_delay=0.01)) as client:
        yield client
