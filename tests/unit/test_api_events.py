"""gm.events: the calendar endpoints, the ``end_at`` walk (each event once,
never a loop), and arguments refused before any request."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupme_async import AsyncGroupMe, Event, EventLocation, ResponseDecodeError

from . import content_examples as ex
from . import test_endpoints as endpoints
from .conftest import TOKEN, V3, envelope
from .refused import assert_refused
from .test_endpoints import Case
from .timed_server import START, TimedServer, check_walk, stamp

EID = ex.EVENT["event_id"]
CHICAGO = timezone(timedelta(hours=-5))
STARTS = datetime(2021, 7, 11, 20, 45, tzinfo=CHICAGO)
ENDS = datetime(2021, 7, 12, 20, 45, tzinfo=CHICAGO)
PLACE = EventLocation(name="The dock", address="1 River Rd", lat="64.148430", lng="-21.9355508")
EVENTS = f"{V3}/conversations/{ex.GROUP_ID}/events"


def _is_event(event: Any) -> bool:
    return (
        isinstance(event, Event)
        and event.event_id == EID
        and event.start_at == datetime(2021, 8, 30, 5, 0, tzinfo=UTC)
        and event.location
        == EventLocation(name="The dock", address="1 River Rd", lat="38.8894", lng="-77.0352")
        and event.reminders == (0, 604800)
        and event.going == (ex.ADA,)
    )


CASES = [
    Case(
        "GET /conversations/:id/events/list",
        lambda gm: gm.events.list(ex.GROUP_ID, end_at=STARTS, limit=5),
        "GET",
        "v3",
        f"/conversations/{ex.GROUP_ID}/events/list",
        {"end_at": "2021-07-12T01:45:00Z", "limit": "5"},
        response={"events": [ex.EVENT]},
        check=lambda r: _is_event(r[0]),
    ),
    Case(
        "GET /conversations/:id/events/list with an ISO string",
        lambda gm: gm.events.list(ex.GROUP_ID, end_at="2021-07-12T02:52:50Z"),
        "GET",
        "v3",
        f"/conversations/{ex.GROUP_ID}/events/list",
        {"end_at": "2021-07-12T02:52:50Z", "limit": "20"},
        response={"events": []},
        check=lambda r: r == [],
    ),
    Case(
        "GET /conversations/:id/events/show",
        lambda gm: gm.events.get(ex.GROUP_ID, EID),
        "GET",
        "v3",
        f"/conversations/{ex.GROUP_ID}/events/show",
        {"event_id": EID},
        response={"event": ex.EVENT},
        check=_is_event,
    ),
    Case(
        "POST /conversations/:id/events/create",
        lambda gm: gm.events.create(
            ex.GROUP_ID,
            "Regatta",
            start_at=STARTS,
            end_at=ENDS,
            timezone="America/Chicago",
            description="Bring water",
            image_url="https://i.groupme.com/1051x816.jpeg.example",
            location=PLACE,
            reminders=[0, 300],
        ),
        "POST",
        "v3",
        f"/conversations/{ex.GROUP_ID}/events/create",
        body={
            "name": "Regatta",
            "start_at": "2021-07-11T20:45:00-05:00",
            "end_at": "2021-07-12T20:45:00-05:00",
            "timezone": "America/Chicago",
            "is_all_day": False,
            "description": "Bring water",
            "image_url": "https://i.groupme.com/1051x816.jpeg.example",
            "location": {
                "name": "The dock",
                "address": "1 River Rd",
                "lat": "64.148430",
                "lng": "-21.9355508",
            },
            "reminders": [0, 300],
        },
        status=201,
        response={"event": ex.EVENT, "message": ex.MESSAGE},
        check=_is_event,
    ),
    Case(
        "POST /conversations/:id/events/update",
        lambda gm: gm.events.update(
            ex.GROUP_ID,
            EID,
            start_at=STARTS,
            end_at=ENDS,
            timezone="America/Chicago",
            is_all_day=True,
        ),
        "POST",
        "v3",
        f"/conversations/{ex.GROUP_ID}/events/update",
        {"event_id": EID},
        body={
            "start_at": "2021-07-11T20:45:00-05:00",
            "end_at": "2021-07-12T20:45:00-05:00",
            "timezone": "America/Chicago",
            "is_all_day": True,
        },
        response={"event": ex.EVENT},
        check=_is_event,
    ),
    Case(
        "POST events/update of the name only",
        lambda gm: gm.events.update(ex.GROUP_ID, EID, name="Regatta II", reminders=[]),
        "POST",
        "v3",
        f"/conversations/{ex.GROUP_ID}/events/update",
        {"event_id": EID},
        body={"name": "Regatta II", "reminders": []},
        response={"event": ex.EVENT},
        check=_is_event,
    ),
    Case(
        "DELETE /conversations/:id/events/delete",
        lambda gm: gm.events.delete(ex.GROUP_ID, EID),
        "DELETE",
        "v3",
        f"/conversations/{ex.GROUP_ID}/events/delete",
        {"event_id": EID},
    ),
    Case(
        "POST /conversations/:id/events/rsvp",
        lambda gm: gm.events.rsvp(ex.GROUP_ID, EID, going=False),
        "POST",
        "v3",
        f"/conversations/{ex.GROUP_ID}/events/rsvp",
        {"event_id": EID, "going": "false"},
        response={"event": ex.EVENT},
        check=_is_event,
    ),
    Case(
        "POST events/rsvp going",
        lambda gm: gm.events.rsvp(ex.GROUP_ID, EID, True),
        "POST",
        "v3",
        f"/conversations/{ex.GROUP_ID}/events/rsvp",
        {"event_id": EID, "going": "true"},
        response={"event": ex.EVENT},
        check=_is_event,
    ),
    Case(
        "DELETE /conversations/:id/events/rsvp/delete",
        lambda gm: gm.events.rsvp_delete(ex.GROUP_ID, EID),
        "DELETE",
        "v3",
        f"/conversations/{ex.GROUP_ID}/events/rsvp/delete",
        {"event_id": EID},
        response={"event": ex.EVENT},
        check=_is_event,
    ),
]


@pytest.mark.parametrize("where", ["real hosts", "base_url"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_endpoint(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    await endpoints.test_endpoint(case, where, make_client)


async def test_list_defaults_to_the_upcoming_events(gm: AsyncGroupMe) -> None:
    with respx.mock:
        route = respx.get(f"{EVENTS}/list").mock(
            return_value=httpx.Response(200, json=envelope({"events": []}))
        )
        before = datetime.now(UTC)
        await gm.events.list(ex.GROUP_ID)
        after = datetime.now(UTC)
    sent = route.calls.last.request.url.params["end_at"]
    assert sent.endswith("Z")
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(sent) <= after


def _event(event_id: int, end_at: str) -> dict[str, Any]:
    return {**ex.EVENT, "event_id": f"e{event_id}", "end_at": end_at}


def _server(items: list[tuple[int, int]], inclusive: bool) -> TimedServer:
    return TimedServer(
        items,
        param="end_at",
        descending=False,
        inclusive=inclusive,
        list_key="events",
        build=_event,
        default_limit=20,
    )


async def _walk(server: TimedServer, limit: int) -> list[str]:
    with respx.mock:
        respx.get(f"{EVENTS}/list").mock(side_effect=server)
        async with AsyncGroupMe(TOKEN, rng=random.Random(0)) as gm:
            pages = gm.events.iter(ex.GROUP_ID, end_at=START, limit=limit)
            return [e.event_id async for e in pages]


async def test_iter_walks_end_at_forward_and_skips_the_events_it_already_gave() -> None:
    # Three events end at the same instant, across the first page's edge; the
    # server includes the cursor's instant, so it sends two of them again.
    items = [(1, 0), (2, 3), (3, 5), (4, 5), (5, 5), (6, 9), (7, 12)]
    server = _server(items, inclusive=True)
    got = await _walk(server, limit=4)
    assert got == ["e1", "e2", "e3", "e4", "e5", "e6", "e7"]
    assert [r["end_at"] for r in server.requests] == [
        "2025-05-14T12:00:00Z",
        stamp(5),
        stamp(9),
        stamp(12),
    ]


async def test_a_full_page_at_one_instant_ends_with_an_error_not_a_loop() -> None:
    server = _server([(n, 7) for n in range(5)], inclusive=True)
    with pytest.raises(ResponseDecodeError, match="cannot move"):
        await _walk(server, limit=3)
    assert len(server.requests) == 2


@st.composite
def timelines(draw: st.DrawFn) -> tuple[list[tuple[int, int]], int]:
    # After START, where the walk begins (a server that leaves the cursor's
    # instant out would rightly leave out an event ending exactly then).
    offsets = draw(st.lists(st.integers(1, 40), max_size=40))
    return [(n, offset) for n, offset in enumerate(offsets)], draw(st.integers(1, 12))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines(), st.booleans())
def test_iter_gives_every_event_once_in_order_or_says_it_cannot(
    timeline: tuple[list[tuple[int, int]], int], inclusive: bool
) -> None:
    items, limit = timeline
    server = _server(items, inclusive)
    expected = [f"e{n}" for n, _ in sorted(items, key=lambda item: (item[1], item[0]))]
    check_walk(server, limit, lambda: _walk(server, limit), expected)


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.events.list("1", end_at=datetime(2021, 1, 1)),  # naive
        lambda gm: gm.events.list("1", end_at="yesterday"),
        lambda gm: gm.events.list("1", end_at="2021-01-01T00:00:00"),  # no zone
        lambda gm: gm.events.list("1", limit=0),
        lambda gm: gm.events.list("1", limit=101),
        lambda gm: gm.events.list("1/x"),
        lambda gm: gm.events.get("1", "../x"),
        lambda gm: gm.events.get("1", ""),
        lambda gm: gm.events.get("1", "a&b=c"),
        lambda gm: gm.events.create("1", "", start_at=STARTS, end_at=ENDS, timezone="UTC"),
        lambda gm: gm.events.create("1", "x", start_at=ENDS, end_at=STARTS, timezone="UTC"),
        lambda gm: gm.events.create("1", "x", start_at=STARTS, end_at=ENDS, timezone=""),
        lambda gm: gm.events.create(
            "1", "x", start_at=STARTS, end_at=ENDS, timezone="UTC", reminders=[60]
        ),
        lambda gm: gm.events.create(
            "1", "x", start_at=STARTS, end_at=ENDS, timezone="UTC", reminders=[0, 300, 900]
        ),
        lambda gm: gm.events.create(
            "1", "x", start_at=STARTS, end_at=ENDS, timezone="UTC", reminders=[300, 300]
        ),
        lambda gm: gm.events.create(
            "1", "x", start_at=STARTS, end_at=ENDS, timezone="UTC", location=EventLocation(name="")
        ),
        lambda gm: gm.events.update("1", "abc", start_at=STARTS, end_at=ENDS),
        lambda gm: gm.events.update("1", "abc", is_all_day=True),
        lambda gm: gm.events.update("1", "abc"),
        lambda gm: gm.events.rsvp("1", "abc", going="yes"),
        lambda gm: gm.events.rsvp_delete("1", "a b"),
        lambda gm: gm.events.delete("1", None),
    ],
)
async def test_invalid_arguments_send_nothing(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    await assert_refused(call, gm)


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.events.create(
            "1", "x", start_at=STARTS, end_at=ENDS, timezone="UTC", reminders=300
        ),
        lambda gm: gm.events.create(
            "1", "x", start_at=STARTS, end_at=ENDS, timezone="UTC", location={"name": "x"}
        ),
    ],
)
async def test_wrong_types_send_nothing(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    await assert_refused(call, gm, TypeError)
