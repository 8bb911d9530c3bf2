"""A FakeGroupMe on a virtual clock, and a client of it that never really sleeps."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Any

import pytest

from groupme_async import AsyncGroupMe, Group
from groupme_async.testing import FakeGroupMe

from ..clock import VirtualClock


def make_fake(clock: VirtualClock, **options: Any) -> FakeGroupMe:
    options.setdefault("members_results_delay", 3.0)
    return FakeGroupMe(seed=11, clock=clock, sleep=clock.sleep, **options)


def make_client(fake: FakeGroupMe, clock: VirtualClock, **options: Any) -> AsyncGroupMe:
    return fake.client(sleep=clock.sleep, clock=clock, rng=random.Random(1), **options)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def fake(clock: VirtualClock) -> FakeGroupMe:
    return make_fake(clock, groups=4, messages_per_conversation=30)


@pytest.fixture
async def gm(fake: FakeGroupMe, clock: VirtualClock) -> AsyncIterator[AsyncGroupMe]:
    async with make_client(fake, clock) as client:
        yield client


async def owned_group(gm: AsyncGroupMe, me: str, *, owner: bool = True) -> Group:
    """A seeded group "me" owns (or, with ``owner=False``, one "me" is only a user in)."""
    async for group in gm.groups.iter():
        mine = next(m for m in group.members if m.user_id == me)
        if ("owner" in mine.roles) is owner and (owner or "admin" not in mine.roles):
            return group
    raise AssertionError("the seeded world has no such group")
