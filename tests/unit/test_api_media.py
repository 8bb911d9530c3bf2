"""gm.images, gm.files, gm.videos with respx: URLs, headers, bodies, polling,
decoded results, and bad input refused before any request."""

from __future__ import annotations

import email.parser
import email.policy
import json
import warnings
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from groupme_async import (
    AsyncGroupMe,
    ExternalImageWarning,
    FileAttachment,
    FileInfo,
    ImageAttachment,
    NotFoundError,
    ResponseDecodeError,
    RetryPolicy,
    ServerError,
    UploadedImage,
    UploadFailedError,
    VideoAttachment,
)

from .conftest import TOKEN, SleepRecorder, envelope

PICTURES = "https://image.groupme.com/pictures"
FILES = "https://file.groupme.com/v1"
TRANSCODE = "https://video.groupme.com/transcode"
VIDEO_STATUS = "https://video.groupme.com/status"

#: The first bytes of each format, padded: enough for the signature checks.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0" + bytes(40)
GIF = b"GIF89a" + bytes(40)
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(200)
WEBM = b"\x1a\x45\xdf\xa3" + bytes(200)
MOV = b"\x00\x00\x00\x14ftypqt  " + bytes(200)


def picture(url: str = "https://i.groupme.com/640x480.png.abc") -> httpx.Response:
    return httpx.Response(200, json={"payload": {"url": url, "picture_url": url}})


async def chunks(data: bytes, size: int = 7) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def status_url(conversation_id: str = "42", job: str = "j1") -> str:
    return f"{FILES}/{conversation_id}/uploadStatus?job={job}"


def mock_file_upload(
    mock: respx.MockRouter, statuses: list[dict[str, Any]], conversation_id: str = "42"
) -> tuple[respx.Route, respx.Route]:
    upload = mock.post(f"{FILES}/{conversation_id}/files").mock(
        return_value=httpx.Response(201, json={"status_url": status_url(conversation_id)})
    )
    poll = mock.get(status_url(conversation_id)).mock(
        side_effect=[httpx.Response(200, json=s) for s in statuses]
    )
    return upload, poll


# --- images --------------------------------------------------------------------------


@pytest.mark.parametrize("data", [PNG, JPEG, GIF], ids=["png", "jpeg", "gif"])
async def test_image_upload_sends_raw_bytes_as_jpeg(data: bytes, gm: AsyncGroupMe) -> None:
    with respx.mock:
        route = respx.post(PICTURES).mock(return_value=picture())
        result = await gm.images.upload(data)
    request = route.calls.last.request
    assert request.content == data
    # The service takes PNG and GIF only when they are declared as JPEG.
    assert request.headers["content-type"] == "image/jpeg"
    assert request.headers["content-length"] == str(len(data))
    assert request.headers["x-access-token"] == TOKEN
    assert not request.url.query
    assert result == UploadedImage(
        url="https://i.groupme.com/640x480.png.abc",
        picture_url="https://i.groupme.com/640x480.png.abc",
    )
    assert result.attachment() == ImageAttachment(url="https://i.groupme.com/640x480.png.abc")


async def test_image_upload_on_base_url_goes_to_the_image_prefix(
    make_client: Callable[..., AsyncGroupMe],
) -> None:
    async with make_client(base_url="http://127.0.0.1:8000") as gm:
        with respx.mock:
            route = respx.post("http://127.0.0.1:8000/image/pictures").mock(return_value=picture())
            await gm.images.upload(PNG)
    assert route.call_count == 1


async def test_image_upload_from_a_path_is_retried_whole(
    tmp_path: Path, gm: AsyncGroupMe, sleeps: SleepRecorder
) -> None:
    path = tmp_path / "photo.png"
    data = PNG + bytes(range(256)) * 3000  # several read chunks
    path.write_bytes(data)
    with respx.mock:
        route = respx.post(PICTURES).mock(side_effect=[httpx.Response(503), picture(), picture()])
        await gm.images.upload(path)
        await gm.images.upload(str(path))
    assert route.call_count == 3
    assert [c.request.content for c in route.calls] == [data, data, data]
    assert route.calls[0].request.headers["content-length"] == str(len(data))
    assert len(sleeps.delays) == 1


async def test_image_upload_from_a_stream(gm: AsyncGroupMe) -> None:
    data = PNG + b"rest of the picture" * 50
    with respx.mock:
        route = respx.post(PICTURES).mock(return_value=picture())
        await gm.images.upload(chunks(data))
        await gm.images.upload(chunks(data, 100), size=len(data))
    unsized, sized = (c.request for c in route.calls)
    assert unsized.content == sized.content == data
    assert unsized.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in unsized.headers
    assert sized.headers["content-length"] == str(len(data))


async def test_a_stream_that_breaks_its_size_is_stopped(gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.post(PICTURES).mock(return_value=picture())
        with pytest.raises(ValueError, match="size="):
            await gm.images.upload(chunks(PNG), size=len(PNG) + 1)
        with pytest.raises(ValueError, match="size="):
            await gm.images.upload(chunks(PNG), size=len(PNG) - 1)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", ValueError),
        (b"%PDF-1.7 not an image", ValueError),
        (MP4, ValueError),
        (42, TypeError),
        ([PNG], TypeError),  # a sync iterable: not streamed, refused
    ],
    ids=["empty", "pdf", "mp4", "int", "list"],
)
async def test_image_upload_refuses_what_is_not_an_image_before_any_request(
    data: Any, error: type[Exception], gm: AsyncGroupMe
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=picture())
        with pytest.raises(error):
            await gm.images.upload(data)
    assert route.call_count == 0


async def test_image_upload_refuses_a_stream_that_is_not_an_image_before_sending(
    gm: AsyncGroupMe,
) -> None:
    closed: list[bool] = []

    async def pdf() -> AsyncIterator[bytes]:
        try:
            yield b"%PDF"
            yield b"-1.7"
            yield bytes(100)
        finally:
            closed.append(True)

    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=picture())
        with pytest.raises(ValueError, match="not an image"):
            await gm.images.upload(pdf())
    assert route.call_count == 0
    assert closed == [True]  # the caller's generator is not left suspended


async def test_size_is_only_for_streams(gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=picture())
        with pytest.raises(ValueError, match="size="):
            await gm.images.upload(PNG, size=len(PNG))
        with pytest.raises(ValueError, match="size"):
            await gm.images.upload(chunks(PNG), size=0)
    assert route.call_count == 0


async def test_import_url_passes_the_url_as_a_query_parameter(gm: AsyncGroupMe) -> None:
    source = "https://example.com/cat%20pictures/1.png?size=large&from=a"
    with respx.mock:
        route = respx.post(PICTURES).mock(return_value=picture())
        result = await gm.images.import_url(source)
    request = route.calls.last.request
    assert request.url.params["url"] == source
    assert request.content == b""
    assert request.headers["x-access-token"] == TOKEN
    assert isinstance(result, UploadedImage)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "https://user:secret@example.com/a.png",
        "https://example.com/a b\n.png",
        "//example.com/a.png",
        "https:///a.png",
        None,
    ],
)
async def test_import_url_refuses_bad_urls_before_any_request(url: Any, gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=picture())
        with pytest.raises(ValueError) as caught:
            await gm.images.import_url(url)
    assert route.call_count == 0
    assert "secret" not in str(caught.value)


# --- files -----------------------------------------------------------------------------


async def test_file_upload_polls_until_complete(gm: AsyncGroupMe, sleeps: SleepRecorder) -> None:
    data = b"%PDF-1.7\n" + bytes(1000)
    with respx.mock:
        upload, poll = mock_file_upload(
            respx.mock,
            [
                {"status": "pending"},
                {"status": "pending"},
                {"status": "complete", "file_id": "f-1"},
            ],
        )
        result = await gm.files.upload("42", data, "minutes of the meeting.pdf")
    assert result == FileAttachment(file_id="f-1")
    request = upload.calls.last.request
    assert request.url.params["name"] == "minutes of the meeting.pdf"
    assert request.content == data
    assert request.headers["content-length"] == str(len(data))
    assert request.headers["x-access-token"] == TOKEN
    assert poll.call_count == 3
    assert all(c.request.headers["x-access-token"] == TOKEN for c in poll.calls)
    assert sleeps.delays == [0.5, 1.0]  # backing off between polls


async def test_file_upload_to_a_dm_chat(gm: AsyncGroupMe) -> None:
    with respx.mock:
        upload, _ = mock_file_upload(
            respx.mock, [{"status": "complete", "file_id": "f2"}], conversation_id="12+34"
        )
        await gm.files.upload("12+34", b"data", "a.txt")
    assert upload.calls.last.request.url.path == "/v1/12+34/files"


async def test_file_upload_status_may_come_in_the_envelope(gm: AsyncGroupMe) -> None:
    with respx.mock:
        mock_file_upload(respx.mock, [envelope({"status": "complete", "file_id": "f3"})])
        assert (await gm.files.upload("42", b"x", "x.bin")).file_id == "f3"


async def test_file_upload_on_base_url(make_client: Callable[..., AsyncGroupMe]) -> None:
    base = "http://127.0.0.1:8000/file"
    async with make_client(base_url="http://127.0.0.1:8000") as gm:
        with respx.mock:
            upload = respx.post(f"{base}/42/files").mock(
                return_value=httpx.Response(
                    201, json={"status_url": f"{base}/42/uploadStatus?job=7"}
                )
            )
            poll = respx.get(f"{base}/42/uploadStatus").mock(
                return_value=httpx.Response(200, json={"status": "complete", "file_id": "f"})
            )
            await gm.files.upload("42", b"x", "x.txt")
    assert upload.call_count == poll.call_count == 1
    assert poll.calls.last.request.url.params["job"] == "7"


async def test_a_failed_file_job_is_an_upload_failed_error(gm: AsyncGroupMe) -> None:
    with respx.mock:
        mock_file_upload(respx.mock, [{"status": "pending"}, {"status": "failed"}])
        with pytest.raises(UploadFailedError) as caught:
            await gm.files.upload("42", b"x", "x.txt")
    assert caught.value.service == "file" and caught.value.status == "failed"


@pytest.mark.parametrize(
    "final",
    [{"status": "complete"}, {"status": "complete", "file_id": "../../etc"}, {"nope": 1}],
)
async def test_a_finished_file_job_without_a_valid_file_id_is_a_decode_error(
    final: dict[str, Any], gm: AsyncGroupMe
) -> None:
    with respx.mock:
        mock_file_upload(respx.mock, [final])
        with pytest.raises(ResponseDecodeError):
            await gm.files.upload("42", b"x", "x.txt")


@pytest.mark.parametrize(
    ("conversation_id", "name"),
    [
        ("../42", "a.txt"),
        ("42/files", "a.txt"),
        ("42", ""),
        ("42", "   "),
        ("42", "dir/a.txt"),
        ("42", "a\\b.txt"),
        ("42", "a\r\nX-Injected: 1"),
        ("42", "x" * 256),
        ("42", None),
    ],
)
async def test_file_upload_refuses_bad_ids_and_names_before_any_request(
    conversation_id: Any, name: Any, gm: AsyncGroupMe
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(201))
        with pytest.raises(ValueError):
            await gm.files.upload(conversation_id, b"data", name)
    assert route.call_count == 0


async def test_the_50_mb_limit_is_checked_before_sending(tmp_path: Path, gm: AsyncGroupMe) -> None:
    limit = 50 * 2**20
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        f.truncate(limit)  # sparse: no 50 MB written
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(201))
        with pytest.raises(ValueError, match="at most"):
            await gm.files.upload("42", big, "big.bin")
        with pytest.raises(ValueError, match="at most"):
            await gm.files.upload("42", bytes(limit), "big.bin")
    assert route.call_count == 0


async def test_just_under_50_mb_goes(tmp_path: Path, gm: AsyncGroupMe) -> None:
    path = tmp_path / "fits.bin"
    with path.open("wb") as f:
        f.truncate(50 * 2**20 - 1)
    with respx.mock:
        upload, _ = mock_file_upload(respx.mock, [{"status": "complete", "file_id": "f"}])
        await gm.files.upload("42", path, "fits.bin")
    assert upload.calls.last.request.headers["content-length"] == str(50 * 2**20 - 1)


async def test_a_stream_past_50_mb_is_stopped_while_it_flows(gm: AsyncGroupMe) -> None:
    taken = 0
    chunk = bytes(2**20)

    async def endless() -> AsyncIterator[bytes]:
        nonlocal taken
        while True:
            taken += len(chunk)
            yield chunk

    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(201))
        with pytest.raises(ValueError, match="limit"):
            await gm.files.upload("42", endless(), "endless.bin")
    # The stream was not drained: it stopped at the first chunk that reached
    # 50 MiB (the service takes files under that).
    assert taken == 50 * 2**20
    assert route.call_count == 0  # the request never completed


async def test_file_metadata(gm: AsyncGroupMe) -> None:
    answer = [
        {
            "file_id": "a1",
            "file_data": {"file_name": "a.pdf", "file_size": 12, "mime_type": "application/pdf"},
        },
        {"file_id": "b2", "file_data": {"file_name": "b.txt", "file_size": "3"}},
    ]
    with respx.mock:
        route = respx.post(f"{FILES}/42/fileData").mock(
            return_value=httpx.Response(200, json=answer)
        )
        infos = await gm.files.metadata("42", ["a1", "b2"])
    assert json.loads(route.calls.last.request.content) == {"file_ids": ["a1", "b2"]}
    assert infos == [
        FileInfo(file_id="a1", file_name="a.pdf", file_size=12, mime_type="application/pdf"),
        FileInfo(file_id="b2", file_name="b.txt", file_size=3),
    ]
    assert FileInfo(**{"file_id": "a1", "file_size": 12}).to_dict() == {
        "file_id": "a1",
        "file_name": None,
        "file_size": 12,
        "mime_type": None,
    }


async def test_file_metadata_for_one_file_may_be_one_object(gm: AsyncGroupMe) -> None:
    one = {"file_id": "a1", "file_data": {"file_name": "a.pdf"}}
    with respx.mock:
        respx.post(f"{FILES}/42/fileData").mock(return_value=httpx.Response(200, json=one))
        assert await gm.files.metadata("42", ["a1"]) == [FileInfo(file_id="a1", file_name="a.pdf")]


@pytest.mark.parametrize(
    ("file_ids", "error"),
    [("a1", TypeError), ([], ValueError), (["../x"], ValueError), (["a.b"], ValueError)],
)
async def test_file_metadata_refuses_bad_ids(
    file_ids: Any, error: type[Exception], gm: AsyncGroupMe
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(200, json=[]))
        with pytest.raises(error):
            await gm.files.metadata("42", file_ids)
    assert route.call_count == 0


def mock_download(
    mock: respx.MockRouter, body: bytes, size: int | None = None
) -> tuple[respx.Route, respx.Route]:
    details = {"file_name": "a.pdf", "file_size": len(body) if size is None else size}
    meta = mock.post(f"{FILES}/42/fileData").mock(
        return_value=httpx.Response(200, json=[{"file_id": "a1", "file_data": details}])
    )
    download = mock.post(f"{FILES}/42/files/a1").mock(
        return_value=httpx.Response(200, content=body, headers={"content-type": "application/pdf"})
    )
    return meta, download


async def test_file_download_streams_the_bytes(gm: AsyncGroupMe) -> None:
    body = b"%PDF-1.7 " + bytes(range(256)) * 10
    with respx.mock:
        _, route = mock_download(respx.mock, body)
        async with gm.files.download("42", "a1") as download:
            assert download.info == FileInfo(file_id="a1", file_name="a.pdf", file_size=len(body))
            assert download.content_type == "application/pdf"
            got = b"".join([chunk async for chunk in download])
            with pytest.raises(RuntimeError, match="once"):
                await download.read()
    assert got == body
    request = route.calls.last.request
    assert request.headers["accept"] == "*/*"
    assert request.headers["x-access-token"] == TOKEN


async def test_a_file_larger_than_max_bytes_is_refused_before_downloading(
    gm: AsyncGroupMe,
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        _, route = mock_download(mock, b"x" * 100)
        with pytest.raises(ResponseDecodeError, match="max_bytes"):
            async with gm.files.download("42", "a1", max_bytes=99):
                pass
    assert route.call_count == 0


async def test_a_download_past_max_bytes_stops(gm: AsyncGroupMe) -> None:
    # The metadata says 10 bytes; the service sends 100.
    with respx.mock:
        mock_download(respx.mock, b"x" * 100, size=10)
        async with gm.files.download("42", "a1", max_bytes=50) as download:
            with pytest.raises(ResponseDecodeError, match="larger than 50"):
                await download.read()


async def test_a_download_of_a_file_the_service_does_not_describe(gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.post(f"{FILES}/42/fileData").mock(return_value=httpx.Response(200, json=[]))
        download = mock.post(f"{FILES}/42/files/a1").mock(return_value=httpx.Response(200))
        with pytest.raises(NotFoundError, match="a1"):
            async with gm.files.download("42", "a1"):
                pass
    assert download.call_count == 0


@pytest.mark.parametrize(
    ("conversation_id", "file_id", "max_bytes"),
    [
        ("42", "../a1", 10),
        ("42", "a1/..", 10),
        ("42", "a.1", 10),
        ("42", "", 10),
        ("x", "a1", 10),
        ("42", "a1", 0),
        ("42", "a1", True),
    ],
)
def test_download_arguments_are_checked_when_called(
    conversation_id: Any, file_id: Any, max_bytes: Any, gm: AsyncGroupMe
) -> None:
    with pytest.raises(ValueError):
        gm.files.download(conversation_id, file_id, max_bytes=max_bytes)


# --- videos ----------------------------------------------------------------------------


def multipart_parts(request: httpx.Request) -> list[Any]:
    raw = b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw + request.content)
    return list(message.iter_parts())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("data", "part_type", "filename"),
    [
        (MP4, "video/mp4", "video.mp4"),
        (WEBM, "video/webm", "video.webm"),
        (MOV, "video/quicktime", "video.mov"),
        (b"unknown bytes" * 20, "video/mp4", "video.mp4"),
    ],
)
async def test_video_upload_is_multipart_and_polls_until_complete(
    data: bytes, part_type: str, filename: str, gm: AsyncGroupMe, sleeps: SleepRecorder
) -> None:
    with respx.mock:
        upload = respx.post(TRANSCODE).mock(
            return_value=httpx.Response(200, json={"status_url": f"{VIDEO_STATUS}?job=v1"})
        )
        poll = respx.get(VIDEO_STATUS).mock(
            side_effect=[
                httpx.Response(200, json={"status": "enqueued"}),
                httpx.Response(200, json={"status": "processing"}),
                httpx.Response(
                    201,
                    json={
                        "status": "complete",
                        "url": "https://v.groupme.com/42/x.r3.mp4",
                        "thumbnail_url": "https://v.groupme.com/42/x.jpg",
                    },
                ),
            ]
        )
        result = await gm.videos.upload("42", data)
    assert result == VideoAttachment(
        url="https://v.groupme.com/42/x.r3.mp4", preview_url="https://v.groupme.com/42/x.jpg"
    )
    request = upload.calls.last.request
    assert request.headers["x-conversation-id"] == "42"
    assert request.headers["x-access-token"] == TOKEN
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.headers["content-length"] == str(len(request.content))
    (part,) = multipart_parts(request)
    assert part.get_param("name", header="content-disposition") == "file"
    assert part.get_filename() == filename
    assert part.get_content_type() == part_type
    assert part.get_payload(decode=True) == data
    assert poll.call_count == 3 and sleeps.delays == [0.5, 1.0]


async def test_a_streamed_video_goes_chunked_inside_the_multipart_body(gm: AsyncGroupMe) -> None:
    with respx.mock:
        upload = respx.post(TRANSCODE).mock(
            return_value=httpx.Response(200, json={"status_url": f"{VIDEO_STATUS}?job=v1"})
        )
        respx.get(VIDEO_STATUS).mock(
            return_value=httpx.Response(201, json={"status": "complete", "url": "https://v/1"})
        )
        result = await gm.videos.upload("12+34", chunks(MP4, 50))
    request = upload.calls.last.request
    assert request.headers["transfer-encoding"] == "chunked"
    assert request.headers["x-conversation-id"] == "12+34"
    assert multipart_parts(request)[0].get_payload(decode=True) == MP4
    assert result == VideoAttachment(url="https://v/1")


async def test_a_failed_transcode_is_an_upload_failed_error(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.post(TRANSCODE).mock(
            return_value=httpx.Response(200, json={"status_url": f"{VIDEO_STATUS}?job=v1"})
        )
        respx.get(VIDEO_STATUS).mock(return_value=httpx.Response(200, json={"status": "failed"}))
        with pytest.raises(UploadFailedError) as caught:
            await gm.videos.upload("42", MP4)
    assert caught.value.service == "video"


async def test_a_finished_transcode_without_a_url_is_a_decode_error(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.post(TRANSCODE).mock(
            return_value=httpx.Response(200, json={"status_url": f"{VIDEO_STATUS}?job=v1"})
        )
        respx.get(VIDEO_STATUS).mock(return_value=httpx.Response(201, json={"status": "complete"}))
        with pytest.raises(ResponseDecodeError):
            await gm.videos.upload("42", MP4)


async def test_video_upload_refuses_a_bad_conversation_id_before_any_request(
    gm: AsyncGroupMe,
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(200))
        for bad in ("42\r\nX-Evil: 1", "", "12+", "../42"):
            with pytest.raises(ValueError):
                await gm.videos.upload(bad, MP4)
    assert route.call_count == 0


# --- image attachments off i.groupme.com warn at send time --------------------------------


GROUP_POST = "https://api.groupme.com/v3/groups/42/messages"


def _sent(attachments: list[dict[str, Any]]) -> httpx.Response:
    message = {"id": "1", "created_at": 1, "attachments": attachments, "text": None}
    return httpx.Response(201, json=envelope({"message": message}, 201))


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/cat.png",
        "http://i.groupme.com/1x1.png.abc",
        "https://i.groupme.com.evil.example/x",
        "https://user@i.groupme.com/x",
        "not a url",
    ],
)
async def test_an_image_off_i_groupme_com_warns_at_the_callers_line(
    url: str, gm: AsyncGroupMe
) -> None:
    with respx.mock:
        route = respx.post(GROUP_POST).mock(return_value=_sent([]))
        with pytest.warns(ExternalImageWarning, match="i.groupme.com") as caught:
            await gm.group_messages.send("42", attachments=[ImageAttachment(url=url)])
    assert route.call_count == 1  # a warning, not a refusal: GroupMe has the last word
    assert caught[0].filename == __file__


async def test_a_dm_with_an_outside_image_warns_too(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.post("https://api.groupme.com/v3/direct_messages").mock(return_value=_sent([]))
        with pytest.warns(ExternalImageWarning) as caught:
            await gm.direct_messages.send(
                "7", "hi", attachments=[ImageAttachment(url="https://x/y")]
            )
    assert caught[0].filename == __file__


async def test_groupme_images_and_other_attachments_do_not_warn(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.post(GROUP_POST).mock(return_value=_sent([]))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            await gm.group_messages.send(
                "42",
                attachments=[
                    ImageAttachment(url="https://i.groupme.com/1x1.png.abc"),
                    VideoAttachment(url="https://v.groupme.com/1/x.mp4"),
                    FileAttachment(file_id="f1"),
                ],
            )


# --- one-shot streams are never resent ------------------------------------------------


async def test_a_one_shot_stream_is_not_retried_after_part_of_it_went_out(
    gm: AsyncGroupMe,
) -> None:
    with respx.mock:
        route = respx.post(PICTURES).mock(side_effect=[httpx.Response(503), picture()])
        with pytest.raises(ServerError) as caught:
            await gm.images.upload(chunks(PNG))
    assert route.call_count == 1
    notes = " ".join(getattr(caught.value, "__notes__", []))
    assert "not retried" in notes and "async iterator" in notes


async def test_bytes_and_paths_are_retried_after_the_same_failure(
    tmp_path: Path, make_client: Callable[..., AsyncGroupMe]
) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(PNG)
    async with make_client(retry=RetryPolicy(max_attempts=2)) as gm:
        for data in (PNG, path):
            with respx.mock:
                route = respx.post(PICTURES).mock(side_effect=[httpx.Response(503), picture()])
                await gm.images.upload(data)
            assert route.call_count == 2
