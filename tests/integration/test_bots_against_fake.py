"""gm.bots against FakeGroupMe: bots come and go, and a post lands at most once."""

from __future__ import annotations

from typing import Any

import pytest

from groupme_async import (
    APIConnectionError,
    AsyncGroupMe,
    ImageAttachment,
    NotFoundError,
    RetryPolicy,
    ServerError,
)
from groupme_async.testing import FakeGroupMe

from ..clock import VirtualClock
from .conftest import make_client, make_fake, owned_group


def bot_posts(fake: FakeGroupMe, group_id: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages("group", group_id) if m["sender_type"] == "bot"]


async def test_a_bots_life(gm: AsyncGroupMe, fake: FakeGroupMe) -> None:
    group = await owned_group(gm, fake.me_id)
    assert await gm.bots.list() == []
    bot = await gm.bots.create(
        group.id,
        "Dice",
        callback_url="https://example.com/dice",
        avatar_url="https://i.groupme.com/dice",
    )
    assert (bot.group_id, bot.name, bot.group_name) == (group.id, "Dice", group.name)
    assert bot.callback_url == "https://example.com/dice" and bot.dm_notification is False
    assert len(bot.bot_id) == 26
    assert await gm.bots.list() == [bot]

    renamed = await gm.bots.update(bot.bot_id, name="Die", dm_notification=True)
    assert renamed.name == "Die" and renamed.callback_url == bot.callback_url
    assert await gm.bots.list() == [renamed]

    await gm.bots.post(bot.bot_id, "Rolled a 6")
    await gm.bots.post(bot.bot_id, attachments=[ImageAttachment(url="https://i.groupme.com/6")])
    newest = (await gm.group_messages.list(group.id, limit=2)).messages
    assert [m.text for m in newest] == [None, "Rolled a 6"]
    for message in newest:
        assert message.sender_type == "bot" and message.name == "Die"
        assert message.avatar_url == "https://i.groupme.com/dice"
        assert message.user_id == message.sender_id and message.user_id != fake.me_id
    assert newest[0].attachments == (ImageAttachment(url="https://i.groupme.com/6"),)

    await gm.bots.destroy(bot.bot_id)
    assert await gm.bots.list() == []
    with pytest.raises(NotFoundError):
        await gm.bots.post(bot.bot_id, "still here?")
    with pytest.raises(NotFoundError):
        await gm.bots.destroy(bot.bot_id)


async def test_a_bot_only_joins_a_group_of_mine(gm: AsyncGroupMe, fake: FakeGroupMe) -> None:
    with pytest.raises(NotFoundError):
        await gm.bots.create("999", "Nowhere")
    group = await owned_group(gm, fake.me_id)
    bot = await gm.bots.create(group.id, "Doomed")
    await gm.groups.destroy(group.id)
    assert await gm.bots.list() == []
    with pytest.raises(NotFoundError):
        await gm.bots.post(bot.bot_id, "anyone?")


@pytest.mark.parametrize(
    ("faults", "error", "landed"),
    [
        # The post was stored, then the answer was lost: raised, never re-sent.
        (["lost_after_commit"], APIConnectionError, 1),
        # Refused before it was stored: raised, and nothing landed.
        (["500"], ServerError, 0),
        (["drop"], APIConnectionError, 0),
    ],
)
async def test_a_post_is_never_made_twice(
    clock: VirtualClock, faults: list[str], error: type[Exception], landed: int
) -> None:
    fake = make_fake(clock, groups=2, messages_per_conversation=10, faults=faults)
    async with make_client(fake, clock, retry=RetryPolicy(max_attempts=10)) as gm:
        group = await owned_group(gm, fake.me_id)
        bot = await gm.bots.create(group.id, "Once")
        fake.fault_rate = 1.0
        with pytest.raises(error):
            await gm.bots.post(bot.bot_id, "exactly once")
        fake.fault_rate = 0.0
    assert [m["text"] for m in bot_posts(fake, group.id)] == ["exactly once"] * landed
    # Every request after fault_rate=1 is faulted: one fault means one attempt.
    assert sum(fake.stats.faults.values()) == 1


async def test_a_rate_limited_post_is_retried_and_lands_once(clock: VirtualClock) -> None:
    fake = make_fake(clock, groups=2, messages_per_conversation=10, rate_limit=1.0, burst=1)
    async with make_client(fake, clock, retry=RetryPolicy(max_attempts=10)) as gm:
        group = await owned_group(gm, fake.me_id)
        bot = await gm.bots.create(group.id, "Patient")
        for n in range(3):
            await gm.bots.post(bot.bot_id, f"post {n}")
    assert fake.stats.responses[420] > 0
    assert [m["text"] for m in bot_posts(fake, group.id)] == ["post 0", "post 1", "post 2"]
