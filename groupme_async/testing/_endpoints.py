"""The one route table of the fake, assembled from the family modules.

To add an endpoint family: write ``_<family>.py`` with handlers
``(state, request, **captures) -> Reply`` and a ``ROUTES`` list, add the
module to :data:`FAMILIES`, then regenerate the README list with
``python -m groupme_async.testing endpoints --markdown``.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _blocks, _groups, _images, _messages, _push, _users
from ._routes import RouteTable

FAMILIES = (_groups, _messages, _users, _blocks, _images, _push)

TABLE = RouteTable(route for family in FAMILIES for route in family.ROUTES)

#: The command that prints :func:`endpoints_markdown`, for the README.
MARKDOWN_COMMAND = "python -m groupme_async.testing endpoints --markdown"


@dataclass(frozen=True)
class Endpoint:
    """One endpoint FakeGroupMe implements."""

    method: str
    """``GET``, ``POST``, ``PUT`` or ``DELETE``."""
    path: str
    """The path on the fake's origin, ids as ``:name``: ``/v3/groups/:group_id``."""
    summary: str
    """What it does, in a line."""


def implemented_endpoints() -> list[Endpoint]:
    """Every endpoint FakeGroupMe implements, sorted by path then method.

    Anything else answers 404 with the error "FakeGroupMe does not implement
    <METHOD> <path>".
    """
    return [Endpoint(r.method, r.path, r.summary) for r in TABLE.routes]


def endpoints_markdown() -> str:
    """:func:`implemented_endpoints` as a markdown list (the README's copy)."""
    return "\n".join(f"- `{e.method} {e.path}`: {e.summary}" for e in implemented_endpoints())
