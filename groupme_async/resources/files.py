"""The file service (``file.groupme.com``): documents shared in a conversation."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager

import attrs

from .._bodies import Source, make_body
from .._constants import MAX_FILE_BYTES
from .._ids import check_conversation_id, check_file_id
from .._polling import upload_and_wait
from .._requester import ByteStream
from .._routes import FILES_DOWNLOAD, FILES_METADATA, FILES_STATUS, FILES_UPLOAD, Bound
from ..errors import APITimeoutError, NotFoundError, ResponseDecodeError
from ..models import FileAttachment, FileInfo
from ._base import Download, Resource, check_id_list

#: The content type GroupMe's own web client sends with a raw file upload
#: (the service ignores it; the documented working request carries it).
UPLOAD_CONTENT_TYPE = "application/json"
MAX_NAME_LENGTH = 255


def check_file_name(name: object) -> str:
    """A file name for ``?name=``: 1 to 255 characters, no control
    characters, no path separators."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name must be a non-empty string (the file's name)")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"name is {len(name)} characters; at most {MAX_NAME_LENGTH}")
    if any(not c.isprintable() for c in name) or "/" in name or "\\" in name:
        raise ValueError("name must be a plain file name: no control characters or slashes")
    return name


class FileDownload(Download):
    """A file being downloaded (from :meth:`Files.download`).

    ``info`` holds its name, size and type; iterate it once for the bytes
    (``async for chunk in download``) or ``await download.read()``.
    """

    def __init__(self, info: FileInfo, stream: ByteStream) -> None:
        super().__init__(stream)
        self.info = info
        """What the file service says about the file."""


class Files(Resource):
    """GroupMe's file service: upload a file to a conversation, send the
    attachment it returns, and download files by id."""

    __slots__ = ()

    async def upload(
        self, conversation_id: str, data: Source, name: str, *, size: int | None = None
    ) -> FileAttachment:
        """Upload a file (under 50 MiB) to a group or DM chat; send the
        :class:`FileAttachment` this returns to share it there.

        ``data`` is ``bytes``, a file path, or an async iterator of bytes
        (streamed, never held in memory whole; ``size=`` is its exact
        length, sent as Content-Length).  Bytes and files of 50 MiB or
        more are a ``ValueError`` before anything is sent; a stream is
        counted as it goes and stopped with a ``ValueError`` as soon as it
        passes the limit.  ``name`` is the name the file is shown under.

        The service answers with a job; this polls it (backing off, within
        the retry policy's deadline, which covers the whole call) until the
        file is ready.  A failed job is an :class:`UploadFailedError`.
        Attempts are retried like any call, except an async iterator that
        had already started to go out; a retry after a lost answer uploads
        a second copy, which is harmless (nothing is posted until you send
        the attachment).  Files uploaded to one conversation cannot be
        shared in another.
        """
        target = FILES_UPLOAD.bind(conversation_id=conversation_id)
        params = {"name": check_file_name(name)}
        body = await make_body(data, UPLOAD_CONTENT_TYPE, size=size, limit=MAX_FILE_BYTES - 1)
        done = await upload_and_wait(
            self._r, target, body, family="file", status=FILES_STATUS, params=params
        )
        try:
            file_id = check_file_id(done.get("file_id"))
        except ValueError:
            raise ResponseDecodeError(
                FILES_STATUS.label, "no valid file_id in the answer"
            ) from None
        return FileAttachment(file_id=file_id)

    async def metadata(self, conversation_id: str, file_ids: Sequence[str]) -> list[FileInfo]:
        """Name, size and type of files in a conversation (``fileData``)."""
        target = FILES_METADATA.bind(conversation_id=conversation_id)
        ids = [check_file_id(i) for i in check_id_list(file_ids, "file_ids")]
        if not ids:
            raise ValueError("give at least one file id")
        return await self._r.call(target, json={"file_ids": ids})

    def download(
        self, conversation_id: str, file_id: str, *, max_bytes: int = MAX_FILE_BYTES
    ) -> AbstractAsyncContextManager[FileDownload]:
        """Download a file, streamed::

            async with gm.files.download(group_id, attachment.file_id) as download:
                print(download.info.file_name, download.info.file_size)
                async for chunk in download:
                    out.write(chunk)

        A file the conversation does not have is a :class:`NotFoundError`;
        one larger than ``max_bytes`` (by its metadata, or by what arrives)
        is a :class:`ResponseDecodeError`.  The retry policy's
        deadline covers the whole download, including the time your code
        spends between chunks; derive a client with a longer one
        (``gm.with_options(retry=...)``) for big files on slow links.  The
        connection is released when the ``async with`` block ends.
        """
        cid = check_conversation_id(conversation_id)
        target = FILES_DOWNLOAD.bind(conversation_id=cid, file_id=file_id)
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise ValueError(f"max_bytes must be a positive integer, got {max_bytes!r}")
        return self._download(cid, check_file_id(file_id), target, max_bytes)

    @contextlib.asynccontextmanager
    async def _download(
        self, conversation_id: str, file_id: str, target: Bound[None], max_bytes: int
    ) -> AsyncIterator[FileDownload]:
        r = self._r
        deadline_at = r.clock() + r.retry.deadline
        label = target.route.label
        infos = await self.metadata(conversation_id, [file_id])
        info = next((i for i in infos if i.file_id == file_id), None)
        if info is None:
            # The service leaves out files it does not know in this
            # conversation: for a download that is a 404.
            raise NotFoundError(
                404,
                [f"no file {file_id} in conversation {conversation_id}"],
                endpoint=FILES_METADATA.label,
            )
        if info.file_size is not None and info.file_size > max_bytes:
            raise ResponseDecodeError(
                label, f"the file is {info.file_size} bytes, more than max_bytes ({max_bytes})"
            )
        remaining = deadline_at - r.clock()
        if remaining <= 0:
            raise APITimeoutError(f"{label}: the call's deadline passed before the download")
        async with r.stream(
            target,
            max_bytes=max_bytes,
            headers={"Accept": "*/*"},
            retry=attrs.evolve(r.retry, deadline=remaining),
        ) as stream:
            yield FileDownload(info, stream)
