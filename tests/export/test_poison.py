"""Strange messages are archived exactly as sent; a conversation the server
breaks is reported failed (its checkpoint kept) and never stops the others."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from groupme_async.export import export, open_sink

from .conftest import VirtualClock, make_client, make_fake, read_archive, truth
from .hostile import HostileServer, ServedGroup

FORMATS = ["jsonl", "sqlite"]
POISON_GROUP = "990001"


def message(mid: str | int, n: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": mid,
        "source_guid": f"guid-{n}",
        "created_at": 1_700_000_000 + n,
        "user_id": "70001",
        "sender_id": "70001",
        "group_id": POISON_GROUP,
        "name": "Pat",
        "avatar_url": None,
        "text": f"message {n}",
        "system": False,
        "favorited_by": [],
        "attachments": [],
        "sender_type": "user",
    }
    base.update(fields)
    return base


#: Message fields GroupMe should never send, but might.
ODD_FIELDS: list[dict[str, Any]] = [
    {"text": "\ud800"},  # a lone surrogate: JSON allows the escape, UTF-8 cannot hold it
    {"text": "a low one \udfff, and a real pair \U0001f600"},
    {"text": 5},
    {"attachments": "x"},
    {"attachments": [5, {"type": {"odd": True}, "url": 7}, None]},
    {"created_at": "yesterday", "favorited_by": 3, "user_id": 12, "name": ["x"], "system": "yes"},
    {"created_at": 2**63, "likes": 2**64 - 1},
    {"name": "名前 \u0000 nul", "avatar_url": {"nested": [1, 2.5, None, True]}},
]

#: Ids GroupMe has never reached: 2**63 and past it, as JSON numbers (wider
#: than 64 bits too: every digit must survive orjson) and as digit strings.
BIG_IDS: list[str | int] = [
    2**63 - 1,
    2**63,
    str(2**63 + 1),
    2**64,
    str(10**30),
    10**30 + 1,
    str(10**39),
    10**39 + 1,
]


def poison_history() -> list[dict[str, Any]]:
    history = [message(str(10_000 + n), n) for n in range(240)]
    for n, fields in enumerate(ODD_FIELDS):
        history[20 + n * 25].update(fields)  # spread over the pages walking back
    return history


def big_ids(start: int) -> list[dict[str, Any]]:
    return [message(mid, start + n, text=f"big id {mid}") for n, mid in enumerate(BIG_IDS)]


def expected(fake: Any, served: ServedGroup) -> dict[str, list[dict[str, Any]]]:
    return {**truth(fake), f"group-{served.id}": served.truth()}


@pytest.mark.parametrize("fmt", FORMATS)
async def test_every_strange_message_is_archived_exactly_as_sent(tmp_path: Path, fmt: str) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=31, dm_chats=1, groups=1, messages_per_conversation=150)
    server = HostileServer(fake)
    served = server.serve(ServedGroup(POISON_GROUP, "Poison", poison_history()))
    async with make_client(fake, clock, server) as gm:
        first = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
        assert first.ok, first.results
        assert read_archive(fmt, tmp_path) == expected(fake, served)
        # Then, walking forward: more of the same, and ids past 2**63.
        served.add(
            [message(str(20_000 + n), 500 + n, **fields) for n, fields in enumerate(ODD_FIELDS)]
        )
        served.add(big_ids(600))
        second = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
        assert second.ok, second.results
        again = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
    assert again.ok and again.new_messages == 0
    archive = read_archive(fmt, tmp_path)
    assert archive == expected(fake, served)
    poison = archive[f"group-{POISON_GROUP}"]
    assert poison[-len(BIG_IDS) :] == big_ids(600)
    assert [m for m in poison if m["text"] == "\ud800"]
    if fmt == "sqlite":
        with sqlite3.connect(tmp_path / "groupme.sqlite") as db:
            text = db.execute(
                "SELECT text FROM messages WHERE id = ?", (str(served.truth()[20]["id"]),)
            ).fetchone()[0]
            assert text == "\ufffd"  # the query column holds what UTF-8 can; raw holds all


async def test_a_big_id_is_where_a_rerun_resumes(tmp_path: Path) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=32, dm_chats=0, groups=1, messages_per_conversation=20)
    server = HostileServer(fake)
    served = server.serve(ServedGroup(POISON_GROUP, "Poison", big_ids(0)))
    async with make_client(fake, clock, server) as gm:
        await export(gm, tmp_path)
    sink = open_sink("jsonl", tmp_path)
    try:
        point = sink.resume_point(next(iter(_conversations(served))))
    finally:
        sink.close()
    assert (point.phase, point.newest_id) == ("live", str(BIG_IDS[-1]))


def _conversations(served: ServedGroup) -> list[Any]:
    from groupme_async.export import Conversation

    return [Conversation(kind="group", id=served.id, name=served.name)]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_conversation_that_fails_is_reported_and_the_others_finish_every_time(
    tmp_path: Path, fmt: str
) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=33, dm_chats=2, groups=2, messages_per_conversation=150)
    server = HostileServer(fake)
    history = poison_history()
    del history[50]["id"]  # no id: the walk cannot say where this message belongs
    served = server.serve(ServedGroup(POISON_GROUP, "Poison"))
    for n, m in enumerate(history):
        served.add_at(10_000 + n, m)
    async with make_client(fake, clock, server) as gm:
        for run in range(3):
            conv = fake.conversations()[run]
            fake.post(conv.kind, conv.id, f"between runs {run}")
            summary = await export(gm, tmp_path, format=fmt, concurrency=2)  # type: ignore[arg-type]
            by_key = {r.conversation.key: r for r in summary.results}
            bad = by_key.pop(f"group-{POISON_GROUP}")
            assert bad.status == "failed" and "numeric ids" in (bad.error or "")
            assert bad.stored == 100  # the pages before the bad one are kept
            assert not summary.ok
            assert all(r.status == "complete" for r in by_key.values())
            archive = read_archive(fmt, tmp_path)
            for key, messages in truth(fake).items():
                assert archive[key] == messages


@pytest.mark.parametrize("how", ["empty", "malformed"])
@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_broken_page_mid_walk_fails_the_conversation_and_keeps_its_place(
    tmp_path: Path, fmt: str, how: str
) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=34, dm_chats=1, groups=2, messages_per_conversation=350)
    server = HostileServer(fake)
    victim = fake.conversations()[-1]
    history = list(fake.messages(victim.kind, victim.id))
    cursor = history[-100]["id"]  # the second page walking back starts below it
    server.break_page(victim.kind, victim.id, cursor, how)
    async with make_client(fake, clock, server) as gm:
        summary = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
        # Asked for again before giving up, whatever was wrong with it.
        assert server.broken_answers >= 3
        by_key = {r.conversation.key: r for r in summary.results}
        bad = by_key.pop(f"group-{victim.id}")
        assert bad.status == "failed" and "messages" in (bad.error or "")
        assert not summary.ok
        assert all(r.status == "complete" for r in by_key.values())
        sink = open_sink(fmt, tmp_path)  # type: ignore[arg-type]
        try:
            point = sink.resume_point(bad.conversation)
        finally:
            sink.close()
        # Not marked complete: still walking back, from where it stopped.
        assert (point.phase, point.cursor, point.stored) == ("backfill", cursor, 100)
        server.heal()
        resumed = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
    assert resumed.ok
    assert read_archive(fmt, tmp_path) == truth(fake)
