"""Request bodies that are not JSON: bytes, files on disk and async streams.

An upload's data is one of three things, and they differ in the one way the
retry loop cares about:

* ``bytes`` (or ``bytearray``/``memoryview``) are in memory: sent again as
  often as needed.
* a path (``str`` or ``os.PathLike``) is read in chunks while it is sent and
  reopened for a retry, so it is never held in memory whole.
* an async iterator of bytes is streamed once, as it is produced.  It cannot
  be rewound: if an attempt fails after its first chunk went out, there is no
  second attempt (resending half a body would upload garbage).  An attempt
  that failed before taking any chunk can still be retried.

:class:`Body` is what :meth:`Requester.request` takes as ``content``; the
requester asks :meth:`Body.rewind` before every retry.  :class:`Multipart`
wraps any body as the one file of a ``multipart/form-data`` request, still
streamed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Callable

import anyio

#: Bytes read from a file per chunk (and the most a stream chunk is cut to
#: for the size checks; a stream's own chunks are passed on as they come).
CHUNK_SIZE = 256 * 1024

#: What an upload accepts.
Source = bytes | bytearray | memoryview | str | os.PathLike[str] | AsyncIterable[bytes]

Check = Callable[[], None]


class UploadAborted(Exception):
    """Raised from inside a body while httpx is sending it: the requester
    stops the attempt, reports it, and raises ``error`` (never retried)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class Body:
    """A request body the requester can send, and maybe send again."""

    content_type: str
    size: int | None
    """Bytes in all, when known before sending (it becomes Content-Length)."""

    def headers(self) -> dict[str, str]:
        """Content-Type, and Content-Length when the size is known (else the
        body goes chunked)."""
        found = {"Content-Type": self.content_type}
        if self.size is not None:
            found["Content-Length"] = str(self.size)
        return found

    def open(self, check: Check) -> bytes | AsyncIterator[bytes]:
        """The content for one attempt.  ``check`` runs before every chunk
        (the requester's deadline) and may raise to stop the attempt."""
        raise NotImplementedError

    def rewind(self) -> bool:
        """Whether another attempt may send the body (again)."""
        raise NotImplementedError

    async def head(self, n: int) -> bytes:
        """The first ``n`` bytes (fewer if the body is shorter), without
        using anything up: an attempt still sends them."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Release what the body holds (a stream the caller gave)."""


class BytesBody(Body):
    """Bytes in memory."""

    def __init__(self, data: bytes, content_type: str) -> None:
        self.data = data
        self.content_type = content_type
        self.size = len(data)

    def open(self, check: Check) -> bytes:
        check()
        return self.data

    def rewind(self) -> bool:
        return True

    async def head(self, n: int) -> bytes:
        return self.data[:n]


class FileBody(Body):
    """A file read in chunks as it is sent; every attempt reopens it."""

    def __init__(self, path: anyio.Path, size: int, content_type: str) -> None:
        self.path = path
        self.size = size
        self.content_type = content_type

    def open(self, check: Check) -> AsyncIterator[bytes]:
        return self._chunks(check)

    async def _chunks(self, check: Check) -> AsyncIterator[bytes]:
        assert self.size is not None
        left = self.size
        try:
            async with await self.path.open("rb") as f:
                while left:
                    check()
                    chunk = await f.read(min(CHUNK_SIZE, left))
                    if not chunk:
                        break
                    left -= len(chunk)
                    yield chunk
                extra = await f.read(1)
        except OSError as exc:
            raise UploadAborted(exc) from None
        if left or extra:
            # Content-Length already promised the size taken before sending.
            raise UploadAborted(ValueError(f"{self.path.name} changed while it was being uploaded"))

    def rewind(self) -> bool:
        return True

    async def head(self, n: int) -> bytes:
        async with await self.path.open("rb") as f:
            return await f.read(n)


class StreamBody(Body):
    """An async iterator of bytes, sent once as it is produced.

    ``limit``: more bytes than this stops the upload (counted as they pass,
    so a stream of unknown length is refused before the server gets it all).
    ``size``: the caller's promise of the exact length, sent as
    Content-Length (some services want one); a stream that breaks it stops
    the upload.
    """

    def __init__(
        self,
        stream: AsyncIterable[bytes],
        content_type: str,
        *,
        size: int | None = None,
        limit: int | None = None,
    ) -> None:
        self._source = stream
        self._iterator: AsyncIterator[bytes] | None = None
        self._peeked: list[bytes] = []
        self.content_type = content_type
        self.size = size
        self.limit = limit
        self.sent = 0
        """Bytes already handed to httpx: after the first, no retry."""
        self._started = False

    def _iter(self) -> AsyncIterator[bytes]:
        if self._iterator is None:
            self._iterator = aiter(self._source)
        return self._iterator

    async def _next(self) -> bytes | None:
        """The stream's next chunk as ``bytes``, or ``None`` at its end."""
        try:
            chunk = await anext(self._iter())
        except StopAsyncIteration:
            return None
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise TypeError(f"the upload stream yielded {type(chunk).__name__}, not bytes")
        return bytes(chunk)

    async def head(self, n: int) -> bytes:
        have = sum(len(c) for c in self._peeked)
        while have < n:
            chunk = await self._next()
            if chunk is None:
                break
            if chunk:
                self._peeked.append(chunk)
                have += len(chunk)
        return b"".join(self._peeked)[:n]

    def open(self, check: Check) -> AsyncIterator[bytes]:
        return self._chunks(check)

    async def _chunks(self, check: Check) -> AsyncIterator[bytes]:
        self._started = True
        while True:
            check()
            if self._peeked:
                chunk: bytes | None = self._peeked.pop(0)
            else:
                try:
                    chunk = await self._next()
                except Exception as exc:
                    raise UploadAborted(exc) from None
            if chunk is None:
                break
            if not chunk:
                continue
            total = self.sent + len(chunk)
            if self.limit is not None and total > self.limit:
                raise UploadAborted(
                    ValueError(
                        f"the upload stream is larger than the service's limit of "
                        f"{self.limit} bytes; stopped after {self.sent} bytes"
                    )
                )
            if self.size is not None and total > self.size:
                raise UploadAborted(
                    ValueError(f"the upload stream is longer than size={self.size}")
                )
            self.sent = total
            yield chunk
        if self.size is not None and self.sent != self.size:
            raise UploadAborted(
                ValueError(f"the upload stream ended after {self.sent} bytes, not size={self.size}")
            )

    def rewind(self) -> bool:
        # Nothing reached httpx yet: the next attempt starts from the same
        # place (peeked chunks are kept for it).
        return self.sent == 0

    async def aclose(self) -> None:
        closer = getattr(self._iterator or self._source, "aclose", None)
        if closer is not None:
            await closer()


class Multipart(Body):
    """``inner`` as the single file field of a ``multipart/form-data`` body,
    streamed between its boundary lines (rewindable if ``inner`` is)."""

    def __init__(self, inner: Body, *, field: str, filename: str) -> None:
        for value in (field, filename):
            # Fixed by the library, never caller text: nothing to escape.
            if not value.replace(".", "").replace("_", "").isalnum():
                raise ValueError(f"unsafe multipart name {value!r}")
        self.inner = inner
        boundary = secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={boundary}"
        self._prefix = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {inner.content_type}\r\n\r\n"
        ).encode("ascii")
        self._suffix = f"\r\n--{boundary}--\r\n".encode("ascii")
        self.size = (
            None if inner.size is None else len(self._prefix) + inner.size + len(self._suffix)
        )

    def open(self, check: Check) -> AsyncIterator[bytes]:
        return self._chunks(check)

    async def _chunks(self, check: Check) -> AsyncIterator[bytes]:
        check()
        yield self._prefix
        content = self.inner.open(check)
        if isinstance(content, bytes):
            yield content
        else:
            async for chunk in content:
                yield chunk
        yield self._suffix

    def rewind(self) -> bool:
        return self.inner.rewind()

    async def head(self, n: int) -> bytes:
        return await self.inner.head(n)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def make_body(
    data: Source,
    content_type: str,
    *,
    size: int | None = None,
    limit: int | None = None,
) -> Body:
    """The :class:`Body` for an upload's ``data``; ``ValueError`` (before any
    request) for empty data, data over ``limit`` bytes, or a ``size`` given
    for anything but a stream, whose length is known anyway."""
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"size must be a positive number of bytes, got {size!r}")
        if not isinstance(data, AsyncIterable):
            raise ValueError("size= is only for async iterators (other data has a known length)")
    body: Body
    if isinstance(data, bytes | bytearray | memoryview):
        body = BytesBody(bytes(data), content_type)
    elif isinstance(data, str | os.PathLike):
        path = anyio.Path(os.fspath(data))
        stat = await path.stat()
        if not await path.is_file():
            raise ValueError(f"{path.name!r} is not a regular file")
        body = FileBody(path, stat.st_size, content_type)
    elif isinstance(data, AsyncIterable):
        body = StreamBody(data, content_type, size=size, limit=limit)
    else:
        raise TypeError(
            "data must be bytes, a file path or an async iterator of bytes, "
            f"not {type(data).__name__}"
        )
    if body.size == 0:
        raise ValueError("there is nothing to upload: the data is empty")
    if limit is not None and body.size is not None and body.size > limit:
        raise ValueError(f"the data is {body.size} bytes; the service takes at most {limit}")
    return body
