"""Another client's likes against FakeGroupMe, over a real socket: GroupyAPI
(installed ``--no-deps`` as the benchmarks do) likes and unlikes group
messages and DMs and reads its leaderboards, and the fake's state and our
client agree with what it did.  This is the wire proof that the fake's likes
are GroupMe's, not just what our own client expects."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from groupme_async.testing import SANDBOX_TOKEN, FakeGroupMe

uvicorn = pytest.importorskip("uvicorn", reason="the server extra (uvicorn) is not installed")
groupy_messages = pytest.importorskip(
    "groupy.api.messages",
    reason="GroupyAPI is not installed (pip install --no-deps GroupyAPI==0.10.3 requests)",
)
groupy_base = pytest.importorskip("groupy.api.base")
groupy_session = pytest.importorskip("groupy.session")

HEART = "\u2764\ufe0f"


@pytest.fixture
def fake() -> FakeGroupMe:
    return FakeGroupMe(seed=4, dm_chats=1, groups=1, messages_per_conversation=60)


@pytest.fixture
def origin(fake: FakeGroupMe) -> Iterator[str]:
    """The fake served by uvicorn on a loopback port, in a thread of this process
    (so the test can read the fake's state)."""
    config = uvicorn.Config(fake, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def session(origin: str) -> Iterator[Any]:
    # GroupyAPI builds every URL from this class attribute; the fake serves
    # v3 under /v3.  Put back afterwards so no other test sees the change.
    saved = groupy_base.Manager.base_url
    groupy_base.Manager.base_url = f"{origin}/v3/"
    try:
        yield groupy_session.Session(SANDBOX_TOKEN)
    finally:
        groupy_base.Manager.base_url = saved


def stored(fake: FakeGroupMe, kind: Any, cid: str, message_id: str) -> dict[str, Any]:
    return next(m for m in fake.messages(kind, cid) if m["id"] == message_id)


def test_groupy_likes_and_unlikes_a_group_message(fake: FakeGroupMe, session: Any) -> None:
    gid = next(c.id for c in fake.conversations() if c.kind == "group")
    page = groupy_messages.Messages(session, gid).list(limit=20)
    message = next(m for m in page if not m.favorited_by)
    assert message.like() is True
    liked = stored(fake, "group", gid, message.id)
    assert liked["favorited_by"] == [fake.me_id]
    assert liked["reactions"] == [{"type": "unicode", "code": HEART, "user_ids": [fake.me_id]}]

    # GroupyAPI reads the like back through the listing and its leaderboards.
    again = next(
        m for m in groupy_messages.Messages(session, gid).list(limit=20) if m.id == message.id
    )
    assert again.favorited_by == [fake.me_id]
    board = groupy_messages.Leaderboard(session, gid)
    assert message.id in [m.id for m in board.list_mine()]
    assert [m.id for m in board.list_day()] == []  # generated history is years old

    assert message.unlike() is True
    assert stored(fake, "group", gid, message.id)["favorited_by"] == []
    assert message.id not in [m.id for m in board.list_mine()]


def test_groupy_likes_a_dm_by_its_chat_id_and_our_client_sees_it(
    fake: FakeGroupMe, session: Any
) -> None:
    dm = next(c for c in fake.conversations() if c.kind == "direct")
    page = groupy_messages.DirectMessages(session, dm.id).list()
    message = next(m for m in page if not m.favorited_by)
    assert message.conversation_id == dm.conversation_id
    assert message.like() is True
    assert stored(fake, "direct", dm.id, message.id)["favorited_by"] == [fake.me_id]

    async def ours() -> tuple[str, ...]:
        async with fake.client() as gm:
            listed = await gm.direct_messages.list(dm.id, before_id=str(int(message.id) + 1))
        return next(m for m in listed.messages if m.id == message.id).favorited_by

    assert asyncio.run(ours()) == (fake.me_id,)
    assert message.unlike() is True
    assert asyncio.run(ours()) == ()
