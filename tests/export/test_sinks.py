"""Both archive formats: page atomicity, resume points and oldest-first order."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from groupme_async.export import Conversation, JsonlSink, SqliteSink, open_sink

CONV = Conversation(kind="group", id="42", name="Test group")


def msg(i: int) -> dict[str, Any]:
    return {
        "id": str(1000 + i),
        "created_at": 1_700_000_000 + i,
        "user_id": str(7 + i % 3),
        "name": f"user {i % 3}",
        "text": f"message {i}" if i % 4 else None,
        "attachments": [{"type": "image", "url": f"https://i.groupme.com/{i}"}]
        if i % 5 == 0
        else [],
        "favorited_by": ["7"] if i % 2 else [],
    }


def backfill(sink: Any, newest: int, oldest: int, size: int) -> None:
    ids = list(range(newest, oldest - 1, -1))
    for start in range(0, len(ids), size):
        sink.add_backfill_page(CONV, [msg(i) for i in ids[start : start + size]])


def jsonl_ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def sqlite_ids(out: Path) -> list[str]:
    with sqlite3.connect(out / "groupme.sqlite") as db:
        rows = db.execute(
            "SELECT id FROM messages WHERE conversation = ? ORDER BY seq", (CONV.key,)
        )
        return [r[0] for r in rows]


def read_ids(fmt: str, out: Path) -> list[str]:
    return jsonl_ids(out / f"{CONV.key}.jsonl") if fmt == "jsonl" else sqlite_ids(out)


@pytest.mark.parametrize("fmt", ["jsonl", "sqlite"])
def test_backfill_then_forward_reads_oldest_first(tmp_path: Path, fmt: str) -> None:
    sink = open_sink(fmt, tmp_path)  # type: ignore[arg-type]
    assert sink.resume_point(CONV).phase == "backfill"
    backfill(sink, newest=249, oldest=0, size=100)
    point = sink.resume_point(CONV)
    assert (point.phase, point.cursor, point.stored) == ("backfill", "1000", 250)
    sink.finish_backfill(CONV)
    point = sink.resume_point(CONV)
    assert (point.phase, point.newest_id) == ("live", "1249")
    sink.add_forward_page(CONV, [msg(i) for i in range(250, 260)])
    sink.close()
    assert read_ids(fmt, tmp_path) == [str(1000 + i) for i in range(260)]
    reopened = open_sink(fmt, tmp_path)  # type: ignore[arg-type]
    assert reopened.resume_point(CONV).newest_id == "1259"
    assert reopened.resume_point(CONV).stored == 260


@pytest.mark.parametrize("fmt", ["jsonl", "sqlite"])
def test_interrupted_backfill_resumes_from_its_cursor(tmp_path: Path, fmt: str) -> None:
    sink = open_sink(fmt, tmp_path)  # type: ignore[arg-type]
    backfill(sink, newest=99, oldest=40, size=30)
    sink.close()
    sink = open_sink(fmt, tmp_path)  # type: ignore[arg-type]
    point = sink.resume_point(CONV)
    assert (point.phase, point.cursor) == ("backfill", "1040")
    backfill(sink, newest=39, oldest=0, size=30)
    sink.finish_backfill(CONV)
    assert read_ids(fmt, tmp_path) == [str(1000 + i) for i in range(100)]


def test_jsonl_lines_are_the_messages_as_sent(tmp_path: Path) -> None:
    sink = JsonlSink(tmp_path)
    backfill(sink, newest=9, oldest=0, size=4)
    sink.finish_backfill(CONV)
    lines = (tmp_path / f"{CONV.key}.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [msg(i) for i in range(10)]
    assert not (tmp_path / f"{CONV.key}.backfill.jsonl").exists()


@pytest.mark.parametrize("phase", ["backfill", "live"])
def test_jsonl_drops_a_line_cut_short_by_a_crash(tmp_path: Path, phase: str) -> None:
    sink = JsonlSink(tmp_path)
    backfill(sink, newest=19, oldest=10, size=5)
    if phase == "live":
        sink.finish_backfill(CONV)
    sink.done(CONV)
    sink.close()
    name = f"{CONV.key}.backfill.jsonl" if phase == "backfill" else f"{CONV.key}.jsonl"
    with (tmp_path / name).open("ab") as fh:  # a run killed in the middle of a write
        fh.write(b'{"id":"1020","text":"half a li')
    sink = JsonlSink(tmp_path)
    point = sink.resume_point(CONV)
    if phase == "backfill":
        assert (point.phase, point.cursor, point.stored) == ("backfill", "1010", 10)
        backfill(sink, newest=9, oldest=0, size=5)
        sink.finish_backfill(CONV)
        expected = range(20)
    else:
        assert (point.phase, point.newest_id, point.stored) == ("live", "1019", 10)
        sink.add_forward_page(CONV, [msg(20)])
        expected = range(10, 21)
    sink.close()
    assert jsonl_ids(tmp_path / f"{CONV.key}.jsonl") == [str(1000 + i) for i in expected]


def test_jsonl_resume_after_a_kill_recounts_from_the_files(tmp_path: Path) -> None:
    sink = JsonlSink(tmp_path)
    backfill(sink, newest=29, oldest=0, size=10)
    sink.finish_backfill(CONV)
    sink.add_forward_page(CONV, [msg(30), msg(31)])
    # What a kill at this moment leaves on disk: pages flushed, counts not saved.
    snapshot = tmp_path / "snapshot"
    shutil.copytree(tmp_path, snapshot, ignore=shutil.ignore_patterns("snapshot"))
    sink.close()
    point = JsonlSink(snapshot).resume_point(CONV)
    assert (point.phase, point.newest_id, point.stored) == ("live", "1031", 32)


def test_jsonl_finish_interrupted_after_the_history_is_complete_is_redone(
    tmp_path: Path,
) -> None:
    class DieOnceComplete:
        """Kills the sink as soon as the finished history is renamed aside."""

        dead = False

        def __call__(self, step: str, name: str) -> None:
            self.dead = self.dead or (step == "create" and name.endswith(".jsonl.tmp"))
            if self.dead:
                raise RuntimeError("killed")

    sink = JsonlSink(tmp_path, on_step=DieOnceComplete())
    backfill(sink, newest=9, oldest=0, size=3)
    with pytest.raises(RuntimeError):
        sink.finish_backfill(CONV)
    with pytest.raises(RuntimeError):
        sink.close()
    assert (tmp_path / f"{CONV.key}.backfill.done").exists()
    sink = JsonlSink(tmp_path)
    point = sink.resume_point(CONV)
    assert (point.phase, point.newest_id, point.stored) == ("live", "1009", 10)
    sink.close()
    assert jsonl_ids(tmp_path / f"{CONV.key}.jsonl") == [str(1000 + i) for i in range(10)]
    assert not (tmp_path / f"{CONV.key}.backfill.done").exists()


def test_jsonl_reverses_a_backfill_of_several_megabytes(tmp_path: Path) -> None:
    """The reversal reads the backfill backwards in blocks; lines straddle them."""
    sink = JsonlSink(tmp_path)
    filler = "x" * 997
    ids = list(range(3999, -1, -1))
    for start in range(0, len(ids), 100):
        sink.add_backfill_page(
            CONV, [dict(msg(i), text=filler[: i % 997]) for i in ids[start : start + 100]]
        )
    assert (tmp_path / f"{CONV.key}.backfill.jsonl").stat().st_size > 2 << 20
    sink.finish_backfill(CONV)
    assert jsonl_ids(tmp_path / f"{CONV.key}.jsonl") == [str(1000 + i) for i in range(4000)]


def test_empty_conversation_is_walked_again_next_time(tmp_path: Path) -> None:
    sink = SqliteSink(tmp_path)
    sink.resume_point(CONV)
    sink.finish_backfill(CONV)
    assert sink.resume_point(CONV).phase == "backfill"


def test_sqlite_tables_users_and_attachments_are_queryable(tmp_path: Path) -> None:
    sink = SqliteSink(tmp_path)
    sink.resume_point(CONV)
    backfill(sink, newest=19, oldest=0, size=7)
    sink.finish_backfill(CONV)
    sink.close()
    with sqlite3.connect(tmp_path / "groupme.sqlite") as db:
        assert db.execute("SELECT count(*) FROM attachments WHERE type = 'image'").fetchone() == (
            4,
        )
        users = dict(db.execute("SELECT id, name FROM users").fetchall())
        assert users == {"7": "user 0", "8": "user 1", "9": "user 2"}
        raw = db.execute("SELECT raw FROM messages WHERE id = '1005'").fetchone()[0]
        assert json.loads(raw) == msg(5)
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"messages_by_time", "messages_by_user", "attachments_by_type"} <= indexes


def test_unwritable_output_is_an_oserror(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        JsonlSink(blocker / "archive")
