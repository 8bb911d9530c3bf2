"""gm.media.download against the real hosts' URLs (respx): no token, only
GroupMe's media hosts, redirects checked, and the URL rules as a property."""

from __future__ import annotations

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from groupme_async import AsyncGroupMe, NotFoundError, ResponseDecodeError, RetryPolicy
from groupme_async.export import sniff
from groupme_async.resources.media import MEDIA_HOSTS, check_media_url

TOKEN = "s3cretT0ken"
PICTURE = "https://i.groupme.com/640x480.jpeg.0123456789abcdef"


def client() -> AsyncGroupMe:
    return AsyncGroupMe(TOKEN, retry=RetryPolicy(max_attempts=2, base_delay=0.0))


@respx.mock
async def test_a_picture_comes_without_the_token() -> None:
    route = respx.get(PICTURE).respond(200, content=b"\xff\xd8\xff\xe0data", headers={
        "content-type": "image/jpeg"})  # fmt: skip
    async with client() as gm, gm.media.download(PICTURE) as download:
        assert await download.read() == b"\xff\xd8\xff\xe0data"
        assert download.content_type == "image/jpeg" and download.url == PICTURE
    request = route.calls.last.request
    assert "x-access-token" not in request.headers and TOKEN not in str(request.url)
    assert "cookie" not in request.headers


@respx.mock
async def test_redirects_stay_on_the_media_hosts() -> None:
    respx.get(PICTURE).respond(302, headers={"location": "https://v.groupme.com/1/a.jpg"})
    respx.get("https://v.groupme.com/1/a.jpg").respond(
        301, headers={"location": "http://10.0.0.1/"}
    )
    async with client() as gm:
        with pytest.raises(ResponseDecodeError, match="redirected"):
            async with gm.media.download(PICTURE):
                pass
    assert len(respx.calls) == 2


@respx.mock
async def test_a_missing_picture_is_not_found_and_a_big_one_is_refused() -> None:
    respx.get(PICTURE).respond(404, text="<html>gone</html>")
    respx.get(PICTURE + "b").respond(200, content=b"x" * 100)
    async with client() as gm:
        with pytest.raises(NotFoundError):
            async with gm.media.download(PICTURE):
                pass
        with pytest.raises(ResponseDecodeError, match="larger than 10 bytes"):
            async with gm.media.download(PICTURE + "b", max_bytes=10) as download:
                await download.read()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "http://i.groupme.com/a.png",  # GroupMe's hosts only over https
        "https://i.groupme.com:8443/a.png",
        "https://user:pw@i.groupme.com/a.png",
        "https://example.com/a.png",  # another host, not asked for
        "https://i.groupme.com/%2e%2e/v3/groups",
        "https://i.groupme.com/a%2Fb",
        "https://i.groupme.com/a b",
    ],
)
async def test_urls_a_download_refuses(url: str) -> None:
    async with client() as gm:
        with pytest.raises(ValueError):
            gm.media.download(url)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/a.png", "https://192.168.1.2/a", "http://localhost/x", "https://[::1]/"],
)
def test_other_hosts_never_include_internal_addresses(url: str) -> None:
    assert check_media_url("https://pictures.example/a.png", other_hosts=True)
    with pytest.raises(ValueError):
        check_media_url(url, other_hosts=True)


@given(st.text(max_size=80))
def test_a_url_accepted_by_default_is_https_on_a_media_host(tail: str) -> None:
    for url in (f"https://i.groupme.com/{tail}", f"https://{tail}", tail):
        try:
            parsed = check_media_url(url)
        except ValueError:
            continue
        assert parsed.scheme == "https" and parsed.host in MEDIA_HOSTS and parsed.port is None
        assert ".." not in parsed.path.split("/")


@given(st.binary(max_size=64))
def test_sniffing_never_names_a_file_a_browser_would_run(head: bytes) -> None:
    extension, mime = sniff(head)
    assert extension in {"jpg", "png", "gif", "webp", "bmp", "tif", "heic", "mp4", "mov",
                         "webm", "pdf", "zip", "txt", "bin"}  # fmt: skip
    assert "html" not in mime and "svg" not in mime and "script" not in mime


async def test_with_base_url_the_real_hosts_map_under_its_media_path() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"GIF89a")

    gm = AsyncGroupMe(TOKEN, base_url="http://127.0.0.1:9", transport=httpx.MockTransport(answer))
    async with gm, gm.media.download(PICTURE) as download:
        assert await download.read() == b"GIF89a"
    (request,) = seen
    assert (
        str(request.url) == "http://127.0.0.1:9/media/i.groupme.com/640x480.jpeg.0123456789abcdef"
    )
    assert "x-access-token" not in request.headers
