"""From archived messages to what a page shows: every value a template
prints is plain text here, and only checked ``http(s)`` URLs become links.

Templates escape everything (Jinja2 autoescape); this module makes sure
that what reaches an ``href`` or ``src`` is either a path inside the site
or an ``http(s)`` URL, never ``javascript:`` or ``data:``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import attrs

from ..resources.media import MEDIA_HOSTS

#: A message text's links: http(s) only, ended by space or quotes.
_LINK = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+", re.I)
_TRAILING = ".,;:!?)]}'\""
_SIZE = re.compile(r"/(\d{1,5})x(\d{1,5})[./]")


def safe_url(value: object) -> str | None:
    """``value`` if it is an ``http(s)`` URL with a host and no credentials, else None."""
    if not isinstance(value, str) or not value or len(value) > 4096:
        return None
    if any(c.isspace() or not c.isprintable() for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return value


@attrs.frozen
class Segment:
    """A run of a message's text: plain, a mention, or a link."""

    kind: str
    text: str
    href: str | None = None


def segments(text: str, loci: Sequence[tuple[int, int]]) -> list[Segment]:
    """``text`` split at its mentions (``[start, length]`` pairs) and links."""
    out: list[Segment] = []
    position = 0
    for start, length in sorted(loci):
        if start < position or length <= 0 or start + length > len(text):
            continue  # overlapping or outside the text: not trusted
        out += _links(text[position:start])
        out.append(Segment("mention", text[start : start + length]))
        position = start + length
    out += _links(text[position:])
    return out


def _links(text: str) -> list[Segment]:
    out: list[Segment] = []
    position = 0
    for match in _LINK.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        href = safe_url(url)
        if href is None:
            continue
        if match.start() > position:
            out.append(Segment("text", text[position : match.start()]))
        out.append(Segment("link", url, href))
        position = match.start() + len(url)
    if position < len(text):
        out.append(Segment("text", text[position:]))
    return out


def loci_of(attachments: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for att in attachments:
        if att.get("type") != "mentions" or not isinstance(att.get("loci"), list):
            continue
        for pair in att["loci"]:
            if (
                isinstance(pair, list)
                and len(pair) == 2
                and all(type(n) is int and 0 <= n < 1 << 31 for n in pair)
            ):
                found.append((pair[0], pair[1]))
    return found


@attrs.frozen
class Picture:
    """An image or video poster: ``src`` is in the site, or remote (with a note)."""

    src: str | None
    alt: str
    remote: bool
    width: int | None = None
    height: int | None = None
    link: str | None = None
    """The remote URL, to open, when the picture is not shown inline."""


@attrs.frozen
class Video:
    src: str | None
    poster: Picture | None
    remote: bool


@attrs.frozen
class FileLink:
    href: str | None
    name: str
    size: str


@attrs.frozen
class Reply:
    href: str | None
    label: str


@attrs.frozen
class Reaction:
    emoji: str
    count: int


@attrs.frozen
class ViewMessage:
    """One message as a page shows it."""

    id: str
    anchor: str
    author: str
    avatar: str | None
    initials: str
    when: dt.datetime
    system: bool
    deleted: bool
    edited: bool
    text: list[Segment]
    pictures: list[Picture]
    videos: list[Video]
    files: list[FileLink]
    notes: list[Segment]
    reply: Reply | None
    likes: int
    reactions: list[Reaction]

    @property
    def iso(self) -> str:
        return self.when.isoformat()

    @property
    def time(self) -> str:
        return self.when.strftime("%H:%M")

    @property
    def day(self) -> str:
        return self.when.strftime("%A %-d %B %Y")

    @property
    def search_text(self) -> str:
        return "".join(s.text for s in self.text)


def human_size(size: object) -> str:
    if type(size) is not int or size < 0:
        return ""
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KiB", "MiB", "GiB"):
        size /= 1024
        if size < 1024 or unit == "GiB":
            return f"{size:.1f} {unit}"
    return ""


def initials(name: str) -> str:
    letters = [w[0] for w in name.split() if w and w[0].isalnum()]
    return ("".join(letters[:2]) or "?").upper()


def picture_size(url: str) -> tuple[int | None, int | None]:
    """The ``<w>x<h>`` GroupMe writes in its picture URLs, for the layout."""
    found = _SIZE.search(url)
    if found is None:
        return None, None
    width, height = int(found.group(1)), int(found.group(2))
    return (width, height) if width and height else (None, None)


def is_media_host(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and parts.hostname in MEDIA_HOSTS
