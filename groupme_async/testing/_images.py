"""The image service: uploads answer with a content-addressed i.groupme.com URL."""

from __future__ import annotations

import hashlib

from ._http import HTTPError, Reply, Request, encode
from ._routes import Route
from ._state import FakeState


def upload_picture(state: FakeState, r: Request) -> Reply:
    """Upload an image (raw bytes); answers `payload.url` without the usual envelope."""
    if not r.body:
        raise HTTPError(400, "no image data")
    digest = hashlib.sha256(r.body).hexdigest()[:32]
    url = f"https://i.groupme.com/1024x768.jpeg.{digest}"
    return Reply(200, encode({"payload": {"url": url, "picture_url": url}}))


ROUTES = [
    Route("POST", "image", "/pictures", upload_picture),
]
