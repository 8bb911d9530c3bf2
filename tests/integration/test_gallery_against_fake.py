"""gm.gallery against FakeGroupMe: every media message of a group or DM chat,
newest first, each once, in pages of ``limit``, bounded by ``before`` and
``after``, and file messages keep their text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from groupme_async.testing import ConversationKind, FakeGroupMe

from ..clock import VirtualClock

MEDIA = {"image", "video", "file"}


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(7_000.0)


@pytest.fixture
def fake(clock: VirtualClock) -> FakeGroupMe:
    return FakeGroupMe(seed=21, dm_chats=1, groups=1, messages_per_conversation=400, clock=clock)


def media_ids(fake: FakeGroupMe, kind: ConversationKind, cid: str) -> list[str]:
    """Ground truth: the conversation's media messages, newest first."""
    messages = fake.messages(kind, cid)
    found = [m["id"] for m in messages if any(a["type"] in MEDIA for a in m["attachments"])]
    return found[::-1]


@pytest.mark.parametrize("kind", ["group", "direct"])
async def test_every_media_message_once_newest_first(
    fake: FakeGroupMe, kind: ConversationKind
) -> None:
    conversation = next(c for c in fake.conversations() if c.kind == kind)
    expected = media_ids(fake, kind, conversation.id)
    assert len(expected) > 10  # the generated history has pictures to page through
    async with fake.client() as gm:
        before = fake.stats.requests
        got = [m.id async for m in gm.gallery.iter(conversation.conversation_id, limit=7)]
        pages = fake.stats.requests - before
    assert got == expected
    # Full pages, a short last one, then the empty page that ends the walk.
    assert pages == -(-len(expected) // 7) + 1


async def test_a_burst_in_one_second_pages_without_loss_or_repeat(fake: FakeGroupMe) -> None:
    # The fake's clock stands still: twenty pictures share one created_at.
    gid = next(c.id for c in fake.conversations() if c.kind == "group")
    posted = [
        fake.post(
            "group", gid, None, attachments=[{"type": "image", "url": f"https://i.groupme.com/{n}"}]
        )
        for n in range(20)
    ]
    assert len({m["created_at"] for m in posted}) == 1
    async with fake.client() as gm:
        newest = [m.id async for m in gm.gallery.iter(gid, limit=3, max_items=20)]
    assert newest == [m["id"] for m in posted[::-1]]


async def test_before_and_after_bound_the_walk(fake: FakeGroupMe) -> None:
    gid = next(c.id for c in fake.conversations() if c.kind == "group")
    expected = media_ids(fake, "group", gid)
    async with fake.client() as gm:
        every = [m async for m in gm.gallery.iter(gid)]
        upper, lower = every[3].created_at, every[-4].created_at
        inside = [
            m.id async for m in gm.gallery.iter(gid, before=upper, after=lower.isoformat(), limit=5)
        ]
    # Both bounds are exclusive instants; a message's gallery_ts is its
    # created second plus a fraction, so the one sent in `lower`'s second is
    # after `lower` and the one sent in `upper`'s is not before `upper`.
    assert inside == [m.id for m in every if lower <= m.created_at < upper]
    assert set(inside) <= set(expected) and len(inside) == len(expected) - 7


async def test_file_messages_in_the_gallery_keep_their_text(fake: FakeGroupMe) -> None:
    gid = next(c.id for c in fake.conversations() if c.kind == "group")
    posted = fake.post("group", gid, "slides", attachments=[{"type": "file", "file_id": "f9"}])
    async with fake.client() as gm:
        (first,) = [m async for m in gm.gallery.iter(gid, max_items=1)]
    assert first.id == posted["id"] and first.text == "slides"
    assert first.created_at <= datetime.now(UTC) + timedelta(minutes=1)
