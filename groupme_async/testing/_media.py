"""The public media hosts: pictures and avatars on ``i.groupme.com``, videos
and their posters on ``v.groupme.com``, served under ``/media/<host>/...``.

The real hosts need no access token, so these routes take none; every
request is logged with whether it carried one, for the tests that prove
the client never sends it.  What a URL serves is, in order: what a test set
with :meth:`FakeGroupMe.serve_media` (a status, other bytes, a lying type,
a redirect), the bytes of an uploaded image, or bytes generated from the
URL (see ``_pictures.py``); anything else is a 404.  The generated file
messages' files are found here too (:func:`find_file`).
"""

from __future__ import annotations

import mimetypes
import re
import uuid

from . import _pictures
from ._data import IMAGE_HOST, VIDEO_HOST, ConversationSpec
from ._http import Reply, Request, not_found
from ._routes import Route
from ._state import FakeState, StoredFile

#: ``<w>x<h>.<type>.<hash>``, optionally with a size suffix (``.preview``...).
_IMAGE = re.compile(
    r"(\d{1,5})x(\d{1,5})\.(jpeg|jpg|png|gif|webp|bmp)\.([0-9a-f]{8,64})"
    r"(?:\.(?:preview|large|avatar))?"
)
_VIDEO = re.compile(r"([0-9a-f]{8,64})\.r3\.mp4")
_POSTER = re.compile(r"([0-9a-f]{8,64})\.jpg")
_TYPES = {"png": b"image/png", "gif": b"image/gif", "jpeg": b"image/jpeg", "mp4": b"video/mp4"}
_POSTER_SIZE = (96, 54)
_FILE_NAMES = ("agenda.pdf", "notes.txt", "budget.csv", "minutes.pdf", "packing list.txt")


def serve_media(state: FakeState, r: Request, *, media_host: str, media_path: str) -> Reply:
    """A picture or avatar (`i.groupme.com/<w>x<h>.<type>.<hash>`) or
    anything a test set; no token needed."""
    return _serve(state, r, f"https://{media_host}/{media_path}")


def serve_media_file(
    state: FakeState, r: Request, *, media_host: str, media_path: str, media_file: str
) -> Reply:
    """A video (`v.groupme.com/<conversation>/<hash>.r3.mp4`) or its poster
    (`.../<hash>.jpg`); no token needed."""
    return _serve(state, r, f"https://{media_host}/{media_path}/{media_file}")


def _serve(state: FakeState, r: Request, url: str) -> Reply:
    media = state.media
    media.requests.append((url, "x-access-token" in r.headers or "token" in r.query))
    override = media.overrides.get(url)
    if override is not None:
        assert isinstance(override, Reply)
        return override
    uploaded = media.image_bytes.get(url)
    if uploaded is not None:
        found = _IMAGE.fullmatch(url.rpartition("/")[2])
        kind = found.group(3) if found else "jpeg"
        return Reply(200, uploaded, _TYPES.get(kind, b"image/jpeg"))
    generated = generate(url)
    if generated is None:
        raise not_found()
    body, content_type = generated
    return Reply(200, body, content_type)


def generate(url: str) -> tuple[bytes, bytes] | None:
    """The bytes and type the fake's media hosts serve at ``url``, or None."""
    host, _, path = url.removeprefix("https://").partition("/")
    if host == IMAGE_HOST:
        found = _IMAGE.fullmatch(path)
        if found is None:
            return None
        width, height = _pictures.fit(int(found.group(1)), int(found.group(2)))
        seed = int(found.group(4)[:15], 16)
        kind = found.group(3)
        if kind in ("png", "gif"):
            draw = _pictures.png if kind == "png" else _pictures.gif
            return draw(seed, width, height), _TYPES[kind]
        return _pictures.jpeg(seed, width, height), _TYPES["jpeg"]
    if host == VIDEO_HOST:
        _, _, name = path.partition("/")
        if (found := _VIDEO.fullmatch(name)) is not None:
            return _pictures.mp4(int(found.group(1)[:15], 16)), _TYPES["mp4"]
        if (found := _POSTER.fullmatch(name)) is not None:
            return _pictures.jpeg(int(found.group(1)[:15], 16), *_POSTER_SIZE), _TYPES["jpeg"]
    return None


def find_file(state: FakeState, file_id: str) -> StoredFile | None:
    """An uploaded file, or the file a generated file message carries."""
    stored = state.media.files.get(file_id)
    if stored is not None:
        return stored
    try:
        number = uuid.UUID(file_id).int
    except ValueError:
        return None
    low = number & (2**64 - 1)
    slot, i = low >> 40, low & (2**40 - 1)
    spec = next((s for s in state.world.conversations if s.slot == slot), None)
    if spec is None or i >= spec.count or spec.file_id(i) != file_id:
        return None
    return generated_file(spec, i)


def generated_file(spec: ConversationSpec, i: int) -> StoredFile:
    """The file of generated message ``i`` (a PDF or a text file)."""
    file_id = spec.file_id(i)
    name = _FILE_NAMES[(uuid.UUID(file_id).int >> 120) % len(_FILE_NAMES)]
    mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    title = f"{spec.name} {name.rpartition('.')[0]} {i}"
    if name.endswith(".pdf"):
        data = _pictures.pdf(title)
    elif name.endswith(".csv"):
        data = f"item,amount\nsnacks,{i % 40 + 5}\npizza,{i % 90 + 20}\n".encode()
    else:
        data = f"{title}\n\n- bring water\n- meet at seven\n".encode()
    return StoredFile(file_id, spec.chat_id, name, mime_type, data)


ROUTES = [
    Route("GET", "media", "/:media_host/:media_path", serve_media, needs_token=False),
    Route(
        "GET", "media", "/:media_host/:media_path/:media_file", serve_media_file, needs_token=False
    ),
]
