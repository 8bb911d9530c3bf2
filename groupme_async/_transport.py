"""The one request chokepoint: URLs, auth, retries and envelope decoding.

Every call any resource makes goes through :meth:`Transport.request`, so the
rules below hold everywhere:

* the token travels only in the ``X-Access-Token`` header, only to the
  configured GroupMe origin, and redirects are never followed (no redirect
  can carry it elsewhere);
* one retry loop covers 420/429, 5xx, connection errors and timeouts;
* every body is decoded by the pure functions in ``_envelope``.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import anyio
import httpx

from . import _envelope
from ._constants import DEFAULT_BASES, FAMILY_PREFIXES, RATE_LIMIT_STATUSES, USER_AGENT
from ._retry import RetryPolicy
from .errors import APIConnectionError, APIError, APITimeoutError, ConflictError, GroupMeError

logger = logging.getLogger("groupme_async")
# A library does not print: the application decides where records go.
logger.addHandler(logging.NullHandler())

Sleep = Callable[[float], Awaitable[None]]


class RequestGate(Protocol):
    """Something that paces requests (the export's shared rate limiter)."""

    async def acquire(self) -> None: ...

    def report(self, status: int | None) -> None: ...


class Landed:
    """A retried send answered 409: the first attempt was stored."""

    __slots__ = ()


LANDED = Landed()


def family_bases(base_url: str | None) -> dict[str, str]:
    if base_url is None:
        return dict(DEFAULT_BASES)
    parsed = httpx.URL(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"base_url must be an http(s) origin, got {base_url!r}")
    if parsed.query or parsed.fragment:
        raise ValueError("base_url must not have a query or fragment")
    root = base_url.rstrip("/")
    return {family: root + prefix for family, prefix in FAMILY_PREFIXES.items()}


class Transport:
    """Owns the ``httpx.AsyncClient`` and performs every request."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str | None,
        transport: httpx.AsyncBaseTransport | None,
        timeout: float,
        retry: RetryPolicy,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._token = token
        self.bases = family_bases(base_url)
        self.retry = retry
        self._sleep: Sleep = sleep or anyio.sleep
        self._rng = rng or random.Random()
        self.gate: RequestGate | None = None
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def url(self, family: str, path: str) -> str:
        return self.bases[family] + path

    async def request(
        self,
        method: str,
        family: str,
        path: str,
        *,
        endpoint: str,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        conflict_means_landed: bool = False,
    ) -> Any:
        """Send one logical request; return its decoded data.

        With ``conflict_means_landed`` (sends with a fixed ``source_guid``), a
        409 on a retry returns :data:`LANDED` instead of raising: the earlier
        attempt was stored and only its answer was lost.
        """
        url = self.url(family, path)
        attempt = 0
        while True:
            attempt += 1
            outcome = await self._attempt(method, url, endpoint, params, json)
            if not isinstance(outcome, GroupMeError):
                return outcome
            if conflict_means_landed and attempt > 1 and isinstance(outcome, ConflictError):
                logger.info("%s: 409 on attempt %d, the earlier attempt landed", endpoint, attempt)
                return LANDED
            if not _retryable(outcome):
                raise outcome
            retry_after = outcome.retry_after if isinstance(outcome, APIError) else None
            delay = self.retry.delay(attempt, retry_after, rng=self._rng)
            if delay is None:
                raise outcome
            logger.warning(
                "%s: attempt %d failed (%s); retrying in %.2fs", endpoint, attempt, outcome, delay
            )
            await self._sleep(delay)

    async def _attempt(
        self,
        method: str,
        url: str,
        endpoint: str,
        params: Mapping[str, str | int] | None,
        json: Any,
    ) -> Any:
        if self.gate is not None:
            await self.gate.acquire()
        status: int | None = None
        try:
            response = await self._client.request(
                method,
                url,
                params=params,
                json=json,
                headers={"X-Access-Token": self._token},
            )
        except httpx.TimeoutException:
            outcome: Any = APITimeoutError(f"{endpoint} timed out")
        except (httpx.TransportError, httpx.DecodingError) as exc:
            # DecodingError: the body was corrupted in transit (a broken gzip
            # stream); like a dropped connection, the answer is lost.
            outcome = APIConnectionError(f"{endpoint}: {exc.__class__.__name__}")
        else:
            status = response.status_code
            logger.debug("%s %s -> %d", method, response.request.url.path, status)
            outcome = _envelope.decode(
                status, response.headers, response.content, endpoint=endpoint
            )
        if self.gate is not None:
            self.gate.report(status)
        return outcome


def _retryable(error: GroupMeError) -> bool:
    if isinstance(error, APIError):
        return error.status_code in RATE_LIMIT_STATUSES or error.status_code >= 500
    return isinstance(error, APIConnectionError)
