"""A hostile server: every limit the client promises about what it reads, attacked.

Each server streams its body (see :mod:`.hostile`) and lives in virtual
time.  Where a protection, if removed, would make the client loop or wait
forever, the server gives up first (a bounded stream, a last honest
answer), so a broken client fails the test instead of hanging it.
"""

from __future__ import annotations

import copy
import logging
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest
import trio
import trio.testing

from groupme_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncGroupMe,
    BadRequestError,
    GroupMeError,
    RateLimitError,
    ResponseDecodeError,
    ResponseTooLargeError,
    RetryPolicy,
    ServerError,
)
from groupme_async._pagination import SUSPECT_PAGE_RETRIES

from ..clock import VirtualClock
from . import seed_examples as seeds
from .conftest import TOKEN
from .hostile import client, json_stream, raw_stream, streamed

DEADLINE = RetryPolicy().deadline
MiB = 2**20
CAP = 16 * MiB  # the default max_response_bytes
PEAK = 64 * MiB


# --- 2. a total deadline per call ------------------------------------------------------


async def test_a_body_dripped_a_byte_a_second_ends_at_the_deadline() -> None:
    clock = VirtualClock()
    sent = 0

    async def drip() -> AsyncIterator[bytes]:
        nonlocal sent
        while sent < 3 * DEADLINE:  # a body that ends, so a broken client cannot hang
            await clock.sleep(1.0)
            sent += 1
            yield b" "

    async def handler(request: httpx.Request) -> httpx.Response:
        return streamed(200, drip())

    start = clock.now
    async with client(handler, clock) as gm:
        with pytest.raises(APITimeoutError, match="deadline"):
            await gm.users.me()
    assert clock.now - start <= DEADLINE
    assert sent <= DEADLINE


@pytest.mark.parametrize(
    ("retry_after", "max_attempts", "error", "requests"),
    [
        # Waiting 300 s would end past the deadline: give up now, unslept.
        ("300", 5, APITimeoutError, 1),
        ("300", 100, APITimeoutError, 1),
        # 59 s waits: the attempts run out at 236 s ...
        ("59", 5, RateLimitError, 5),
        # ... or, with attempts to spare, the deadline ends it at 295 s.
        ("59", 100, APITimeoutError, 6),
    ],
)
async def test_retry_after_forever_ends_by_the_deadline(
    retry_after: str, max_attempts: int, error: type[GroupMeError], requests: int
) -> None:
    clock = VirtualClock()
    seen: list[float] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(clock.now)
        return json_stream(None, 420, **{"Retry-After": retry_after})

    start = clock.now
    async with client(handler, clock, retry=RetryPolicy(max_attempts=max_attempts)) as gm:
        with pytest.raises(error):
            await gm.users.me()
    assert clock.now - start <= DEADLINE
    assert len(seen) == requests


def _trio_client(handler: Callable[[httpx.Request], Awaitable[httpx.Response]], **kw: Any) -> Any:
    # Under trio's MockClock the event loop's own clock is virtual: this is
    # the clock the client's cancel scopes run on, with nobody injecting it.
    return AsyncGroupMe(
        TOKEN, transport=httpx.MockTransport(handler), clock=trio.current_time, **kw
    )


class StuckLimiter:
    async def acquire(self) -> None:
        await anyio.sleep(10**9)

    def report(self, status: int | None) -> None:
        return None


async def _silent(request: httpx.Request) -> httpx.Response:
    await anyio.sleep(10**9)  # accepts the request and never answers
    return json_stream(seeds.USERS_ME)


async def _drip_under_read_timeout(request: httpx.Request) -> httpx.Response:
    async def body() -> AsyncIterator[bytes]:
        # One byte every 29 s: no read ever waits the 30 s read timeout.
        for _ in range(1000):
            await anyio.sleep(29)
            yield b" "

    return streamed(200, body())


@pytest.mark.parametrize(
    ("handler", "options"),
    [
        (_silent, {}),
        (_drip_under_read_timeout, {}),
        (lambda request: json_stream(seeds.USERS_ME), {"rate_limiter": StuckLimiter()}),
    ],
    ids=["silent-server", "drip-under-read-timeout", "stuck-rate-limiter"],
)
def test_nothing_outlives_the_deadline_on_the_event_loop_clock(
    handler: Callable[[httpx.Request], Any], options: dict[str, Any]
) -> None:
    async def main() -> tuple[BaseException, float]:
        async def answer(request: httpx.Request) -> httpx.Response:
            result = handler(request)
            return await result if isinstance(result, Awaitable) else result

        start = trio.current_time()
        async with _trio_client(answer, **options) as gm:
            try:
                await gm.users.me()
            except GroupMeError as exc:
                return exc, trio.current_time() - start
        raise AssertionError("the call succeeded")

    error, elapsed = trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert isinstance(error, APITimeoutError), error
    assert elapsed <= DEADLINE


# --- 3. bodies read with a cap counted after decompression ---------------------------


async def _peak_while(call: Callable[[], Awaitable[Any]]) -> tuple[GroupMeError, int]:
    tracemalloc.start()
    try:
        with pytest.raises(GroupMeError) as info:
            await call()
        return info.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class Meter:
    """Counts what a streaming server produced before the client stopped it."""

    def __init__(self) -> None:
        self.raw = 0
        """Bytes put on the wire."""
        self.inflated = 0
        """What they decompress to."""

    async def identity(self, total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
        for _ in range(total // size):
            chunk = bytes(size)  # a fresh object each time, as a socket gives
            self.raw += len(chunk)
            self.inflated += len(chunk)
            yield chunk

    async def compressed(self, wbits: int, total: int) -> AsyncIterator[bytes]:
        """``total`` zeros, compressed: a few hundred KB per chunk on the wire,
        inflating to 256 MiB each, never materialised on either side."""
        z = zlib.compressobj(9, zlib.DEFLATED, wbits)
        block = bytes(MiB)
        first = z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)
        # After a full flush the compressor forgets what came before, so one
        # MiB's worth of output can simply be repeated.
        again = (z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)) * 256
        self.raw, self.inflated = len(first), MiB
        yield first
        while self.inflated < total:
            self.raw += len(again)
            self.inflated += 256 * MiB
            yield again

    async def tiny_gzip_then(self, junk: int) -> AsyncIterator[bytes]:
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        yield z.compress(b'{"response": {"id": "1"}, "meta": {"code": 200}}') + z.flush()
        async for chunk in self.identity(junk, MiB):
            yield chunk


@pytest.mark.parametrize(
    ("encoding", "make", "wire"),
    [
        # 200 MB as it is; the client stops reading just past the cap.
        ("identity", lambda m: m.identity(200 * 10**6), CAP + 64 * 1024),
        # 4 GiB of zeros, gzip or zlib: the first 260 KB chunk is enough.
        ("gzip", lambda m: m.compressed(31, 4 * 2**30), MiB),
        ("deflate", lambda m: m.compressed(15, 4 * 2**30), MiB),
    ],
)
async def test_a_huge_body_is_cut_at_the_cap_with_bounded_memory(
    encoding: str, make: Callable[[Meter], AsyncIterator[bytes]], wire: int
) -> None:
    clock = VirtualClock()
    meter = Meter()

    async def handler(request: httpx.Request) -> httpx.Response:
        return streamed(200, make(meter), {"content-encoding": encoding})

    async with client(handler, clock) as gm:
        error, peak = await _peak_while(gm.users.me)
    assert isinstance(error, ResponseDecodeError) and "max_response_bytes" in str(error)
    assert peak < PEAK
    assert meter.raw <= wire  # the client stopped reading at the cap


async def test_a_tiny_gzip_body_followed_by_junk_is_refused_with_bounded_memory() -> None:
    # zlib keeps whatever follows the end of a gzip member in `unused_data`,
    # outside any count: all of it would be held in memory.
    clock = VirtualClock()
    meter = Meter()

    async def handler(request: httpx.Request) -> httpx.Response:
        return streamed(200, meter.tiny_gzip_then(128 * MiB), {"content-encoding": "gzip"})

    async with client(handler, clock, retry=RetryPolicy(max_attempts=1)) as gm:
        error, peak = await _peak_while(gm.users.me)
    assert isinstance(error, APIConnectionError) and "after the end" in str(error)
    assert peak < PEAK
    assert meter.raw < CAP


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("br", b"\x1b\x00\x00\x00" + bytes(1000)),
        ("gzip", b"\x1f\x8b\x08\x00garbage" + bytes(1000)),
        ("deflate", b"not zlib at all" + bytes(1000)),
        ("gzip, gzip", b"\x1f\x8b"),
        (TOKEN, b"{}"),  # a server echoing the token where the encoding goes
    ],
)
async def test_a_body_in_an_encoding_we_cannot_read_is_a_connection_error(
    encoding: str, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    clock = VirtualClock()
    requests = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal requests
        requests += 1
        return raw_stream(body, **{"content-encoding": encoding})

    async with client(handler, clock) as gm:
        with pytest.raises(APIConnectionError, match="decompressed") as info:
            await gm.users.me()
    # Retried like any body damaged in transit, then given up.
    assert requests == RetryPolicy().max_attempts
    texts = [str(info.value), repr(info.value), *(r.getMessage() for r in caplog.records)]
    assert all(TOKEN.lower() not in text.lower() for text in texts)


# --- 4. JSON that is too deep, integers that are too wide ----------------------------

DEEP = 100_000


@pytest.mark.parametrize(
    ("status", "error"), [(200, ResponseDecodeError), (400, BadRequestError), (503, ServerError)]
)
async def test_json_nested_100000_deep_is_a_decode_error_never_a_recursion_error(
    status: int, error: type[GroupMeError]
) -> None:
    body = b'{"response": ' + b"[" * DEEP + b"]" * DEEP + b', "meta": {"code": 200}}'

    async def handler(request: httpx.Request) -> httpx.Response:
        return raw_stream(body, status)

    async with client(handler, VirtualClock()) as gm:
        with pytest.raises(error) as info:
            await gm.users.me()
        with pytest.raises(error):
            async for _ in gm.group_messages.iter("42"):
                pass
    if status >= 400:
        assert info.value.errors == []  # type: ignore[attr-defined]


def _message(mid: int | str) -> dict[str, Any]:
    return {"id": mid, "created_at": 1_600_000_000, "user_id": "7", "text": "hi"}


@pytest.mark.parametrize("wide", [2**64, 10**30, -(2**63) - 1])
async def test_an_integer_wider_than_64_bits_keeps_every_digit(wide: int) -> None:
    group = {**copy.deepcopy(seeds.GROUP), "id": wide, "group_id": wide}
    ids = [abs(wide), abs(wide) - 1]
    cursors: list[str | None] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/messages"):
            cursors.append(request.url.params.get("before_id"))
            if "before_id" in request.url.params:
                return httpx.Response(304)
            page = {"count": 2, "messages": [_message(i) for i in ids], "wide": wide}
            return json_stream(page)
        return json_stream([group])

    async with client(handler, VirtualClock()) as gm:
        if wide >= 0:
            assert (await gm.groups.list())[0].id == str(wide)
        else:  # a negative id is no id at all
            with pytest.raises(ResponseDecodeError):
                await gm.groups.list()
        models = [m.id async for m in gm.group_messages.iter("42")]
        raws = [m async for m in gm.group_messages.iter_raw("42")]
    assert models == [str(i) for i in ids]
    assert [r["id"] for r in raws] == ids
    assert all(type(r["id"]) is int for r in raws)
    # The cursor is the exact id, not a rounded float's digits.
    assert cursors == [None, str(ids[1])] * 2


# --- 5. walks that cannot loop -------------------------------------------------------

#: A hostile server gives up after this many requests (answering "the end"),
#: so a client that would loop fails its test instead of hanging it.
PATIENCE = 50


def _chat(other: int) -> dict[str, Any]:
    chat = copy.deepcopy(seeds.CHATS_INDEX[0])
    chat["other_user"]["id"] = other
    chat["last_message"]["conversation_id"] = f"{other}+67890"
    return chat


@pytest.mark.parametrize(
    ("path", "listing", "items"),
    [
        (
            "/v3/groups",
            lambda gm: gm.groups.iter(),
            [{**seeds.GROUP, "id": str(i)} for i in (1, 2)],
        ),
        ("/v3/chats", lambda gm: gm.chats.iter(), [_chat(1), _chat(2)]),
    ],
)
async def test_a_page_walk_against_a_server_that_ignores_page_ends(
    path: str, listing: Callable[[AsyncGroupMe], Any], items: list[Any]
) -> None:
    pages: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == path
        pages.append(request.url.params["page"])
        return json_stream(items if len(pages) < PATIENCE else [])

    async with client(handler, VirtualClock()) as gm:
        with pytest.raises(ResponseDecodeError, match="not paging"):
            async for _ in listing(gm):
                pass
    assert pages == ["1", "2"]


def _page(ids: list[int]) -> httpx.Response:
    return json_stream({"count": 99, "messages": [_message(str(i)) for i in ids]})


MessageServer = Callable[[dict[str, str], int], httpx.Response]

WALKS: dict[str, tuple[MessageServer, Callable[[AsyncGroupMe], Any]]] = {
    # before_id ignored: the newest page, over and over.
    "before-cursor-ignored": (
        lambda params, n: _page([3, 2, 1]),
        lambda gm: gm.group_messages.iter("42"),
    ),
    # A 200 with no messages in the middle of a walk back (the end is a 304).
    "empty-200-mid-walk": (
        lambda params, n: _page([] if "before_id" in params else [3, 2, 1]),
        lambda gm: gm.group_messages.iter("42"),
    ),
    # after_id ignored: the same oldest page, over and over.
    "after-cursor-ignored": (
        lambda params, n: _page([1, 2, 3]),
        lambda gm: gm.group_messages.iter("42", after_id="0"),
    ),
    "since-cursor-ignored": (
        lambda params, n: _page([1, 2, 3]),
        lambda gm: gm.group_messages.since("42", "0"),
    ),
    # The raw walk too.
    "raw-before-cursor-ignored": (
        lambda params, n: _page([3, 2, 1]),
        lambda gm: gm.group_messages.iter_raw("42"),
    ),
}


@pytest.mark.parametrize("walk", list(WALKS))
async def test_a_message_walk_whose_cursor_does_not_move_ends(walk: str) -> None:
    server, start = WALKS[walk]
    requests: list[dict[str, str]] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        requests.append(dict(request.url.params))
        if len(requests) >= PATIENCE:
            return httpx.Response(304)
        return server(dict(request.url.params), len(requests))

    got: list[Any] = []
    async with client(handler, VirtualClock()) as gm:
        with pytest.raises(ResponseDecodeError):
            async for message in start(gm):
                got.append(message)
    assert len(got) == 3  # each message once, never a repeat
    assert len(requests) <= 5  # the first page, then a few tries of the stuck one


# --- 6. ids from the server, checked before they become a path or a file name ---------

BAD_SERVER_IDS = ["../x", "1/2", "12\x00", "1 2", "-1", "1e3", "١٢", ""]


@pytest.mark.parametrize("bad", [b for b in BAD_SERVER_IDS if b])
async def test_a_group_id_that_is_not_an_id_is_refused(bad: str) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/groups":
            return json_stream([{**seeds.GROUP, "id": bad}])
        return json_stream(
            {**seeds.GROUP, "members": [{**seeds.GROUP["members"][0], "user_id": bad}]}
        )

    async with client(handler, VirtualClock()) as gm:
        with pytest.raises(ResponseDecodeError, match="not an id"):
            await gm.groups.list()
        with pytest.raises(ResponseDecodeError, match="not an id"):
            async for _ in gm.groups.iter():
                pass
        with pytest.raises(ResponseDecodeError, match="not an id"):
            await gm.groups.get("1")


@pytest.mark.parametrize("bad", ["1/2", "../x", "12\x00"])
@pytest.mark.parametrize("chat_id_from", ["conversation_id", "sender_id"])
async def test_a_chat_whose_other_user_id_is_not_an_id_is_refused(
    bad: str, chat_id_from: str
) -> None:
    # The export names a DM's file after other_user.id: it must be an id
    # even when the chat's own id (from conversation_id) is a good one.
    chat = copy.deepcopy(seeds.CHATS_INDEX[0])
    chat["other_user"]["id"] = bad
    if chat_id_from == "sender_id":
        # Without a conversation_id, the chat id is built from these two.
        del chat["last_message"]["conversation_id"]
        chat["last_message"]["sender_id"] = bad

    async def handler(request: httpx.Request) -> httpx.Response:
        return json_stream([chat])

    async with client(handler, VirtualClock()) as gm:
        with pytest.raises(ResponseDecodeError, match="not an id"):
            await gm.chats.list()
        with pytest.raises(ResponseDecodeError, match="not an id"):
            async for _ in gm.chats.iter():
                pass


@pytest.mark.parametrize("bad", ["1/2", "../x", "12\x00", "1 ", "-1"])
@pytest.mark.parametrize("raw", [False, True])
async def test_a_message_id_that_is_not_an_id_never_becomes_a_cursor(bad: str, raw: bool) -> None:
    requests: list[httpx.URL] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request.url)
        return json_stream({"count": 3, "messages": [_message("9"), _message(bad)]})

    async with client(handler, VirtualClock()) as gm:
        walk = gm.group_messages.iter_raw("42") if raw else gm.group_messages.iter("42")
        with pytest.raises(ResponseDecodeError):
            async for _ in walk:
                pass
    # The garbled page is asked for again, then the walk fails; no request
    # ever carried the bad id (or anything after it) as a cursor.
    assert len(requests) == 1 + SUSPECT_PAGE_RETRIES
    assert all("before_id" not in url.params for url in requests)


# --- 7. server text in exceptions and log records ------------------------------------

FORGED = "ok\r\nERROR groupme_async: forged record\n\x1b[31mred\x1b[0m\x00\u2028"


def _clean(text: str) -> bool:
    return not any(c in text for c in "\r\n\x1b\x00\u2028") and TOKEN.lower() not in text.lower()


async def test_server_error_text_is_escaped_capped_and_redacted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="groupme_async")
    errors = [FORGED, f"your token is {TOKEN}!", "x" * 100_000, *[FORGED] * 50]
    answers = [503, 503, 400]

    async def handler(request: httpx.Request) -> httpx.Response:
        status = answers.pop(0)
        return json_stream(None, status, errors)

    async with client(handler, VirtualClock()) as gm:
        with pytest.raises(BadRequestError) as info:
            await gm.users.me()
    error = info.value
    for text in [str(error), repr(error), *error.errors]:
        assert _clean(text), text
    assert "[REDACTED]" in str(error)
    assert len(str(error)) < 5_000
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2  # the two 503s were retried and logged
    for record in caplog.records:
        assert _clean(record.getMessage()), record.getMessage()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", TOKEN),
        ("id", FORGED + "1"),
        ("created_at", TOKEN + "T00:00"),
        ("created_at", FORGED + "x" * 100_000),
    ],
)
async def test_decode_errors_do_not_copy_server_text(field: str, value: str) -> None:
    group = {**copy.deepcopy(seeds.GROUP), field: value}
    message = {**_message("5"), field: value}

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/messages"):
            return json_stream({"count": 1, "messages": [message]})
        return json_stream(group)

    async with client(handler, VirtualClock()) as gm:
        failures: list[ResponseDecodeError] = []
        for call in (gm.groups.get("1"), gm.group_messages.list("42"), _first(gm)):
            with pytest.raises(ResponseDecodeError) as info:
                await call
            failures.append(info.value)
    for error in failures:
        for text in (str(error), repr(error)):
            assert _clean(text) and len(text) < 1_000, text


async def _first(gm: AsyncGroupMe) -> Any:
    async for message in gm.group_messages.iter("42"):
        return message
    return None


async def test_a_page_past_the_cap_is_not_asked_for_again() -> None:
    requests: list[httpx.URL] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request.url)
        return json_stream({"count": 3, "messages": [_message("9"), _message("8")]})

    async with client(handler, VirtualClock(), max_response_bytes=64) as gm:
        with pytest.raises(ResponseTooLargeError) as caught:
            async for _ in gm.group_messages.iter("42"):
                pass
    assert caught.value.limit == 64
    # Unlike a garbled page, the same page again would be just as large.
    assert len(requests) == 1
