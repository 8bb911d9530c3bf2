"""The engine under uploads and downloads: streamed bodies (and their memory),
what may be retried, server-chosen status URLs, polling and download deadlines.

These use a small transport that sees request bodies as streams (respx reads
every body whole before answering, which would hide what is measured here).
"""

from __future__ import annotations

import gzip
import random
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from groupme_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncGroupMe,
    FileAttachment,
    ResponseDecodeError,
    RetryPolicy,
)
from groupme_async._bodies import Multipart, StreamBody
from groupme_async._polling import check_status_url

from ..clock import VirtualClock
from .conftest import TOKEN

FILES = "https://file.groupme.com/v1"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)

Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


class Server(httpx.AsyncBaseTransport):
    """Answers every request with ``handler``, which gets the body as a stream."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.handler(request)


async def drain(request: httpx.Request) -> int:
    """Read a request body chunk by chunk, keeping none of it."""
    size = 0
    async for chunk in request.stream:  # type: ignore[union-attr]
        size += len(chunk)
    return size


def file_service(received: list[int], statuses: list[dict[str, Any]] | None = None) -> Handler:
    """A file service that drains uploads and answers the status polls in order."""
    answers = list(statuses or [{"status": "complete", "file_id": "f1"}])

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/files"):
            received.append(await drain(request))
            return httpx.Response(201, json={"status_url": f"{FILES}/42/uploadStatus?job=1"})
        return httpx.Response(200, json=answers.pop(0) if len(answers) > 1 else answers[0])

    return handle


def client(transport: httpx.AsyncBaseTransport, **kwargs: Any) -> AsyncGroupMe:
    kwargs.setdefault("rng", random.Random(0))
    return AsyncGroupMe(TOKEN, transport=transport, **kwargs)


# --- memory ---------------------------------------------------------------------------


async def test_a_30_mb_stream_is_uploaded_without_holding_it_in_memory() -> None:
    chunk_size = 2**20
    total = 30 * chunk_size

    async def produce() -> AsyncIterator[bytes]:
        for _ in range(total // chunk_size):
            yield bytes(chunk_size)  # a new buffer each time: a leak would pile up

    received: list[int] = []
    async with client(Server(file_service(received))) as gm:
        tracemalloc.start()
        try:
            result = await gm.files.upload("42", produce(), "big.bin")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result == FileAttachment(file_id="f1")
    assert received == [total]
    # A few chunks in flight at most, nowhere near the 30 MB that went out.
    assert peak < 5 * chunk_size, f"peak {peak / 2**20:.1f} MiB"


async def test_a_file_is_read_in_chunks_not_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    with path.open("wb") as f:
        f.truncate(20 * 2**20)
    received: list[int] = []
    async with client(Server(file_service(received))) as gm:
        tracemalloc.start()
        try:
            await gm.files.upload("42", path, "big.bin")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert received == [20 * 2**20]
    assert peak < 4 * 2**20, f"peak {peak / 2**20:.1f} MiB"


# --- what may be retried ------------------------------------------------------------------


async def test_a_stream_is_retried_when_the_failed_attempt_took_none_of_it() -> None:
    attempts = 0

    async def refuse_then_drain(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise httpx.ConnectError("refused", request=request)  # before any byte
        body = b"".join([c async for c in request.stream])  # type: ignore[union-attr]
        assert body == PNG + b"tail"
        url = "https://i.groupme.com/1x1.png.a"
        return httpx.Response(200, json={"payload": {"url": url, "picture_url": url}})

    async def produce() -> AsyncIterator[bytes]:
        yield PNG
        yield b"tail"

    async def no_sleep(_: float) -> None:
        pass

    async with client(Server(refuse_then_drain), sleep=no_sleep) as gm:
        await gm.images.upload(produce())
    assert attempts == 2


async def test_a_stream_that_fails_midway_is_not_sent_again() -> None:
    taken: list[bytes] = []

    async def cut_off(request: httpx.Request) -> httpx.Response:
        async for chunk in request.stream:  # type: ignore[union-attr]
            taken.append(chunk)
            raise httpx.WriteError("connection reset", request=request)
        raise AssertionError("unreachable")

    async def produce() -> AsyncIterator[bytes]:
        yield PNG
        yield b"more"

    server = Server(cut_off)
    async with client(server, sleep=VirtualClock().sleep) as gm:
        with pytest.raises(APIConnectionError) as caught:
            await gm.images.upload(produce())
    assert len(server.requests) == 1 and taken == [PNG]
    assert any("not retried" in note for note in caught.value.__notes__)


async def test_a_file_that_changes_while_it_uploads_stops_the_upload(tmp_path: Path) -> None:
    path = tmp_path / "growing.bin"
    path.write_bytes(bytes(600 * 1024))  # three read chunks

    async def shrink_midway(request: httpx.Request) -> httpx.Response:
        async for _ in request.stream:  # type: ignore[union-attr]
            path.write_bytes(b"short")
        return httpx.Response(201)

    async with client(Server(shrink_midway)) as gm:
        with pytest.raises(ValueError, match="changed"):
            await gm.files.upload("42", path, "growing.bin")


async def test_an_aborted_stream_is_reported_to_the_rate_limiter() -> None:
    reports: list[int | None] = []

    class Recorder:
        async def acquire(self) -> None:
            pass

        def report(self, status: int | None) -> None:
            reports.append(status)

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield bytes(8 * 2**20)

    async with client(Server(file_service([])), rate_limiter=Recorder()) as gm:
        with pytest.raises(ValueError, match="limit"):
            await gm.files.upload("42", endless(), "x.bin")
    assert reports == [None]


# --- deadlines ------------------------------------------------------------------------


async def test_polling_gives_up_at_the_calls_deadline_under_a_virtual_clock() -> None:
    clock = VirtualClock(100.0)
    received: list[int] = []
    server = Server(file_service(received, [{"status": "pending"}]))
    policy = RetryPolicy(deadline=10.0)
    async with client(server, clock=clock, sleep=clock.sleep, retry=policy) as gm:
        with pytest.raises(APITimeoutError, match="pending") as caught:
            await gm.files.upload("42", b"data", "x.txt")
    polls = [r for r in server.requests if r.method == "GET"]
    # Polls at 0, 0.5, 1.5, 3.5 and 7.5 s; the next would come after 12.5 s.
    assert len(polls) == 5
    assert clock.now == 107.5
    assert "5 polls" in str(caught.value)
    assert TOKEN not in str(caught.value)


async def test_polling_backs_off_to_its_ceiling() -> None:
    clock = VirtualClock(0.0)
    statuses = [{"status": "pending"}] * 7 + [{"status": "complete", "file_id": "f9"}]
    server = Server(file_service([], statuses))
    async with client(server, clock=clock, sleep=clock.sleep) as gm:
        assert (await gm.files.upload("42", b"x", "x.txt")).file_id == "f9"
    # 0.5, 1, 2, 4, then 5 s apiece.
    assert clock.now == 0.5 + 1 + 2 + 4 + 5 + 5 + 5


async def test_a_stream_slower_than_the_deadline_is_stopped() -> None:
    clock = VirtualClock(0.0)
    produced = 0

    async def slow() -> AsyncIterator[bytes]:
        nonlocal produced
        yield PNG
        while True:
            await clock.sleep(1.0)
            produced += 1
            yield b"x" * 10

    async def drain_all(request: httpx.Request) -> httpx.Response:
        await drain(request)
        return httpx.Response(200)

    policy = RetryPolicy(deadline=5.0)
    async with client(Server(drain_all), clock=clock, sleep=clock.sleep, retry=policy) as gm:
        with pytest.raises(APITimeoutError):
            await gm.images.upload(slow())
    assert produced <= 6


async def test_a_download_is_bounded_by_the_deadline_between_chunks() -> None:
    clock = VirtualClock(0.0)

    async def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/fileData"):
            return httpx.Response(200, json=[{"file_id": "a1", "file_data": {"file_size": 40}}])

        async def body() -> AsyncIterator[bytes]:
            for _ in range(4):
                yield bytes(10)

        return httpx.Response(200, content=body())

    policy = RetryPolicy(deadline=5.0)
    got: list[bytes] = []
    gm = client(Server(serve), clock=clock, sleep=clock.sleep, retry=policy)
    async with gm, gm.files.download("42", "a1") as download:
        with pytest.raises(APITimeoutError, match="download"):
            async for chunk in download:
                got.append(chunk)
                await clock.sleep(2.0)  # the caller is slow with each chunk
    assert len(got) == 3


async def test_a_streamed_download_is_decompressed_and_capped_after_inflating() -> None:
    data = b"GroupMe " * 10_000

    async def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/fileData"):
            return httpx.Response(200, json=[{"file_id": "a1", "file_data": {}}])
        packed = gzip.compress(data)

        async def body() -> AsyncIterator[bytes]:
            for i in range(0, len(packed), 100):
                yield packed[i : i + 100]

        return httpx.Response(200, content=body(), headers={"content-encoding": "gzip"})

    async with client(Server(serve)) as gm:
        async with gm.files.download("42", "a1") as download:
            assert await download.read() == data
        async with gm.files.download("42", "a1", max_bytes=len(data) - 1) as download:
            with pytest.raises(ResponseDecodeError, match="larger"):
                await download.read()


async def test_a_download_that_breaks_off_is_a_connection_error() -> None:
    async def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/fileData"):
            return httpx.Response(200, json=[{"file_id": "a1", "file_data": {}}])

        async def body() -> AsyncIterator[bytes]:
            yield b"first part"
            raise httpx.RemoteProtocolError("peer closed connection")

        return httpx.Response(200, content=body())

    async with client(Server(serve)) as gm, gm.files.download("42", "a1") as download:
        with pytest.raises(APIConnectionError, match="during the download"):
            await download.read()


# --- status URLs the server chooses -------------------------------------------------------


@pytest.mark.parametrize(
    "status_url",
    [
        "https://evil.example/v1/42/uploadStatus?job=1",
        "https://file.groupme.com.evil.example/v1/42/uploadStatus?job=1",
        "http://file.groupme.com/v1/42/uploadStatus?job=1",  # downgraded
        "https://file.groupme.com:8443/v1/42/uploadStatus?job=1",
        "https://me:pw@file.groupme.com/v1/42/uploadStatus?job=1",
        "https://api.groupme.com/v3/users/me",  # GroupMe, but not the file service
        "https://file.groupme.com/v2/42/uploadStatus?job=1",
        "https://file.groupme.com/v1/../v3/users/me",
        "https://file.groupme.com/v1/%2e%2e/x",
        "https://file.groupme.com/v1/42/uploadStatus#frag",
        "/v1/42/uploadStatus?job=1",
        "javascript:alert(1)",
        "https://file.groupme.com/v1/42/upload Status",
        "",
        None,
        42,
    ],
)
async def test_a_status_url_off_the_service_is_refused_and_never_requested(
    status_url: Any,
) -> None:
    async def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/files"):
            return httpx.Response(201, json={"status_url": status_url})
        raise AssertionError(f"the client followed {request.url}")

    server = Server(serve)
    async with client(server) as gm:
        with pytest.raises(ResponseDecodeError, match="status_url") as caught:
            await gm.files.upload("42", b"data", "x.txt")
    assert [r.url.path for r in server.requests] == ["/v1/42/files"]
    assert "pw" not in str(caught.value)


_HOSTS = st.sampled_from(
    ["file.groupme.com", "FILE.groupme.com", "evil.example", "file.groupme.com.evil", "127.0.0.1"]
)
_SEGMENT = st.text(alphabet="abc09.%2e/\\?#@:+-_", min_size=0, max_size=8)


@given(
    scheme=st.sampled_from(["https", "http", "ftp"]),
    host=_HOSTS,
    port=st.sampled_from(["", ":443", ":80", ":8443"]),
    segments=st.lists(_SEGMENT, max_size=4),
    prefix=st.sampled_from(["/v1", "/v2", "", "/v1/"]),
)
def test_a_checked_status_url_is_always_under_the_service(
    scheme: str, host: str, port: str, segments: list[str], prefix: str
) -> None:
    base = "https://file.groupme.com/v1"
    url = f"{scheme}://{host}{port}{prefix}/" + "/".join(segments)
    try:
        checked = check_status_url(url, base, "GET file /x")
    except ResponseDecodeError:
        return
    assert checked.startswith(base + "/")
    rest = checked[len(base) :].partition("?")[0]
    assert ".." not in rest.split("/") and "%2e" not in rest.lower()
    assert httpx.URL(checked).host == "file.groupme.com"


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/v3/x", "https://api.groupme.com/v3evil/x", "http://api.groupme.com/v3"],
)
async def test_the_requester_never_sends_the_token_outside_the_origin(url: str) -> None:
    server = Server(file_service([]))
    async with client(server) as gm:
        with pytest.raises(ValueError, match="outside"):
            # The engine's own guard, under every resource.
            await gm._requester.request("GET", url, "GET /x")
    assert server.requests == []


# --- bodies -------------------------------------------------------------------------------


@given(data=st.binary(min_size=1, max_size=3000), cuts=st.lists(st.integers(1, 400), max_size=12))
def test_multipart_framing_carries_any_stream_byte_for_byte(data: bytes, cuts: list[int]) -> None:
    async def pieces() -> AsyncIterator[bytes]:
        start = 0
        for cut in cuts:
            yield data[start : start + cut]
            start += cut
        yield data[start:]

    body = Multipart(StreamBody(pieces(), "video/mp4"), field="file", filename="video.mp4")

    async def send() -> bytes:
        content = body.open(lambda: None)
        assert not isinstance(content, bytes)
        return b"".join([c async for c in content])

    framed = anyio.run(send)
    boundary = body.content_type.split("boundary=")[1].encode()
    head, _, rest = framed.partition(b"\r\n\r\n")
    assert head.startswith(b"--" + boundary + b"\r\n")
    assert rest == data + b"\r\n--" + boundary + b"--\r\n"
    assert not body.rewind()  # a stream, once sent
