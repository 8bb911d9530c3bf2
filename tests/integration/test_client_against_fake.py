"""The client against FakeGroupMe: every endpoint through real HTTP semantics,
and the exactly-once properties with faults and rate limits switched on."""

from __future__ import annotations

import random
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupme_async import (
    AsyncGroupMe,
    ConflictError,
    ImageAttachment,
    LocationAttachment,
    NotFoundError,
    RetryPolicy,
)
from groupme_async.testing import FakeGroupMe

from ..clock import VirtualClock


def faulty(clock: VirtualClock, seed: int = 1, **kwargs: Any) -> FakeGroupMe:
    options: dict[str, Any] = {
        "dm_chats": 2,
        "groups": 2,
        "messages_per_conversation": 300,
        "fault_rate": 0.15,
        "rate_limit": 10.0,
        "burst": 3,
    }
    options.update(kwargs)
    return FakeGroupMe(seed=seed, clock=clock, sleep=clock.sleep, **options)


def client(fake: FakeGroupMe, clock: VirtualClock) -> AsyncGroupMe:
    return fake.client(
        retry=RetryPolicy(max_attempts=25, base_delay=0.05, max_delay=1.0),
        sleep=clock.sleep,
        rng=random.Random(3),
    )


def ids_of(fake: FakeGroupMe, kind: str, cid: str) -> list[str]:
    return [m["id"] for m in fake.messages(kind, cid)]  # type: ignore[arg-type]


async def test_every_endpoint_through_faults_and_rate_limits() -> None:
    clock = VirtualClock(5000.0)
    fake = faulty(clock)
    group = next(c for c in fake.conversations() if c.kind == "group")
    dm = next(c for c in fake.conversations() if c.kind == "direct")
    async with client(fake, clock) as gm:
        me = await gm.users.me()
        assert me.id == fake.me_id
        updated = await gm.users.update(name="Ada Lovelace", zip_code="10001")
        assert updated.name == "Ada Lovelace"
        profile = await gm.users.update_profile(bio="hello", song_url="https://example.com/s")
        assert profile.bio == "hello"
        assert await gm.users.set_majors(["3702", 5506]) == ["3702", "5506"]
        membership = await gm.users.set_directory_membership(
            graduation_year=2025, campus_profile_visibility="major"
        )
        assert membership.graduation_year == "2025"
        shared = await gm.users.set_sharing(True)
        assert shared.share_url
        await gm.users.enable_sms_mode(4, registration_id="device")
        await gm.users.disable_sms_mode()

        pinned = [group.id, dm.conversation_id or ""]
        await gm.pinned_conversations.set(pinned)
        assert await gm.pinned_conversations.list() == pinned

        chats = [c async for c in gm.chats.iter(per_page=1)]
        assert {c.other_user.id for c in chats} == {
            c.id for c in fake.conversations() if c.kind == "direct"
        }
        assert (await gm.chats.get(dm.conversation_id or "")).other_user.id == dm.id
        assert len(await gm.chats.list(page=1, per_page=1)) == 1

        groups = [g async for g in gm.groups.iter(per_page=1)]
        assert {g.id for g in groups} == {c.id for c in fake.conversations() if c.kind == "group"}
        shown = await gm.groups.get(group.id)
        assert shown.id == group.id and shown.members
        assert len(await gm.groups.list(per_page=1, omit_memberships=True)) == 1

        page = await gm.group_messages.list(group.id, limit=5)
        assert [m.id for m in page.messages] == ids_of(fake, "group", group.id)[::-1][:5]
        assert page.count == fake.message_count("group", group.id)
        sent = await gm.group_messages.send(
            group.id, "hi", attachments=[LocationAttachment(lat="1.5", lng="2.5", name="here")]
        )
        assert ids_of(fake, "group", group.id)[-1] == sent.id
        assert isinstance(sent.attachments[0], LocationAttachment)

        dm_page = await gm.direct_messages.list(dm.id, limit=3)
        assert [m.id for m in dm_page.messages] == ids_of(fake, "direct", dm.id)[::-1][:3]
        dm_sent = await gm.direct_messages.send(
            dm.id, attachments=[ImageAttachment(url="https://i.groupme.com/1x1.png.abc")]
        )
        assert dm_sent.recipient_id == dm.id
        receipt = await gm.direct_messages.mark_read(dm.conversation_id or "", dm_sent.id)
        assert receipt.message_id == dm_sent.id

        await gm.messages.delete(group.id, sent.id)
        assert sent.id not in ids_of(fake, "group", group.id)
        with pytest.raises(NotFoundError):
            await gm.messages.delete(group.id, sent.id)

        other = dm.id
        block = await gm.blocks.create(me.id, other)
        assert block.blocked_user_id == other
        assert await gm.blocks.between(me.id, other) is True
        assert [b.blocked_user_id for b in await gm.blocks.list(me.id)] == [other]
        await gm.blocks.delete(me.id, other)
        assert await gm.blocks.between(me.id, other) is False
        await gm.blocks.create(me.id, other)
        await gm.blocks.delete(me.id, other, via_post=True)
        assert await gm.blocks.list(me.id) == []
    # The run really went through trouble, and came out exact.
    assert fake.stats.responses[420] > 0
    assert sum(fake.stats.faults.values()) > 0


async def test_a_repeated_source_guid_within_a_minute_is_a_conflict() -> None:
    clock = VirtualClock(5000.0)
    fake = faulty(clock, fault_rate=0.0, rate_limit=None)
    group = next(c for c in fake.conversations() if c.kind == "group")
    async with client(fake, clock) as gm:
        await gm.group_messages.send(group.id, "once", source_guid="guid-1")
        with pytest.raises(ConflictError):
            await gm.group_messages.send(group.id, "twice", source_guid="guid-1")
        clock.now += 61
        again = await gm.group_messages.send(group.id, "a minute later", source_guid="guid-1")
    assert again.text == "a minute later"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    limit=st.integers(min_value=1, max_value=100),
    start=st.floats(min_value=0.0, max_value=1.0),
    kind=st.sampled_from(["group", "direct"]),
)
def test_iter_and_since_yield_every_message_once_in_order(
    seed: int, limit: int, start: float, kind: str
) -> None:
    async def scenario() -> None:
        clock = VirtualClock(5000.0)
        fake = faulty(clock, seed=seed, dm_chats=1, groups=1, messages_per_conversation=150)
        conv = next(c for c in fake.conversations() if c.kind == kind)
        truth = ids_of(fake, kind, conv.id)
        async with client(fake, clock) as gm:
            resource = gm.group_messages if kind == "group" else gm.direct_messages
            newest_first = [m.id async for m in resource.iter(conv.id, limit=limit)]
            cut = truth[int(start * (len(truth) - 1))]
            newer = [m.id async for m in resource.since(conv.id, cut, limit=limit)]
            older = [m.id async for m in resource.iter(conv.id, before_id=cut, limit=limit)]
        assert newest_first == truth[::-1]
        position = truth.index(cut)
        assert newer == truth[position + 1 :]
        assert older == truth[:position][::-1]

    anyio.run(scenario)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10_000), sends=st.integers(1, 15))
def test_sends_land_exactly_once_through_lost_responses(seed: int, sends: int) -> None:
    async def scenario() -> None:
        clock = VirtualClock(5000.0)
        fake = faulty(
            clock,
            seed=seed,
            dm_chats=1,
            groups=1,
            messages_per_conversation=20,
            fault_rate=0.3,
            faults=["lost_after_commit", "drop", "500", "503"],
        )
        group = next(c for c in fake.conversations() if c.kind == "group")
        before = len(ids_of(fake, "group", group.id))
        async with client(fake, clock) as gm:
            results = [await gm.group_messages.send(group.id, f"message {i}") for i in range(sends)]
        stored = list(fake.messages("group", group.id))[before:]
        assert [m["text"] for m in stored] == [f"message {i}" for i in range(sends)]
        assert [m.id for m in results] == [m["id"] for m in stored]

    anyio.run(scenario)
