"""The route table: which handler answers which method and path.

A family module (``_groups.py``, ``_messages.py``, ...) declares its endpoints
as ``ROUTES: list[Route]``; ``_endpoints.py`` joins them into one
:class:`RouteTable`.  A row reads like the API docs::

    Route("GET", "v3", "/groups/:group_id/messages", list_group_messages)

and its handler is called as ``handler(state, request, group_id="123")``:
each ``:name`` segment arrives as a keyword argument, already checked
against :data:`CAPTURES`, so a handler never sees a malformed id.  A request
no row matches is not an error of the caller's but a gap in the fake, and the
app says so.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

from ._http import CHAT_ID, DIGITS, Reply

#: The API families, each served under its own first path segment (the
#: client maps the real hosts onto these when pointed at one origin).
Family = Literal["v2", "v3", "v4", "image", "file", "video", "push", "media"]
Method = Literal["GET", "POST", "PUT", "DELETE"]

#: Handlers take ``(state, request, **captures)``.  The captures are checked
#: against the template when the row is built, not by the type system.  A
#: handler that must wait (the push server's long-poll) is a coroutine function.
Handler = Callable[..., Reply | Awaitable[Reply]]

#: What each ``:name`` path segment must look like.  A well-formed path whose
#: id fails its pattern answers a plain 404 "Not Found", as GroupMe does for
#: an unknown id.  A new capture name needs an entry here.
CAPTURES: dict[str, re.Pattern[str]] = {
    "group_id": DIGITS,
    "user_id": DIGITS,
    "message_id": DIGITS,
    "chat_id": CHAT_ID,
    "conversation_id": re.compile(f"{DIGITS.pattern}|{CHAT_ID.pattern}"),
    # groups beyond the seeds, members, bots, contacts (issue 12)
    "membership_id": DIGITS,
    "results_id": re.compile(r"[0-9A-Za-z-]{1,64}"),
    "share_token": re.compile(r"[0-9A-Za-z_-]{1,64}"),
    # messages beyond the seeds: polls, topics
    "poll_id": DIGITS,
    "option_id": DIGITS,
    "subgroup_id": DIGITS,
    "file_id": re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}"),
    # the public media hosts, served under /media/<host>/...
    "media_host": re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]{1,63}){1,8}"),
    "media_path": re.compile(r"[A-Za-z0-9][A-Za-z0-9._+~-]{0,199}"),
    "media_file": re.compile(r"[A-Za-z0-9][A-Za-z0-9._+~-]{0,199}"),
}

_METHOD_ORDER = {name: n for n, name in enumerate(get_args(Method))}


@dataclass(frozen=True)
class Route:
    """One endpoint: ``method`` on ``/<family><template>`` answered by ``handler``."""

    method: Method
    family: Family
    template: str
    """The path inside the family, e.g. ``/groups/:group_id/messages``."""
    handler: Handler = field(compare=False)
    sends_message: bool = False
    """A message send: the one kind of request the ``lost_after_commit`` fault hits."""
    needs_token: bool = True
    """False for the one endpoint GroupMe serves without an access token
    (``/bots/post``: the bot id is the secret)."""
    push: bool = False
    """Served by the push server (Bayeux): no ``X-Access-Token`` (it checks
    the token each subscribe carries), no faults, no rate limit, and its
    handler may be a coroutine that waits (a held long-poll)."""

    def __post_init__(self) -> None:
        where = f"{self.method} {self.path}"
        if self.method not in _METHOD_ORDER:
            raise ValueError(f"{where}: unknown method")
        if self.family not in get_args(Family):
            raise ValueError(f"{where}: unknown family")
        if not self.template.startswith("/") or "//" in self.template or self.template == "/":
            raise ValueError(f"{where}: the template must be /segment[/segment...]")
        names = [s[1:] for s in self.segments if s.startswith(":")]
        unknown = [n for n in names if n not in CAPTURES]
        if unknown:
            raise ValueError(f"{where}: add a pattern for {unknown} to CAPTURES")
        params = list(inspect.signature(self.handler).parameters.values())
        positional = [p for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
        keywords = [p.name for p in params if p.kind is p.KEYWORD_ONLY]
        if len(positional) != 2 or len(params) != 2 + len(keywords) or keywords != names:
            raise ValueError(
                f"{where}: {self.handler.__name__} must be (state, request, *, {', '.join(names)})"
            )
        if not inspect.getdoc(self.handler):
            raise ValueError(f"{where}: {self.handler.__name__} needs a docstring (the summary)")

    @property
    def path(self) -> str:
        """The template under its family, as requested from the fake's origin."""
        return f"/{self.family}{self.template}"

    @property
    def segments(self) -> tuple[str, ...]:
        return (self.family, *self.template[1:].split("/"))

    @property
    def summary(self) -> str:
        """The first paragraph of the handler's docstring, on one line."""
        doc = inspect.getdoc(self.handler) or ""
        return " ".join(doc.split("\n\n")[0].split())


class Match(NamedTuple):
    route: Route
    captures: dict[str, str] | None
    """The ``:name`` segments, or None when one fails its pattern (a 404)."""


class _Node:
    """One path segment of the table; literal children win over the capture."""

    __slots__ = ("capture", "capture_name", "check", "literals", "routes")

    def __init__(self) -> None:
        self.literals: dict[str, _Node] = {}
        self.capture: _Node | None = None
        self.capture_name = ""
        self.check: Callable[[str], object] = bool
        self.routes: dict[str, Route] = {}


#: Answers remembered per (method, path): clients ask for the same few paths
#: over and over, and a hit skips splitting the path as well as the walk.
_CACHE_SIZE = 4096


class RouteTable:
    """Every route of the fake, matched segment by segment."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = sorted(routes, key=lambda r: (r.path, _METHOD_ORDER[r.method]))
        self._root = _Node()
        self._cache: dict[tuple[str, str], Match | None] = {}
        for route in self.routes:
            self._add(route)

    def _add(self, route: Route) -> None:
        node = self._root
        for segment in route.segments:
            if not segment.startswith(":"):
                node = node.literals.setdefault(segment, _Node())
                continue
            name = segment[1:]
            if node.capture is None:
                node.capture, node.capture_name, node.check = (
                    _Node(),
                    name,
                    CAPTURES[name].fullmatch,
                )
            elif node.capture_name != name:
                # One name per position keeps the table readable as a tree.
                raise ValueError(f"{route.path}: {segment} where others say :{node.capture_name}")
            node = node.capture
        if route.method in node.routes:
            raise ValueError(f"{route.method} {route.path} is in the table twice")
        node.routes[route.method] = route

    def match(self, method: str, path: str) -> Match | None:
        """The route for ``method`` on ``path`` (empty segments ignored), or None."""
        key = (method, path)
        try:
            return self._cache[key]
        except KeyError:
            pass
        found = _find(self._root, [p for p in path.split("/") if p], 0, method, {})
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = found
        return found


def _find(
    node: _Node, parts: list[str], i: int, method: str, captures: dict[str, str] | None
) -> Match | None:
    """Depth first, literal before capture: the route for ``parts[i:]``."""
    if i == len(parts):
        route = node.routes.get(method)
        return None if route is None else Match(route, captures)
    part = parts[i]
    child = node.literals.get(part)
    if child is not None:
        found = _find(child, parts, i + 1, method, captures)
        if found is not None:
            return found
    child = node.capture
    if child is None:
        return None
    if captures is not None:
        captures = {**captures, node.capture_name: part} if node.check(part) else None
    return _find(child, parts, i + 1, method, captures)
