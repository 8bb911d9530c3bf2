"""The one request chokepoint: URLs, auth, pacing, retries, body reading, decoding.

Every call any resource makes goes through :meth:`Requester.call`, so the
rules below hold everywhere:

* the token travels only in the ``X-Access-Token`` header, only to the
  configured GroupMe origin, and redirects are never followed (no redirect
  can carry it elsewhere);
* one retry loop covers 420/429, 5xx, connection errors and timeouts, under
  the policy's attempt count and its deadline for the whole call (rate
  limiter waits and slow servers included);
* a send's retry never starts, nor is still getting onto the wire, after
  the send window that began with its first attempt;
* bodies are read with a size cap counted after decompression, and decoded
  by the pure functions in ``_envelope``;
* upload bodies (:mod:`._bodies`) are retried only when they can be sent
  again whole, and a download (:meth:`Requester.stream`) is handed out as
  chunks under the same cap and deadline.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import math
import random
import time
import warnings
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Protocol, TypedDict, TypeVar, Unpack

import anyio
import attrs
import httpx
import orjson

from . import _envelope
from ._bodies import Body, UploadAborted
from ._constants import DEFAULT_BASES, FAMILY_PREFIXES, RATE_LIMIT_STATUSES, USER_AGENT
from ._retry import RetryPolicy
from ._routes import Bound, Route
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    GroupMeError,
    ResponseDecodeError,
    ResponseTooLargeError,
)

logger = logging.getLogger("groupme_async")
# A library does not print: the application decides where records go.
logger.addHandler(logging.NullHandler())

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
Params = Mapping[str, str | int]


class CallOptions(TypedDict, total=False):
    """What a call may add to its route (see :meth:`Requester.request`)."""

    params: Params | None
    json: Any
    log: AttemptLog | None
    window: float | None
    retry: RetryPolicy | None
    at_most_once: bool
    content: Body | None
    headers: Mapping[str, str] | None
    pending_status: int | None


class RateLimiter(Protocol):
    """Paces requests: pass one as ``AsyncGroupMe(rate_limiter=...)``.

    ``acquire()`` is awaited before every attempt (it may wait for a send
    slot, but not past the call's deadline; a send's retry it holds past
    the send window is abandoned); ``report(status)`` is told each
    attempt's HTTP status, or ``None`` when the attempt got no answer.
    :class:`AdaptiveRateLimiter` is one.
    """

    async def acquire(self) -> None:
        """Wait until the next request may be sent."""

    def report(self, status: int | None) -> None:
        """The outcome of an attempt that :meth:`acquire` let through."""


class InsecureTransportWarning(UserWarning):
    """A plain ``http://`` origin that is not loopback: the token would cross
    the network unencrypted."""


_LOOPBACK_NAMES = frozenset({"localhost"})


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def family_bases(base_url: str | None, *, warn_plain_http: bool = True) -> dict[str, str]:
    """The base URL of every API family: the real hosts, or one origin."""
    if base_url is None:
        return dict(DEFAULT_BASES)
    if not isinstance(base_url, str):
        raise ValueError(f"base_url must be a string, got {type(base_url).__name__}")
    if any(c.isspace() or not c.isprintable() for c in base_url):
        raise ValueError("base_url must not contain whitespace or control characters")
    try:
        parsed = httpx.URL(base_url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"base_url is not a URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"base_url must be an http(s) origin, got {base_url!r}")
    if parsed.userinfo:
        # Not echoed: it may hold a password.
        raise ValueError("base_url must not contain a user name or password")
    if parsed.query or parsed.fragment or "?" in base_url or "#" in base_url:
        raise ValueError("base_url must not have a query or fragment")
    if parsed.path not in ("", "/"):
        raise ValueError(
            f"base_url is an origin such as 'http://127.0.0.1:8000', without a path "
            f"(got path {parsed.path!r}): the client adds /v3, /v4, /v2 and /image itself"
        )
    if warn_plain_http and parsed.scheme == "http" and not _is_loopback(parsed.host):
        warnings.warn(
            f"base_url {base_url!r} is plain http: the access token will travel unencrypted",
            InsecureTransportWarning,
            stacklevel=4,
        )
    root = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
    return {family: root + prefix for family, prefix in FAMILY_PREFIXES.items()}


def check_token(token: object) -> str:
    """The token, stripped; ``ValueError`` that never quotes it."""
    if not isinstance(token, str):
        raise ValueError(f"the access token must be a string, got {type(token).__name__}")
    token = token.strip()
    # Printable ASCII without spaces: anything else cannot go in a header,
    # and httpx's own error would quote the whole value.
    if not token or not all("!" <= c <= "~" for c in token):
        raise ValueError(
            "the access token must be a single-line string of printable ASCII characters "
            "without spaces (copy it again from https://dev.groupme.com)"
        )
    return token


@attrs.define
class AttemptLog:
    """What the attempts of one call did; sends read it to decide whether a
    failed send may have landed."""

    attempts: int = 0
    maybe_processed: bool = False
    """Some attempt may have reached GroupMe and been acted on (its answer
    was lost, timed out or was a 5xx)."""


def _maybe_processed(error: GroupMeError) -> bool:
    if isinstance(error, APIError):
        return error.status_code >= 500
    return isinstance(error, APIConnectionError) and error.sent


@attrs.frozen(kw_only=True)
class Settings:
    """The per-client options that :meth:`AsyncGroupMe.with_options` may change."""

    timeout: float
    retry: RetryPolicy
    rate_limiter: RateLimiter | None
    max_response_bytes: int


class Requester:
    """Performs every request of one client (and of the clients derived from
    it with ``with_options``, which share its connection pool)."""

    def __init__(
        self,
        token: str | None,
        *,
        bases: dict[str, str],
        client: httpx.AsyncClient,
        settings: Settings,
        sleep: Sleep | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        public: PublicPool | None = None,
        media_base: str | None = None,
    ) -> None:
        self._token = token
        self.bases = bases
        self.client = client
        self.settings = settings
        self._sleep: Sleep = sleep or anyio.sleep
        self._clock: Clock = clock or time.monotonic
        self._rng = rng or random.Random()
        self.public = public or PublicPool(None)
        """The token-free client for GroupMe's public media hosts."""
        self.media_base = media_base
        """Where the media hosts are served when ``base_url`` is set
        (``<origin>/media``, each host a path segment under it), else None."""

    @staticmethod
    def make_client(transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            # Decompressed here, not by httpx, so a body's size is capped as
            # it inflates (a gzip bomb never reaches memory).
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
                "Accept-Encoding": "gzip, deflate",
            },
        )

    def derive(self, settings: Settings) -> Requester:
        """A requester with other settings, sharing the token and the pool."""
        return Requester(
            self._token,
            bases=self.bases,
            client=self.client,
            settings=settings,
            sleep=self._sleep,
            clock=self._clock,
            rng=self._rng,
            public=self.public,
            media_base=self.media_base,
        )

    def redact(self, text: str) -> str:
        """``text`` with the token, if it appears, replaced (for log records
        that quote other code's errors)."""
        return text.replace(self._token, "[REDACTED]") if self._token else text

    @property
    def has_token(self) -> bool:
        """Whether calls that need an access token can be made."""
        return self._token is not None

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def sleep(self) -> Sleep:
        return self._sleep

    @property
    def rng(self) -> random.Random:
        return self._rng

    @property
    def retry(self) -> RetryPolicy:
        return self.settings.retry

    def url(self, family: str, path: str) -> str:
        return self.bases[family] + path

    async def call(self, target: Route[T] | Bound[T], **options: Unpack[CallOptions]) -> T:
        """Call one endpoint and return its answer in the route's shape.

        ``window``: no attempt starts later than this many seconds after the
        first began (sends use the policy's ``send_window``).  ``log`` is
        filled with what the attempts did.  ``retry`` replaces the client's
        policy for this call (polling an answer that is not ready yet).
        ``at_most_once``: the request has no idempotency key (a bot post), so
        only attempts that certainly were not acted on are retried (a 420/429
        refusal, a connection never made); a lost answer or a 5xx is raised.
        ``content`` is a non-JSON body (an upload) and ``headers`` are extra
        request headers (never the token's).  ``pending_status`` is the
        status that means "not ready yet" while polling (logged at DEBUG).
        """
        bound = target if isinstance(target, Bound) else target.bind()
        route = bound.route
        data = await self.request(
            route.method,
            self.url(route.family, bound.path),
            route.label,
            with_token=not route.public,
            **options,
        )
        return route.shape.decode(data, route.label)

    @contextlib.asynccontextmanager
    async def stream(
        self,
        target: Bound[Any],
        *,
        max_bytes: int,
        params: Params | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> AsyncIterator[ByteStream]:
        """Call one endpoint and hand its body out as chunks (a download).

        Attempts are retried as in :meth:`call` until an answer arrives;
        once its body flows to the caller nothing is retried.  The chunks
        stop with :class:`ResponseDecodeError` past ``max_bytes`` and with
        :class:`APITimeoutError` past the call's deadline, which counts the
        time the caller spends between chunks too.
        """
        route = target.route
        opened: _Opened = await self.request(
            route.method,
            self.url(route.family, target.path),
            route.label,
            params=params,
            json=json,
            headers=headers,
            retry=retry,
            stream=True,
        )
        try:
            yield ByteStream(self, opened, route.label, max_bytes)
        finally:
            await opened.response.aclose()

    @contextlib.asynccontextmanager
    async def stream_public(
        self, url: str, label: str, *, max_bytes: int, retry: RetryPolicy | None = None
    ) -> AsyncIterator[ByteStream]:
        """GET ``url`` from a public host with the token-free client (no
        ``X-Access-Token``, whatever the URL), retried and paced as
        :meth:`call`, its body handed out as in :meth:`stream`.

        A redirect is not followed: it raises :class:`Redirected` with the
        ``Location`` for the caller to check and follow.
        """
        opened: _Opened | Redirected = await self.request(
            "GET", url, label, headers={"Accept": "*/*"}, retry=retry, stream=True, public=True
        )
        if isinstance(opened, Redirected):
            raise opened
        try:
            yield ByteStream(self, opened, label, max_bytes)
        finally:
            await opened.response.aclose()

    async def request(
        self,
        method: str,
        url: str,
        label: str,
        *,
        params: Params | None = None,
        json: Any = None,
        log: AttemptLog | None = None,
        window: float | None = None,
        retry: RetryPolicy | None = None,
        at_most_once: bool = False,
        content: Body | None = None,
        headers: Mapping[str, str] | None = None,
        pending_status: int | None = None,
        stream: bool = False,
        public: bool = False,
        with_token: bool = True,
    ) -> Any:
        """The retry loop: one logical request, its decoded ``response`` data.

        With ``stream=True`` a successful answer is returned unread, for
        :meth:`stream` to hand out and close.  ``public=True`` sends it
        with the token-free client and returns a redirect as
        :class:`Redirected` (for :meth:`stream_public`).  ``with_token=False``
        (a GroupMe endpoint answered without one) sends no token at all.
        ``pending_status`` is the status that means "not ready yet" when
        polling: its retries are logged at DEBUG, not as failures.
        """
        if public:
            self._check_public(headers)
        else:
            if with_token and self._token is None:
                raise ValueError(
                    f"{label} needs an access token, and this client was made without one "
                    "(AsyncGroupMe.without_token): pass token=... to AsyncGroupMe"
                )
            self._check_destination(url, headers)
        retry = retry or self.settings.retry
        limiter = self.settings.rate_limiter
        log = log if log is not None else AttemptLog()
        deadline_at = self._clock() + retry.deadline
        # The window opens when the first attempt goes out (a wait for the
        # rate limiter before it puts nothing on GroupMe).
        latest_start = math.inf
        last: GroupMeError | None = None
        extra = _Extra(content, headers or {}, stream, public, with_token)
        while True:
            if limiter is not None and not await self._acquire(limiter, deadline_at):
                raise APITimeoutError(
                    f"{label}: the call's {retry.deadline:g} s deadline passed "
                    "while waiting for the rate limiter",
                    sent=False,
                )
            begun = self._clock()
            if last is None:
                latest_start = math.inf if window is None else begun + window
            elif begun > latest_start:
                # The limiter held this retry past the window: made now, it
                # could post a second copy of what an earlier attempt landed.
                if limiter is not None:
                    limiter.report(None)
                raise last
            log.attempts += 1
            # A retry's request must be on the wire by the window's end, not
            # merely begun: its connect, pool and write waits are cut to that.
            send_by = math.inf if last is None else latest_start
            outcome = await self._attempt(
                method, url, label, params, json, deadline_at, send_by, retry, extra
            )
            if not isinstance(outcome, GroupMeError):
                return outcome
            last = outcome
            processed = _maybe_processed(outcome)
            log.maybe_processed = log.maybe_processed or processed
            if not _retryable(outcome) or (at_most_once and processed):
                raise outcome
            if content is not None and not content.rewind():
                outcome.add_note(
                    f"{label}: not retried: the upload was an async iterator and part of it "
                    "was already sent; a one-shot stream cannot be sent again (pass bytes "
                    "or a file path to let the client retry)"
                )
                raise outcome
            retry_after = outcome.retry_after if isinstance(outcome, APIError) else None
            delay = retry.delay(log.attempts, retry_after, rng=self._rng)
            if delay is None:
                raise outcome
            next_start = self._clock() + delay
            if next_start > latest_start:
                raise outcome
            if next_start >= deadline_at:
                raise APITimeoutError(
                    f"{label}: gave up, the next attempt would start after the call's "
                    f"{retry.deadline:g} s deadline (last error: {outcome})"
                ) from outcome
            if isinstance(outcome, APIError) and outcome.status_code == pending_status:
                logger.debug("%s: not ready yet; asking again in %.2fs", label, delay)
            else:
                logger.warning(
                    "%s: attempt %d failed (%s); retrying in %.2fs",
                    label,
                    log.attempts,
                    outcome,
                    delay,
                )
            await self._sleep(delay)

    def _check_destination(self, url: str, headers: Mapping[str, str] | None) -> None:
        """The token goes only to the configured origin, and only in its header."""
        if not any(
            url == base or url.startswith((base + "/", base + "?")) for base in self.bases.values()
        ):
            raise ValueError("refusing to send the access token outside the GroupMe origin")
        if headers and any(name.lower() == "x-access-token" for name in headers):
            raise ValueError("extra headers may not set X-Access-Token")

    @staticmethod
    def _check_public(headers: Mapping[str, str] | None) -> None:
        if headers and any(name.lower() == "x-access-token" for name in headers):
            raise ValueError("a public host never gets X-Access-Token")

    async def _acquire(self, limiter: RateLimiter, deadline_at: float) -> bool:
        """Wait for the limiter, but not past the deadline: ``False`` if it passed."""
        with anyio.move_on_after(deadline_at - self._clock()) as scope:
            await limiter.acquire()
        return not scope.cancelled_caught

    async def _attempt(
        self,
        method: str,
        url: str,
        label: str,
        params: Params | None,
        json: Any,
        deadline_at: float,
        send_by: float,
        retry: RetryPolicy,
        extra: _Extra | None = None,
    ) -> Any:
        limiter = self.settings.rate_limiter
        extra = extra or _NO_EXTRA
        headers = dict(extra.headers)
        if extra.content is not None:
            headers.update(extra.content.headers())
        if extra.public:
            client = self.public.client()
        else:
            client = self.client
            if extra.with_token and self._token is not None:
                headers["X-Access-Token"] = self._token
        status: int | None = None
        now = self._clock()
        remaining = deadline_at - now
        handed_out = False
        try:
            if remaining <= 0:
                raise _DeadlinePassed(sent=False)
            timeout = min(self.settings.timeout, remaining)
            sending = min(timeout, max(0.0, send_by - now))
            # The query is joined here: given ``params``, httpx parses the URL
            # twice (once bare, once with the merged query), a twentieth of
            # the client's CPU per page of messages.
            if params and "?" not in url:
                url_with_query, params_left = f"{url}?{httpx.QueryParams(params)}", None
            else:
                url_with_query, params_left = url, params
            request = client.build_request(
                method,
                url_with_query,
                params=params_left,
                json=json,
                content=None
                if extra.content is None
                else extra.content.open(lambda: self._check_deadline(deadline_at)),
                headers=headers,
                timeout=httpx.Timeout(timeout, connect=sending, write=sending, pool=sending),
            )
            # httpx's timeouts bound each read, not the whole exchange: a
            # server trickling its headers or body would never trip them.
            # The deadline is enforced on the event loop's clock as well as
            # checked on the injected one (they agree outside tests).
            with anyio.move_on_after(remaining) as scope:
                response = await client.send(request, stream=True)
                try:
                    status = response.status_code
                    if extra.stream and 200 <= status < 300:
                        handed_out = True
                        body = b""
                    elif extra.public and status in _REDIRECTS:
                        body = b""
                    else:
                        body = await self._read(response, label, deadline_at)
                finally:
                    if not handed_out:
                        with anyio.CancelScope(shield=True):
                            await response.aclose()
            if scope.cancelled_caught:
                if handed_out:
                    with anyio.CancelScope(shield=True):
                        await response.aclose()
                raise _DeadlinePassed(sent=True)
        except UploadAborted as exc:
            if limiter is not None:
                limiter.report(None)
            raise exc.error from None
        except _DeadlinePassed as exc:
            outcome: Any = APITimeoutError(
                f"{label}: the call's {retry.deadline:g} s deadline passed",
                sent=exc.sent,
            )
        except _TooLarge:
            outcome = ResponseTooLargeError(label, self.settings.max_response_bytes)
        except _BadEncoding as exc:
            outcome = APIConnectionError(f"{label}: the body could not be decompressed ({exc})")
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            outcome = _not_sent(exc, label)
        except httpx.TimeoutException:
            outcome = APITimeoutError(f"{label} timed out")
        except httpx.TransportError as exc:
            outcome = APIConnectionError(f"{label}: {exc.__class__.__name__}")
        else:
            if logger.isEnabledFor(logging.DEBUG):
                # Guarded: the URL's path is decoded anew each time it is read.
                logger.debug("%s %s -> %d", method, response.request.url.path, response.status_code)
            if handed_out:
                outcome = _Opened(response, deadline_at)
            elif extra.public and response.status_code in _REDIRECTS:
                outcome = Redirected(label, response.headers.get("location"))
            else:
                outcome = _envelope.decode(
                    response.status_code, response.headers, body, endpoint=label, secret=self._token
                )
        if limiter is not None:
            limiter.report(status)
        return outcome

    def _check_deadline(self, deadline_at: float) -> None:
        if self._clock() >= deadline_at:
            raise _DeadlinePassed(sent=True)

    async def _read(self, response: httpx.Response, label: str, deadline_at: float) -> bytes:
        """The body, decompressed, at most ``max_response_bytes`` of it, by
        the deadline."""
        cap = self.settings.max_response_bytes
        return b"".join([c async for c in self._chunks(response, deadline_at, cap)])

    async def _chunks(
        self, response: httpx.Response, deadline_at: float, cap: int
    ) -> AsyncIterator[bytes]:
        """The body, decompressed, chunk by chunk: at most ``cap`` bytes, by
        the deadline (``_TooLarge``, ``_DeadlinePassed``)."""
        if response.is_stream_consumed:
            # Built in memory (httpx.MockTransport, respx): already read and
            # decoded by httpx, so there is nothing left to bound.
            if len(response.content) > cap:
                raise _TooLarge
            if response.content:
                yield response.content
            return
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        inflate = _Inflater(encoding, cap)
        size = 0
        async for raw in response.aiter_raw():
            self._check_deadline(deadline_at)
            data = inflate.feed(raw)
            size += len(data)
            if size > cap:
                raise _TooLarge
            if data:
                yield data
        tail = inflate.flush()
        size += len(tail)
        if size > cap:
            raise _TooLarge
        if tail:
            yield tail

    def subscribe_ext(self, timestamp: int) -> dict[str, Any]:
        """The ``ext`` of a Faye subscribe: the one place the token leaves
        the header, because GroupMe's push server reads it only there."""
        if self._token is None:
            raise ValueError("push needs an access token, and this client was made without one")
        return {"access_token": self._token, "timestamp": timestamp}

    async def post_raw(
        self,
        family: str,
        body: bytes,
        label: str,
        timeout: float,  # noqa: ASYNC109 - a per-request timeout, as httpx's
    ) -> Any:
        """One POST of a JSON body to a family's base URL, without the token
        header or the retry loop (push: Bayeux has its own reconnect rules).

        Returns the decoded JSON answer; ``APIConnectionError`` (or
        ``APITimeoutError``) for a failure to exchange, ``ResponseDecodeError``
        for an answer that is not JSON.
        """
        deadline_at = self._clock() + timeout
        try:
            request = self.client.build_request(
                "POST",
                self.bases[family],
                content=body,
                headers={"Content-Type": "application/json"},
                timeout=timeout,
            )
            response = await self.client.send(request, stream=True)
            try:
                status = response.status_code
                data = await self._read(response, label, deadline_at)
            finally:
                await response.aclose()
        except (_DeadlinePassed, httpx.TimeoutException):
            raise APITimeoutError(f"{label} timed out") from None
        except _TooLarge:
            raise ResponseDecodeError(label, "the body is larger than max_response_bytes") from None
        except (_BadEncoding, httpx.TransportError) as exc:
            raise APIConnectionError(f"{label}: {exc.__class__.__name__}") from None
        if status != 200:
            raise APIConnectionError(f"{label}: HTTP {status}")
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            raise ResponseDecodeError(label, "the answer is not JSON") from None

    async def aclose(self) -> None:
        try:
            await self.client.aclose()
        finally:
            await self.public.aclose()


#: Redirect statuses a public host may answer (the caller follows them).
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Redirected(Exception):
    """A public host answered with a redirect (``location`` may be None)."""

    def __init__(self, label: str, location: str | None) -> None:
        super().__init__(f"{label}: redirected")
        self.location = location


class PublicPool:
    """The client for public hosts (GroupMe's media hosts), made on first
    use: no token header ever, no cookies shared with the API client, and
    the API client's transport borrowed (the API client closes it)."""

    def __init__(self, transport: httpx.AsyncBaseTransport | None) -> None:
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            borrowed = None if self._transport is None else _Borrowed(self._transport)
            self._client = httpx.AsyncClient(
                transport=borrowed,
                follow_redirects=False,
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


class _Borrowed(httpx.AsyncBaseTransport):
    """Another client's transport, used but never closed."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        pass


class _DeadlinePassed(Exception):
    def __init__(self, *, sent: bool) -> None:
        super().__init__()
        self.sent = sent
        """The request may have reached the server before the deadline came."""


class _TooLarge(Exception):
    pass


class _BadEncoding(Exception):
    pass


class _Inflater:
    """Decompresses a body chunk by chunk, never past ``cap`` + 1 bytes, so a
    small compressed body cannot inflate into gigabytes in memory."""

    __slots__ = ("_cap", "_out", "_z")

    def __init__(self, encoding: str, cap: int) -> None:
        self._cap = cap
        self._out = 0
        if encoding in ("identity", ""):
            self._z = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj(32 + zlib.MAX_WBITS)
        else:
            # Not echoed: a header is server text, and could be anything.
            raise _BadEncoding("a content-encoding other than the gzip or deflate we accept")

    def feed(self, data: bytes) -> bytes:
        z = self._z
        if z is None:
            return data
        if z.eof:
            if data:
                # zlib would keep it all in unused_data, uncounted: a tiny
                # gzip member followed by gigabytes would fill memory.
                raise _BadEncoding("data after the end of the compressed body")
            return b""
        try:
            out = z.decompress(data, self._cap - self._out + 1)
        except zlib.error as exc:
            raise _BadEncoding(str(exc)) from None
        self._out += len(out)
        if z.unconsumed_tail:
            # Output stopped at the cap with input left: too large.
            raise _TooLarge
        if z.unused_data:
            raise _BadEncoding("data after the end of the compressed body")
        return out

    def flush(self) -> bytes:
        if self._z is None:
            return b""
        try:
            return self._z.flush()
        except zlib.error as exc:
            raise _BadEncoding(str(exc)) from None


def _not_sent(exc: httpx.TransportError, label: str) -> APIConnectionError:
    kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return kind(f"{label}: {exc.__class__.__name__}", sent=False)


def _retryable(error: GroupMeError) -> bool:
    if isinstance(error, APIError):
        return error.status_code in RATE_LIMIT_STATUSES or error.status_code >= 500
    return isinstance(error, APIConnectionError)


class ByteStream:
    """A response body handed out as chunks (see :meth:`Requester.stream`).

    Iterate it once: ``async for chunk in stream``.  Errors arrive as the
    library's own (:class:`APITimeoutError`, :class:`ResponseDecodeError`,
    :class:`APIConnectionError`), never as httpx's.
    """

    def __init__(self, requester: Requester, opened: _Opened, label: str, cap: int) -> None:
        self._requester = requester
        self._opened = opened
        self._label = label
        self._cap = cap
        self._iterated = False
        self.headers = opened.response.headers
        """The answer's headers."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._iterated:
            raise RuntimeError("a download's body can be read only once")
        self._iterated = True
        label = self._label
        chunks = self._requester._chunks(self._opened.response, self._opened.deadline_at, self._cap)
        try:
            async for chunk in chunks:
                yield chunk
        except _DeadlinePassed:
            raise APITimeoutError(
                f"{label}: the call's deadline passed during the download"
            ) from None
        except _TooLarge:
            raise ResponseDecodeError(label, f"the body is larger than {self._cap} bytes") from None
        except _BadEncoding as exc:
            raise APIConnectionError(
                f"{label}: the body could not be decompressed ({exc})"
            ) from None
        except httpx.TimeoutException:
            raise APITimeoutError(f"{label} timed out during the download") from None
        except httpx.TransportError as exc:
            raise APIConnectionError(
                f"{label}: {exc.__class__.__name__} during the download"
            ) from None


@attrs.frozen
class _Opened:
    """A successful answer whose body has not been read."""

    response: httpx.Response
    deadline_at: float


@attrs.frozen
class _Extra:
    """What an upload or a download adds to a request."""

    content: Body | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    stream: bool = False
    public: bool = False
    with_token: bool = True


_NO_EXTRA = _Extra()
