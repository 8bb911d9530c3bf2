"""The ``groupme-async export`` command as a user meets it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from groupme_async.export._cli import main
from groupme_async.testing import SANDBOX_TOKEN, FakeGroupMe

from .conftest import read_archive


def test_sandbox_export_then_rerun_finds_nothing_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--sandbox", "--out", str(tmp_path)]) == 0
    first = capsys.readouterr().out
    assert "Export summary" in first and "complete" in first
    files = sorted(p.name for p in tmp_path.glob("*.jsonl"))
    assert len(files) == 9 and any(f.startswith("dm-") for f in files)
    assert main(["export", "--sandbox", "--out", str(tmp_path)]) == 0
    assert re.search(r"\b0 new messages", capsys.readouterr().out)


def test_sandbox_export_to_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["export", "--sandbox", "--format", "sqlite", "--groups", "--out", str(tmp_path)]) == 0
    )
    archive = read_archive("sqlite", tmp_path)
    assert archive and all(key.startswith("group-") for key in archive)


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    text = (captured.out + captured.err).strip()
    assert "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    assert text.startswith("error:")
    return text


def test_missing_token_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GROUPME_TOKEN", raising=False)
    assert main(["export", "--out", str(tmp_path)]) == 2
    assert "GROUPME_TOKEN" in one_line_error(capsys)


def test_unreachable_host_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", "--token", "t0k3n", "--base-url", "http://127.0.0.1:9", "--max-attempts", "1"]
    assert main([*argv, "--out", str(tmp_path)]) == 2
    line = one_line_error(capsys)
    assert "cannot reach" in line and "t0k3n" not in line


def test_unwritable_output_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    assert main(["export", "--sandbox", "--out", str(tmp_path / "file" / "archive")]) == 2
    assert "cannot write" in one_line_error(capsys)


# --- against a fake served on loopback, in its own process --------------------

SERVED = {"seed": 21, "dm_chats": 2, "groups": 2, "messages_per_conversation": 1000}


@pytest.fixture
def served() -> Iterator[str]:
    args = [
        sys.executable,
        "-m",
        "groupme_async.testing",
        "serve",
        "--port",
        "0",
        "--seed",
        str(SERVED["seed"]),
        "--dm-chats",
        str(SERVED["dm_chats"]),
        "--groups",
        str(SERVED["groups"]),
        "--messages-per-conversation",
        str(SERVED["messages_per_conversation"]),
        "--rate-limit",
        "25",
        "--burst",
        "5",
    ]
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
            assert match, "the fake did not start"
            yield match.group(1)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def run_cli(url: str, out: Path, token: str = SANDBOX_TOKEN) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "GROUPME_TOKEN"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "groupme_async",
            "export",
            "--base-url",
            url,
            "--token",
            token,
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def test_rejected_token_is_one_clear_line(served: str, tmp_path: Path) -> None:
    proc = run_cli(served, tmp_path, token="not-a-real-token")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "rejected the access token" in out
    assert "Traceback" not in out and "not-a-real-token" not in out


def wait_for_pages(out: Path) -> None:
    # Interrupt once some pages are committed (the fake's rate limit keeps
    # the whole export several seconds long).
    deadline = time.monotonic() + 30
    while not any(out.glob("*.backfill.jsonl")) and time.monotonic() < deadline:
        time.sleep(0.05)


def expected_history() -> dict[str, list[dict[str, object]]]:
    fake = FakeGroupMe(**SERVED)  # the same seed: the same history as the server's
    return {
        (f"group-{c.id}" if c.kind == "group" else f"dm-{c.id}"): list(fake.messages(c.kind, c.id))
        for c in fake.conversations()
    }


def test_a_second_sigint_quits_at_once_and_a_rerun_completes_exactly(
    served: str, tmp_path: Path
) -> None:
    proc = run_cli(served, tmp_path)
    wait_for_pages(tmp_path)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, out
    assert "Traceback" not in out and "resume" in out
    rerun = run_cli(served, tmp_path)
    out, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, out
    assert read_archive("jsonl", tmp_path) == expected_history()


def test_sigint_saves_the_place_and_a_rerun_completes_exactly(served: str, tmp_path: Path) -> None:
    proc = run_cli(served, tmp_path)
    wait_for_pages(tmp_path)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, out
    assert "interrupted" in out and "Traceback" not in out
    states = [json.loads(p.read_text()) for p in tmp_path.glob("*.state.json")]
    partial = sum(s["stored"] for s in states)
    expected = expected_history()
    assert 0 < partial < sum(len(v) for v in expected.values())

    rerun = run_cli(served, tmp_path)
    out, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, out
    assert read_archive("jsonl", tmp_path) == expected
