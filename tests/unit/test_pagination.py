"""Pagination: the three cursors, since(), and properties against a model of GroupMe's cursors."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

import httpx
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupme_async import AsyncGroupMe, RetryPolicy

from .conftest import TOKEN, V3, SleepRecorder, envelope

MESSAGES = f"{V3}/groups/42/messages"


def _raw(mid: int) -> dict[str, Any]:
    return {"id": str(mid), "created_at": 1_600_000_000 + mid, "user_id": "7", "text": None}


class Conversation:
    """GroupMe's cursor semantics over a sorted list of message ids.

    ``before_id``: the ``limit`` messages just below it, newest first (304 when none).
    ``after_id``: the ``limit`` messages just above it, oldest first (200 ``[]`` or 304
    when none). ``since_id``: the MOST RECENT ``limit`` messages above it, newest first.
    No cursor: the newest ``limit``, newest first.
    """

    def __init__(
        self,
        ids: list[int],
        *,
        faults: list[str] | None = None,
        empty_after: str = "304",
        list_key: str = "messages",
    ) -> None:
        self.ids = sorted(ids)
        self.faults = list(faults or [])
        self.empty_after = empty_after
        self.list_key = list_key
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.faults:
            fault = self.faults.pop(0)
            if fault == "connect":
                raise httpx.ConnectError("dropped")
            if fault == "timeout":
                raise httpx.ReadTimeout("slow")
            if fault != "ok":
                return httpx.Response(int(fault), json=envelope(None, int(fault), ["fault"]))
        params = dict(request.url.params)
        self.requests.append(params)
        limit = min(int(params.get("limit", "20")), 100)
        if "before_id" in params:
            page = [i for i in self.ids if i < int(params["before_id"])][-limit:][::-1]
        elif "after_id" in params:
            page = [i for i in self.ids if i > int(params["after_id"])][:limit]
            if not page and self.empty_after == "200":
                return httpx.Response(
                    200, json=envelope({"count": len(self.ids), self.list_key: []})
                )
        elif "since_id" in params:
            page = [i for i in self.ids if i > int(params["since_id"])][-limit:][::-1]
        else:
            page = self.ids[-limit:][::-1]
        if not page:
            return httpx.Response(304)
        body = {"count": len(self.ids), self.list_key: [_raw(i) for i in page]}
        return httpx.Response(200, json=envelope(body))


def _client(sleep: SleepRecorder | None = None) -> AsyncGroupMe:
    return AsyncGroupMe(
        TOKEN,
        retry=RetryPolicy(max_attempts=50, base_delay=0.01, max_delay=0.05),
        sleep=sleep or SleepRecorder(),
        rng=random.Random(0),
    )


async def _ids(iterator: Any) -> list[int]:
    return [int(m.id) async for m in iterator]


# --- deterministic behaviour ----------------------------------------------------------


async def test_iter_newest_first_pages_back_by_before_id_until_304() -> None:
    conv = Conversation(list(range(1, 11)))
    with respx.mock:
        respx.get(MESSAGES).mock(side_effect=conv)
        async with _client() as gm:
            got = await _ids(gm.group_messages.iter("42", limit=4))
    assert got == list(range(10, 0, -1))
    assert conv.requests == [
        {"limit": "4", "acceptFiles": "1"},
        {"limit": "4", "before_id": "7", "acceptFiles": "1"},
        {"limit": "4", "before_id": "3", "acceptFiles": "1"},
        {"limit": "4", "before_id": "1", "acceptFiles": "1"},  # answered 304: the end
    ]


async def test_the_next_page_is_requested_while_the_caller_reads_this_one() -> None:
    conv = Conversation(list(range(1, 11)))
    with respx.mock:
        respx.get(MESSAGES).mock(side_effect=conv)
        async with _client() as gm:
            messages = gm.group_messages.iter("42", limit=4)
            first = await anext(messages)
            # The server already has the request for the second page.
            assert [r.get("before_id") for r in conv.requests] == [None, "7"]
            assert first.id == "10"
            await messages.aclose()  # stopping early leaves no request pending
    assert len(conv.requests) == 2


async def test_iter_oldest_first_pages_forward_by_after_id_until_empty_page() -> None:
    conv = Conversation(list(range(1, 11)), empty_after="200")
    with respx.mock:
        respx.get(MESSAGES).mock(side_effect=conv)
        async with _client() as gm:
            got = await _ids(gm.group_messages.iter("42", after_id="2", limit=3))
    assert got == list(range(3, 11))
    assert [r.get("after_id") for r in conv.requests] == ["2", "5", "8", "10"]


async def test_iter_before_id_starts_below_the_cursor() -> None:
    conv = Conversation(list(range(1, 11)))
    with respx.mock:
        respx.get(MESSAGES).mock(side_effect=conv)
        async with _client() as gm:
            assert await _ids(gm.group_messages.iter("42", before_id="5")) == [4, 3, 2, 1]


async def test_list_since_id_is_the_apis_most_recent_page() -> None:
    conv = Conversation(list(range(1, 31)))
    with respx.mock:
        respx.get(MESSAGES).mock(side_effect=conv)
        async with _client() as gm:
            page = await gm.group_messages.list("42", since_id="5", limit=10)
    # The most recent 10 newer than 5: 6..20 are skipped, exactly as GroupMe does.
    assert [int(m.id) for m in page.messages] == list(range(30, 20, -1))
    assert page.count == 30
    assert conv.requests == [{"since_id": "5", "limit": "10", "acceptFiles": "1"}]


async def test_since_yields_every_newer_message_once_oldest_first() -> None:
    conv = Conversation(list(range(1, 31)))
    with respx.mock:
        respx.get(MESSAGES).mock(side_effect=conv)
        async with _client() as gm:
            got = await _ids(gm.group_messages.since("42", "5", limit=10))
    assert got == list(range(6, 31))


async def test_dm_since_and_iter_use_other_user_id() -> None:
    conv = Conversation(list(range(1, 8)), list_key="direct_messages")
    with respx.mock:
        route = respx.get(f"{V3}/direct_messages").mock(side_effect=conv)
        async with _client() as gm:
            assert await _ids(gm.direct_messages.since("77", "3", limit=2)) == [4, 5, 6, 7]
            assert await _ids(gm.direct_messages.iter("77", limit=5)) == [7, 6, 5, 4, 3, 2, 1]
    assert all(call.request.url.params["other_user_id"] == "77" for call in route.calls)


async def test_a_server_repeating_the_cursor_message_yields_no_duplicate() -> None:
    def overlapping(request: httpx.Request) -> httpx.Response:
        before = int(request.url.params.get("before_id", "100"))
        # Include the cursor message itself, like a sloppy server would.
        page = [i for i in range(1, 11) if i <= before][-3:][::-1]
        if page == [1] and before == 1:
            return httpx.Response(304)  # nothing below the first message
        return httpx.Response(200, json=envelope({"messages": [_raw(i) for i in page]}))

    with respx.mock:
        respx.get(MESSAGES).mock(side_effect=overlapping)
        async with _client() as gm:
            assert await _ids(gm.group_messages.iter("42", limit=3)) == list(range(10, 0, -1))


async def test_chats_and_groups_iter_until_an_empty_page_without_repeats() -> None:
    chat = lambda uid: {  # noqa: E731
        "other_user": {"id": uid},
        "messages_count": 1,
        "last_message": {"id": "9", "created_at": 1, "sender_id": uid, "recipient_id": 99},
    }
    chat_pages = {1: [chat(1), chat(2)], 2: [chat(2), chat(3)], 3: []}  # 2 shifted pages
    group_pages = {1: [{"id": "1"}, {"id": "2"}], 2: [{"id": "3"}], 3: []}

    def serve(pages: dict[int, list[Any]]) -> Callable[[httpx.Request], httpx.Response]:
        return lambda request: httpx.Response(
            200, json=envelope(pages[int(request.url.params["page"])])
        )

    with respx.mock:
        chats = respx.get(f"{V3}/chats").mock(side_effect=serve(chat_pages))
        groups = respx.get(f"{V3}/groups").mock(side_effect=serve(group_pages))
        async with _client() as gm:
            assert [c.other_user.id async for c in gm.chats.iter(per_page=2)] == ["1", "2", "3"]
            assert [g.id async for g in gm.groups.iter(per_page=2)] == ["1", "2", "3"]
    assert chats.call_count == 3 and groups.call_count == 3
    assert groups.calls.last.request.url.params["per_page"] == "2"


# --- properties -------------------------------------------------------------------------

FAULT = st.sampled_from(["ok", "ok", "420", "429", "500", "502", "503", "connect", "timeout"])


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    size = draw(st.integers(0, 60))
    gaps = draw(st.lists(st.integers(1, 5), min_size=size, max_size=size))
    ids: list[int] = []
    current = 1000
    for gap in gaps:
        current += gap
        ids.append(current)
    top = (ids[-1] if ids else 1000) + 5
    cursor = draw(
        st.one_of(st.sampled_from(ids), st.integers(995, top)) if ids else st.integers(995, top)
    )
    return {
        "ids": ids,
        "limit": draw(st.integers(1, 25)),
        "cursor": cursor,
        "faults": draw(st.lists(FAULT, max_size=30)),
        "empty_after": draw(st.sampled_from(["304", "200"])),
    }


def _run(scenario: dict[str, Any], mode: str) -> tuple[list[int], Conversation, SleepRecorder]:
    conv = Conversation(
        scenario["ids"], faults=scenario["faults"], empty_after=scenario["empty_after"]
    )
    sleeps = SleepRecorder()
    cursor, limit = str(scenario["cursor"]), scenario["limit"]

    async def main() -> list[int]:
        with respx.mock:
            respx.get(MESSAGES).mock(side_effect=conv)
            async with _client(sleeps) as gm:
                if mode == "newest":
                    return await _ids(gm.group_messages.iter("42", limit=limit))
                if mode == "before":
                    return await _ids(gm.group_messages.iter("42", before_id=cursor, limit=limit))
                if mode == "after":
                    return await _ids(gm.group_messages.iter("42", after_id=cursor, limit=limit))
                return await _ids(gm.group_messages.since("42", cursor, limit=limit))

    return asyncio.run(main()), conv, sleeps


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(scenarios(), st.sampled_from(["newest", "before", "after", "since"]))
def test_walks_yield_every_message_once_in_order_despite_faults(
    scenario: dict[str, Any], mode: str
) -> None:
    got, conv, sleeps = _run(scenario, mode)
    ids, cursor = scenario["ids"], scenario["cursor"]
    if mode == "newest":
        expected = ids[::-1]
    elif mode == "before":
        expected = [i for i in ids if i < cursor][::-1]
    else:
        expected = [i for i in ids if i > cursor]
    assert got == expected
    # Every injected fault that was hit cost exactly one backoff sleep.
    hit = len(scenario["faults"]) - len(conv.faults)
    assert len(sleeps.delays) == hit - scenario["faults"][:hit].count("ok")
    # Every page asked for at most `limit` and the walk stayed within the API's cap.
    assert all(int(r["limit"]) == scenario["limit"] for r in conv.requests)


@FAST
@given(scenarios())
def test_since_id_page_is_the_most_recent_and_since_is_complete(scenario: dict[str, Any]) -> None:
    ids, cursor, limit = scenario["ids"], scenario["cursor"], scenario["limit"]
    conv = Conversation(ids, faults=scenario["faults"])

    async def main() -> tuple[list[int], list[int]]:
        with respx.mock:
            respx.get(MESSAGES).mock(side_effect=conv)
            async with _client() as gm:
                page = await gm.group_messages.list("42", since_id=str(cursor), limit=limit)
                every = await _ids(gm.group_messages.since("42", str(cursor), limit=limit))
        return [int(m.id) for m in page.messages], every

    page, every = asyncio.run(main())
    newer = [i for i in ids if i > cursor]
    assert sorted(page) == newer[-limit:]  # the API's answer, passed through
    assert every == newer  # since(): all of them, oldest first, no gap
