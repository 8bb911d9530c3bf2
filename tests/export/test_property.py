"""The export's promise as one property: under injected faults, a crash at
a random disk step, a rival run on the same archive and poison messages,
the archive ends equal to the server's history, each message once, in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupme_async.export import (
    ArchiveLockedError,
    Conversation,
    ExportSummary,
    export,
)

from .conftest import QuietProgress, VirtualClock, make_client, make_fake, read_archive
from .hostile import Crash, CrashAt, HostileServer, ServedGroup
from .test_poison import ODD_FIELDS, POISON_GROUP, big_ids, expected, message, poison_history


class StartRival(QuietProgress):
    """Progress hook: once the run holds the archive, start a rival run."""

    def __init__(self, start: Callable[[], None]) -> None:
        self.start = start

    def discovered(self, conversations: Sequence[Conversation]) -> None:
        self.start()


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fmt=st.sampled_from(["jsonl", "sqlite"]),
    crash_at=st.integers(min_value=0, max_value=90),
    seed=st.integers(min_value=0, max_value=3),
    posted=st.integers(min_value=0, max_value=120),
)
def test_faults_a_crash_a_rival_and_poison_still_end_at_ground_truth(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, crash_at: int, seed: int, posted: int
) -> None:
    out: Path = tmp_path_factory.mktemp("archive")

    async def scenario() -> None:
        clock = VirtualClock()
        fake = make_fake(
            clock, seed=seed, dm_chats=1, groups=2, messages_per_conversation=200, fault_rate=0.05
        )
        server = HostileServer(fake, fault_rate=0.05, seed=seed)
        served = server.serve(ServedGroup(POISON_GROUP, "Poison", poison_history()))
        outcomes: list[tuple[bool, ExportSummary | Exception]] = []
        async with make_client(fake, clock, server) as gm:

            async def run(hook: CrashAt | None, progress: Any = None) -> None:
                try:
                    summary = await export(
                        gm,
                        out,
                        format=fmt,  # type: ignore[arg-type]
                        on_step=hook,
                        progress=progress,
                    )
                except (ArchiveLockedError, Crash) as exc:
                    outcomes.append((hook is None, exc))
                else:
                    outcomes.append((hook is None, summary))

            # Two runs at once: the first dies at disk step ``crash_at`` (if
            # it gets that far); a rival that starts while it runs is refused.
            hook = CrashAt(crash_at)
            async with anyio.create_task_group() as tg:
                tg.start_soon(run, hook, StartRival(lambda: tg.start_soon(run, None)))
            rivals = [o for is_rival, o in outcomes if is_rival]
            firsts = [o for is_rival, o in outcomes if not is_rival]
            assert all(isinstance(o, ArchiveLockedError) for o in rivals)
            assert len(firsts) == 1 and isinstance(firsts[0], ExportSummary | Crash)
            assert rivals or hook.crashed  # only a run that died early had no rival
            # New messages, strange ones included, before the run that finishes.
            for n in range(posted):
                conv = fake.conversations()[n % 3]
                fake.post(conv.kind, conv.id, f"posted {n}")
            served.add([message(str(30_000 + n), 700 + n, **f) for n, f in enumerate(ODD_FIELDS)])
            served.add(big_ids(800))
            final = await export(gm, out, format=fmt)  # type: ignore[arg-type]
        assert final.ok, final.results
        assert read_archive(fmt, out) == expected(fake, served)

    anyio.run(scenario)
