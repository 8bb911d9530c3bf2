"""GroupMe's public media hosts: the pictures, avatars and videos messages link to.

These hosts need no access token, so it never goes to them: downloads use a
separate client that has no token header (and no cookies shared with the
API client).  A URL on another host is refused unless asked for, and a
redirect is followed only to a host the download may fetch from.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

import attrs
import httpx

from .._requester import ByteStream, Redirected
from ..errors import APITimeoutError, ResponseDecodeError
from ._base import Download, Resource

#: The hosts GroupMe serves message media from: pictures and avatars, videos and posters.
MEDIA_HOSTS = frozenset({"i.groupme.com", "v.groupme.com"})
#: The default cap of one download.
MAX_MEDIA_BYTES = 100 * 2**20
#: Redirects followed before giving up.
MAX_REDIRECTS = 5


def check_media_url(url: object, *, other_hosts: bool = False) -> httpx.URL:
    """``url`` parsed, if a download may fetch it: ``https`` on one of
    :data:`MEDIA_HOSTS` (or, with ``other_hosts``, ``http(s)`` on any host
    but a loopback, private or link-local address); else ``ValueError``."""
    if not isinstance(url, str) or not url:
        raise ValueError("a media URL must be a non-empty string")
    if len(url) > 2048 or any(c.isspace() or not c.isprintable() for c in url):
        raise ValueError("a media URL must be one line of printable characters")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise ValueError("not a URL") from None
    host = parsed.host
    if parsed.scheme not in ("http", "https") or not host:
        raise ValueError("a media URL must be http:// or https:// with a host")
    if parsed.userinfo:
        raise ValueError("a media URL must not contain a user name or password")
    if host in MEDIA_HOSTS:
        if parsed.scheme != "https" or parsed.port is not None:
            raise ValueError(f"{host} URLs must be https:// on the default port")
    elif not other_hosts:
        raise ValueError(
            f"{host} is not one of GroupMe's media hosts ({', '.join(sorted(MEDIA_HOSTS))}); "
            "pass other_hosts=True to fetch from any host"
        )
    elif _is_internal(host):
        raise ValueError(f"{host} is a loopback, private or link-local address")
    segments = parsed.path.split("/")
    if any(s in (".", "..") or s.lower().replace("%2e", ".") in (".", "..") for s in segments):
        raise ValueError("a media URL's path must not climb with . or ..")
    if "%2f" in parsed.raw_path.lower().decode("ascii", "replace"):
        raise ValueError("a media URL's path must not hide a slash as %2F")
    return parsed


def _is_internal(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def route_media_url(url: httpx.URL, media_base: str | None) -> str:
    """Where ``url`` is fetched: itself, or with ``base_url`` set
    ``<origin>/media/<host><path>``, so the fake's hosts stay apart from
    the real ones and from the API's paths."""
    if media_base is None:
        return str(url)
    raw = url.raw_path.decode("ascii")
    return f"{media_base}/{url.host}{raw}"


class MediaDownload(Download):
    """A media file being downloaded (from :meth:`Media.download`).

    Iterate it once (``async for chunk in download``) or ``await
    download.read()``.
    """

    def __init__(self, url: str, stream: ByteStream) -> None:
        super().__init__(stream)
        self.url = url
        """The URL the bytes came from (after any redirects), as GroupMe names it."""


class Media(Resource):
    """Downloads from GroupMe's public media hosts, without the access token."""

    __slots__ = ()

    def download(
        self, url: str, *, max_bytes: int = MAX_MEDIA_BYTES, other_hosts: bool = False
    ) -> AbstractAsyncContextManager[MediaDownload]:
        """Download a picture, avatar, video or poster, streamed::

            async with gm.media.download(attachment.url) as download:
                async for chunk in download:
                    out.write(chunk)

        ``url`` must be ``https`` on ``i.groupme.com`` or ``v.groupme.com``
        (``ValueError`` otherwise), unless ``other_hosts=True`` allows any
        ``http(s)`` host but loopback and private addresses.  The token is
        never sent.  Redirects are followed (at most 5) only to URLs that
        pass the same check; any other is a :class:`ResponseDecodeError`,
        as is a body larger than ``max_bytes``.  A missing file is a
        :class:`NotFoundError`.  Attempts are retried and paced like any
        call, within the retry policy's deadline, which covers the whole
        download.  With ``base_url`` set, ``https://<host>/<path>`` is
        fetched from ``<base_url>/media/<host>/<path>`` (as FakeGroupMe
        serves it).
        """
        checked = check_media_url(url, other_hosts=other_hosts)
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise ValueError(f"max_bytes must be a positive integer, got {max_bytes!r}")
        return self._download(checked, max_bytes, other_hosts)

    @contextlib.asynccontextmanager
    async def _download(
        self, url: httpx.URL, max_bytes: int, other_hosts: bool
    ) -> AsyncIterator[MediaDownload]:
        r = self._r
        deadline_at = r.clock() + r.retry.deadline
        for _ in range(MAX_REDIRECTS + 1):
            label = f"GET {url.host} (media)"
            remaining = deadline_at - r.clock()
            if remaining <= 0:
                raise APITimeoutError(f"{label}: the call's deadline passed")
            retry = attrs.evolve(r.retry, deadline=remaining)
            try:
                async with r.stream_public(
                    route_media_url(url, r.media_base), label, max_bytes=max_bytes, retry=retry
                ) as stream:
                    yield MediaDownload(str(url), stream)
                    return
            except Redirected as redirect:
                url = _follow(url, redirect.location, label, other_hosts)
        raise ResponseDecodeError(label, f"more than {MAX_REDIRECTS} redirects")


def _follow(url: httpx.URL, location: str | None, label: str, other_hosts: bool) -> httpx.URL:
    """The redirect's target, resolved against the URL as GroupMe names it."""
    if not location:
        raise ResponseDecodeError(label, "a redirect without a Location")
    try:
        target = url.join(location)
        return check_media_url(str(target), other_hosts=other_hosts)
    except (ValueError, httpx.InvalidURL):
        # Not quoted: the Location is server text.
        raise ResponseDecodeError(
            label, "redirected to a URL outside the hosts media may come from"
        ) from None
