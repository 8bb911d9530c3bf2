"""gm.groups against FakeGroupMe: what a call changes shows in every listing."""

from __future__ import annotations

import pytest

from groupme_async import (
    AsyncGroupMe,
    BadRequestError,
    Group,
    NewMember,
    NotFoundError,
    PermissionDeniedError,
)
from groupme_async.testing import FakeGroupMe

from ..clock import VirtualClock
from .conftest import owned_group


async def states(gm: AsyncGroupMe) -> dict[str, str]:
    return {s.group_id: s.state for s in await gm.groups.memberships_states()}


async def listed(gm: AsyncGroupMe) -> set[str]:
    return {g.id async for g in gm.groups.iter(per_page=2)}


async def test_a_created_group_is_listed_updated_and_destroyed(
    gm: AsyncGroupMe, fake: FakeGroupMe
) -> None:
    before = await listed(gm)
    group = await gm.groups.create("Soup Club", description="Thursdays", share=True)
    assert group.name == "Soup Club" and group.description == "Thursdays"
    assert group.creator_user_id == fake.me_id
    assert group.share_url and group.share_url.startswith(
        f"https://groupme.com/join_group/{group.id}/"
    )
    [me] = group.members
    assert me.user_id == fake.me_id and set(me.roles) == {"admin", "owner"}
    assert await listed(gm) == before | {group.id}
    assert (await states(gm))[group.id] == "active"
    # An empty group still takes messages.
    sent = await gm.group_messages.send(group.id, "first!")
    assert (await gm.groups.get(group.id)).messages.last_message_id == sent.id  # type: ignore[union-attr]

    updated = await gm.groups.update(group.id, name="Stew Club", description="", share=False)
    assert (updated.name, updated.description, updated.share_url) == ("Stew Club", "", None)
    shown = await gm.groups.get(group.id)
    assert (shown.name, shown.share_url) == ("Stew Club", None)
    assert shown.updated_at is not None and shown.created_at is not None
    assert shown.updated_at >= shown.created_at

    await gm.groups.destroy(group.id)
    assert await listed(gm) == before
    assert group.id not in await states(gm)
    with pytest.raises(NotFoundError):
        await gm.groups.get(group.id)
    with pytest.raises(NotFoundError):
        await gm.group_messages.list(group.id)


async def test_leaving_rejoining_and_joining_by_share_token(
    gm: AsyncGroupMe, fake: FakeGroupMe
) -> None:
    group = await owned_group(gm, fake.me_id)
    other = next(m for m in group.members if m.user_id != fake.me_id)
    mine = next(m for m in group.members if m.user_id == fake.me_id)

    # The creator cannot leave: hand the group over first.
    with pytest.raises(BadRequestError):
        await gm.members.remove(group.id, mine.id or "")
    [result] = await gm.groups.change_owners([(group.id, other.user_id)])
    assert result.ok and result.status == 200
    assert (await gm.groups.get(group.id)).creator_user_id == other.user_id

    await gm.members.remove(group.id, mine.id or "")
    assert group.id not in await listed(gm)
    assert [g.id for g in await gm.groups.former()] == [group.id]
    assert (await states(gm))[group.id] == "exited"
    with pytest.raises(NotFoundError):
        await gm.group_messages.list(group.id)

    back = await gm.groups.rejoin(group.id)
    assert back.id == group.id and fake.me_id in {m.user_id for m in back.members}
    assert await gm.groups.former() == []
    assert (await states(gm))[group.id] == "active"
    assert (await gm.group_messages.list(group.id)).messages
    with pytest.raises(BadRequestError):
        await gm.groups.rejoin(group.id)


async def test_joining_with_a_share_token(gm: AsyncGroupMe, fake: FakeGroupMe) -> None:
    created = await gm.groups.create("Open Mic", share=True)
    token = (created.share_url or "").rsplit("/", 1)[1]
    newcomer = next(uid for uid in fake.user_ids() if uid != fake.me_id)
    [added] = await gm.members.add(created.id, [NewMember(nickname="Newcomer", user_id=newcomer)])
    assert added.member is not None
    await gm.groups.change_owners([(created.id, newcomer)])
    me = next(m for m in (await gm.groups.get(created.id)).members if m.user_id == fake.me_id)
    await gm.members.remove(created.id, me.id or "")

    with pytest.raises(NotFoundError):
        await gm.groups.join(created.id, "wrongtoken")
    joined = await gm.groups.join(created.id, token)
    assert joined.id == created.id and fake.me_id in {m.user_id for m in joined.members}
    assert created.id in await listed(gm)


async def test_owner_changes_are_results_not_exceptions(
    gm: AsyncGroupMe, fake: FakeGroupMe
) -> None:
    owned = await owned_group(gm, fake.me_id)
    not_owned = await owned_group(gm, fake.me_id, owner=False)
    stranger = next(uid for uid in fake.user_ids() if uid not in {m.user_id for m in owned.members})
    results = await gm.groups.change_owners(
        [
            (owned.id, fake.me_id),
            (not_owned.id, fake.me_id),
            ("999", fake.me_id),
            (owned.id, stranger),
        ]
    )
    assert [r.status for r in results] == [400, 403, 404, 404]
    assert not any(r.ok for r in results)
    assert [r.group_id for r in results] == [owned.id, not_owned.id, "999", owned.id]
    assert (await gm.groups.get(owned.id)).creator_user_id == fake.me_id


async def test_only_the_owner_may_destroy(gm: AsyncGroupMe, fake: FakeGroupMe) -> None:
    group = await owned_group(gm, fake.me_id, owner=False)
    with pytest.raises(PermissionDeniedError):
        await gm.groups.destroy(group.id)
    assert group.id in await listed(gm)


async def test_mutes(gm: AsyncGroupMe, fake: FakeGroupMe, clock: VirtualClock) -> None:
    group = await owned_group(gm, fake.me_id)

    def my_member_muted(g: Group) -> bool | None:
        return next(m.muted for m in g.members if m.user_id == fake.me_id)

    muted = await gm.groups.mute(group.id, 10)
    assert muted.state == "muted" and muted.user_id == fake.me_id
    assert muted.updated_at is not None
    assert muted.muted_until == int(muted.updated_at.timestamp()) + 600
    assert my_member_muted(await gm.groups.get(group.id)) is True
    clock.now += 601  # the mute runs out on its own
    assert my_member_muted(await gm.groups.get(group.id)) is False

    unmuted = await gm.groups.unmute(group.id)
    assert unmuted.state == "active" and unmuted.muted_until is None
    forever = await gm.groups.mute_all(group.id)
    assert forever.muted is True and forever.muted_until == 253402300800
    assert my_member_muted(await gm.groups.get(group.id)) is True
    cleared = await gm.groups.unmute_all(group.id)
    assert cleared.muted is False
    assert my_member_muted(await gm.groups.get(group.id)) is False
