"""FakeGroupMe's image, file and video services over plain HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from groupme_async.testing import FakeGroupMe

from .conftest import http_client

PNG_640x480 = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    + (640).to_bytes(4, "big")
    + (480).to_bytes(4, "big")
    + bytes(20)
)
GIF_3x2 = b"GIF89a\x03\x00\x02\x00" + bytes(20)
# An APP0 segment, then a start-of-frame: 32 x 16.
JPEG_32x16 = b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08\x00\x10\x00\x20\x03" + bytes(12)
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(100)


def group_of(fake: FakeGroupMe) -> str:
    return next(c.id for c in fake.conversations() if c.kind == "group")


def multipart(data: bytes, field: str = "file", boundary: str = "b0undary") -> dict[str, Any]:
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="v.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return {
        "content": body,
        "headers": {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    }


# --- images ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "prefix"),
    [
        (PNG_640x480, "https://i.groupme.com/640x480.png."),
        (GIF_3x2, "https://i.groupme.com/3x2.gif."),
        (JPEG_32x16, "https://i.groupme.com/32x16.jpeg."),
    ],
)
async def test_an_image_url_comes_from_its_content(
    data: bytes, prefix: str, http: httpx.AsyncClient
) -> None:
    first = await http.post("/image/pictures", content=data)
    again = await http.post("/image/pictures", content=data)
    other = await http.post("/image/pictures", content=data + b"\x01")
    assert first.status_code == 200, first.text
    payload = first.json()["payload"]  # no envelope, as the real service answers
    assert payload["url"].startswith(prefix) and payload["picture_url"] == payload["url"]
    assert again.json() == first.json()
    assert other.json()["payload"]["url"] != payload["url"]


async def test_an_image_import_by_url(http: httpx.AsyncClient) -> None:
    imported = await http.post("/image/pictures", params={"url": "https://example.com/a.png"})
    assert imported.status_code == 200
    assert imported.json()["payload"]["url"].startswith("https://i.groupme.com/")
    for bad in ("ftp://example.com/a.png", "https://u:p@example.com/a.png", "nonsense"):
        assert (await http.post("/image/pictures", params={"url": bad})).status_code == 400


async def test_non_images_and_multipart_bodies_are_refused(http: httpx.AsyncClient) -> None:
    assert (await http.post("/image/pictures", content=b"%PDF-1.7")).status_code == 400
    assert (await http.post("/image/pictures", content=b"\xff\xd8\xff")).status_code == 400
    # The live service fails multipart image uploads with a 500.
    response = await http.post("/image/pictures", **multipart(PNG_640x480))
    assert response.status_code == 500


# --- files ------------------------------------------------------------------------------


async def test_a_file_upload_goes_through_its_job() -> None:
    fake = FakeGroupMe(seed=7, processing_polls=2)
    gid = group_of(fake)
    async with http_client(fake) as http:
        upload = await http.post(
            f"/file/{gid}/files", params={"name": "notes.txt"}, content=b"hello"
        )
        assert upload.status_code == 201
        status_url = upload.json()["status_url"]
        assert status_url.startswith(f"http://fake/file/{gid}/uploadStatus?job=")
        statuses = [(await http.get(status_url)).json() for _ in range(3)]
        assert statuses[:2] == [{"status": "pending"}] * 2
        assert statuses[2]["status"] == "complete"
        file_id = statuses[2]["file_id"]
        data = await http.post(f"/file/{gid}/fileData", json={"file_ids": [file_id, "nope"]})
        assert data.json() == [
            {
                "file_id": file_id,
                "file_data": {"file_name": "notes.txt", "file_size": 5, "mime_type": "text/plain"},
            }
        ]
        download = await http.post(f"/file/{gid}/files/{file_id}")
        assert download.content == b"hello"
        assert download.headers["content-type"] == "text/plain"


async def test_a_file_is_not_there_until_its_job_completes(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    gid = group_of(fake)
    upload = await http.post(f"/file/{gid}/files", params={"name": "a.bin"}, content=b"x")
    status_url = upload.json()["status_url"]
    assert (await http.get(status_url)).json() == {"status": "pending"}
    assert (await http.post(f"/file/{gid}/fileData", json={"file_ids": ["x"]})).json() == []
    file_id = (await http.get(status_url)).json()["file_id"]
    assert (await http.post(f"/file/{gid}/files/{file_id}")).content == b"x"


async def test_a_file_belongs_to_its_conversation() -> None:
    fake = FakeGroupMe(seed=7, processing_polls=0)
    groups = [c.id for c in fake.conversations() if c.kind == "group"]
    async with http_client(fake) as http:
        upload = await http.post(f"/file/{groups[0]}/files", params={"name": "a"}, content=b"x")
        status_url = upload.json()["status_url"]
        file_id = (await http.get(status_url)).json()["file_id"]
        assert (await http.post(f"/file/{groups[1]}/files/{file_id}")).status_code == 404
        other = await http.post(f"/file/{groups[1]}/fileData", json={"file_ids": [file_id]})
        assert other.json() == []
        # Another conversation cannot poll the job either.
        stolen = status_url.replace(f"/file/{groups[0]}/", f"/file/{groups[1]}/")
        assert (await http.get(stolen)).status_code == 404


async def test_file_service_refusals(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    gid = group_of(fake)
    assert (await http.post(f"/file/{gid}/files", content=b"x")).status_code == 400
    assert (await http.post(f"/file/{gid}/files", params={"name": "a"})).status_code == 400
    assert (
        await http.post("/file/999/files", params={"name": "a"}, content=b"x")
    ).status_code == 404
    assert (await http.get(f"/file/{gid}/uploadStatus")).status_code == 400
    assert (await http.get(f"/file/{gid}/uploadStatus", params={"job": "x"})).status_code == 404
    assert (await http.post(f"/file/{gid}/fileData", json={"file_ids": "x"})).status_code == 400
    assert (await http.post(f"/file/{gid}/files/unknown")).status_code == 404


async def test_files_of_50_mb_are_refused(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    gid = group_of(fake)
    big = await http.post(f"/file/{gid}/files", params={"name": "a"}, content=bytes(50 * 2**20))
    assert big.status_code == 413


async def test_a_body_past_the_fakes_limit_is_413_not_cut_short(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    chunk = bytes(2**20)

    async def huge() -> AsyncIterator[bytes]:
        for _ in range(65):
            yield chunk  # the same buffer: the test itself stays small

    gid = group_of(fake)
    response = await http.post(f"/file/{gid}/files", params={"name": "a"}, content=huge())
    assert response.status_code == 413


# --- videos ------------------------------------------------------------------------------


async def test_a_video_is_transcoded_through_its_job(fake: FakeGroupMe) -> None:
    gid = group_of(fake)
    async with http_client(fake) as http:
        body = multipart(MP4)
        body["headers"]["X-Conversation-Id"] = gid
        started = await http.post("/video/transcode", **body)
        assert started.status_code == 200, started.text
        status_url = started.json()["status_url"]
        assert status_url.startswith("http://fake/video/status?job=")
        waiting = await http.get(status_url)
        assert waiting.json() == {"status": "enqueued"}
        done = await http.get(status_url)
        assert done.status_code == 201
        result = done.json()
        assert result["status"] == "complete"
        assert result["url"].startswith(f"https://v.groupme.com/{gid}/")
        assert result["thumbnail_url"].startswith(f"https://v.groupme.com/{gid}/")


async def test_a_video_the_fake_cannot_read_fails() -> None:
    fake = FakeGroupMe(seed=7, processing_polls=0)
    body = multipart(b"not a video at all")
    body["headers"]["X-Conversation-Id"] = group_of(fake)
    async with http_client(fake) as http:
        status_url = (await http.post("/video/transcode", **body)).json()["status_url"]
        assert (await http.get(status_url)).json() == {"status": "failed"}


async def test_video_service_refusals(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    body = multipart(MP4)
    assert (await http.post("/video/transcode", **body)).status_code == 400  # no conversation
    body["headers"]["X-Conversation-Id"] = "999"
    assert (await http.post("/video/transcode", **body)).status_code == 404
    body["headers"]["X-Conversation-Id"] = group_of(fake)
    wrong_field = multipart(MP4, field="video")
    wrong_field["headers"]["X-Conversation-Id"] = group_of(fake)
    assert (await http.post("/video/transcode", **wrong_field)).status_code == 400
    raw = await http.post(
        "/video/transcode", content=MP4, headers={"X-Conversation-Id": group_of(fake)}
    )
    assert raw.status_code == 400
    assert (await http.get("/video/status", params={"job": "x"})).status_code == 404


# --- what a message may carry ------------------------------------------------------------


async def send(http: httpx.AsyncClient, gid: str, attachments: list[dict[str, Any]]) -> int:
    body = {"message": {"source_guid": json.dumps(attachments), "attachments": attachments}}
    return (await http.post(f"/v3/groups/{gid}/messages", json=body)).status_code


async def test_a_message_takes_only_groupme_images_and_this_conversations_files() -> None:
    fake = FakeGroupMe(seed=7, processing_polls=0)
    groups = [c.id for c in fake.conversations() if c.kind == "group"]
    async with http_client(fake) as http:
        upload = await http.post(f"/file/{groups[0]}/files", params={"name": "a"}, content=b"x")
        file_id = (await http.get(upload.json()["status_url"])).json()["file_id"]
        image = {"type": "image", "url": "https://i.groupme.com/1x1.png.abc"}
        assert await send(http, groups[0], [image, {"type": "file", "file_id": file_id}]) == 201
        assert await send(http, groups[1], [{"type": "file", "file_id": file_id}]) == 400
        assert await send(http, groups[0], [{"type": "file", "file_id": "made-up"}]) == 400
        for url in ("https://example.com/a.png", "http://i.groupme.com/a", None):
            assert await send(http, groups[0], [{"type": "image", "url": url}]) == 400
