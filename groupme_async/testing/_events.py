"""Calendar events of a conversation: list, show, create, update, delete, RSVP."""

from __future__ import annotations

from typing import Any

from ._data import derive
from ._http import HTTPError, Reply, Request, empty, not_found, ok
from ._messages import MAX_PAGE_LIMIT, announce
from ._routes import Route
from ._state import FakeState
from ._times import iso_z, parse_iso

REMINDERS = frozenset({0, 300, 900, 1800, 3600, 7200, 86400, 172800, 604800})
TIMING = ("start_at", "end_at", "timezone", "is_all_day")


def list_events(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """Events that end at or after `end_at` (required, ISO 8601), earliest end first (`limit`)."""
    state.conversation(conversation_id)
    since = parse_iso(r.query.get("end_at"), "end_at")
    limit = r.int_param("limit", 20)
    if not 1 <= limit <= MAX_PAGE_LIMIT:
        raise HTTPError(400, f"limit must be from 1 to {MAX_PAGE_LIMIT}")
    events = state.events.by_conversation.get(conversation_id, {}).values()
    chosen = sorted(
        (e for e in events if parse_iso(e["end_at"], "end_at") >= since),
        key=lambda e: (parse_iso(e["end_at"], "end_at"), e["serial"]),
    )
    return ok({"events": [_json(e) for e in chosen[:limit]]})


def show_event(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """One event (`event_id`)."""
    return ok({"event": _json(_event(state, r, conversation_id))})


def create_event(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """Create an event ("me" going); 201 with it and the message announcing it."""
    store = state.conversation(conversation_id)
    body = r.json_object()
    missing = [k for k in ("name", "start_at", "end_at", "timezone") if not body.get(k)]
    if missing:
        raise HTTPError(400, f"{', '.join(missing)} required")
    now = state.wall_now()
    state.events.serial += 1
    event: dict[str, Any] = {
        "event_id": f"{derive(state.seed, 'event', state.events.serial):016x}",
        "conversation_id": conversation_id,
        "creator_id": state.me_id,
        "is_all_day": False,
        "reminders": [],
        "going": [state.me_id],
        "not_going": [],
        "created_at": iso_z(now),
        "serial": state.events.serial,
    }
    _apply(event, body)
    event["updated_at"] = event["created_at"]
    state.events.by_conversation.setdefault(conversation_id, {})[event["event_id"]] = event
    message = announce(
        state,
        store,
        f"{state.world.me.name} created event '{event['name']}'",
        {"type": "event", "event_id": event["event_id"], "view": "full"},
        ("calendar.event.created", {"event": {"id": event["event_id"], "name": event["name"]}}),
    )
    return ok({"event": _json(event), "message": message}, 201)


def update_event(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """Change an event "me" created (`event_id`); the four timing fields go together."""
    event = _mine(state, r, conversation_id)
    body = r.json_object()
    timing = [k for k in TIMING if k in body]
    if timing and len(timing) != len(TIMING):
        raise HTTPError(400, "start_at, end_at, timezone and is_all_day must be given together")
    changed = dict(event)  # a 400 half way through changes nothing
    _apply(changed, body)
    event.update(changed, updated_at=iso_z(state.wall_now()))
    return ok({"event": _json(event)})


def delete_event(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """Cancel an event "me" created (`event_id`)."""
    event = _mine(state, r, conversation_id)
    del state.events.by_conversation[conversation_id][event["event_id"]]
    return empty(200)


def rsvp(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """ "Me" going (`going=true`) or not (`going=false`) to `event_id`."""
    event = _event(state, r, conversation_id)
    going = r.query.get("going")
    if going not in ("true", "false"):
        raise HTTPError(400, "going must be true or false")
    _forget(event, state.me_id)
    event["going" if going == "true" else "not_going"].append(state.me_id)
    return ok({"event": _json(event)})


def rsvp_delete(state: FakeState, r: Request, *, conversation_id: str) -> Reply:
    """ "Me" neither going nor not going to `event_id`."""
    event = _event(state, r, conversation_id)
    _forget(event, state.me_id)
    return ok({"event": _json(event)})


def _apply(event: dict[str, Any], body: dict[str, Any]) -> None:
    """Checked fields of a create or update body, written into ``event``."""
    for key in ("name", "timezone", "description", "image_url"):
        if key in body:
            if not isinstance(body[key], str) or (key in ("name", "timezone") and not body[key]):
                raise HTTPError(400, f"{key} must be a string")
            event[key] = body[key]
    if "start_at" in body or "end_at" in body:
        start = parse_iso(body.get("start_at"), "start_at")
        if parse_iso(body.get("end_at"), "end_at") < start:
            raise HTTPError(400, "end_at is before start_at")
        event["start_at"], event["end_at"] = body["start_at"], body["end_at"]
    if "is_all_day" in body:
        if not isinstance(body["is_all_day"], bool):
            raise HTTPError(400, "is_all_day must be a boolean")
        event["is_all_day"] = body["is_all_day"]
    if "location" in body:
        location = body["location"]
        if not isinstance(location, dict) or not isinstance(location.get("name"), str):
            raise HTTPError(400, "location needs a name")
        event["location"] = location
    if "reminders" in body:
        reminders = body["reminders"]
        if (
            not isinstance(reminders, list)
            or len(reminders) > 2
            or not all(v in REMINDERS and not isinstance(v, bool) for v in reminders)
        ):
            raise HTTPError(400, f"reminders: at most two of {sorted(REMINDERS)}")
        event["reminders"] = reminders


def _event(state: FakeState, r: Request, conversation_id: str) -> dict[str, Any]:
    state.conversation(conversation_id)
    event_id = r.query.get("event_id")
    if not event_id:
        raise HTTPError(400, "event_id is required")
    event = state.events.by_conversation.get(conversation_id, {}).get(event_id)
    if event is None:
        raise not_found()
    return event


def _mine(state: FakeState, r: Request, conversation_id: str) -> dict[str, Any]:
    event = _event(state, r, conversation_id)
    if event["creator_id"] != state.me_id:
        raise HTTPError(403, "Only the event's creator can change it")
    return event


def _forget(event: dict[str, Any], user_id: str) -> None:
    for key in ("going", "not_going"):
        event[key] = [u for u in event[key] if u != user_id]


def _json(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k != "serial"}


_EVENTS = "/conversations/:conversation_id/events"

ROUTES = [
    Route("GET", "v3", _EVENTS + "/list", list_events),
    Route("GET", "v3", _EVENTS + "/show", show_event),
    Route("POST", "v3", _EVENTS + "/create", create_event),
    Route("POST", "v3", _EVENTS + "/update", update_event),
    Route("DELETE", "v3", _EVENTS + "/delete", delete_event),
    Route("POST", "v3", _EVENTS + "/rsvp", rsvp),
    Route("DELETE", "v3", _EVENTS + "/rsvp/delete", rsvp_delete),
]
