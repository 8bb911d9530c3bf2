"""gm.polls against FakeGroupMe: a created poll is announced in the group,
votes change counts and voters, polls end (by hand or by the clock), and the
listing walks every poll once across continuation tokens."""

from __future__ import annotations

import pytest

from groupme_async import BadRequestError, NotFoundError, PollAttachment
from groupme_async.testing import FakeGroupMe

from ..clock import VirtualClock

HOUR = 3600


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(50_000.0)


@pytest.fixture
def fake(clock: VirtualClock) -> FakeGroupMe:
    return FakeGroupMe(seed=5, dm_chats=1, groups=2, messages_per_conversation=40, clock=clock)


def group_id(fake: FakeGroupMe) -> str:
    return next(c.id for c in fake.conversations() if c.kind == "group")


async def test_a_poll_is_announced_voted_on_and_ended(fake: FakeGroupMe) -> None:
    gid = group_id(fake)
    async with fake.client() as gm:
        # Unix seconds from the fake's clock (its wall time, not this machine's).
        closes = (await gm.group_messages.send(gid, "poll coming")).created_at.timestamp()
        poll = await gm.polls.create(
            gid, "Which boathouse?", ["North", "South", "East"], expiration=int(closes) + HOUR
        )
        assert poll.status == "active" and poll.type == "single"
        assert [o.title for o in poll.options] == ["North", "South", "East"]
        assert poll.user_votes == () and poll.owner_id == fake.me_id

        (newest,) = [m async for m in gm.group_messages.iter(gid, max_items=1)]
        assert newest.attachments == (PollAttachment(poll_id=poll.id),)
        assert newest.event is not None and newest.event["type"] == "poll.created"

        voted = await gm.polls.vote(gid, poll.id, poll.options[1].id)
        assert voted.user_votes == ("2",)
        assert [(o.votes, o.voter_ids) for o in voted.options] == [
            (0, ()),
            (1, (fake.me_id,)),
            (0, ()),
        ]
        # Changing the vote moves it.
        again = await gm.polls.vote(gid, poll.id, "3")
        assert [o.votes for o in again.options] == [0, 0, 1]
        assert (await gm.polls.get(gid, poll.id)).user_votes == ("3",)
        # A single-choice poll takes one vote through the list form too, not two.
        with pytest.raises(BadRequestError):
            await gm.polls.vote(gid, poll.id, ["1", "2"])
        with pytest.raises(NotFoundError):
            await gm.polls.vote(gid, poll.id, "9")

        ended = await gm.polls.end(gid, poll.id)
        assert ended.status == "past"
        with pytest.raises(BadRequestError):
            await gm.polls.vote(gid, poll.id, "1")
        with pytest.raises(BadRequestError):
            await gm.polls.end(gid, poll.id)


async def test_multi_choice_and_anonymous_polls(fake: FakeGroupMe) -> None:
    gid = group_id(fake)
    async with fake.client() as gm:
        closes = int((await gm.group_messages.send(gid, "x")).created_at.timestamp()) + HOUR
        poll = await gm.polls.create(
            gid,
            "Bring?",
            ["oars", "snacks", "maps"],
            expiration=closes,
            type="multi",
            visibility="anonymous",
        )
        voted = await gm.polls.vote(gid, poll.id, ["1", "3"])
        assert voted.user_votes == ("1", "3")
        assert [o.votes for o in voted.options] == [1, 0, 1]
        assert all(o.voter_ids == () for o in voted.options)  # anonymous


async def test_a_poll_ends_when_the_fakes_clock_passes_its_expiration(
    fake: FakeGroupMe, clock: VirtualClock
) -> None:
    gid = group_id(fake)
    async with fake.client() as gm:
        closes = int((await gm.group_messages.send(gid, "x")).created_at.timestamp()) + HOUR
        poll = await gm.polls.create(gid, "Soon?", ["yes", "no"], expiration=closes)
        clock.now += HOUR + 1
        assert (await gm.polls.get(gid, poll.id)).status == "past"
        with pytest.raises(BadRequestError):
            await gm.polls.vote(gid, poll.id, "1")
        # An expiration already past is refused by GroupMe.
        with pytest.raises(BadRequestError):
            await gm.polls.create(gid, "Late?", ["a", "b"], expiration=closes)


async def test_iter_walks_every_poll_once_across_continuation_tokens(fake: FakeGroupMe) -> None:
    gid = group_id(fake)
    async with fake.client() as gm:
        closes = int((await gm.group_messages.send(gid, "x")).created_at.timestamp()) + HOUR
        made = [
            (await gm.polls.create(gid, f"Q{n}", ["a", "b"], expiration=closes)).id
            for n in range(23)
        ]
        requests_before = fake.stats.requests
        walked = [p.id async for p in gm.polls.iter(gid)]
        assert walked == made[::-1]  # newest first, each once
        assert fake.stats.requests - requests_before == 3  # pages of 10
        other = next(c.id for c in fake.conversations() if c.kind == "group" and c.id != gid)
        assert [p async for p in gm.polls.iter(other)] == []
        with pytest.raises(NotFoundError):
            await gm.polls.get(other, made[0])
