"""The export against FakeGroupMe: exact ground truth under faults and rate
limits, incremental reruns, and resumption after cancellation."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupme_async.export import Conversation, export

from .conftest import (
    QuietProgress,
    VirtualClock,
    make_client,
    make_fake,
    make_limiter,
    read_archive,
    truth,
)

FORMATS = ["jsonl", "sqlite"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_export_under_faults_and_rate_limit_equals_ground_truth(
    tmp_path: Path, fmt: str
) -> None:
    clock = VirtualClock()
    fake = make_fake(
        clock,
        seed=3,
        dm_chats=3,
        groups=3,
        messages_per_conversation=400,
        rate_limit=20.0,
        burst=5,
        fault_rate=0.1,
    )
    async with make_client(fake, clock) as gm:
        summary = await export(gm, tmp_path, format=fmt, limiter=make_limiter(clock))  # type: ignore[arg-type]
    expected = truth(fake)
    assert read_archive(fmt, tmp_path) == expected
    assert summary.ok and not summary.interrupted
    assert summary.new_messages == sum(len(v) for v in expected.values())
    assert {r.conversation.kind for r in summary.results} == {"group", "direct"}
    # The limits really were in play, and the retries absorbed them.
    assert summary.rate_limited > 0
    assert sum(fake.stats.faults.values()) > 0


@pytest.mark.parametrize("fmt", FORMATS)
async def test_rerun_adds_nothing_then_exactly_the_new_messages(tmp_path: Path, fmt: str) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=5, dm_chats=2, groups=2, messages_per_conversation=150)
    async with make_client(fake, clock) as gm:
        await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
        again = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
        assert again.new_messages == 0
        convs = fake.conversations()
        fake.post(convs[0].kind, convs[0].id, "one")
        fake.post(convs[-1].kind, convs[-1].id, "two")
        fake.post(convs[-1].kind, convs[-1].id, "three")
        third = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
    assert third.new_messages == 3
    by_key = {r.conversation.key: r.new_messages for r in third.results}
    assert sorted(by_key.values()) == [0, 0, 1, 2]
    archive = read_archive(fmt, tmp_path)
    assert archive == truth(fake)
    last = archive[f"group-{convs[-1].id}"] if convs[-1].kind == "group" else None
    assert last is not None and [m["text"] for m in last[-2:]] == ["two", "three"]


class CancelAfter(QuietProgress):
    """Progress hook that cancels the export after ``pages`` pages."""

    def __init__(self, scope: anyio.CancelScope, pages: int) -> None:
        self.scope = scope
        self.left = pages

    def advanced(self, conversation: Conversation, messages: int) -> None:
        self.left -= 1
        if self.left <= 0:
            self.scope.cancel()


async def run_cancelled(fake, clock, out: Path, fmt: str, pages: int) -> None:  # type: ignore[no-untyped-def]
    async with make_client(fake, clock) as gm:
        with anyio.CancelScope() as scope:
            await export(gm, out, format=fmt, progress=CancelAfter(scope, pages), concurrency=2)


@pytest.mark.parametrize("fmt", FORMATS)
async def test_cancelled_run_resumes_to_exact_ground_truth(tmp_path: Path, fmt: str) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=7, dm_chats=2, groups=2, messages_per_conversation=500)
    await run_cancelled(fake, clock, tmp_path, fmt, pages=5)
    partial = read_archive(fmt, tmp_path)  # every line / row still parses
    assert sum(len(v) for v in partial.values()) < sum(len(v) for v in truth(fake).values())
    async with make_client(fake, clock) as gm:
        summary = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
    assert summary.ok
    assert read_archive(fmt, tmp_path) == truth(fake)


@pytest.mark.parametrize("fmt", FORMATS)
async def test_stop_finishes_the_current_page_and_saves_the_place(tmp_path: Path, fmt: str) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=8, dm_chats=1, groups=1, messages_per_conversation=600)
    stop = anyio.Event()

    class StopSoon(CancelAfter):
        def advanced(self, conversation: Conversation, messages: int) -> None:
            stop.set()

    async with make_client(fake, clock) as gm:
        summary = await export(
            gm,
            tmp_path,
            format=fmt,
            stop=stop,
            progress=StopSoon(anyio.CancelScope(), 0),  # type: ignore[arg-type]
        )
        assert summary.interrupted
        assert {r.status for r in summary.results} <= {"interrupted"}
        # Each started conversation wrote whole pages of 100 and stopped.
        assert all(r.new_messages % 100 == 0 and r.new_messages > 0 for r in summary.results)
        resumed = await export(gm, tmp_path, format=fmt)  # type: ignore[arg-type]
    assert not resumed.interrupted
    assert read_archive(fmt, tmp_path) == truth(fake)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cuts=st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=4),
    fmt=st.sampled_from(FORMATS),
    posted=st.integers(min_value=0, max_value=3),
)
def test_any_sequence_of_interruptions_and_new_posts_converges(
    tmp_path_factory: pytest.TempPathFactory, cuts: list[int], fmt: str, posted: int
) -> None:
    """Invariant: however often a run is cut short, and whatever is posted
    between runs, the final archive is the server's history exactly once."""
    out = tmp_path_factory.mktemp("archive")

    async def scenario() -> None:
        clock = VirtualClock()
        fake = make_fake(
            clock, seed=11, dm_chats=1, groups=2, messages_per_conversation=250, fault_rate=0.05
        )
        for i, cut in enumerate(cuts):
            await run_cancelled(fake, clock, out, fmt, pages=cut)
            conv = fake.conversations()[i % 3]
            for n in range(posted):
                fake.post(conv.kind, conv.id, f"posted {i}.{n}")
        async with make_client(fake, clock) as gm:
            summary = await export(gm, out, format=fmt)  # type: ignore[arg-type]
        assert summary.ok
        assert read_archive(fmt, out) == truth(fake)

    anyio.run(scenario)


async def test_only_selects_by_group_id_user_id_or_chat_id(tmp_path: Path) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=2, dm_chats=2, groups=2, messages_per_conversation=50)
    convs = fake.conversations()
    dm = next(c for c in convs if c.kind == "direct")
    group = next(c for c in convs if c.kind == "group")
    async with make_client(fake, clock) as gm:
        summary = await export(gm, tmp_path, only=[group.id, dm.conversation_id or ""])
        assert {r.conversation.key for r in summary.results} == {f"group-{group.id}", f"dm-{dm.id}"}
        with pytest.raises(ValueError, match="999"):
            await export(gm, tmp_path, only=["999"])
        groups_only = await export(gm, tmp_path / "g", dms=False)
    assert {r.conversation.kind for r in groups_only.results} == {"group"}


async def test_bad_arguments_are_rejected_before_any_request(tmp_path: Path) -> None:
    clock = VirtualClock()
    fake = make_fake(clock, seed=2, dm_chats=1, groups=1, messages_per_conversation=10)
    async with make_client(fake, clock) as gm:
        with pytest.raises(ValueError):
            await export(gm, tmp_path, concurrency=0)
        with pytest.raises(ValueError):
            await export(gm, tmp_path, dms=False, groups=False)
        with pytest.raises(ValueError):
            await export(gm, tmp_path, format="csv")  # type: ignore[arg-type]
    assert fake.stats.requests == 0
