"""gm.members against FakeGroupMe: adds are queued and polled, and every change shows."""

from __future__ import annotations

import pytest

from groupme_async import (
    AsyncGroupMe,
    AuthenticationError,
    MembersResultsExpiredError,
    NewMember,
    NotFoundError,
    RetryPolicy,
)
from groupme_async.testing import FakeGroupMe

from ..clock import VirtualClock
from .conftest import make_client, make_fake, owned_group


def outsiders(fake: FakeGroupMe, group_members: set[str]) -> list[str]:
    return [uid for uid in fake.user_ids() if uid not in group_members]


async def in_group(gm: AsyncGroupMe, group_id: str) -> dict[str, str | None]:
    """User id -> nickname of the group's current members."""
    return {m.user_id: m.nickname for m in (await gm.groups.get(group_id)).members}


async def test_add_waits_for_the_results_and_the_members_appear(
    gm: AsyncGroupMe, fake: FakeGroupMe, clock: VirtualClock
) -> None:
    group = await owned_group(gm, fake.me_id)
    first, second = outsiders(fake, {m.user_id for m in group.members})[:2]
    wanted = [
        NewMember(nickname="Newt", user_id=first),
        NewMember(nickname="Ghost", email="nobody@example.com"),
        NewMember(nickname="Second", user_id=second, guid="my-own-guid"),
    ]
    started = clock.now
    results = await gm.members.add(group.id, wanted)
    # The fake held the results for 3 s: the client polled through the 503s.
    assert clock.now - started >= 3.0
    assert fake.stats.responses[503] >= 1
    assert [r.request for r in results] == wanted
    assert [r.added for r in results] == [True, False, True]
    assert results[0].member is not None and results[0].member.user_id == first
    members = await in_group(gm, group.id)
    assert members[first] == "Newt" and members[second] == "Second"
    active = {m.user_id for m in await gm.members.list(group.id)}
    assert {first, second} <= active and "nobody@example.com" not in active


async def test_results_expire_after_an_hour(clock: VirtualClock) -> None:
    fake = make_fake(clock, members_results_delay=4000.0)
    async with make_client(fake, clock, retry=RetryPolicy(deadline=5000.0)) as gm:
        group = await owned_group(gm, fake.me_id)
        newcomer = outsiders(fake, {m.user_id for m in group.members})[0]
        with pytest.raises(MembersResultsExpiredError):
            await gm.members.add(group.id, [NewMember(nickname="Late", user_id=newcomer)])
        # The add itself happened; only its results are gone.
        assert newcomer in await in_group(gm, group.id)


async def test_remove_ban_and_the_inactive_list(gm: AsyncGroupMe, fake: FakeGroupMe) -> None:
    group = await owned_group(gm, fake.me_id)
    leaving = next(m for m in group.members if "owner" not in m.roles)
    assert leaving.id is not None
    await gm.members.remove(group.id, leaving.id)
    assert leaving.user_id not in await in_group(gm, group.id)
    inactive = await gm.members.list(group.id, filter="inactive")
    assert [m.user_id for m in inactive] == [leaving.user_id]
    with pytest.raises(NotFoundError):
        await gm.members.remove(group.id, leaving.id)

    await gm.members.ban(group.id, leaving.id)
    [again] = await gm.members.add(group.id, [NewMember(nickname="Back", user_id=leaving.user_id)])
    assert again.member is None
    assert leaving.user_id not in await in_group(gm, group.id)


async def test_only_admins_list_members_or_answer_requests(
    gm: AsyncGroupMe, fake: FakeGroupMe
) -> None:
    group = await owned_group(gm, fake.me_id, owner=False)
    with pytest.raises(AuthenticationError):
        await gm.members.list(group.id)
    asker = outsiders(fake, {m.user_id for m in group.members})[0]
    pending_id = fake.request_to_join(group.id, asker)
    assert [p.id for p in await gm.members.pending(group.id)] == [pending_id]
    with pytest.raises(AuthenticationError):
        await gm.members.approve(group.id, pending_id)


async def test_join_requests_approved_and_denied(gm: AsyncGroupMe, fake: FakeGroupMe) -> None:
    group = await owned_group(gm, fake.me_id)
    await gm.groups.update(group.id, requires_approval=True)
    yes, no = outsiders(fake, {m.user_id for m in group.members})[:2]
    yes_id = fake.request_to_join(group.id, yes, answer="I bring soup")
    no_id = fake.request_to_join(group.id, no)
    pending = await gm.members.pending(group.id)
    assert [(p.id, p.user_id, p.state) for p in pending] == [
        (yes_id, yes, "requested_pending"),
        (no_id, no, "requested_pending"),
    ]
    assert pending[0].reason is not None
    assert pending[0].reason["answer"]["response"] == "I bring soup"

    approved = await gm.members.approve(group.id, yes_id)
    denied = await gm.members.deny(group.id, no_id)
    assert (approved.membership_id, approved.state) == (yes_id, "active")
    assert (denied.membership_id, denied.state) == (no_id, "denied")
    assert await gm.members.pending(group.id) == []
    members = await in_group(gm, group.id)
    assert yes in members and no not in members
    with pytest.raises(NotFoundError):
        await gm.members.approve(group.id, no_id)


async def test_my_nickname(gm: AsyncGroupMe, fake: FakeGroupMe) -> None:
    group = await owned_group(gm, fake.me_id, owner=False)
    member = await gm.members.update_nickname(group.id, "Captain")
    assert member.nickname == "Captain" and member.user_id == fake.me_id
    assert (await in_group(gm, group.id))[fake.me_id] == "Captain"
