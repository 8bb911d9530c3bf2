"""What the image, file and video services share: the job flow, multipart
bodies, and the check a message's media attachments must pass."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ._data import IMAGE_HOST
from ._http import HTTPError, Reply, Request, encode, not_found
from ._media import find_file
from ._state import FakeState, MediaState, StoredFile, UploadJob

_BOUNDARY = re.compile(r'boundary="?([^";]{1,200})"?')
_FIELD_NAME = re.compile(rb'name="([^"]*)"')


def start_job(
    media: MediaState,
    r: Request,
    status_path: str,
    job: UploadJob,
    status: int,
) -> Reply:
    """Remember ``job`` and answer with the URL to poll it at."""
    job_id = media.new_id("job")
    media.jobs[job_id] = job
    return Reply(status, encode({"status_url": f"{r.origin}{status_path}?job={job_id}"}))


def poll_job(media: MediaState, r: Request, service: str, conversation_id: str | None) -> Reply:
    """One poll of ``?job=``: the waiting status until its polls run out, then
    its result (a finished file becomes downloadable then)."""
    job_id = r.query.get("job")
    if not job_id:
        raise HTTPError(400, "job is required")
    job = media.jobs.get(job_id)
    if job is None or job.service != service:
        raise not_found()
    if conversation_id is not None and job.conversation_id != conversation_id:
        raise not_found()
    if job.polls_left > 0:
        job.polls_left -= 1
        return Reply(200, encode({"status": job.waiting_status}))
    if job.file is not None:
        media.files.setdefault(job.file.file_id, job.file)
    return Reply(job.done_status, encode(job.result))


def multipart_file(r: Request, field: str) -> bytes | None:
    """The content of the part named ``field`` of a ``multipart/form-data``
    body, or ``None`` when there is none."""
    content_type = r.headers.get("content-type", "")
    match = _BOUNDARY.search(content_type)
    if not content_type.startswith("multipart/form-data") or match is None:
        return None
    delimiter = b"--" + match.group(1).encode("latin-1")
    for part in r.body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break  # the closing delimiter
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            continue
        name = _FIELD_NAME.search(head)
        if name is not None and name.group(1) == field.encode():
            return content.removesuffix(b"\r\n")
    return None


def check_media_attachments(
    state: FakeState, conversation_id: str, attachments: list[dict[str, Any]]
) -> None:
    """400 for what the real service refuses in a message: an image that is
    not on ``i.groupme.com``, or a file that was not uploaded to this
    conversation."""
    for attachment in attachments:
        kind = attachment.get("type")
        if kind == "image":
            url = attachment.get("url")
            parts = urlsplit(url) if isinstance(url, str) else None
            if parts is None or parts.scheme != "https" or parts.hostname != IMAGE_HOST:
                raise HTTPError(400, f"image attachments must be https://{IMAGE_HOST}/ URLs")
        elif kind == "file":
            stored: StoredFile | None = find_file(state, str(attachment.get("file_id")))
            if stored is None or stored.conversation_id != conversation_id:
                raise HTTPError(400, "file_id is not a file uploaded to this conversation")
