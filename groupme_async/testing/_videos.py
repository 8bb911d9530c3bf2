"""The video service: a multipart upload starts a transcode job to poll."""

from __future__ import annotations

import hashlib

from ._data import VIDEO_HOST
from ._http import CHAT_ID, DIGITS, HTTPError, Reply, Request
from ._routes import Route
from ._state import FakeState, UploadJob
from ._uploads import multipart_file, poll_job, start_job


def transcode(state: FakeState, r: Request) -> Reply:
    """Upload a video (multipart field `file`, header `X-Conversation-Id`):
    a `status_url` to poll."""
    conversation_id = r.headers.get("x-conversation-id", "")
    if not (DIGITS.fullmatch(conversation_id) or CHAT_ID.fullmatch(conversation_id)):
        raise HTTPError(400, "X-Conversation-Id must name a group or a DM chat")
    state.conversation(conversation_id)
    data = multipart_file(r, "file")
    if not data:
        raise HTTPError(400, "a multipart/form-data body with a file field is required")
    if looks_like_video(data):
        digest = hashlib.sha256(data).hexdigest()[:32]
        base = f"https://{VIDEO_HOST}/{conversation_id}/{digest}"
        result = {"status": "complete", "url": f"{base}.r3.mp4", "thumbnail_url": f"{base}.jpg"}
    else:
        result = {"status": "failed"}
    media = state.media
    job = UploadJob(
        "video", conversation_id, media.processing_polls, "enqueued", result, done_status=201
    )
    return start_job(media, r, "/video/status", job, 200)


def video_status(state: FakeState, r: Request) -> Reply:
    """A transcode job (`?job=`): `enqueued` for `processing_polls` polls,
    then `complete` with `url` and `thumbnail_url` (201), or `failed` for
    data that is not a video."""
    return poll_job(state.media, r, "video", None)


def looks_like_video(data: bytes) -> bool:
    """MP4/QuickTime (an ``ftyp`` box), WebM/Matroska or AVI: what the fake transcodes."""
    return (
        data[4:8] == b"ftyp"
        or data[:4] == b"\x1a\x45\xdf\xa3"
        or (data[:4] == b"RIFF" and data[8:12] == b"AVI ")
    )


ROUTES = [
    Route("POST", "video", "/transcode", transcode),
    Route("GET", "video", "/status", video_status),
]
