from __future__ import annotations

from collections.abc import AsyncIterator

from .._requester import ByteStream, Requester


class Resource:
    """A family of endpoints; methods name a route, params and a model."""

    __slots__ = ("_r",)

    def __init__(self, requester: Requester) -> None:
        self._r = requester


def check_page(page: int, per_page: int) -> None:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise ValueError(f"page must be an integer >= 1, got {page!r}")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= 100:
        raise ValueError(f"per_page must be an integer from 1 to 100, got {per_page!r}")


def check_id_list(values: object, name: str) -> list[object]:
    """A list of ids; one string where a list belongs is a ``TypeError``
    (it would otherwise become a list of its characters)."""
    if isinstance(values, str | bytes) or not isinstance(values, list | tuple):
        raise TypeError(f"{name} must be a list of ids, not {type(values).__name__}")
    return list(values)


class Download:
    """A body being downloaded: iterate it once (``async for chunk in
    download``) or ``await download.read()``."""

    def __init__(self, stream: ByteStream) -> None:
        self._stream = stream

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` the download came with (what the host says, not what it is)."""
        value: str | None = self._stream.headers.get("content-type")
        return value

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._stream.__aiter__()

    async def read(self) -> bytes:
        """Every remaining byte (at most the download's ``max_bytes``)."""
        return b"".join([chunk async for chunk in self])
