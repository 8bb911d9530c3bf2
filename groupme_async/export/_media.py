"""Media in the archive: every attachment's picture, video and file, in ``media/``.

Layout under the archive folder (files 0600, the folder 0700)::

    media/<sha256>.<ext>     one file per distinct content, named by its SHA-256
    media/manifest.json      what each URL or file id downloaded to, and what failed

The extension comes from the file's first bytes (its magic number), never
from the ``Content-Type`` the host sent or the name an uploader chose: a
picture served as ``text/html`` stays a ``.png``, and nothing downloaded
can become an ``.html`` page that a browser would run.  When the type the
host sent disagrees with the bytes, the manifest records both.

**Crash safety.** A download goes to ``media/.<random>.part``, is fsynced,
renamed to its content-addressed name, and the folder fsynced; only then is
it added to the manifest, which is replaced whole (written to a temporary,
fsynced, renamed) every :data:`SAVE_EVERY` downloads and at the end.  A run
killed at any step leaves files the manifest does not yet list (fetched
again next time, landing on the same name) and ``.part`` leftovers (deleted
by the next run, which holds the archive's lock): never a listed file that
is missing or incomplete.

**Reruns** fetch only what the manifest does not list (or whose file is
gone); what failed before is tried again.  A download that fails is retried
(the client's retry policy, then up to :data:`ATTEMPTS` tries of the whole
download for a body cut short), then recorded under ``failures`` and
reported: it never stops the export.

**The token** goes only to the file service (``gm.files.download``);
pictures, avatars and videos come through ``gm.media.download``, which
never sends it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Literal, Protocol

import anyio
import attrs

from .. import APIConnectionError, AsyncGroupMe, GroupMeError, ServerError
from .._sniff import sniff_image
from ..resources.media import MAX_MEDIA_BYTES, check_media_url
from ._disk import Disk, StepHook
from ._reader import ArchivedConversation, ArchiveReader, open_archive

MEDIA_FOLDER = "media"
MANIFEST_NAME = "manifest.json"
#: The manifest is saved after this many new downloads (and at the end).
SAVE_EVERY = 64
#: Tries of one whole download whose body was cut short or failed to arrive.
ATTEMPTS = 3
#: How much of a file is buffered before it goes to disk.
_FLUSH_BYTES = 1 << 20
_SNIFF_BYTES = 4096

MediaKind = Literal["image", "video", "poster", "file", "avatar"]
MediaChoice = bool | Literal["attachments", "avatars"]


@attrs.frozen(kw_only=True)
class MediaOptions:
    """What ``export(..., media=...)`` downloads.

    ``avatars`` adds every sender's avatar to the attachments' pictures,
    videos (with their posters) and files.  ``max_bytes`` caps one file (a
    larger one is recorded as failed).  ``other_hosts`` also fetches media
    URLs outside GroupMe's hosts (``i.groupme.com``, ``v.groupme.com``); by
    default they are left alone and counted as skipped.
    """

    avatars: bool = False
    max_bytes: int = MAX_MEDIA_BYTES
    other_hosts: bool = False

    def __attrs_post_init__(self) -> None:
        cap = self.max_bytes
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            raise ValueError(f"max_bytes must be a positive integer, got {cap!r}")

    @classmethod
    def from_choice(cls, media: MediaChoice | MediaOptions) -> MediaOptions | None:
        """``False`` -> None; ``True`` or ``"attachments"`` -> attachments;
        ``"avatars"`` -> attachments and avatars; options as they are."""
        if isinstance(media, MediaOptions):
            return media
        if media is False:
            return None
        if media is True or media == "attachments":
            return cls()
        if media == "avatars":
            return cls(avatars=True)
        raise ValueError(
            f"media must be True, False, 'attachments', 'avatars' or MediaOptions, got {media!r}"
        )


@attrs.frozen(kw_only=True)
class MediaFailure:
    """A download that failed (after its retries)."""

    key: str
    """The URL, or ``file:<conversation id>/<file id>``."""
    kind: MediaKind
    error: str


@attrs.frozen(kw_only=True)
class MediaSummary:
    """What the media step did."""

    referenced: int
    """Distinct media the archive's messages refer to (that may be fetched)."""
    downloaded: int
    """Fetched by this run."""
    bytes: int
    """Bytes fetched by this run."""
    already: int
    """Already in ``media/`` from an earlier run."""
    skipped: int
    """Not fetched: URLs outside GroupMe's hosts (without ``other_hosts``) or malformed."""
    failures: list[MediaFailure]
    interrupted: bool

    @property
    def ok(self) -> bool:
        """False when any download failed."""
        return not self.failures


class MediaProgress(Protocol):
    """Receives the media step's progress (the CLI draws it)."""

    def media_started(self, total: int) -> None:
        """``total`` downloads are about to start."""

    def media_advanced(self, done: int) -> None:
        """``done`` more downloads finished (or failed)."""


@attrs.frozen
class _Item:
    key: str
    kind: MediaKind
    url: str | None = None
    conversation_id: str | None = None
    file_id: str | None = None


def _items(reader: ArchiveReader, options: MediaOptions) -> tuple[dict[str, _Item], int]:
    """Every distinct medium the archive refers to, and how many were skipped."""
    found: dict[str, _Item] = {}
    skipped: set[str] = set()

    def url_item(url: object, kind: MediaKind) -> None:
        if not isinstance(url, str) or not url or url in found or url in skipped:
            return
        try:
            check_media_url(url, other_hosts=options.other_hosts)
        except ValueError:
            skipped.add(url)
            return
        found[url] = _Item(url, kind, url=url)

    for conv in reader.conversations():
        for message in reader.messages(conv):
            attachments = message.get("attachments")
            for att in attachments if isinstance(attachments, list) else ():
                if not isinstance(att, dict):
                    continue
                kind = att.get("type")
                if kind == "image":
                    url_item(att.get("url"), "image")
                elif kind == "video":
                    url_item(att.get("url"), "video")
                    url_item(att.get("preview_url"), "poster")
                elif kind == "file":
                    _file_item(found, skipped, conv, message, att.get("file_id"))
            if options.avatars and message.get("system") is not True:
                url_item(message.get("avatar_url"), "avatar")
    return found, len(skipped)


def file_key(conversation_id: str, file_id: str) -> str:
    """The manifest key of a file-service file."""
    return f"file:{conversation_id}/{file_id}"


def _file_item(
    found: dict[str, _Item],
    skipped: set[str],
    conv: ArchivedConversation,
    message: dict[str, Any],
    file_id: object,
) -> None:
    where = message.get("group_id") or message.get("conversation_id") or conv.conversation_id
    if not isinstance(file_id, str) or not file_id or not isinstance(where, str | int):
        skipped.add(f"file:{where}/{file_id}")
        return
    # gm.files.download checks both ids: a malformed one is a recorded failure.
    key = file_key(str(where), file_id)
    if key not in found:
        found[key] = _Item(key, "file", conversation_id=str(where), file_id=file_id)


# --- sniffing -----------------------------------------------------------------------

_IMAGE_TYPES = {
    "jpeg": ("jpg", "image/jpeg"),
    "png": ("png", "image/png"),
    "gif": ("gif", "image/gif"),
    "webp": ("webp", "image/webp"),
    "bmp": ("bmp", "image/bmp"),
    "tiff": ("tif", "image/tiff"),
    "heic": ("heic", "image/heic"),
}


def sniff(head: bytes) -> tuple[str, str]:
    """``(extension, MIME type)`` from a file's first bytes: a picture, video,
    PDF, ZIP or plain text, else ``("bin", "application/octet-stream")``.
    Never an extension a browser would run (``.html``, ``.svg``, ``.js``)."""
    image = sniff_image(head)
    if image is not None:
        return _IMAGE_TYPES[image]
    if head[4:8] == b"ftyp":
        return ("mov", "video/quicktime") if head[8:12] == b"qt  " else ("mp4", "video/mp4")
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm", "video/webm"
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip", "application/zip"
    if head and b"\x00" not in head and _is_utf8(head):
        return "txt", "text/plain"
    return "bin", "application/octet-stream"


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut at the end of the sniffed bytes is still text.
        return exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
    return True


def _essence(content_type: str | None) -> str:
    return (content_type or "").partition(";")[0].strip().lower()


def _agrees(sent: str, sniffed: str) -> bool:
    """Whether the type a host sent fits the bytes (any text type fits text;
    a generic binary type claims nothing)."""
    if sent == sniffed or sent in ("application/octet-stream", "binary/octet-stream"):
        return True
    if sniffed == "text/plain":
        return sent.startswith("text/") and sent not in ("text/html", "text/javascript")
    return sent == "image/jpg" and sniffed == "image/jpeg"


# --- the manifest ---------------------------------------------------------------------


class _Manifest:
    """``media/manifest.json``: key -> the file it downloaded to; and failures."""

    def __init__(self, disk: Disk) -> None:
        self._disk = disk
        self.path = disk.folder / MANIFEST_NAME
        self.files: dict[str, dict[str, Any]] = {}
        self.failures: dict[str, dict[str, Any]] = {}
        self.unsaved = 0
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return
        if isinstance(data, dict):
            files, failures = data.get("files"), data.get("failures")
            if isinstance(files, dict):
                self.files = {k: v for k, v in files.items() if _entry_ok(v)}
            if isinstance(failures, dict):
                self.failures = {k: v for k, v in failures.items() if isinstance(v, dict)}

    def has(self, key: str) -> bool:
        entry = self.files.get(key)
        if entry is None:
            return False
        path = self._disk.folder / entry["file"]
        try:
            size = path.stat().st_size
        except OSError:
            return False
        return bool(size == entry["size"])

    def add(self, key: str, entry: dict[str, Any]) -> None:
        self.files[key] = entry
        self.failures.pop(key, None)
        self.unsaved += 1

    def fail(self, key: str, kind: str, error: str) -> None:
        self.failures[key] = {"kind": kind, "error": error}
        self.unsaved += 1

    def snapshot(self) -> bytes:
        """The manifest as it stands, to :meth:`write` (taken on the event
        loop, so no download changes it while it is encoded)."""
        data = {
            "version": 1,
            "files": dict(sorted(self.files.items())),
            "failures": dict(sorted(self.failures.items())),
        }
        self.unsaved = 0
        return json.dumps(data, indent=1, ensure_ascii=False).encode()

    def write(self, body: bytes) -> None:
        """Replace the manifest whole, durably (temporary, fsync, rename, fsync folder)."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = self._disk.create(tmp)
        try:
            self._disk.write(fd, body, tmp)
            self._disk.fsync(fd, tmp)
        finally:
            os.close(fd)
        self._disk.rename(tmp, self.path)
        self._disk.fsync_folder()


def _entry_ok(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    name, size = entry.get("file"), entry.get("size")
    return (
        isinstance(name, str)
        and "/" not in name
        and not name.startswith(".")
        and isinstance(size, int)
    )


def read_manifest(archive: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The downloaded media of the archive in ``archive``: key (the URL, or
    ``file:<conversation id>/<file id>`` for a file) -> ``file`` (its name in ``media/``), ``kind``,
    ``size``, ``type`` (sniffed), ``content_type`` (as sent) and, for files,
    ``name``.  Empty if there is no manifest."""
    return _Manifest(Disk(Path(archive) / MEDIA_FOLDER)).files


# --- downloading ---------------------------------------------------------------------


class _Run:
    def __init__(
        self,
        gm: AsyncGroupMe,
        disk: Disk,
        manifest: _Manifest,
        options: MediaOptions,
        progress: MediaProgress | None,
    ) -> None:
        self.gm = gm
        self.disk = disk
        self.manifest = manifest
        self.options = options
        self.progress = progress
        self.downloaded = 0
        self.bytes = 0
        self.failures: list[MediaFailure] = []
        self._save_lock = anyio.Lock()

    async def one(self, item: _Item) -> None:
        error = "no attempt was made"
        for attempt in range(1, ATTEMPTS + 1):
            try:
                entry = await self._fetch(item)
            except (APIConnectionError, ServerError) as exc:
                # Cut short, timed out or 5xx after the client's own retries.
                error = _describe(exc)
                if attempt < ATTEMPTS:
                    continue
            except (GroupMeError, ValueError, OSError) as exc:
                error = _describe(exc)
            else:
                self.manifest.add(item.key, entry)
                self.downloaded += 1
                self.bytes += entry["size"]
                break
            self.manifest.fail(item.key, item.kind, error)
            self.failures.append(MediaFailure(key=item.key, kind=item.kind, error=error))
            break
        if self.progress is not None:
            self.progress.media_advanced(1)
        if self.manifest.unsaved >= SAVE_EVERY:
            await self.save()

    async def save(self) -> None:
        async with self._save_lock:
            if self.manifest.unsaved:
                await anyio.to_thread.run_sync(self.manifest.write, self.manifest.snapshot())

    def _open(self, item: _Item) -> AbstractAsyncContextManager[Any]:
        cap = self.options.max_bytes
        if item.kind == "file":
            assert item.conversation_id is not None and item.file_id is not None
            return self.gm.files.download(item.conversation_id, item.file_id, max_bytes=cap)
        assert item.url is not None
        return self.gm.media.download(item.url, max_bytes=cap, other_hosts=self.options.other_hosts)

    async def _fetch(self, item: _Item) -> dict[str, Any]:
        """Download ``item`` into ``media/``; its manifest entry."""
        tmp = self.disk.folder / f".{secrets.token_hex(8)}.part"
        digest = _Hasher()
        fd: int | None = None
        try:
            async with self._open(item) as download:
                fd = await anyio.to_thread.run_sync(self.disk.create, tmp)
                pending: list[bytes] = []
                size = 0
                async for chunk in download:
                    digest.update(chunk)
                    pending.append(chunk)
                    size += len(chunk)
                    if sum(map(len, pending)) >= _FLUSH_BYTES:
                        await anyio.to_thread.run_sync(self._write, fd, pending, tmp)
                        pending = []
                await anyio.to_thread.run_sync(self._write, fd, pending, tmp)
                sent_type = download.content_type
                info = getattr(download, "info", None)
            extension, sniffed = sniff(digest.head)
            name = f"{digest.hexdigest()}.{extension}"
            await anyio.to_thread.run_sync(self._settle, fd, tmp, name)
            fd = None
        finally:
            if fd is not None:
                os.close(fd)
            if tmp.exists():
                await anyio.to_thread.run_sync(self.disk.unlink, tmp)
        entry: dict[str, Any] = {"file": name, "kind": item.kind, "size": size, "type": sniffed}
        if sent_type is not None:
            entry["content_type"] = sent_type
            if not _agrees(_essence(sent_type), sniffed):
                entry["type_mismatch"] = True
        if info is not None:
            entry["name"] = info.file_name
        return entry

    def _write(self, fd: int, chunks: list[bytes], path: Path) -> None:
        if chunks:
            self.disk.write(fd, b"".join(chunks), path)

    def _settle(self, fd: int, tmp: Path, name: str) -> None:
        """fsync, then rename to the content-addressed name (or drop the
        copy when that content is already there)."""
        try:
            self.disk.fsync(fd, tmp)
        finally:
            os.close(fd)
        target = self.disk.folder / name
        if target.is_file() and target.stat().st_size == tmp.stat().st_size:
            self.disk.unlink(tmp)
            return
        self.disk.rename(tmp, target)
        self.disk.fsync_folder()


class _Hasher:
    """SHA-256 of the whole file, and its first bytes for sniffing."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self.head = b""

    def update(self, chunk: bytes) -> None:
        self._sha.update(chunk)
        if len(self.head) < _SNIFF_BYTES:
            self.head = (self.head + chunk)[:_SNIFF_BYTES]

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def _describe(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def _clean_leftovers(disk: Disk) -> None:
    """Make ``media/`` and delete what a killed run left half-written
    (safe: the caller holds the archive's lock)."""
    disk.make_folder()
    for path in disk.folder.iterdir():
        if path.name.startswith(".") and path.name.endswith((".part", ".tmp")):
            disk.unlink(path)


async def download_media(
    gm: AsyncGroupMe,
    out: str | os.PathLike[str],
    *,
    options: MediaOptions,
    concurrency: int = 4,
    stop: anyio.Event | None = None,
    progress: MediaProgress | None = None,
    on_step: StepHook | None = None,
) -> MediaSummary:
    """Download the media the archive in ``out`` refers to into ``out/media``.

    Called by :func:`export` (``media=...``) after the messages, while it
    holds the archive's lock; ``gm`` is its paced client, so downloads go
    through the export's rate limiter, ``concurrency`` at a time.
    """
    disk = Disk(Path(out) / MEDIA_FOLDER, on_step)
    stop = stop or anyio.Event()

    def prepare() -> tuple[_Manifest, list[_Item], int, int]:
        reader = open_archive(out)
        try:
            found, skipped = _items(reader, options)
        finally:
            reader.close()
        _clean_leftovers(disk)
        manifest = _Manifest(disk)
        todo = [item for key, item in found.items() if not manifest.has(key)]
        return manifest, todo, len(found), skipped

    manifest, todo, referenced, skipped = await anyio.to_thread.run_sync(prepare)
    run = _Run(gm, disk, manifest, options, progress)
    if progress is not None:
        progress.media_started(len(todo))
    queue: Iterator[_Item] = iter(todo)

    async def worker() -> None:
        for item in queue:
            if stop.is_set():
                return
            await run.one(item)

    try:
        async with anyio.create_task_group() as tg:
            for _ in range(max(1, min(concurrency, len(todo)))):
                tg.start_soon(worker)
    finally:
        with anyio.CancelScope(shield=True):
            await run.save()
    return MediaSummary(
        referenced=referenced,
        downloaded=run.downloaded,
        bytes=run.bytes,
        already=referenced - len(todo),
        skipped=skipped,
        failures=run.failures,
        interrupted=stop.is_set(),
    )


def as_media_progress(progress: object) -> MediaProgress | None:
    """``progress`` if it also draws the media step (the CLI's does)."""
    if callable(getattr(progress, "media_started", None)) and callable(
        getattr(progress, "media_advanced", None)
    ):
        return progress  # type: ignore[return-value]
    return None
