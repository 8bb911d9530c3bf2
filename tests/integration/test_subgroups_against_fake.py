"""gm.subgroups against FakeGroupMe: topics created by an admin are listed,
changed, muted and deleted; a member who is not an admin cannot create one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from groupme_async import EmojiReaction, NotFoundError, PermissionDeniedError, Reaction
from groupme_async.testing import FakeGroupMe


@pytest.fixture
def fake() -> FakeGroupMe:
    return FakeGroupMe(seed=3, dm_chats=0, groups=4, messages_per_conversation=20)


async def roles(fake: FakeGroupMe) -> dict[str, tuple[str, ...]]:
    """Each group's roles for "me"."""
    async with fake.client() as gm:
        groups = [g async for g in gm.groups.iter()]
    return {g.id: next(m.roles for m in g.members if m.user_id == fake.me_id) for g in groups}


async def test_an_admins_topics_from_create_to_delete(fake: FakeGroupMe) -> None:
    gid = next(g for g, r in (await roles(fake)).items() if "admin" in r or "owner" in r)
    async with fake.client() as gm:
        assert await gm.subgroups.list(gid) == []
        made = [
            await gm.subgroups.create(gid, f"Topic {n}", description="about it") for n in range(3)
        ]
        news = await gm.subgroups.create(gid, "News", type="announcement")
        assert news.type == "announcement" and news.parent_id == gid
        assert news.creator_user_id == fake.me_id
        assert [t.id async for t in gm.subgroups.iter(gid, per_page=2)] == [
            *(t.id for t in made),
            news.id,
        ]
        assert (await gm.subgroups.get(gid, made[0].id)).description == "about it"

        changed = await gm.subgroups.update(
            gid, news.id, topic="Announcements", like_icon=EmojiReaction(pack_id=1, pack_index=49)
        )
        assert changed.topic == "Announcements" and changed.type == "announcement"
        assert changed.like_icon == Reaction(type="emoji", pack_id=1, pack_index=49)
        assert (await gm.subgroups.get(gid, news.id)).topic == "Announcements"

        member = await gm.subgroups.mute(gid, news.id, 60)
        assert member.user_id == fake.me_id
        muted = await gm.subgroups.get(gid, news.id)
        assert muted.muted_until is not None
        forever = await gm.subgroups.mute(gid, made[0].id)
        assert forever.user_id == fake.me_id
        until = (await gm.subgroups.get(gid, made[0].id)).muted_until
        assert until == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
        await gm.subgroups.unmute(gid, news.id)
        assert (await gm.subgroups.get(gid, news.id)).muted_until is None

        await gm.subgroups.delete(gid, news.id)
        with pytest.raises(NotFoundError):
            await gm.subgroups.get(gid, news.id)
        assert [t.id for t in await gm.subgroups.list(gid)] == [t.id for t in made]


async def test_only_admins_create_topics(fake: FakeGroupMe) -> None:
    plain = [g for g, r in (await roles(fake)).items() if not {"admin", "owner"} & set(r)]
    if not plain:
        pytest.fail("seed 3 should give 'me' a group where it is not an admin")
    async with fake.client() as gm:
        with pytest.raises(PermissionDeniedError):
            await gm.subgroups.create(plain[0], "Mine")
        assert await gm.subgroups.list(plain[0]) == []
