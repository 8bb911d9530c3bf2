"""The one route table of the fake, assembled from the family modules.

To add an endpoint family: write ``_<family>.py`` with handlers
``(state, request, **captures) -> Reply`` and a ``ROUTES`` list, add the
module to :data:`FAMILIES`, then regenerate the testing guide's list with
``python -m groupme_async.testing endpoints --markdown``.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import (
    _blocks,
    _bots,
    _contacts,
    _events,
    _files,
    _gallery,
    _groups,
    _images,
    _likes,
    _media,
    _members,
    _message_ops,
    _messages,
    _polls,
    _push,
    _subgroups,
    _users,
    _videos,
)
from ._routes import RouteTable

FAMILIES = (
    _groups,
    _messages,
    _users,
    _blocks,
    _images,
    # groups beyond the seeds, members, bots, contacts (issue 12)
    _members,
    _bots,
    _contacts,
    # messages beyond the seeds, polls, events, subgroups, gallery
    _message_ops,
    _likes,
    _polls,
    _events,
    _subgroups,
    _gallery,
    # media services
    _files,
    _videos,
    _media,
    # realtime push
    _push,
)

TABLE = RouteTable(route for family in FAMILIES for route in family.ROUTES)

#: The command that prints :func:`endpoints_markdown`, for the testing guide.
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
    """:func:`implemented_endpoints` as a markdown list (the testing guide's copy)."""
    return "\n".join(f"- `{e.method} {e.path}`: {e.summary}" for e in implemented_endpoints())
