"""``AsyncGroupMe``: the client object users hold."""

from __future__ import annotations

import os
import random
from typing import Any

import httpx

from ._closing import AsyncClosing
from ._constants import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, FAMILY_PREFIXES
from ._requester import (
    Clock,
    PublicPool,
    RateLimiter,
    Requester,
    Settings,
    Sleep,
    check_token,
    family_bases,
)
from ._retry import RetryPolicy, check_seconds
from .resources import (
    Blocks,
    Bots,
    Chats,
    Contacts,
    DirectMessages,
    Events,
    Files,
    Gallery,
    GroupMessages,
    Groups,
    Images,
    Media,
    Members,
    Messages,
    PinnedConversations,
    Polls,
    Realtime,
    Subgroups,
    Users,
    Videos,
)

TOKEN_ENV = "GROUPME_TOKEN"  # noqa: S105 - the variable's name, not a token
BASE_URL_ENV = "GROUPME_BASE_URL"

_UNSET: Any = object()


def _check_settings(
    timeout: object, retry: object, rate_limiter: object, max_response_bytes: object
) -> Settings:
    if not isinstance(retry, RetryPolicy):
        raise TypeError("retry must be a RetryPolicy")
    if rate_limiter is not None and not (
        callable(getattr(rate_limiter, "acquire", None))
        and callable(getattr(rate_limiter, "report", None))
    ):
        raise TypeError("rate_limiter must have acquire() and report(status) methods")
    if (
        isinstance(max_response_bytes, bool)
        or not isinstance(max_response_bytes, int)
        or max_response_bytes < 1
    ):
        raise ValueError(
            f"max_response_bytes must be a positive integer, got {max_response_bytes!r}"
        )
    return Settings(
        timeout=check_seconds(timeout, "timeout", allow_zero=False),
        retry=retry,
        rate_limiter=rate_limiter,  # type: ignore[arg-type]
        max_response_bytes=max_response_bytes,
    )


class AsyncGroupMe(AsyncClosing):
    """An asyncio (and trio) client for the GroupMe API.

    ``token`` defaults to the ``GROUPME_TOKEN`` environment variable.
    ``base_url`` (default: ``GROUPME_BASE_URL``, else the real hosts) is one
    origin, such as ``"http://127.0.0.1:8000"``, under which every API family
    lives (v3 at ``/v3``, v4 at ``/v4``, v2 at ``/v2``, images at
    ``/image``, files at ``/file``, videos at ``/video``, and the media
    hosts at ``/media/<host>``), as
    :class:`groupme_async.testing.FakeGroupMe` serves them.
    ``transport`` takes any ``httpx.AsyncBaseTransport`` to run offline.

    ``timeout`` bounds each network operation, ``retry`` sets the attempts,
    backoff, the whole call's ``deadline`` and the sends' ``send_window``;
    ``rate_limiter`` paces every request (see :class:`RateLimiter`);
    ``max_response_bytes`` caps a body after decompression.  ``sleep``,
    ``clock`` and ``rng`` replace the backoff sleep, the monotonic clock and
    the jitter source, so tests never wait.

    Use it as an async context manager, or call :meth:`aclose`.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        sleep: Sleep | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if token is None:
            token = os.environ.get(TOKEN_ENV) or None
        if token is None:
            raise ValueError(
                f"no GroupMe access token: pass token=... or set {TOKEN_ENV} "
                "(get one at https://dev.groupme.com)"
            )
        self._build(
            check_token(token),
            base_url=base_url,
            transport=transport,
            settings=_check_settings(
                timeout, retry or RetryPolicy(), rate_limiter, max_response_bytes
            ),
            sleep=sleep,
            clock=clock,
            rng=rng,
        )

    @classmethod
    def without_token(
        cls,
        *,
        base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        sleep: Sleep | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> AsyncGroupMe:
        """A client with no access token, for the calls GroupMe answers
        without one: ``gm.bots.post`` (a bot's id is its credential).

        Any other call raises ``ValueError`` before a request is made.
        ``GROUPME_TOKEN`` is not read; ``base_url`` defaults to
        ``GROUPME_BASE_URL`` as for :class:`AsyncGroupMe`.  A client that
        has a token never sends it on these calls either.
        """
        client = object.__new__(cls)
        client._build(
            None,
            base_url=base_url,
            transport=transport,
            settings=_check_settings(timeout, retry or RetryPolicy(), None, max_response_bytes),
            sleep=sleep,
            clock=clock,
            rng=rng,
        )
        return client

    def _build(
        self,
        token: str | None,
        *,
        base_url: str | None,
        transport: httpx.AsyncBaseTransport | None,
        settings: Settings,
        sleep: Sleep | None,
        clock: Clock | None,
        rng: random.Random | None,
    ) -> None:
        if base_url is None:
            base_url = os.environ.get(BASE_URL_ENV) or None
        # Only a real network transport carries the token over the wire.
        networked = token is not None and (
            transport is None or isinstance(transport, httpx.AsyncHTTPTransport)
        )
        bases = family_bases(base_url, warn_plain_http=networked)
        self._base_url = base_url
        self._owner = True
        # One origin serves everything, the media hosts under /media/<host>.
        origin = None if base_url is None else bases["v3"].removesuffix(FAMILY_PREFIXES["v3"])
        self._setup(
            Requester(
                token,
                bases=bases,
                client=Requester.make_client(transport),
                settings=settings,
                sleep=sleep,
                clock=clock,
                rng=rng,
                public=PublicPool(transport),
                media_base=None if origin is None else origin + "/media",
            )
        )

    def _setup(self, requester: Requester) -> None:
        self._requester = r = requester
        self.users = Users(r)
        """Your account (``/users``, directories, sharing, SMS mode)."""
        self.pinned_conversations = PinnedConversations(r)
        """v4 pinned conversations."""
        self.chats = Chats(r)
        """DM chats (``/chats``)."""
        self.direct_messages = DirectMessages(r)
        """DMs (``/direct_messages``) and read receipts."""
        self.group_messages = GroupMessages(r)
        """Group messages (``/groups/:id/messages``)."""
        self.groups = Groups(r)
        """Groups (``/groups``): list, create, update, join, leave, mute."""
        self.messages = Messages(r)
        """Single messages: delete, show, edit, like and react, pin, and the
        likes leaderboards."""
        self.blocks = Blocks(r)
        """Blocks (``/blocks``)."""
        self.realtime = Realtime(r)
        """Push events: ``async with gm.realtime.connect() as stream``."""
        # groups beyond the seeds, members, users, contacts, bots
        self.members = Members(r)
        """Group members (``/groups/:id/members``, join requests, nicknames)."""
        self.contacts = Contacts(r)
        """Your contact book (v4 ``/relationships``)."""
        self.bots = Bots(r)
        """Bots (``/bots``): post into one group; cannot read history."""

        # messages beyond the seeds, polls, events, subgroups, gallery
        self.polls = Polls(r)
        """Polls in groups (``/poll``)."""
        self.events = Events(r)
        """Calendar events (``/conversations/:id/events``)."""
        self.subgroups = Subgroups(r)
        """Topics of a group (``/groups/:id/subgroups``)."""
        self.gallery = Gallery(r)
        """The pictures, videos and files of a conversation."""

        # media services
        self.images = Images(r)
        """The image service: upload or import images as ``i.groupme.com`` URLs."""
        self.files = Files(r)
        """The file service: upload, describe and download files."""
        self.videos = Videos(r)
        """The video service: upload and transcode videos."""
        self.media = Media(r)
        """GroupMe's public media hosts: download pictures, avatars and
        videos (never with the token)."""

    def with_options(
        self,
        *,
        timeout: float = _UNSET,
        retry: RetryPolicy = _UNSET,
        rate_limiter: RateLimiter | None = _UNSET,
        max_response_bytes: int = _UNSET,
    ) -> AsyncGroupMe:
        """A client with some options changed, sharing this one's token and
        connection pool (closing it does not close the pool; close this one).

        ``gm.with_options(rate_limiter=limiter)`` paces only the calls made
        through the derived client; ``gm.with_options(retry=RetryPolicy(
        max_attempts=1))`` turns retries off for them.
        """
        current = self._requester.settings
        settings = _check_settings(
            current.timeout if timeout is _UNSET else timeout,
            current.retry if retry is _UNSET else retry,
            current.rate_limiter if rate_limiter is _UNSET else rate_limiter,
            current.max_response_bytes if max_response_bytes is _UNSET else max_response_bytes,
        )
        derived = object.__new__(AsyncGroupMe)
        derived._base_url = self._base_url
        derived._owner = False
        derived._setup(self._requester.derive(settings))
        return derived

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy in force."""
        return self._requester.settings.retry

    @property
    def rate_limiter(self) -> RateLimiter | None:
        """The rate limiter pacing this client's requests, if any."""
        return self._requester.settings.rate_limiter

    async def aclose(self) -> None:
        """Close the connection pool (a client from :meth:`with_options`
        leaves it to the client it came from)."""
        if self._owner:
            await self._requester.aclose()

    def __repr__(self) -> str:
        where = self._base_url or "https://api.groupme.com"
        anonymous = "" if self._requester.has_token else " without_token"
        return f"<AsyncGroupMe base_url={where!r}{anonymous}>"
