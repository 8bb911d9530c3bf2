"""Render an archive as a static site that works from ``file://``.

Layout of the site folder::

    index.html                 the conversations: name, messages, first and last date
    search.html                a search box over every message (no server, no network)
    search-index.js            the prebuilt index it searches
    assets/style.css, assets/search.js
    c/<key>/index.html         a conversation's months
    c/<key>/<YYYY-MM>.html     its messages of one month
    media/<sha256>.<ext>       the downloaded media the pages show (linked or copied
                               from the archive's media/)

Pages are rendered whole and compared with what is on disk: a file whose
content would not change is not written (its mtime stays), so re-rendering
after an incremental export rewrites only the months that gained messages,
their conversation's index, the site index and the search index.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
from collections import defaultdict
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import jinja2

from ..export._disk import FILE_MODE, FOLDER_MODE
from ..export._media import MEDIA_FOLDER, file_key, read_manifest
from ..export._reader import ArchivedConversation, open_archive
from ._model import (
    FileLink,
    Picture,
    Reaction,
    Reply,
    Segment,
    Video,
    ViewMessage,
    human_size,
    initials,
    is_media_host,
    loci_of,
    picture_size,
    safe_url,
    segments,
)

_KEY = re.compile(r"(group|dm)-[0-9]{1,40}")
_MONTH_FILE = re.compile(r"[0-9]{4}-[0-9]{2}\.html")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' https://i.groupme.com https://v.groupme.com; "
    "media-src 'self' https://v.groupme.com; form-action 'self'; base-uri 'none'"
)
"""The Content-Security-Policy of every page: nothing runs but the site's
own script file, nothing loads but the site's files and GroupMe's media
hosts (for pictures that were not downloaded)."""


@attrs.frozen(kw_only=True)
class SiteSummary:
    """What :func:`render_site` did."""

    conversations: int
    messages: int
    pages: int
    """Files the site consists of (pages, index, assets)."""
    written: int
    """Files written because they were new or changed."""
    unchanged: int
    removed: int
    """Pages of the site no longer rendered, deleted."""
    media: int
    """Media files newly placed in the site's ``media/``."""


@attrs.frozen
class _Month:
    key: str
    label: str
    messages: list[ViewMessage]

    @property
    def file(self) -> str:
        return f"{self.key}.html"


@attrs.frozen
class _Conv:
    key: str
    name: str
    kind: str
    count: int
    first: dt.datetime | None
    last: dt.datetime | None
    months: list[tuple[str, str, int]]
    """(file, label, messages), oldest first."""


class _Writer:
    """Writes files only when their content changes, 0600 in 0700 folders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written = 0
        self.unchanged = 0
        self.files: set[Path] = set()

    def folder(self, path: Path) -> None:
        missing = []
        while not path.is_dir():
            missing.append(path)
            path = path.parent
        for folder in reversed(missing):
            folder.mkdir(mode=FOLDER_MODE)
            os.chmod(folder, FOLDER_MODE)

    def put(self, relative: str, data: bytes) -> None:
        path = self.root / relative
        self.files.add(path)
        try:
            if path.read_bytes() == data:
                self.unchanged += 1
                return
        except OSError:
            pass
        self.folder(path.parent)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
        self.written += 1


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("groupme_async.viewer", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _script_json(data: Any) -> str:
    """JSON that is safe inside any script: no ``<``, ``>``, ``&`` or line
    separators survive literally, so ``</script>`` in a message cannot end it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


class _Builder:
    def __init__(
        self, archive: Path, site: Path, tz: dt.tzinfo | None, manifest: Mapping[str, Any]
    ) -> None:
        self.archive = archive
        self.site = site
        self.tz = tz
        self.manifest = manifest
        self.media_used: set[str] = set()
        self.env = _environment()

    # --- one message -------------------------------------------------------------

    def _local(self, root: str, key: object) -> str | None:
        """The site path of the downloaded medium ``key``, if it was downloaded."""
        if not isinstance(key, str):
            return None
        entry = self.manifest.get(key)
        if entry is None:
            return None
        self.media_used.add(entry["file"])
        return f"{root}media/{entry['file']}"

    def _when(self, message: Mapping[str, Any]) -> dt.datetime:
        created = message.get("created_at")
        seconds = created if type(created) is int and 0 <= created < 2**37 else 0
        return dt.datetime.fromtimestamp(seconds, self.tz or dt.UTC).astimezone(self.tz)

    def message(
        self,
        m: Mapping[str, Any],
        conv: ArchivedConversation,
        root: str,
        where: Mapping[str, tuple[str, str]],
    ) -> ViewMessage:
        mid = str(m.get("id"))
        name, raw_text = m.get("name"), m.get("text")
        author = name if isinstance(name, str) and name else "(no name)"
        raw = m.get("attachments")
        attachments = [a for a in raw if isinstance(a, dict)] if isinstance(raw, list) else []
        text = raw_text if isinstance(raw_text, str) else ""
        system = m.get("system") is True or m.get("sender_type") == "system"
        pictures: list[Picture] = []
        videos: list[Video] = []
        files: list[FileLink] = []
        notes: list[Segment] = []
        reply: Reply | None = None
        caption = text.strip()
        for att in attachments:
            kind = att.get("type")
            if kind == "image":
                pictures.append(self._picture(att.get("url"), author, caption, root, "Picture"))
            elif kind == "video":
                poster = att.get("preview_url")
                videos.append(
                    Video(
                        self._local(root, att.get("url")) or safe_url(att.get("url")),
                        self._picture(poster, author, caption, root, "Video")
                        if poster is not None
                        else None,
                        self._local(root, att.get("url")) is None,
                    )
                )
            elif kind == "file":
                files.append(self._file(att.get("file_id"), m, conv, root))
            elif kind == "reply":
                reply = self._reply(att.get("reply_id"), where)
            elif kind == "location":
                notes.append(self._location(att))
            elif kind == "poll":
                notes.append(Segment("text", "Poll"))
            elif kind == "event":
                notes.append(Segment("text", "Calendar event"))
        favorited = m.get("favorited_by")
        reactions = []
        for r in m.get("reactions") or () if isinstance(m.get("reactions"), list) else ():
            if isinstance(r, dict) and isinstance(r.get("code"), str):
                users = r.get("user_ids")
                reactions.append(Reaction(r["code"], len(users) if isinstance(users, list) else 1))
        created, updated = m.get("created_at"), m.get("updated_at")
        return ViewMessage(
            id=mid,
            anchor=f"m{mid}",
            author=author,
            avatar=None if system else self._local(root, m.get("avatar_url")),
            initials=initials(author),
            when=self._when(m),
            system=system,
            deleted=bool(m.get("deleted_at")),
            edited=type(updated) is int and type(created) is int and updated > created,
            text=segments(text, loci_of(attachments)),
            pictures=pictures,
            videos=videos,
            files=files,
            notes=notes,
            reply=reply,
            likes=len(favorited) if isinstance(favorited, list) else 0,
            reactions=reactions,
        )

    def _picture(self, url: object, author: str, caption: str, root: str, what: str) -> Picture:
        alt = f"{what} from {author}" + (f": {caption}" if caption else "")
        local = self._local(root, url)
        remote = safe_url(url)
        width, height = picture_size(remote) if remote else (None, None)
        if local is not None:
            return Picture(local, alt, False, width, height)
        if remote is not None and is_media_host(remote):
            return Picture(remote, alt, True, width, height)
        # Not shown inline from a host outside GroupMe's: only linked.
        return Picture(None, alt, True, link=remote)

    def _file(
        self,
        file_id: object,
        m: Mapping[str, Any],
        conv: ArchivedConversation,
        root: str,
    ) -> FileLink:
        where = m.get("group_id") or m.get("conversation_id") or conv.conversation_id
        key = file_key(str(where), str(file_id))
        entry = self.manifest.get(key)
        if entry is None:
            return FileLink(None, "a file (not downloaded)", "")
        name = entry.get("name") if isinstance(entry.get("name"), str) else "file"
        return FileLink(self._local(root, key), name or "file", human_size(entry.get("size")))

    @staticmethod
    def _reply(reply_id: object, where: Mapping[str, tuple[str, str]]) -> Reply:
        target = where.get(str(reply_id))
        if target is None:
            return Reply(None, "In reply to a message not in the archive")
        page, who = target
        return Reply(f"{page}#m{reply_id}", f"In reply to {who}")

    @staticmethod
    def _location(att: Mapping[str, Any]) -> Segment:
        name = att.get("name") if isinstance(att.get("name"), str) else "a place"
        try:
            lat, lng = float(att.get("lat")), float(att.get("lng"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return Segment("text", f"Location: {name}")
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return Segment("text", f"Location: {name}")
        href = f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lng:.5f}#map=16/{lat:.5f}/{lng:.5f}"
        return Segment("link", f"Location: {name}", href)

    # --- a conversation -------------------------------------------------------------

    def conversation(
        self,
        conv: ArchivedConversation,
        messages: list[dict[str, Any]],
        out: _Writer,
        search: list[list[Any]],
        number: int,
    ) -> _Conv:
        root = "../../"
        where: dict[str, tuple[str, str]] = {}
        for m in messages:
            name = m.get("name") if isinstance(m.get("name"), str) else ""
            where[str(m.get("id"))] = (f"{self._when(m):%Y-%m}.html", name or "(no name)")
        months: dict[str, list[ViewMessage]] = defaultdict(list)
        for m in messages:
            view = self.message(m, conv, root, where)
            months[f"{view.when:%Y-%m}"].append(view)
        ordered = [
            _Month(key, dt.date(int(key[:4]), int(key[5:]), 1).strftime("%B %Y"), months[key])
            for key in sorted(months)
        ]
        folder = f"c/{conv.key}"
        for i, month in enumerate(ordered):
            html = self.env.get_template("month.html").render(
                root=root,
                csp=CSP,
                conversation=conv,
                month=month,
                previous=ordered[i - 1] if i > 0 else None,
                next=ordered[i + 1] if i + 1 < len(ordered) else None,
            )
            out.put(f"{folder}/{month.file}", html.encode())
            for view in month.messages:
                search.append(
                    [number, f"{folder}/{month.file}#{view.anchor}", view.author,
                     view.search_text, f"{view.when:%Y-%m-%d %H:%M}"]
                )  # fmt: skip
        summary = _Conv(
            key=conv.key,
            name=conv.name,
            kind=conv.kind,
            count=len(messages),
            first=ordered[0].messages[0].when if ordered else None,
            last=ordered[-1].messages[-1].when if ordered else None,
            months=[(m.file, m.label, len(m.messages)) for m in ordered],
        )
        html = self.env.get_template("conversation.html").render(
            root=root, csp=CSP, conversation=summary
        )
        out.put(f"{folder}/index.html", html.encode())
        return summary

    # --- the site ----------------------------------------------------------------------

    def build(self) -> SiteSummary:
        out = _Writer(self.site)
        out.folder(self.site)
        reader = open_archive(self.archive)
        convs: list[_Conv] = []
        search: list[list[Any]] = []
        names: list[str] = []
        total = 0
        try:
            for conv in reader.conversations():
                if not _KEY.fullmatch(conv.key):
                    continue
                messages = list(reader.messages(conv))
                if not messages:
                    continue
                names.append(conv.name)
                convs.append(self.conversation(conv, messages, out, search, len(names) - 1))
                total += len(messages)
        finally:
            reader.close()
        convs.sort(key=lambda c: c.last or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
        index = self.env.get_template("index.html").render(
            root="", csp=CSP, conversations=convs, messages=total
        )
        out.put("index.html", index.encode())
        out.put(
            "search.html", self.env.get_template("search.html").render(root="", csp=CSP).encode()
        )
        index_data = {"conversations": names, "messages": search}
        out.put("search-index.js", f"window.GM_SEARCH = {_script_json(index_data)};\n".encode())
        static = resources.files("groupme_async.viewer") / "static"
        for name in ("style.css", "search.js"):
            out.put(f"assets/{name}", (static / name).read_bytes())
        removed = self._remove_stale(out.files)
        copied = self._place_media()
        return SiteSummary(
            conversations=len(convs),
            messages=total,
            pages=len(out.files),
            written=out.written,
            unchanged=out.unchanged,
            removed=removed,
            media=copied,
        )

    def _remove_stale(self, kept: set[Path]) -> int:
        """Delete pages of conversations or months no longer rendered."""
        removed = 0
        folder = self.site / "c"
        if not folder.is_dir():
            return 0
        for conv in folder.iterdir():
            if not (_KEY.fullmatch(conv.name) and conv.is_dir() and not conv.is_symlink()):
                continue
            for page in conv.iterdir():
                stale = page not in kept and (
                    _MONTH_FILE.fullmatch(page.name) or page.name == "index.html"
                )
                if stale and page.is_file():
                    page.unlink()
                    removed += 1
        return removed

    def _place_media(self) -> int:
        """Hard-link (or copy) the media the pages show into the site."""
        if not self.media_used:
            return 0
        target = self.site / MEDIA_FOLDER
        _Writer(self.site).folder(target)
        placed = 0
        source = self.archive / MEDIA_FOLDER
        for name in sorted(self.media_used):
            src, dst = source / name, target / name
            try:
                if dst.is_file() and dst.stat().st_size == src.stat().st_size:
                    continue
                tmp = target / f".{name}.{secrets.token_hex(4)}.tmp"
                try:
                    os.link(src, tmp)
                except OSError:
                    shutil.copyfile(src, tmp)
                    os.chmod(tmp, FILE_MODE)
                os.replace(tmp, dst)
                placed += 1
            except FileNotFoundError:
                continue  # listed but gone from the archive: the page falls back to nothing
        return placed


def render_site(
    archive: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    tz: dt.tzinfo | None = None,
) -> SiteSummary:
    """Render the archive in ``archive`` (JSON Lines or SQLite, with or
    without ``media/``) as a static site in ``out``; times are shown in
    ``tz`` (default: this machine's local time zone).  Rerun it after an
    export: only files whose content changes are written."""
    archive_path = Path(archive)
    site = Path(out)
    if site.resolve() == archive_path.resolve():
        raise ValueError("the site must go to another folder than the archive")
    manifest = read_manifest(archive_path)
    return _Builder(archive_path, site, tz, manifest).build()
