"""gm.messages against FakeGroupMe: likes and reactions seen through every
listing, edits, pins and the pinned lists, the leaderboards over the fake's
clock, and file messages' text kept by acceptFiles=1."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from groupme_async import (
    AsyncGroupMe,
    BadRequestError,
    EmojiReaction,
    FileAttachment,
    ImageAttachment,
    Message,
    NotFoundError,
    PermissionDeniedError,
    Reaction,
)
from groupme_async.testing import ConversationKind, FakeConversation, FakeGroupMe

from ..clock import VirtualClock

HEART = "\u2764\ufe0f"
FIRE = "\U0001f525"
DAY = 86_400


def first(fake: FakeGroupMe, kind: ConversationKind) -> FakeConversation:
    return next(c for c in fake.conversations() if c.kind == kind)


async def listed(gm: AsyncGroupMe, conversation: FakeConversation, message_id: str) -> Message:
    """The message as the normal listing shows it (the page just above it)."""
    if conversation.kind == "group":
        page = await gm.group_messages.list(conversation.id, before_id=str(int(message_id) + 1))
    else:
        page = await gm.direct_messages.list(conversation.id, before_id=str(int(message_id) + 1))
    found = next(m for m in page.messages if m.id == message_id)
    return found


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(10_000.0)


@pytest.fixture
def fake(clock: VirtualClock) -> FakeGroupMe:
    return FakeGroupMe(seed=11, dm_chats=2, groups=2, messages_per_conversation=120, clock=clock)


@pytest.mark.parametrize("kind", ["group", "direct"])
async def test_likes_and_reactions_show_in_listings_and_unlike_takes_them_back(
    fake: FakeGroupMe, kind: ConversationKind
) -> None:
    conversation = first(fake, kind)
    target = next(m for m in fake.messages(kind, conversation.id) if not m["favorited_by"])
    mid = target["id"]
    async with fake.client() as gm:
        await gm.messages.like(conversation.conversation_id, mid)
        plain = await listed(gm, conversation, mid)
        assert plain.favorited_by == (fake.me_id,)
        assert plain.reactions == (Reaction(type="unicode", code=HEART, user_ids=(fake.me_id,)),)

        # A new reaction replaces "me"'s old one; someone else's stays.
        fake.like(kind, conversation.id, mid, reaction=FIRE)
        await gm.messages.like(conversation.conversation_id, mid, reaction=FIRE)
        fired = await listed(gm, conversation, mid)
        assert len(fired.favorited_by) == 2 and fake.me_id in fired.favorited_by
        assert len(fired.reactions) == 1
        assert fired.reactions[0].code == FIRE and len(fired.reactions[0].user_ids) == 2

        emoji = EmojiReaction(pack_id=3, pack_index=11)
        await gm.messages.like(conversation.conversation_id, mid, reaction=emoji)
        mixed = await listed(gm, conversation, mid)
        by_type = {r.type: r for r in mixed.reactions}
        assert by_type["emoji"] == Reaction(
            type="emoji", pack_id=3, pack_index=11, user_ids=(fake.me_id,)
        )
        assert fake.me_id not in by_type["unicode"].user_ids

        if kind == "group":
            shown = await gm.messages.get(conversation.id, mid)
            assert shown.reactions == mixed.reactions
            assert shown.favorited_by == mixed.favorited_by

        await gm.messages.unlike(conversation.conversation_id, mid)
        after = await listed(gm, conversation, mid)
        assert fake.me_id not in after.favorited_by
        assert all(fake.me_id not in r.user_ids for r in after.reactions)
        assert len(after.favorited_by) == 1  # the other person's like stays
        # Unliking again is no error (GroupMe answers 200).
        await gm.messages.unlike(conversation.conversation_id, mid)


async def test_a_reaction_groupme_refuses_never_leaves_the_client(fake: FakeGroupMe) -> None:
    group = first(fake, "group")
    mid = next(fake.messages("group", group.id))["id"]
    async with fake.client() as gm:
        with pytest.raises(ValueError):
            await gm.messages.like(group.id, mid, reaction="\U0001f602")
    assert fake.stats.requests == 0


async def test_likes_of_unknown_messages_are_not_found(fake: FakeGroupMe) -> None:
    group = first(fake, "group")
    async with fake.client() as gm:
        with pytest.raises(NotFoundError):
            await gm.messages.like(group.id, "1")
        with pytest.raises(NotFoundError):
            await gm.messages.get(group.id, "1")


async def test_an_edit_changes_the_text_everywhere_and_sets_updated_at(
    fake: FakeGroupMe, clock: VirtualClock
) -> None:
    group = first(fake, "group")
    async with fake.client() as gm:
        sent = await gm.group_messages.send(group.id, "typo here")
        assert sent.updated_at is None
        clock.now += 30
        edited = await gm.messages.edit(group.id, sent.id, "no typo")
        assert edited.text == "no typo"
        assert edited.updated_at is not None and edited.updated_at > sent.created_at
        assert (await gm.messages.get(group.id, sent.id)).text == "no typo"
        assert (await listed(gm, group, sent.id)).updated_at == edited.updated_at

        pictured = await gm.messages.edit(
            group.id, sent.id, None, attachments=[ImageAttachment(url="https://i.groupme.com/1")]
        )
        assert pictured.text is None and isinstance(pictured.attachments[0], ImageAttachment)

        someone_else = fake.post("group", group.id, "not yours")
        with pytest.raises(PermissionDeniedError):
            await gm.messages.edit(group.id, someone_else["id"], "mine now")
        assert (await gm.messages.get(group.id, someone_else["id"])).text == "not yours"


@pytest.mark.parametrize("kind", ["group", "direct"])
async def test_pins_show_in_the_pinned_lists_and_pinning_twice_is_a_bad_request(
    fake: FakeGroupMe, kind: ConversationKind, clock: VirtualClock
) -> None:
    conversation = first(fake, kind)
    ids = [m["id"] for m in fake.messages(kind, conversation.id)][-3:]

    async def pinned(gm: AsyncGroupMe) -> list[Message]:
        if kind == "group":
            return await gm.messages.pinned(conversation.id)
        return await gm.messages.pinned_direct_messages(conversation.id)

    async with fake.client() as gm:
        assert await pinned(gm) == []
        for mid in ids[:2]:
            await gm.messages.pin(conversation.conversation_id, mid)
            clock.now += 5
        shown = await pinned(gm)
        assert [m.id for m in shown] == [ids[1], ids[0]]  # most recently pinned first
        assert all(m.pinned_by == fake.me_id and m.pinned_at is not None for m in shown)
        assert (await listed(gm, conversation, ids[0])).pinned_by == fake.me_id

        # GroupMe's bare 400: an error, not silently "already pinned".
        with pytest.raises(BadRequestError) as twice:
            await gm.messages.pin(conversation.conversation_id, ids[0])
        assert twice.value.errors == []
        with pytest.raises(BadRequestError):
            await gm.messages.unpin(conversation.conversation_id, ids[2])

        await gm.messages.unpin(conversation.conversation_id, ids[0])
        assert [m.id for m in await pinned(gm)] == [ids[1]]
        unpinned = await listed(gm, conversation, ids[0])
        assert unpinned.pinned_at is None and unpinned.pinned_by == ""


async def test_the_leaderboards_follow_the_likes_and_the_fakes_clock(
    fake: FakeGroupMe, clock: VirtualClock
) -> None:
    group = first(fake, "group")
    async with fake.client() as gm:
        mine = await gm.group_messages.send(group.id, "mine")
        theirs = fake.post("group", group.id, "theirs")
        fake.like("group", group.id, mine.id)
        fake.like("group", group.id, theirs["id"])
        await gm.messages.like(group.id, theirs["id"])

        board = await gm.messages.leaderboard(group.id, "day")
        assert [(e.message.id, e.like_count) for e in board] == [(theirs["id"], 2), (mine.id, 1)]

        liked = await gm.messages.liked_by_me(group.id)
        assert liked[0].message.id == theirs["id"]
        assert liked[0].liked_at is not None
        assert abs(liked[0].liked_at - datetime.now(UTC)).total_seconds() < 60
        # Likes from the generated history are there too, each liked by "me".
        assert all(fake.me_id in e.message.favorited_by for e in liked)

        for_me = await gm.messages.likes_for_me(group.id)
        assert for_me[0].message.id == mine.id
        assert all(e.message.user_id == fake.me_id for e in for_me)
        assert all(set(e.message.favorited_by) - {fake.me_id} for e in for_me)

        clock.now += 2 * DAY
        assert await gm.messages.leaderboard(group.id, "day") == []
        week = await gm.messages.leaderboard(group.id, "week")
        assert [e.message.id for e in week] == [theirs["id"], mine.id]

        await gm.messages.unlike(group.id, theirs["id"])
        assert theirs["id"] not in [e.message.id for e in await gm.messages.liked_by_me(group.id)]


async def test_file_messages_keep_their_text_for_the_client(fake: FakeGroupMe) -> None:
    group = first(fake, "group")
    posted = fake.post(
        "group", group.id, "the minutes", attachments=[{"type": "file", "file_id": "f1"}]
    )
    async with fake.client() as gm:
        got = await listed(gm, group, posted["id"])
        assert got.text == "the minutes"
        assert got.attachments == (FileAttachment(file_id="f1"),)
        newest = [m async for m in gm.group_messages.iter(group.id, max_items=1)]
        assert newest[0].text == "the minutes"
