"""gm.contacts, gm.users.get and gm.chats.delete against FakeGroupMe."""

from __future__ import annotations

import pytest

from groupme_async import AsyncGroupMe, NotFoundError
from groupme_async.testing import FakeGroupMe

from .conftest import owned_group


async def contact_ids(gm: AsyncGroupMe, *, include_blocked: bool = False) -> list[str]:
    return [c.user_id async for c in gm.contacts.iter(include_blocked=include_blocked)]


async def test_the_contact_book_pages_by_time(gm: AsyncGroupMe, fake: FakeGroupMe) -> None:
    everyone = [uid for uid in fake.user_ids() if uid != fake.me_id]
    pages = [page async for page in gm.contacts.iter().pages()]
    # More contacts than the fake's page size: several pages, each once.
    assert len(pages) > 1
    contacts = [c for page in pages for c in page]
    assert sorted(c.user_id for c in contacts) == sorted(everyone)
    made = [c.created_at_iso8601 or "" for c in contacts]
    assert made == sorted(made) and len(set(made)) == len(made)
    assert all(c.blocked is False and c.name for c in contacts)


async def test_blocked_contacts_deleted_and_added_again(
    gm: AsyncGroupMe, fake: FakeGroupMe
) -> None:
    book = await contact_ids(gm)
    blocked, deleted = book[1], book[2]
    await gm.blocks.create(fake.me_id, blocked)
    assert blocked not in await contact_ids(gm)
    with_blocked = [c async for c in gm.contacts.iter(include_blocked=True)]
    assert [c.user_id for c in with_blocked] == book
    assert [c.user_id for c in with_blocked if c.blocked] == [blocked]

    await gm.contacts.delete(deleted)
    assert deleted not in await contact_ids(gm, include_blocked=True)
    with pytest.raises(NotFoundError):
        await gm.contacts.delete(deleted)
    await gm.contacts.create(deleted, "ShareTok3n")
    # A contact made now is the newest: last in the book.
    assert (await contact_ids(gm, include_blocked=True))[-1] == deleted
    with pytest.raises(NotFoundError):
        await gm.contacts.create("999", "ShareTok3n")


async def test_another_users_profile_and_shared_groups(gm: AsyncGroupMe, fake: FakeGroupMe) -> None:
    group = await owned_group(gm, fake.me_id)
    other = next(m for m in group.members if m.user_id != fake.me_id)
    details = await gm.users.get(other.user_id, include_shared_groups=True)
    assert details.user.id == other.user_id and details.user.name
    shared = {
        g.id async for g in gm.groups.iter() if other.user_id in {m.user_id for m in g.members}
    }
    assert {g.group_id for g in details.shared_groups} == shared
    assert group.id in shared
    assert details.relationship is not None and details.relationship["user_id"] == other.user_id
    plain = await gm.users.get(other.user_id)
    assert plain.shared_groups == ()
    with pytest.raises(NotFoundError):
        await gm.users.get("999")


async def test_a_deleted_chat_leaves_the_chat_list(gm: AsyncGroupMe, fake: FakeGroupMe) -> None:
    chats = [c async for c in gm.chats.iter()]
    gone = chats[0]
    await gm.chats.delete(gone.id)
    assert gone.id not in {c.id async for c in gm.chats.iter()}
    with pytest.raises(NotFoundError):
        await gm.chats.get(gone.id)
    with pytest.raises(NotFoundError):
        await gm.chats.delete(gone.id)
    # Writing again starts a fresh chat.
    await gm.direct_messages.send(gone.other_user.id, "hello again")
    again = await gm.chats.get(gone.id)
    assert again.messages_count == 1
