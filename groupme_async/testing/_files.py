"""The file service: upload a file to a conversation, poll the job, then
read its details and download it (`/file/...`, un-enveloped like the real one)."""

from __future__ import annotations

import mimetypes
from typing import Any

from ._http import HTTPError, Reply, Request, encode, not_found
from ._media import find_file
from ._routes import Route
from ._state import FakeState, StoredFile, UploadJob
from ._uploads import poll_job, start_job

#: The service takes files under 50 MiB.
MAX_FILE_BYTES = 50 * 2**20


def upload_file(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """Upload a file (raw bytes, `?name=`, under 50 MiB) to a group or DM
    chat: 201 with a `status_url` to poll."""
    state.conversation(conversation_id)
    name = r.query.get("name")
    if not name:
        raise HTTPError(400, "name is required")
    if not r.body:
        raise HTTPError(400, "no file data")
    if len(r.body) >= MAX_FILE_BYTES:
        raise HTTPError(413, "File is too large (the limit is 50 MB)")
    media = state.media
    mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    stored = StoredFile(media.new_id("file"), conversation_id, name, mime_type, r.body)
    job = UploadJob(
        "file",
        conversation_id,
        media.processing_polls,
        "pending",
        {"status": "complete", "file_id": stored.file_id},
        file=stored,
    )
    return start_job(media, r, f"/file/{conversation_id}/uploadStatus", job, 201)


def upload_status(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """An upload job (`?job=`): `pending` for `processing_polls` polls, then
    `complete` with the `file_id`."""
    return poll_job(state.media, r, "file", conversation_id)


def file_data(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """Name, size and type of this conversation's files by `file_ids`
    (unknown ids are left out)."""
    state.conversation(conversation_id)
    ids = r.json_object().get("file_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise HTTPError(400, "file_ids must be a list of file ids")
    found: list[dict[str, Any]] = []
    for file_id in ids:
        stored = find_file(state, file_id)
        if stored is not None and stored.conversation_id == conversation_id:
            details = {
                "file_name": stored.name,
                "file_size": len(stored.data),
                "mime_type": stored.mime_type,
            }
            found.append({"file_id": file_id, "file_data": details})
    return Reply(200, encode(found))


def download_file(state: FakeState, r: Request, *, conversation_id: str, file_id: str) -> Reply:
    """A file's bytes, with its type (404 for another conversation's file)."""
    state.conversation(conversation_id)
    stored = find_file(state, file_id)
    if stored is None or stored.conversation_id != conversation_id:
        raise not_found()
    return Reply(200, stored.data, stored.mime_type.encode("ascii"))


ROUTES = [
    Route("POST", "file", "/:conversation_id/files", upload_file),
    Route("GET", "file", "/:conversation_id/uploadStatus", upload_status),
    Route("POST", "file", "/:conversation_id/fileData", file_data),
    Route("POST", "file", "/:conversation_id/files/:file_id", download_file),
]
