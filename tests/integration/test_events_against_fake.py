"""gm.events against FakeGroupMe: created events are announced and listed,
updates and RSVPs stick, deleted ones are gone, and the ``end_at`` walk gives
every event once even where several end at the same instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from groupme_async import (
    EventAttachment,
    EventLocation,
    NotFoundError,
    ResponseDecodeError,
)
from groupme_async.testing import FakeGroupMe

T0 = datetime(2030, 6, 1, 18, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def fake() -> FakeGroupMe:
    return FakeGroupMe(seed=9, dm_chats=1, groups=1, messages_per_conversation=30)


def group_id(fake: FakeGroupMe) -> str:
    return next(c.id for c in fake.conversations() if c.kind == "group")


async def test_an_event_is_announced_listed_updated_answered_and_cancelled(
    fake: FakeGroupMe,
) -> None:
    gid = group_id(fake)
    async with fake.client() as gm:
        event = await gm.events.create(
            gid,
            "Regatta",
            start_at=T0,
            end_at=T0 + 3 * HOUR,
            timezone="America/Chicago",
            location=EventLocation(name="The dock", lat="41.88", lng="-87.63"),
            reminders=[0, 3600],
        )
        assert event.creator_id == fake.me_id and event.going == (fake.me_id,)
        assert event.start_at == T0 and event.location is not None
        assert event.location.name == "The dock" and event.reminders == (0, 3600)

        (newest,) = [m async for m in gm.group_messages.iter(gid, max_items=1)]
        assert newest.attachments == (EventAttachment(event_id=event.event_id, view="full"),)

        assert [e.event_id for e in await gm.events.list(gid, end_at=T0)] == [event.event_id]
        assert await gm.events.list(gid, end_at=T0 + 4 * HOUR) == []

        moved = await gm.events.update(
            gid,
            event.event_id,
            name="Regatta (moved)",
            start_at=T0 + HOUR,
            end_at=T0 + 5 * HOUR,
            timezone="UTC",
            is_all_day=False,
        )
        assert moved.name == "Regatta (moved)" and moved.end_at == T0 + 5 * HOUR
        assert moved.updated_at is not None and moved.created_at is not None
        assert (await gm.events.get(gid, event.event_id)).name == "Regatta (moved)"

        no = await gm.events.rsvp(gid, event.event_id, going=False)
        assert no.going == () and no.not_going == (fake.me_id,)
        yes = await gm.events.rsvp(gid, event.event_id, True)
        assert yes.going == (fake.me_id,) and yes.not_going == ()
        unsure = await gm.events.rsvp_delete(gid, event.event_id)
        assert unsure.going == () and unsure.not_going == ()

        await gm.events.delete(gid, event.event_id)
        with pytest.raises(NotFoundError):
            await gm.events.get(gid, event.event_id)
        assert await gm.events.list(gid, end_at=T0) == []


async def test_unknown_and_deleted_events_are_not_found(fake: FakeGroupMe) -> None:
    gid = group_id(fake)
    async with fake.client() as gm:
        event = await gm.events.create(gid, "x", start_at=T0, end_at=T0, timezone="UTC")
        with pytest.raises(NotFoundError):
            await gm.events.rsvp(gid, "abc123", True)
        await gm.events.delete(gid, event.event_id)
        with pytest.raises(NotFoundError):
            await gm.events.delete(gid, event.event_id)
        with pytest.raises(NotFoundError):
            await gm.events.update(gid, event.event_id, name="y")


async def test_iter_gives_every_event_once_across_pages_and_shared_end_times(
    fake: FakeGroupMe,
) -> None:
    gid = group_id(fake)
    ends = [T0 + HOUR * (n // 3) for n in range(14)]  # three events end at each hour
    async with fake.client() as gm:
        made = [
            (
                await gm.events.create(gid, f"E{n}", start_at=T0 - HOUR, end_at=end, timezone="UTC")
            ).event_id
            for n, end in enumerate(ends)
        ]
        walked = [e.event_id async for e in gm.events.iter(gid, end_at=T0, limit=4)]
        assert walked == made
        later = [e.event_id async for e in gm.events.iter(gid, end_at=T0 + 3 * HOUR, limit=5)]
        assert later == made[9:]
        # Three ending together never fit a page of two: the walk says so.
        with pytest.raises(ResponseDecodeError, match="cannot move"):
            [e async for e in gm.events.iter(gid, end_at=T0, limit=2)]
