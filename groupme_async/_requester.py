"""The one request chokepoint: URLs, auth, pacing, retries, body reading, decoding.

Every call any resource makes goes through :meth:`Requester.call`, so the
rules below hold everywhere:

* the token travels only in the ``X-Access-Token`` header, only to the
  configured GroupMe origin, and redirects are never followed (no redirect
  can carry it elsewhere);
* one retry loop covers 420/429, 5xx, connection errors and timeouts, under
  the policy's attempt count and its deadline for the whole call;
* bodies are read with a size cap counted after decompression, and decoded
  by the pure functions in ``_envelope``.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import random
import time
import warnings
import zlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

import anyio
import attrs
import httpx
import orjson

from . import _envelope
from ._constants import DEFAULT_BASES, FAMILY_PREFIXES, RATE_LIMIT_STATUSES, USER_AGENT
from ._retry import RetryPolicy
from ._routes import Bound, Route
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    GroupMeError,
    ResponseDecodeError,
)

logger = logging.getLogger("groupme_async")
# A library does not print: the application decides where records go.
logger.addHandler(logging.NullHandler())

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
Params = Mapping[str, str | int]


class RateLimiter(Protocol):
    """Paces requests: pass one as ``AsyncGroupMe(rate_limiter=...)``.

    ``acquire()`` is awaited before every attempt (it may wait for a send
    slot); ``report(status)`` is told each attempt's HTTP status, or ``None``
    when the attempt got no answer.  :class:`AdaptiveRateLimiter` is one.
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
            "the access token must be a single line of printable ASCII characters "
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
        token: str,
        *,
        bases: dict[str, str],
        client: httpx.AsyncClient,
        settings: Settings,
        sleep: Sleep | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._token = token
        self.bases = bases
        self.client = client
        self.settings = settings
        self._sleep: Sleep = sleep or anyio.sleep
        self._clock: Clock = clock or time.monotonic
        self._rng = rng or random.Random()

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
        )

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

    async def call(
        self,
        target: Route[T] | Bound[T],
        *,
        params: Params | None = None,
        json: Any = None,
        log: AttemptLog | None = None,
        window: float | None = None,
        retry: RetryPolicy | None = None,
    ) -> T:
        """Call one endpoint and return its answer in the route's shape.

        ``window``: no attempt starts later than this many seconds after the
        first began (sends use the policy's ``send_window``).  ``log`` is
        filled with what the attempts did.  ``retry`` replaces the client's
        policy for this call (polling an answer that is not ready yet).
        """
        bound = target if isinstance(target, Bound) else target.bind()
        route = bound.route
        data = await self.request(
            route.method,
            self.url(route.family, bound.path),
            route.label,
            params=params,
            json=json,
            log=log,
            window=window,
            retry=retry,
        )
        return route.shape.decode(data, route.label)

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
    ) -> Any:
        """The retry loop: one logical request, its decoded ``response`` data."""
        retry = retry or self.settings.retry
        log = log if log is not None else AttemptLog()
        started = self._clock()
        deadline_at = started + retry.deadline
        latest_start = math.inf if window is None else started + window
        while True:
            log.attempts += 1
            outcome = await self._attempt(method, url, label, params, json, deadline_at, retry)
            if not isinstance(outcome, GroupMeError):
                return outcome
            log.maybe_processed = log.maybe_processed or _maybe_processed(outcome)
            if not _retryable(outcome):
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
            logger.warning(
                "%s: attempt %d failed (%s); retrying in %.2fs", label, log.attempts, outcome, delay
            )
            await self._sleep(delay)

    async def _attempt(
        self,
        method: str,
        url: str,
        label: str,
        params: Params | None,
        json: Any,
        deadline_at: float,
        retry: RetryPolicy,
    ) -> Any:
        limiter = self.settings.rate_limiter
        if limiter is not None:
            await limiter.acquire()
        status: int | None = None
        remaining = deadline_at - self._clock()
        try:
            if remaining <= 0:
                raise _DeadlinePassed
            request = self.client.build_request(
                method,
                url,
                params=params,
                json=json,
                headers={"X-Access-Token": self._token},
                timeout=min(self.settings.timeout, remaining),
            )
            response = await self.client.send(request, stream=True)
            try:
                status = response.status_code
                body = await self._read(response, label, deadline_at)
            finally:
                await response.aclose()
        except _DeadlinePassed:
            outcome: Any = APITimeoutError(
                f"{label}: the call's {retry.deadline:g} s deadline passed",
                sent=status is not None,
            )
        except _TooLarge:
            outcome = ResponseDecodeError(
                label,
                f"the body is larger than max_response_bytes ({self.settings.max_response_bytes})",
            )
        except _BadEncoding as exc:
            outcome = APIConnectionError(f"{label}: the body could not be decompressed ({exc})")
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            outcome = _not_sent(exc, label)
        except httpx.TimeoutException:
            outcome = APITimeoutError(f"{label} timed out")
        except httpx.TransportError as exc:
            outcome = APIConnectionError(f"{label}: {exc.__class__.__name__}")
        else:
            logger.debug("%s %s -> %d", method, response.request.url.path, status)
            outcome = _envelope.decode(
                status, response.headers, body, endpoint=label, secret=self._token
            )
        if limiter is not None:
            limiter.report(status)
        return outcome

    async def _read(self, response: httpx.Response, label: str, deadline_at: float) -> bytes:
        """The body, decompressed, at most ``max_response_bytes`` of it, by
        the deadline."""
        cap = self.settings.max_response_bytes
        if response.is_stream_consumed:
            # Built in memory (httpx.MockTransport, respx): already read and
            # decoded by httpx, so there is nothing left to bound.
            if len(response.content) > cap:
                raise _TooLarge
            return response.content
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        inflate = _Inflater(encoding, cap)
        chunks: list[bytes] = []
        size = 0
        async for raw in response.aiter_raw():
            if self._clock() > deadline_at:
                raise _DeadlinePassed
            data = inflate.feed(raw)
            size += len(data)
            if size > cap:
                raise _TooLarge
            chunks.append(data)
        tail = inflate.flush()
        size += len(tail)
        if size > cap:
            raise _TooLarge
        chunks.append(tail)
        return b"".join(chunks)

    def subscribe_ext(self, timestamp: int) -> dict[str, Any]:
        """The ``ext`` of a Faye subscribe: the one place the token leaves
        the header, because GroupMe's push server reads it only there."""
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
        await self.client.aclose()


class _DeadlinePassed(Exception):
    pass


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
            raise _BadEncoding(f"unsupported content-encoding {encoding!r}")

    def feed(self, data: bytes) -> bytes:
        z = self._z
        if z is None:
            return data
        try:
            out = z.decompress(data, self._cap - self._out + 1)
        except zlib.error as exc:
            raise _BadEncoding(str(exc)) from None
        self._out += len(out)
        if z.unconsumed_tail:
            # Output stopped at the cap with input left: too large.
            raise _TooLarge
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
