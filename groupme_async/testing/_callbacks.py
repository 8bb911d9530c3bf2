"""Bot callbacks: every new group message, POSTed to each of the group's bots.

GroupMe POSTs the message itself (no envelope, the keys in
:data:`CALLBACK_KEYS`) to the ``callback_url`` of every bot in the group,
the bots' own posts included.  The fake queues a delivery when a message is
stored, which costs the REST answer nothing, and a worker delivers it:

* served by uvicorn, the fake's lifespan runs the worker, which POSTs with
  httpx to the URL, but only to a loopback host unless
  :meth:`CallbackDispatcher.allow_hosts` names others (a fake must not reach
  out to the internet because a test stored a URL);
* in process, ``async with fake.route_callbacks(app)`` runs a worker for the
  block and hands the callbacks to ``app`` (an ASGI application or an httpx
  transport) without a socket.

API.md documents no redelivery, so each callback is delivered once;
:attr:`CallbackDispatcher.redeliveries` sends each again that many times (a
test knob for duplicates).  A delivery that fails (refused, an error status,
no answer within :attr:`CallbackDispatcher.timeout` seconds) is recorded in
:attr:`CallbackDispatcher.deliveries` and dropped: nothing a callback
endpoint does can stop the fake.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import orjson
from anyio.abc import TaskStatus

from ._asgi import Receive, Scope, Send

#: What a callback POST carries: the message's own keys, as API.md lists them.
CALLBACK_KEYS = (
    "attachments",
    "avatar_url",
    "created_at",
    "group_id",
    "id",
    "name",
    "sender_id",
    "sender_type",
    "source_guid",
    "system",
    "text",
    "user_id",
)
#: Deliveries waiting for a worker; past this the oldest are dropped (a fake
#: nobody delivers for must not grow without bound).
MAX_PENDING = 10_000
#: Delivery records kept for tests (the newest).
MAX_RECORDS = 10_000
DEFAULT_TIMEOUT = 10.0

AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class CallbackDelivery:
    """One POST of a bot callback, as the fake made it (newest last in
    ``FakeGroupMe.callback_deliveries``)."""

    url: str
    message_id: str
    attempt: int
    """1 for the delivery, 2 and up for the copies ``redeliver_callbacks`` asks for."""
    status: int | None
    """The HTTP status the endpoint answered, or None when it did not answer."""
    error: str | None = None
    """Why there was no answer: ``"timeout"``, ``"host not allowed"``, or the
    httpx error's class name."""

    @property
    def ok(self) -> bool:
        """Whether the endpoint answered with a 2xx status."""
        return self.status is not None and 200 <= self.status < 300


@dataclass
class _Job:
    url: str
    payload: bytes
    message_id: str


def callback_payload(message: dict[str, Any]) -> dict[str, Any]:
    """The body GroupMe POSTs for ``message``: its own keys, no envelope."""
    payload = {key: message.get(key) for key in CALLBACK_KEYS}
    payload["attachments"] = list(message.get("attachments") or ())
    payload["system"] = bool(message.get("system", False))
    return payload


class CallbackDispatcher:
    """The queue of bot callbacks and the workers that deliver them."""

    def __init__(self) -> None:
        self.timeout = DEFAULT_TIMEOUT
        self.redeliveries = 0
        self.dropped = 0
        """Deliveries dropped unsent because :data:`MAX_PENDING` were waiting."""
        self.deliveries: deque[CallbackDelivery] = deque(maxlen=MAX_RECORDS)
        self._allowed: set[str] = set()
        self._routes: list[tuple[httpx.URL | None, httpx.AsyncBaseTransport]] = []
        self._pending: deque[_Job] = deque()
        self._busy = 0
        self._workers = 0
        self._wake = anyio.Event()
        self._idle = anyio.Event()
        self._idle.set()

    # --- queueing (synchronous: called while a REST answer is being made) ---------

    def enqueue(self, url: str, message: dict[str, Any]) -> None:
        """Queue one callback of ``message`` to ``url``."""
        if len(self._pending) >= MAX_PENDING:
            self._pending.popleft()
            self.dropped += 1
        body = orjson.dumps(callback_payload(message))
        self._pending.append(_Job(url, body, str(message.get("id"))))
        self._idle = anyio.Event() if self._idle.is_set() else self._idle
        self._wake.set()

    def allow_hosts(self, *hosts: str) -> None:
        """Let the network worker POST to ``hosts`` as well as to loopback."""
        for host in hosts:
            if not isinstance(host, str) or not host.strip():
                raise ValueError(f"a host name is a non-empty string, got {host!r}")
            self._allowed.add(host.strip().lower())

    # --- in-process routing -------------------------------------------------------

    @contextlib.asynccontextmanager
    async def route(
        self, target: AsgiApp | httpx.AsyncBaseTransport, origin: str | None
    ) -> AsyncIterator[None]:
        """Deliver callbacks for ``origin`` (every URL when None) to
        ``target``, with a worker running, until the block ends."""
        if isinstance(target, httpx.AsyncBaseTransport):
            transport: httpx.AsyncBaseTransport = target
        elif callable(target):
            # An app that raises answers 500, as a server in front of it would.
            transport = httpx.ASGITransport(app=target, raise_app_exceptions=False)
        else:
            raise TypeError("route_callbacks takes an ASGI application or an httpx transport")
        entry = (_origin(origin) if origin is not None else None, transport)
        self._routes.insert(0, entry)
        try:
            async with anyio.create_task_group() as tg:
                await tg.start(self.run)
                try:
                    yield
                finally:
                    tg.cancel_scope.cancel()
        finally:
            self._routes.remove(entry)

    # --- delivery -------------------------------------------------------------------

    async def run(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Deliver queued callbacks until cancelled."""
        self._workers += 1
        task_status.started()
        client = httpx.AsyncClient(follow_redirects=False, trust_env=False)
        try:
            while True:
                if not self._pending:
                    if self._busy == 0:
                        self._idle.set()
                    self._wake = anyio.Event()
                    await self._wake.wait()
                    continue
                job = self._pending.popleft()
                self._busy += 1
                try:
                    for attempt in range(1, 2 + self.redeliveries):
                        self.deliveries.append(await self._deliver(client, job, attempt))
                finally:
                    self._busy -= 1
        finally:
            self._workers -= 1
            with anyio.CancelScope(shield=True):
                await client.aclose()

    async def settled(self) -> None:
        """Wait until every queued callback has been delivered (or failed)."""
        while not (self._idle.is_set() and not self._pending and self._busy == 0):
            if self._workers == 0:
                raise RuntimeError(
                    "callbacks are queued but nothing delivers them: use "
                    "'async with fake.route_callbacks(app)', or serve the fake with its lifespan"
                )
            await self._idle.wait()

    async def _deliver(
        self, network: httpx.AsyncClient, job: _Job, attempt: int
    ) -> CallbackDelivery:
        try:
            url = httpx.URL(job.url)
        except httpx.InvalidURL:
            return CallbackDelivery(job.url, job.message_id, attempt, None, "invalid url")
        transport = self._transport_for(url)
        if transport is None and not self._may_reach(url):
            return CallbackDelivery(job.url, job.message_id, attempt, None, "host not allowed")
        headers = {"Content-Type": "application/json", "User-Agent": "FakeGroupMe callbacks"}
        outcome: int | str = "timeout"
        # On the event loop's clock: an endpoint's slowness is real time
        # (tests use trio's MockClock, or an endpoint that answers).
        with anyio.move_on_after(self.timeout):
            try:
                if transport is not None:
                    request = httpx.Request("POST", url, content=job.payload, headers=headers)
                    response = await transport.handle_async_request(request)
                    outcome = response.status_code
                    await response.aclose()
                else:
                    async with network.stream(
                        "POST", url, content=job.payload, headers=headers, timeout=self.timeout
                    ) as answer:
                        outcome = answer.status_code
            except Exception as exc:
                # Whatever the endpoint did, the fake carries on.
                outcome = type(exc).__name__
        if isinstance(outcome, int):
            return CallbackDelivery(job.url, job.message_id, attempt, outcome)
        return CallbackDelivery(job.url, job.message_id, attempt, None, outcome)

    def _transport_for(self, url: httpx.URL) -> httpx.AsyncBaseTransport | None:
        for origin, transport in self._routes:
            if origin is None or _origin(str(url)) == origin:
                return transport
        return None

    def _may_reach(self, url: httpx.URL) -> bool:
        if url.scheme not in ("http", "https"):
            return False
        host = url.host.lower()
        return host in self._allowed or _is_loopback(host)


def _origin(url: str) -> httpx.URL:
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return httpx.URL(scheme=parsed.scheme, host=parsed.host.lower(), port=port)


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
