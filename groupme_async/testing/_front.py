"""FakeGroupMe's front door: every HTTP request and websocket passes here.

Latency, auth, the rate limit and fault injection happen for every request,
in that order (as on a network, then at GroupMe's edge); what an endpoint
answers is in the family modules (see ``_endpoints.py``).
"""

from __future__ import annotations

import inspect
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from ._asgi import IN_PROCESS_KEY, Receive, Scope, Send, abort, lifespan, read_body
from ._callbacks import CallbackDispatcher
from ._endpoints import TABLE
from ._faye_websocket import serve_faye_websocket
from ._http import HTTPError, Reply, Request, error, not_found
from ._push import PUSH_PATH, Dropped
from ._routes import Match
from ._state import FakeState

_HTML = b"text/html; charset=utf-8"
_BAD_GATEWAY_HTML = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><center><h1>502 Bad Gateway</h1></center></body></html>"
)


@dataclass
class FakeStats:
    """Counters of what the fake has seen and done."""

    requests: int = 0
    """HTTP requests received."""
    responses: Counter[int] = field(default_factory=Counter)
    """Responses sent, by status (dropped connections are not responses)."""
    faults: Counter[str] = field(default_factory=Counter)
    """Faults injected, by kind."""


class FrontDoor:
    """The ASGI application part of :class:`~groupme_async.testing.FakeGroupMe`."""

    stats: FakeStats
    rate_limit: float | None
    burst: int
    fault_rate: float
    faults: tuple[str, ...]
    slow_seconds: float
    latency: float
    jitter: float
    _state: FakeState
    _callbacks: CallbackDispatcher
    _tokens: set[str]
    _buckets: dict[str, tuple[float, float]]
    _clock: Callable[[], float]
    _sleep: Callable[[float], Awaitable[None]]
    _fault_rng: random.Random
    _latency_rng: random.Random

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            # Served: the lifespan delivers bot callbacks over the network.
            await lifespan(receive, send, self._callbacks.run)
            return
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        self.stats.requests += 1
        try:
            body = await read_body(receive)
        except HTTPError as exc:
            await self._send(send, error(exc.status, exc.errors))
            return
        in_process = bool(scope.get(IN_PROCESS_KEY))
        method: str = scope["method"]
        path: str = scope["path"]
        matched = TABLE.match(method, path)
        query = dict(
            parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        )
        if matched is not None and matched.route.push:
            request = Request(method, path, query, body, *_headers_and_origin(scope))
            await self._push_request(matched, request, send, in_process)
            return
        if self.latency or self.jitter:
            await self._sleep(self._delay())
        token = _token(scope)
        if token is None:
            token = query.get("token")
        public = matched is not None and not matched.route.needs_token
        if token not in self._tokens and not public:
            await self._send(send, error(401, ["unauthorized"]))
            return
        if self.rate_limit is not None and not self._take_token(token or ""):
            await self._send(send, error(420, ["Enhance Your Calm"]))
            return
        fault = self._draw_fault(matched)
        if fault is not None:
            self.stats.faults[fault] += 1
            if fault in ("500", "503"):
                reason = "Internal Server Error" if fault == "500" else "Service Unavailable"
                await self._send(send, error(int(fault), [reason]))
                return
            if fault == "502html":
                await self._send(send, Reply(502, _BAD_GATEWAY_HTML, _HTML))
                return
            if fault == "drop":
                await abort(send, in_process, "drop", 200, b"", expected=64)
                return
            if fault == "slow":
                await self._sleep(self.slow_seconds)
        try:
            if matched is None:
                raise HTTPError(404, f"FakeGroupMe does not implement {method} {path}")
            route, captures = matched
            if captures is None:
                raise not_found()
            request = Request(method, path, query, body, *_headers_and_origin(scope))
            reply = route.handler(self._state, request, **captures)
            assert isinstance(reply, Reply), f"{route.path}: an async handler needs push=True"
        except HTTPError as exc:
            reply = error(exc.status, exc.errors)
        if fault == "lost_after_commit":
            await abort(send, in_process, fault, reply.status, b"", expected=len(reply.body) or 64)
            return
        if fault == "truncate":
            cut = reply.body[: len(reply.body) // 2]
            await abort(send, in_process, fault, reply.status, cut, expected=len(reply.body) or 64)
            return
        await self._send(send, reply)

    async def _push_request(
        self, matched: Match, request: Request, send: Send, in_process: bool
    ) -> None:
        """The push server: its own auth (per subscribe), no faults, may wait."""
        route, captures = matched
        try:
            if captures is None:
                raise not_found()
            answer = route.handler(self._state, request, **captures)
            reply = await answer if inspect.isawaitable(answer) else answer
        except HTTPError as exc:
            reply = error(exc.status, exc.errors)
        except Dropped:
            # The push server "restarted" under a held long-poll.
            await abort(send, in_process, "drop", 200, b"", expected=64)
            return
        await self._send(send, reply)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("path") != PUSH_PATH:
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        await serve_faye_websocket(self._state.push, receive, send)

    async def _send(self, send: Send, reply: Reply) -> None:
        self.stats.responses[reply.status] += 1
        headers = [(b"content-length", str(len(reply.body)).encode())]
        if reply.body or reply.status not in (204, 304):
            headers.append((b"content-type", reply.content_type))
        headers += reply.headers
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    def _take_token(self, token: str) -> bool:
        rate = self.rate_limit
        assert rate is not None
        now = self._clock()
        level, last = self._buckets.get(token, (float(self.burst), now))
        level = min(float(self.burst), level + (now - last) * rate)
        if level < 1.0:
            self._buckets[token] = (level, now)
            return False
        self._buckets[token] = (level - 1.0, now)
        return True

    def _delay(self) -> float:
        """This answer's network delay: ``latency ± jitter``, at least 0."""
        spread = self.jitter * (2.0 * self._latency_rng.random() - 1.0)
        return max(0.0, self.latency + spread)

    def _draw_fault(self, matched: Match | None) -> str | None:
        if self.fault_rate <= 0.0 or not self.faults:
            return None
        if self._fault_rng.random() >= self.fault_rate:
            return None
        is_send = matched is not None and matched.route.sends_message
        kinds = [f for f in self.faults if f != "lost_after_commit" or is_send]
        return self._fault_rng.choice(kinds) if kinds else None


def _headers_and_origin(scope: Scope) -> tuple[dict[str, str], str]:
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers", ())
    }
    host = headers.get("host") or "fake"
    return headers, f"{scope.get('scheme', 'http')}://{host}"


def _token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-access-token":
            token: str = value.decode("latin-1")
            return token
    return None
