"""Writes that fail part-way, torn or garbage lines, and damaged files: a
damaged tail is cut off and fetched again (never kept), damage in the
middle is a clear error for that conversation alone."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from groupme_async.export import ArchiveCorruptError, JsonlSink, export
from groupme_async.testing import FakeGroupMe

from .conftest import VirtualClock, make_client, make_fake, read_archive, truth
from .test_export import run_cancelled

FORMATS = ["jsonl", "sqlite"]

# --- a real write cut short: RLIMIT_FSIZE in a child process --------------------

WORLD = {"seed": 9, "dm_chats": 2, "groups": 2, "messages_per_conversation": 400}

CHILD = textwrap.dedent(
    """
    import json, resource, sys
    import anyio
    from groupme_async.export import export
    from groupme_async.testing import FakeGroupMe

    fmt, out, limit, world = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
    # Past this size a write fails with EFBIG part-way (Python ignores SIGXFSZ).
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    async def main():
        async with FakeGroupMe(**world).client() as gm:
            summary = await export(gm, out, format=fmt)
        rows = {r.conversation.key: [r.status, r.error] for r in summary.results}
        print(json.dumps({"ok": summary.ok, "results": rows}))

    anyio.run(main)
    """
)


async def archive_sizes(out: Path, fmt: str) -> dict[str, int]:
    async with FakeGroupMe(**WORLD).client() as gm:
        await export(gm, out, format=fmt)  # type: ignore[arg-type]
    if fmt == "jsonl":
        return {p.name.removesuffix(".jsonl"): p.stat().st_size for p in out.glob("*.jsonl")}
    return {"db": (out / "groupme.sqlite").stat().st_size}


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_write_cut_short_by_the_file_size_limit_fails_that_conversation_and_resumes(
    tmp_path: Path, fmt: str
) -> None:
    sizes = await archive_sizes(tmp_path / "measure", fmt)
    if fmt == "jsonl":
        limit = (min(sizes.values()) + max(sizes.values())) // 2
        too_big = {key for key, size in sizes.items() if size > limit}
        assert too_big and too_big != set(sizes)
    else:
        limit = sizes["db"] // 2
    out = tmp_path / "archive"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, fmt, str(out), str(limit), json.dumps(WORLD)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    report = json.loads(child.stdout)
    assert report["ok"] is False
    failed = {key for key, (status, _) in report["results"].items() if status == "failed"}
    if fmt == "jsonl":
        assert failed == too_big
        for key in failed:
            assert "File too large" in report["results"][key][1]
        # What the failed pages began to write was cut off again at once.
        for path in out.glob("*.jsonl"):
            assert path.read_bytes().endswith(b"\n")
            for line in path.read_bytes().splitlines():
                json.loads(line)
    else:
        assert failed
        for key in failed:
            assert "full" in report["results"][key][1] or "I/O" in report["results"][key][1]
    clock = VirtualClock()
    async with make_client(FakeGroupMe(**WORLD), clock) as gm:
        summary = await export(gm, out, format=fmt)  # type: ignore[arg-type]
    assert summary.ok
    assert read_archive(fmt, out) == truth(FakeGroupMe(**WORLD))


class FullDisk:
    """A step hook: the ``nth`` write to a file named ``*suffix`` writes
    part of a page (whole lines and a torn one) and then fails, as a full
    disk does."""

    def __init__(self, folder: Path, suffix: str, nth: int) -> None:
        self.folder = folder
        self.suffix = suffix
        self.left = nth
        self.fired = False

    def __call__(self, step: str, name: str) -> None:
        if step != "write" or not name.endswith(self.suffix) or self.fired:
            return
        self.left -= 1
        if self.left:
            return
        self.fired = True
        with (self.folder / name).open("ab") as fh:
            fh.write(b'{"id":"1","text":"a whole line"}\n{"id":"2","te')
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("suffix", [".backfill.jsonl", ".jsonl"])
async def test_a_failed_write_leaves_no_part_of_its_page(tmp_path: Path, suffix: str) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=12, dm_chats=1, groups=1, messages_per_conversation=300)
    async with make_client(fake, clock) as gm:
        if suffix == ".jsonl":  # fail while adding new messages
            await export(gm, tmp_path)
            for conv in fake.conversations():
                for i in range(150):
                    fake.post(conv.kind, conv.id, f"new {i}")
        full = FullDisk(tmp_path, suffix, nth=2)
        summary = await export(gm, tmp_path, on_step=full, concurrency=1)
        assert full.fired
        failed = [r for r in summary.results if r.status == "failed"]
        assert len(failed) == 1 and "No space left" in (failed[0].error or "")
        assert not summary.ok
        assert [r.status for r in summary.results if r is not failed[0]] == ["complete"]
        for path in tmp_path.glob("*.jsonl"):
            assert b"a whole line" not in path.read_bytes()
        resumed = await export(gm, tmp_path)
    assert resumed.ok
    assert read_archive("jsonl", tmp_path) == truth(fake)


# --- torn and garbage tails: cut off, fetched again ------------------------------

TAILS = {
    "torn line": b'{"id":"99","text":"half a li',
    "zeros": b"\0" * 700,
    "garbage line": b"\x00garbage\xff\n",
    "not a message": b'{"hello":"world"}\n',
    "a line repeated": b"",  # filled in below: the file's last line again
}


@pytest.mark.parametrize("tail", list(TAILS))
@pytest.mark.parametrize("phase", ["backfill", "live"])
async def test_a_damaged_tail_is_cut_off_and_fetched_again(
    tmp_path: Path, phase: str, tail: str
) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=13, dm_chats=1, groups=1, messages_per_conversation=400)
    if phase == "backfill":
        await run_cancelled(fake, clock, tmp_path, "jsonl", pages=3)
        files = sorted(tmp_path.glob("*.backfill.jsonl"))
    else:
        async with make_client(fake, clock) as gm:
            await export(gm, tmp_path)
        for conv in fake.conversations():
            fake.post(conv.kind, conv.id, "after the damage")
        files = sorted(tmp_path.glob("*.jsonl"))
    assert files
    damaged = files[0]
    data = damaged.read_bytes()
    damaged.write_bytes(data + (TAILS[tail] or data.splitlines(keepends=True)[-1]))
    async with make_client(fake, clock) as gm:
        summary = await export(gm, tmp_path)
    assert summary.ok, summary.results
    assert read_archive("jsonl", tmp_path) == truth(fake)


@pytest.mark.parametrize("phase", ["backfill", "live"])
async def test_whole_lines_of_a_page_cut_short_are_kept_and_the_rest_fetched(
    tmp_path: Path, phase: str
) -> None:
    """What kill -9 in the middle of a page's write leaves: some of the
    page's lines whole, then a torn one."""
    clock = VirtualClock()
    fake = make_fake(clock, seed=15, dm_chats=0, groups=1, messages_per_conversation=400)
    conv = fake.conversations()[0]
    if phase == "backfill":
        await run_cancelled(fake, clock, tmp_path, "jsonl", pages=1)
        path = next(tmp_path.glob("*.backfill.jsonl"))
        history = truth(fake)[f"group-{conv.id}"]
        oldest = json.loads(path.read_bytes().splitlines()[-1])
        at = history.index(oldest)
        page = list(reversed(history[at - 3 : at]))  # the next page walking back
    else:
        async with make_client(fake, clock) as gm:
            await export(gm, tmp_path)
        path = tmp_path / f"group-{conv.id}.jsonl"
        page = [fake.post(conv.kind, conv.id, f"new {i}") for i in range(3)]
    lines = [json.dumps(m, separators=(",", ":")).encode() + b"\n" for m in page]
    with path.open("ab") as fh:
        fh.write(lines[0] + lines[1] + lines[2][:20])
    async with make_client(fake, clock) as gm:
        summary = await export(gm, tmp_path)
    assert summary.ok
    assert read_archive("jsonl", tmp_path) == truth(fake)


def corrupt_the_middle(path: Path, in_place: bool) -> bytes:
    lines = path.read_bytes().splitlines(keepends=True)
    middle = len(lines) // 2
    if in_place:  # same size: only the mtime says it changed
        lines[middle] = b"#" * (len(lines[middle]) - 1) + b"\n"
    else:
        lines.insert(middle, b"garbage\n")
    data = b"".join(lines)
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("in_place", [False, True])
async def test_damage_in_the_middle_fails_that_conversation_alone(
    tmp_path: Path, in_place: bool
) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=14, dm_chats=1, groups=2, messages_per_conversation=300)
    async with make_client(fake, clock) as gm:
        await export(gm, tmp_path)
        for conv in fake.conversations():
            fake.post(conv.kind, conv.id, "newer")
        victim = sorted(tmp_path.glob("group-*.jsonl"))[0]
        damaged = corrupt_the_middle(victim, in_place)
        summary = await export(gm, tmp_path)
    by_key = {r.conversation.key: r for r in summary.results}
    failed = by_key[victim.name.removesuffix(".jsonl")]
    assert failed.status == "failed"
    assert victim.name in (failed.error or "") and "line" in (failed.error or "")
    assert not summary.ok
    others = [r for r in summary.results if r is not failed]
    assert others and all(r.status == "complete" and r.new_messages == 1 for r in others)
    assert victim.read_bytes() == damaged  # left for a person to look at, never "repaired"
    expected = truth(fake)
    for r in others:
        lines = (tmp_path / f"{r.conversation.key}.jsonl").read_text().splitlines()
        assert [json.loads(line) for line in lines] == expected[r.conversation.key]


def test_the_sink_names_the_damaged_file_and_line(tmp_path: Path) -> None:
    from groupme_async.export import Conversation

    conv = Conversation(kind="group", id="7")
    sink = JsonlSink(tmp_path)
    sink.add_backfill_page(conv, [{"id": str(i)} for i in range(20, 10, -1)])
    sink.close()
    path = tmp_path / "group-7.backfill.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[3] = b"oops\n"
    path.write_bytes(b"".join(lines))
    sink = JsonlSink(tmp_path)
    with pytest.raises(ArchiveCorruptError, match=r"group-7\.backfill\.jsonl: line 4 "):
        sink.resume_point(conv)
    sink.close()


async def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "groupme.sqlite").write_bytes(b"this is not a database" * 100)
    clock = VirtualClock()
    fake = make_fake(clock, seed=1, dm_chats=1, groups=1, messages_per_conversation=10)
    async with make_client(fake, clock) as gm:
        with pytest.raises(ArchiveCorruptError, match=r"groupme\.sqlite"):
            await export(gm, tmp_path, format="sqlite")
    assert fake.stats.requests == 0
    # The lock was let go: a run on a fresh folder is unaffected, and this one can retry.
    os.remove(tmp_path / "groupme.sqlite")
    async with make_client(fake, clock) as gm:
        assert (await export(gm, tmp_path, format="sqlite")).ok
