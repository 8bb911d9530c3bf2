"""gm.gallery: the ``before`` walk, newest first, each message once in bounded
memory, never a loop; its parameters; arguments refused before any request."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupme_async import AsyncGroupMe, ImageAttachment, Message, ResponseDecodeError

from . import content_examples as ex
from .conftest import TOKEN, V3, envelope
from .test_endpoints import LOCAL, REAL
from .timed_server import TimedServer, check_walk, stamp

CHAT = "30000001+30000002"


def _server(items: list[tuple[int, int]], inclusive: bool) -> TimedServer:
    return TimedServer(
        items,
        param="before",
        descending=True,
        inclusive=inclusive,
        list_key="messages",
        build=lambda message_id, ts: ex.gallery_message(10**17 + message_id, ts),
    )


async def _walk(server: TimedServer, **kwargs: Any) -> list[int]:
    with respx.mock:
        respx.get(f"{V3}/conversations/{ex.GROUP_ID}/gallery").mock(side_effect=server)
        async with AsyncGroupMe(TOKEN, rng=random.Random(0)) as gm:
            return [int(m.id) - 10**17 async for m in gm.gallery.iter(ex.GROUP_ID, **kwargs)]


@pytest.mark.parametrize("where", ["real hosts", "base_url"])
async def test_the_first_page_asks_for_100_with_files_and_the_walk_follows_gallery_ts(
    where: str, make_client: Callable[..., AsyncGroupMe]
) -> None:
    host, prefix = (REAL if where == "real hosts" else LOCAL)["v3"]
    base_url = None if where == "real hosts" else "http://127.0.0.1:8000"
    server = _server([(1, 10), (2, 20)], inclusive=False)
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(host=host, path=f"{prefix}/conversations/{CHAT}/gallery").mock(
            side_effect=server
        )
        async with make_client(base_url=base_url) as gm:
            messages = [m async for m in gm.gallery.iter(CHAT)]
    assert all(isinstance(m, Message) for m in messages)
    assert isinstance(messages[0].attachments[0], ImageAttachment)
    assert [int(m.id) - 10**17 for m in messages] == [2, 1]
    assert server.requests == [
        {"acceptFiles": "1", "limit": "100"},
        {"acceptFiles": "1", "limit": "100", "before": stamp(10)},
    ]
    assert route.calls.last.request.url.raw_path.startswith(
        f"{prefix}/conversations/{CHAT}/gallery?".encode()
    )


async def test_before_and_after_bound_the_walk_and_after_stays_put() -> None:
    server = _server([(n, 10 * n) for n in range(1, 8)], inclusive=False)
    got = await _walk(
        server,
        before=datetime.fromisoformat(stamp(60)),
        after=stamp(15).replace("Z", "+00:00"),
        limit=2,
    )
    assert got == [5, 4, 3, 2]
    assert [r.get("before") for r in server.requests] == [
        "2025-05-14T12:00:00.006000Z",  # a datetime is sent in UTC with a Z
        stamp(40),
        stamp(20),
    ]
    assert {r["after"] for r in server.requests} == {stamp(15).replace("Z", "+00:00")}


async def test_a_server_that_ignores_after_cannot_walk_past_it() -> None:
    # TimedServer ignores `after` (it pages by `before` only): the walk stops
    # at the first message at or before `after` instead of reading on.
    server = _server([(n, 10 * n) for n in range(1, 30)], inclusive=True)
    got = await _walk(server, after=stamp(250), limit=2)
    assert got == list(range(29, 25, -1))
    assert len(server.requests) == 4  # the last one reached `after`


async def test_a_full_page_at_one_instant_ends_with_an_error_not_a_loop() -> None:
    server = _server([(n, 7) for n in range(4)], inclusive=True)
    with pytest.raises(ResponseDecodeError, match="cannot move"):
        await _walk(server, limit=4)
    assert len(server.requests) == 2


async def test_a_server_that_ignores_before_ends_the_walk_with_an_error(
    gm: AsyncGroupMe,
) -> None:
    page = [ex.gallery_message(10**17 + n, stamp(10 - n)) for n in range(3)]
    with respx.mock:
        route = respx.get(f"{V3}/conversations/{ex.GROUP_ID}/gallery").mock(
            return_value=httpx.Response(200, json=envelope({"messages": page}))
        )
        got = []
        with pytest.raises(ResponseDecodeError):
            async for message in gm.gallery.iter(ex.GROUP_ID, limit=3):
                got.append(message.id)
    assert len(got) == 3
    assert route.call_count == 2


async def test_a_message_without_gallery_ts_is_a_decode_error(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.get(f"{V3}/conversations/{ex.GROUP_ID}/gallery").mock(
            return_value=httpx.Response(200, json=envelope({"messages": [ex.MESSAGE]}))
        )
        with pytest.raises(ResponseDecodeError, match="gallery_ts"):
            [m async for m in gm.gallery.iter(ex.GROUP_ID)]


@st.composite
def timelines(draw: st.DrawFn) -> tuple[list[tuple[int, int]], int]:
    offsets = draw(st.lists(st.integers(0, 40), max_size=50))
    return [(n, offset) for n, offset in enumerate(offsets)], draw(st.integers(1, 12))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines(), st.booleans())
def test_every_gallery_message_once_newest_first_or_an_error(
    timeline: tuple[list[tuple[int, int]], int], inclusive: bool
) -> None:
    items, limit = timeline
    server = _server(items, inclusive)
    expected = [n for n, _ in sorted(items, key=lambda item: (item[1], item[0]), reverse=True)]
    check_walk(server, limit, lambda: _walk(server, limit=limit), expected)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": True},
        {"before": datetime(2025, 1, 1)},
        {"before": "last week"},
        {"after": "2025-01-01T00:00:00"},
        {"after": "2025-01-01T00:00:00Z\n"},
        {"max_items": -1},
    ],
)
def test_invalid_arguments_are_refused_when_the_listing_is_called(kwargs: Any) -> None:
    gm = AsyncGroupMe("t0ken")
    with pytest.raises(ValueError):
        gm.gallery.iter(ex.GROUP_ID, **kwargs)


@pytest.mark.parametrize("conversation_id", ["1/2", "abc", "1+", "1+2+3", ""])
def test_a_conversation_id_that_is_not_one_is_refused(conversation_id: str) -> None:
    gm = AsyncGroupMe("t0ken")
    with pytest.raises(ValueError):
        gm.gallery.iter(conversation_id)


async def test_an_aware_datetime_in_any_zone_is_sent_as_utc(gm: AsyncGroupMe) -> None:
    local = datetime(2025, 5, 14, 7, 0, tzinfo=timezone(timedelta(hours=-5)))
    with respx.mock:
        route = respx.get(f"{V3}/conversations/{ex.GROUP_ID}/gallery").mock(
            return_value=httpx.Response(200, json=envelope({"messages": []}))
        )
        assert [m async for m in gm.gallery.iter(ex.GROUP_ID, before=local)] == []
    before = route.calls.last.request.url.params["before"]
    assert before == "2025-05-14T12:00:00Z"
    assert datetime.fromisoformat(before) == local.astimezone(UTC)
