"""Uploads against FakeGroupMe: upload, send the attachment, find the message,
download the file back byte for byte; through faults and a virtual clock."""

from __future__ import annotations

import hashlib
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from groupme_async import (
    APITimeoutError,
    AsyncGroupMe,
    BadRequestError,
    ExternalImageWarning,
    FileAttachment,
    FileInfo,
    ImageAttachment,
    Message,
    NotFoundError,
    RetryPolicy,
    UploadFailedError,
    VideoAttachment,
)
from groupme_async.testing import FakeGroupMe

from ..clock import VirtualClock

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    + (320).to_bytes(4, "big")
    + (200).to_bytes(4, "big")
    + bytes(64)
)
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def document(size: int, seed: int = 0) -> bytes:
    """Incompressible, recognisable bytes."""
    out = bytearray()
    block = seed.to_bytes(8, "big")
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


async def pieces(data: bytes, size: int = 65_536) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def setup(
    processing_polls: int = 2, **kwargs: Any
) -> tuple[FakeGroupMe, VirtualClock, AsyncGroupMe]:
    clock = VirtualClock(10_000.0)
    retry = kwargs.pop("retry", RetryPolicy(max_attempts=30, base_delay=0.05, max_delay=1.0))
    fake = FakeGroupMe(
        seed=11,
        dm_chats=2,
        groups=2,
        messages_per_conversation=20,
        processing_polls=processing_polls,
        clock=clock,
        sleep=clock.sleep,
        **kwargs,
    )
    gm = fake.client(
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(5),
        retry=retry,
    )
    return fake, clock, gm


def conversation(fake: FakeGroupMe, kind: str, n: int = 0) -> Any:
    return [c for c in fake.conversations() if c.kind == kind][n]


async def newest(gm: AsyncGroupMe, group_id: str) -> Message:
    page = await gm.group_messages.list(group_id, limit=1)
    return page.messages[0]


async def test_upload_a_file_send_it_and_download_it_back(tmp_path: Path) -> None:
    fake, clock, gm = setup(processing_polls=3)
    group = conversation(fake, "group")
    data = document(3 * 2**20 + 17)
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    async with gm:
        started = clock.now
        attachment = await gm.files.upload(group.id, path, "report.pdf")
        assert clock.now - started == 0.5 + 1 + 2  # three polls waited on
        sent = await gm.group_messages.send(group.id, "the report", attachments=[attachment])
        # What a reader finds in the conversation is what was sent...
        found = await newest(gm, group.id)
        assert found.id == sent.id and found.attachments == (attachment,)
        (received,) = found.attachments
        assert isinstance(received, FileAttachment)
        # ...and downloading it gives the very bytes that went up.
        async with gm.files.download(group.id, received.file_id) as download:
            assert download.info == FileInfo(
                file_id=received.file_id,
                file_name="report.pdf",
                file_size=len(data),
                mime_type="application/pdf",
            )
            chunks = [chunk async for chunk in download]
        assert b"".join(chunks) == data
        assert await gm.files.metadata(group.id, [received.file_id]) == [download.info]


async def test_a_streamed_file_in_a_dm_round_trips() -> None:
    fake, _, gm = setup()
    dm = conversation(fake, "direct")
    data = document(700_001, seed=3)
    async with gm:
        attachment = await gm.files.upload(dm.conversation_id, pieces(data), "notes.txt")
        await gm.direct_messages.send(dm.id, attachments=[attachment])
        page = await gm.direct_messages.list(dm.id, limit=1)
        assert page.messages[0].attachments == (attachment,)
        async with gm.files.download(dm.conversation_id, attachment.file_id) as download:
            assert download.content_type == "text/plain"
            assert await download.read() == data


async def test_a_file_stays_in_its_conversation() -> None:
    fake, _, gm = setup(processing_polls=0)
    first, second = conversation(fake, "group", 0), conversation(fake, "group", 1)
    async with gm:
        attachment = await gm.files.upload(first.id, b"private", "a.txt")
        with pytest.raises(BadRequestError):
            await gm.group_messages.send(second.id, attachments=[attachment])
        with pytest.raises(NotFoundError):
            async with gm.files.download(second.id, attachment.file_id):
                pass


async def test_upload_an_image_and_send_it() -> None:
    fake, _, gm = setup()
    group = conversation(fake, "group")
    async with gm:
        from_bytes = await gm.images.upload(PNG)
        from_stream = await gm.images.upload(pieces(PNG, 10))
        assert from_bytes == from_stream  # the URL comes from the content
        assert from_bytes.url.startswith("https://i.groupme.com/320x200.png.")
        imported = await gm.images.import_url("https://example.com/cat.jpg")
        await gm.group_messages.send(
            group.id, "two pictures", attachments=[from_bytes.attachment(), imported.attachment()]
        )
        found = await newest(gm, group.id)
    assert found.attachments == (
        ImageAttachment(url=from_bytes.picture_url),
        ImageAttachment(url=imported.picture_url),
    )


async def test_an_image_off_groupme_warns_and_the_fake_refuses_it() -> None:
    fake, _, gm = setup()
    group = conversation(fake, "group")
    before = fake.message_count("group", group.id)
    async with gm:
        with pytest.warns(ExternalImageWarning), pytest.raises(BadRequestError):
            await gm.group_messages.send(
                group.id, attachments=[ImageAttachment(url="https://example.com/cat.jpg")]
            )
    assert fake.message_count("group", group.id) == before


async def test_upload_a_video_and_send_it() -> None:
    fake, clock, gm = setup(processing_polls=4)
    group = conversation(fake, "group")
    async with gm:
        started = clock.now
        video = await gm.videos.upload(group.id, pieces(MP4, 1000))
        assert clock.now - started == 0.5 + 1 + 2 + 4
        assert isinstance(video, VideoAttachment)
        assert video.url.startswith(f"https://v.groupme.com/{group.id}/")
        assert video.preview_url is not None
        await gm.group_messages.send(group.id, "watch", attachments=[video])
        assert (await newest(gm, group.id)).attachments == (video,)
        with pytest.raises(UploadFailedError) as caught:
            await gm.videos.upload(group.id, b"this is not a video")
    assert caught.value.service == "video"


async def test_a_job_that_never_finishes_ends_at_the_deadline() -> None:
    fake, clock, gm = setup(processing_polls=1000, retry=RetryPolicy(deadline=30.0))
    group = conversation(fake, "group")
    async with gm:
        started = clock.now
        with pytest.raises(APITimeoutError, match="pending"):
            await gm.files.upload(group.id, b"x", "x.txt")
    assert clock.now - started <= 30.0


async def test_uploads_and_downloads_through_faults() -> None:
    faults = ("500", "503", "502html", "drop", "truncate")
    fake, _, gm = setup(fault_rate=0.3, faults=faults)
    group = conversation(fake, "group")
    data = document(200_000, seed=9)
    async with gm:
        attachment = await gm.files.upload(group.id, data, "data.bin")
        image = await gm.images.upload(PNG)
        video = await gm.videos.upload(group.id, MP4)
        async with gm.files.download(group.id, attachment.file_id) as download:
            body = await download.read()
        await gm.group_messages.send(group.id, attachments=[attachment, image.attachment(), video])
    assert body == data
    assert fake.stats.faults.total() > 0
    fake.fault_rate = 0.0
    async with fake.client() as clean:
        assert (await newest(clean, group.id)).attachments == (
            attachment,
            image.attachment(),
            video,
        )


def test_uploads_and_downloads_run_under_trio(tmp_path: Path) -> None:
    import trio

    path = tmp_path / "a.bin"
    data = document(300_000, seed=4)
    path.write_bytes(data)

    async def scenario() -> None:
        fake, _, gm = setup(processing_polls=1)
        group = conversation(fake, "group")
        async with gm:
            from_path = await gm.files.upload(group.id, path, "a.bin")
            from_stream = await gm.files.upload(group.id, pieces(data), "b.bin")
            video = await gm.videos.upload(group.id, MP4)
            for attachment in (from_path, from_stream):
                async with gm.files.download(group.id, attachment.file_id) as download:
                    assert await download.read() == data
        assert video.url.startswith("https://v.groupme.com/")

    trio.run(scenario)
