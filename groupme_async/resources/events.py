"""``/conversations/:id/events``: the calendar of a conversation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from .._convert import structure_list, unstructure
from .._messages import check_limit
from .._pagination import AsyncPaginator, walk_times
from .._routes import (
    EVENTS_CREATE,
    EVENTS_DELETE,
    EVENTS_GET,
    EVENTS_LIST,
    EVENTS_RSVP,
    EVENTS_RSVP_DELETE,
    EVENTS_UPDATE,
    Route,
)
from .._times import iso_time, now_utc, parse_time
from ..errors import ResponseDecodeError
from ..models import Event, EventLocation
from ._base import Resource
from ._checks import check_label, check_optional

REMINDER_SECONDS = frozenset({0, 300, 900, 1800, 3600, 7200, 86400, 172800, 604800})
"""The reminders GroupMe offers, in seconds before the start; at most two."""
MAX_REMINDERS = 2

T = TypeVar("T")
_LABEL = EVENTS_LIST.label

#: Event ids are letters and digits (hex in practice); anything else is refused.
_EVENT_ID = re.compile(r"[0-9A-Za-z]{1,64}")

#: An update that moves the event must restate all four.
_TIMING = ("start_at", "end_at", "timezone", "is_all_day")


def check_event_id(value: object) -> str:
    """An event id GroupMe issued, or ``ValueError``."""
    if isinstance(value, str) and _EVENT_ID.fullmatch(value):
        return value
    raise ValueError(f"event_id must be letters and digits, got {value!r}")


def _events_of(body: dict[str, Any] | None) -> list[Any]:
    events = [] if body is None else body.get("events") or []
    if not isinstance(events, list):
        raise ResponseDecodeError(_LABEL, "'events' is not a list")
    return events


def _reminders(values: object) -> list[int]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError("reminders must be a list of seconds")
    out = list(values)
    if len(out) > MAX_REMINDERS or len(set(out)) != len(out):
        raise ValueError(f"at most {MAX_REMINDERS} different reminders, got {out!r}")
    for value in out:
        if isinstance(value, bool) or value not in REMINDER_SECONDS:
            raise ValueError(f"a reminder must be one of {sorted(REMINDER_SECONDS)}, got {value!r}")
    return out


def _location(value: object) -> dict[str, Any]:
    if not isinstance(value, EventLocation):
        raise TypeError(f"location must be an EventLocation, not {type(value).__name__}")
    check_label(value.name, "location.name")
    return {k: v for k, v in unstructure(value).items() if v is not None}


def _details(fields: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of a create or update: the fields given, checked."""
    body: dict[str, Any] = {}
    if fields.get("name") is not None:
        body["name"] = check_label(fields["name"], "name")
    for key in ("start_at", "end_at"):
        if fields.get(key) is not None:
            body[key] = iso_time(fields[key], key)
    times = [parse_time(body[key]) for key in ("start_at", "end_at") if key in body]
    if len(times) == 2 and times[1] < times[0]:
        raise ValueError("end_at is before start_at")
    if fields.get("timezone") is not None:
        body["timezone"] = check_label(fields["timezone"], "timezone")
    if fields.get("is_all_day") is not None:
        if not isinstance(fields["is_all_day"], bool):
            raise ValueError("is_all_day must be a bool")
        body["is_all_day"] = fields["is_all_day"]
    for key in ("description", "image_url"):
        if check_optional(fields.get(key), key) is not None:
            body[key] = fields[key]
    if fields.get("location") is not None:
        body["location"] = _location(fields["location"])
    if fields.get("reminders") is not None:
        body["reminders"] = _reminders(fields["reminders"])
    return body


class Events(Resource):
    """Calendar events (``/conversations/:id/events``)."""

    __slots__ = ()

    async def list(
        self, conversation_id: str, *, end_at: datetime | str | None = None, limit: int = 20
    ) -> list[Event]:
        """One page of events, earliest first, leaving out those that ended
        before ``end_at`` (default: now, so the upcoming ones)."""
        bound = EVENTS_LIST.bind(conversation_id=conversation_id)
        params: dict[str, str | int] = {"end_at": self._since(end_at), "limit": check_limit(limit)}
        return structure_list(_events_of(await self._r.call(bound, params=params)), Event, _LABEL)

    def iter(
        self,
        conversation_id: str,
        *,
        end_at: datetime | str | None = None,
        limit: int = 20,
        max_items: int | None = None,
    ) -> AsyncPaginator[Event]:
        """Every event not ended before ``end_at`` (default: now), earliest
        first, each once: a walk moving ``end_at`` to the last event's end."""
        bound = EVENTS_LIST.bind(conversation_id=conversation_id)
        start, size = self._since(end_at), check_limit(limit)

        async def fetch(cursor: str | None) -> list[dict[str, Any]]:
            body = await self._r.call(bound, params={"end_at": cursor or start, "limit": size})
            return _events_of(body)

        pages = walk_times(
            fetch,
            stamp_key="end_at",
            id_key="event_id",
            descending=False,
            cursor=start,
            limit=size,
            endpoint=_LABEL,
        )
        return AsyncPaginator(
            pages, partial(structure_list, cls=Event, endpoint=_LABEL), max_items=max_items
        )

    async def get(self, conversation_id: str, event_id: str) -> Event:
        """One event."""
        return await self._call(EVENTS_GET, conversation_id, event_id)

    async def create(
        self,
        conversation_id: str,
        name: str,
        *,
        start_at: datetime | str,
        end_at: datetime | str,
        timezone: str,
        is_all_day: bool = False,
        description: str | None = None,
        image_url: str | None = None,
        location: EventLocation | None = None,
        reminders: Sequence[int] = (),
    ) -> Event:
        """Create an event (GroupMe posts a message announcing it).

        ``start_at`` and ``end_at`` are aware datetimes or ISO 8601 strings
        with a zone; ``timezone`` is an IANA name (``America/Chicago``);
        ``image_url`` must come from the image service; ``reminders`` are at
        most two of :data:`REMINDER_SECONDS` (seconds before the start).
        """
        bound = EVENTS_CREATE.bind(conversation_id=conversation_id)
        body = _details(
            {
                "name": check_label(name, "name"),
                "start_at": start_at,
                "end_at": end_at,
                "timezone": check_label(timezone, "timezone"),
                "is_all_day": is_all_day,
                "description": description,
                "image_url": image_url,
                "location": location,
                "reminders": reminders,
            }
        )
        return await self._r.call(bound, json=body)

    async def update(
        self,
        conversation_id: str,
        event_id: str,
        *,
        name: str | None = None,
        start_at: datetime | str | None = None,
        end_at: datetime | str | None = None,
        timezone: str | None = None,
        is_all_day: bool | None = None,
        description: str | None = None,
        image_url: str | None = None,
        location: EventLocation | None = None,
        reminders: Sequence[int] | None = None,
    ) -> Event:
        """Change an event you created; only the fields given change.

        Moving it takes ``start_at``, ``end_at``, ``timezone`` and
        ``is_all_day`` together (GroupMe's rule): giving some of them only
        is a ``ValueError``.
        """
        fields = {
            "name": name,
            "start_at": start_at,
            "end_at": end_at,
            "timezone": timezone,
            "is_all_day": is_all_day,
            "description": description,
            "image_url": image_url,
            "location": location,
            "reminders": reminders,
        }
        timing = [key for key in _TIMING if fields[key] is not None]
        if timing and len(timing) != len(_TIMING):
            raise ValueError(f"{', '.join(_TIMING)} change together; got only {', '.join(timing)}")
        body = _details(fields)
        if not body:
            raise ValueError("nothing to update")
        return await self._call(EVENTS_UPDATE, conversation_id, event_id, json=body)

    async def delete(self, conversation_id: str, event_id: str) -> None:
        """Cancel an event you created."""
        await self._call(EVENTS_DELETE, conversation_id, event_id)

    async def rsvp(self, conversation_id: str, event_id: str, going: bool) -> Event:
        """Say whether you are going (``True``) or not (``False``)."""
        if not isinstance(going, bool):
            raise ValueError("going must be a bool")
        extra = {"going": "true" if going else "false"}
        return await self._call(EVENTS_RSVP, conversation_id, event_id, params=extra)

    async def rsvp_delete(self, conversation_id: str, event_id: str) -> Event:
        """Take back your answer: neither going nor not going."""
        return await self._call(EVENTS_RSVP_DELETE, conversation_id, event_id)

    async def _call(
        self,
        route: Route[T],
        conversation_id: str,
        event_id: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
    ) -> T:
        bound = route.bind(conversation_id=conversation_id)
        query: dict[str, str | int] = {"event_id": check_event_id(event_id), **(params or {})}
        return await self._r.call(bound, params=query, json=json)

    @staticmethod
    def _since(end_at: object) -> str:
        return iso_time(now_utc() if end_at is None else end_at, "end_at", utc=True)
