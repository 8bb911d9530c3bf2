"""The image service: uploads answer with a content-addressed i.groupme.com URL."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from ._data import IMAGE_HOST
from ._http import HTTPError, Reply, Request, encode
from ._routes import Route
from ._state import FakeState

#: The size GroupMe reports for formats whose header the fake does not read
#: (the real service converts them to JPEG).
_CONVERTED = (1024, 768, "jpeg")


def upload_picture(state: FakeState, r: Request) -> Reply:
    """Store an image (raw bytes) or import one (`?url=`); answers
    `payload.url` and `payload.picture_url` without the usual envelope.

    URLs are `https://i.groupme.com/<w>x<h>.<type>.<hash>`, derived from the
    content (or from the imported URL), so an upload is stable.  A multipart
    body fails with a 500, as on the real service; data that is not an
    image is a 400.
    """
    source = r.query.get("url")
    if source is not None:
        parts = urlsplit(source)
        if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
            raise HTTPError(400, "url must be an http(s) URL")
        width, height, kind = _CONVERTED
        digest = hashlib.sha256(source.encode()).hexdigest()[:32]
        size = 0
    else:
        if r.headers.get("content-type", "").startswith("multipart/"):
            raise HTTPError(500, "Internal Server Error")
        if not r.body:
            raise HTTPError(400, "no image data")
        found = image_size(r.body)
        if found is None:
            raise HTTPError(400, "Invalid image")
        width, height, kind = found
        digest = hashlib.sha256(r.body).hexdigest()[:32]
        size = len(r.body)
    url = f"https://{IMAGE_HOST}/{width}x{height}.{kind}.{digest}"
    state.media.images[url] = size
    if size:
        state.media.image_bytes[url] = r.body
    return Reply(200, encode({"payload": {"url": url, "picture_url": url}}))


def image_size(data: bytes) -> tuple[int, int, str] | None:
    """``(width, height, type)`` read from an image's header, or ``None``
    for data that is no image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"), "png"
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little"), "gif"
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _CONVERTED
    if data[:2] == b"BM" and len(data) >= 26:
        width = int.from_bytes(data[18:22], "little", signed=True)
        height = abs(int.from_bytes(data[22:26], "little", signed=True))
        return width, height, "bmp"
    return None


#: JPEG start-of-frame markers (the ones that carry the image size).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(data: bytes) -> tuple[int, int, str] | None:
    i = 2
    while i + 9 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in _SOF:
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            return width, height, "jpeg"
        if 0xD0 <= marker <= 0xD9 or marker == 0x01:
            i += 2  # markers without a length
            continue
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return None


ROUTES = [
    Route("POST", "image", "/pictures", upload_picture),
]
