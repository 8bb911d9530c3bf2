"""FakeGroupMe pushes what every family changes, in GroupMe's envelopes and on
GroupMe's channels, and ``gm.realtime`` turns each into its typed event."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import pytest

from groupme_async import AsyncGroupMe
from groupme_async.realtime import (
    MembershipCreated,
    MessageCreated,
    MessageReacted,
    MessageUpdated,
    RealtimeEvent,
    Typing,
)
from groupme_async.testing import FakeConversation, FakeGroupMe

from .conftest import Collector, collecting, world
from .simclock import SimClock

TRANSPORTS = ["websocket", "long-polling"]
FIRE = "\U0001f525"
HEART = "\u2764\ufe0f"


async def until(
    collector: Collector, clock: SimClock, wanted: Callable[[RealtimeEvent], bool]
) -> RealtimeEvent:
    """The first event ``wanted`` accepts, waiting at most ten virtual minutes."""
    limit = clock.now + 600
    with anyio.fail_after(60):  # a real-time safety net; never reached when green
        while True:
            assert collector.error is None, collector.error
            found = [e for e in collector.events if wanted(e)]
            if found:
                return found[0]
            assert clock.now <= limit, f"never came; got {collector.events}"
            await clock.sleep(1)


@contextlib.asynccontextmanager
async def listening(gm: AsyncGroupMe, clock: SimClock, **options: Any) -> AsyncIterator[Collector]:
    """A stream's events, collected from once its subscriptions are made (a
    push before then is lost on GroupMe too: only messages come back, by gap
    fill)."""
    async with collecting(gm, **options) as (stream, collector):
        with anyio.fail_after(60):
            while stream.transport_in_use is None:
                await clock.sleep(0.1)
        yield collector


async def quiet(collector: Collector, clock: SimClock) -> list[RealtimeEvent]:
    """Everything that arrived after two more virtual minutes."""
    await clock.sleep(120)
    assert collector.error is None
    return collector.events


def of(kind: str, fake: FakeGroupMe) -> FakeConversation:
    return next(c for c in fake.conversations() if c.kind == kind)


def by_someone_else(fake: FakeGroupMe, conversation: FakeConversation) -> dict[str, Any]:
    return next(
        m
        for m in reversed(list(fake.messages(conversation.kind, conversation.id)))
        if m["user_id"] != fake.me_id and not m.get("system")
    )


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_reaction_is_pushed_on_the_groups_channel(transport: str) -> None:
    async with world() as (fake, gm, clock):
        group = of("group", fake)
        target = by_someone_else(fake, group)
        async with listening(gm, clock, groups=[group.id], transport=transport) as collector:
            await gm.messages.like(group.id, target["id"], FIRE)
            event = await until(collector, clock, lambda e: isinstance(e, MessageReacted))
        assert isinstance(event, MessageReacted)
        assert event.channel == f"/group/{group.id}" and event.conversation_id == group.id
        assert event.message_id == target["id"] and event.user_id == fake.me_id
        assert [(r.code, r.user_ids) for r in event.reactions] == [(FIRE, (fake.me_id,))]
        assert event.message is not None and fake.me_id in event.message.favorited_by


async def test_someone_liking_my_dm_reacts_on_the_dm_channel_and_likes_on_mine() -> None:
    async with world() as (fake, gm, clock):
        dm = of("direct", fake)
        mine = await gm.direct_messages.send(dm.id, "like this")
        async with listening(gm, clock, direct_messages=[dm.id]) as collector:
            fake.like("direct", dm.id, mine.id, reaction=FIRE)
            await until(collector, clock, lambda e: e.channel == f"/user/{fake.me_id}")
            events = await quiet(collector, clock)
        reacted = [e for e in events if isinstance(e, MessageReacted)]
        channels = sorted(e.channel for e in reacted)
        lo, hi = sorted((fake.me_id, dm.id), key=int)
        assert channels == [f"/direct_message/{lo}_{hi}", f"/user/{fake.me_id}"]
        for event in reacted:
            assert event.user_id == dm.id and event.message_id == mine.id
            assert event.conversation_id == dm.conversation_id
        on_dm = next(e for e in reacted if e.channel.startswith("/direct_message/"))
        assert [(r.code, r.user_ids) for r in on_dm.reactions] == [(FIRE, (dm.id,))]


async def test_only_my_own_messages_liked_by_others_push_like_create() -> None:
    async with world() as (fake, gm, clock):
        group = of("group", fake)
        theirs = by_someone_else(fake, group)
        mine = await gm.group_messages.send(group.id, "mine")
        async with listening(gm, clock) as collector:
            fake.like("group", group.id, theirs["id"])  # not mine: no like.create
            await gm.messages.like(group.id, mine.id)  # mine, by me: none either
            liker = theirs["user_id"]
            fake.like("group", group.id, mine.id, user_id=liker)
            await until(collector, clock, lambda e: isinstance(e, MessageReacted))
            events = await quiet(collector, clock)
        # Subscribed to /user/<me> only: the group channel's favorites never came.
        reacted = [e for e in events if isinstance(e, MessageReacted)]
        assert len(reacted) == 1
        assert reacted[0].message_id == mine.id and reacted[0].user_id == liker
        assert reacted[0].channel == f"/user/{fake.me_id}"
        assert reacted[0].conversation_id == group.id


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_an_edit_is_pushed_as_message_updated(transport: str) -> None:
    async with world() as (fake, gm, clock):
        group = of("group", fake)
        sent = await gm.group_messages.send(group.id, "helo")
        async with listening(gm, clock, groups=[group.id], transport=transport) as collector:
            await gm.messages.edit(group.id, sent.id, "hello")
            event = await until(collector, clock, lambda e: isinstance(e, MessageUpdated))
        assert isinstance(event, MessageUpdated)
        assert event.channel == f"/group/{group.id}" and event.conversation_id == group.id
        assert event.message.id == sent.id and event.message.text == "hello"
        assert event.message.updated_at is not None


@pytest.mark.parametrize("kind", ["group", "direct"])
async def test_typing_is_pushed_on_the_conversations_channel(kind: str) -> None:
    async with world() as (fake, gm, clock):
        conversation = of(kind, fake)
        typist = by_someone_else(fake, conversation)["user_id"]
        subscribe: dict[str, Any] = (
            {"groups": [conversation.id]}
            if kind == "group"
            else {"direct_messages": [conversation.id]}
        )
        async with listening(gm, clock, **subscribe) as collector:
            fake.typing(kind, conversation.id, typist)  # type: ignore[arg-type]
            event = await until(collector, clock, lambda e: isinstance(e, Typing))
        assert isinstance(event, Typing)
        assert event.user_id == typist and event.conversation_id == conversation.conversation_id
        assert event.started is not None and event.started.year >= 2024


async def test_typing_needs_someone_in_the_conversation() -> None:
    fake = FakeGroupMe(1, dm_chats=1, groups=1, messages_per_conversation=5)
    dm = of("direct", fake)
    stranger = next(u for u in fake.user_ids() if u not in (fake.me_id, dm.id))
    with pytest.raises(ValueError, match="not in that conversation"):
        fake.typing("direct", dm.id, stranger)


async def _leave(gm: AsyncGroupMe, fake: FakeGroupMe) -> str:
    """Leave a seeded group "me" did not create; its id."""
    async for group in gm.groups.iter():
        if group.creator_user_id != fake.me_id:
            mine = next(m for m in group.members if m.user_id == fake.me_id)
            await gm.groups.update(group.id, share=True)
            await gm.members.remove(group.id, mine.id)
            return group.id
    raise AssertionError("every seeded group is mine")


@pytest.mark.parametrize("how", ["rejoin", "share link"])
async def test_joining_a_group_pushes_membership_create(how: str) -> None:
    async with world() as (fake, gm, clock):
        group_id = await _leave(gm, fake)
        (former,) = [g for g in await gm.groups.former() if g.id == group_id]
        assert former.share_url is not None
        async with listening(gm, clock) as collector:
            if how == "rejoin":
                await gm.groups.rejoin(group_id)
            else:
                await gm.groups.join(group_id, former.share_url.rsplit("/", 1)[1])
            event = await until(collector, clock, lambda e: isinstance(e, MembershipCreated))
        assert isinstance(event, MembershipCreated)
        assert event.channel == f"/user/{fake.me_id}"
        assert event.group.id == group_id and event.group.name == former.name
        assert event.group.members == ()  # a cut-down group


async def test_a_bot_post_is_pushed_like_any_group_message() -> None:
    async with world() as (fake, gm, clock):
        group = of("group", fake)
        bot = await gm.bots.create(group.id, "Echo")
        async with listening(gm, clock) as collector:
            await gm.bots.post(bot.bot_id, "beep")
            await collector.wait_for(1, clock)
        (event,) = collector.messages
        assert isinstance(event, MessageCreated) and not event.from_gap_fill
        assert event.message.sender_type == "bot" and event.message.text == "beep"
        assert event.conversation_id == group.id
