"""The ``groupme-async`` command as a user meets it."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

import groupme_async
from groupme_async._cli import SANDBOX, main, read_token
from groupme_async.export import open_sink
from groupme_async.testing import SANDBOX_TOKEN, FakeGroupMe

from ..cli import CLI, clean_env, run_cli, serve_fake
from .conftest import read_archive

SANDBOX_FAKE = FakeGroupMe(**SANDBOX)
SANDBOX_GROUP = next(c for c in SANDBOX_FAKE.conversations() if c.kind == "group")
SANDBOX_DM = next(c for c in SANDBOX_FAKE.conversations() if c.kind == "direct")


# --- the sandbox, in process -------------------------------------------------


def test_sandbox_export_then_a_rerun_says_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--sandbox", "--out", str(tmp_path)]) == 0
    first = capsys.readouterr().out
    assert "Export summary" in first and "complete" in first
    assert "msg/s" in first and "up to date" not in first
    assert re.search(r"^[1-9][\d,]* new messages, ", first, re.M)
    # The overall bar shows the concurrency and the request rate.
    assert re.search(r"x\d+ [\d,]+ req/s", first), first
    files = sorted(p.name for p in tmp_path.glob("*.jsonl"))
    assert len(files) == 9 and any(f.startswith("dm-") for f in files)

    assert main(["export", "--sandbox", "--out", str(tmp_path)]) == 0
    rerun = capsys.readouterr().out
    assert re.search(r"^up to date, 0 new messages, ", rerun, re.M), rerun
    assert "msg/s" not in rerun


def test_concurrency_still_fixes_the_number_of_conversations_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--sandbox", "--concurrency", "2", "--out", str(tmp_path)]) == 0
    assert "up to 2 at once" in capsys.readouterr().out


def test_max_concurrency_bounds_the_adaptive_concurrency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--sandbox", "--max-concurrency", "1", "--out", str(tmp_path)]) == 0
    assert "up to 1 at once" in capsys.readouterr().out


def test_sandbox_export_to_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["export", "--sandbox", "--format", "sqlite", "--groups", "--out", str(tmp_path)]) == 0
    )
    archive = read_archive("sqlite", tmp_path)
    assert archive and all(key.startswith("group-") for key in archive)


def test_help_offers_no_token_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    help_text = capsys.readouterr().out
    assert "--token-file" in help_text and "--token " not in help_text


def test_options_are_never_abbreviated(capsys: pytest.CaptureFixture[str]) -> None:
    # Else "--token SECRET" would have been read as "--token-file SECRET".
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--token-f", "path", "--sandbox"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --token-f" in capsys.readouterr().err


# --- the access token ----------------------------------------------------------


@pytest.mark.parametrize(
    ("saved", "token"),
    [
        ("abc", "abc"),
        ("abc\n", "abc"),
        ("abc\r\n", "abc"),
        ("abc\n\n", "abc\n"),  # only one newline goes; the client then refuses the rest
        (" abc \n", " abc "),
    ],
)
def test_token_file_loses_exactly_one_trailing_newline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saved: str, token: str
) -> None:
    monkeypatch.setenv("GROUPME_TOKEN", "from-the-environment")
    (tmp_path / "token").write_text(saved, newline="")
    assert read_token(str(tmp_path / "token")) == token


def test_token_comes_from_the_environment_without_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROUPME_TOKEN", "from-the-environment")
    assert read_token(None) == "from-the-environment"


@pytest.fixture(scope="module")
def small_server() -> Iterator[str]:
    args = ("--seed", "3", "--dm-chats", "1", "--groups", "1", "--messages-per-conversation", "30")
    with serve_fake(*args) as url:
        yield url


def test_token_file_is_used_and_wins_over_the_environment(
    small_server: str, tmp_path: Path
) -> None:
    (tmp_path / "token").write_text(SANDBOX_TOKEN + "\n")
    result = run_cli(
        "export",
        "--base-url",
        small_server,
        "--token-file",
        str(tmp_path / "token"),
        "--out",
        str(tmp_path / "archive"),
        env=clean_env(GROUPME_TOKEN="a-stale-token"),
    )
    assert result.returncode == 0, result.stderr
    assert len(read_archive("jsonl", tmp_path / "archive")) == 2


def test_in_a_terminal_the_token_is_asked_for_and_not_echoed(
    small_server: str, tmp_path: Path
) -> None:
    controller, terminal = pty.openpty()
    argv = ["export", "--base-url", small_server, "--out", str(tmp_path / "archive")]
    with subprocess.Popen(
        [sys.executable, "-c", CLI, "", *argv],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=clean_env(COLUMNS="100"),
    ) as proc:
        os.close(terminal)
        seen = b""

        def read_until(done: Callable[[bytes], bool]) -> None:
            nonlocal seen
            deadline = time.monotonic() + 60
            while not done(seen) and time.monotonic() < deadline:
                ready, _, _ = select.select([controller], [], [], 0.5)
                if ready:
                    try:
                        chunk = os.read(controller, 4096)
                    except OSError:  # the child closed the terminal
                        return
                    if not chunk:
                        return
                    seen += chunk

        read_until(lambda text: b"access token" in text)
        assert b"access token" in seen, seen
        os.write(controller, SANDBOX_TOKEN.encode() + b"\n")
        read_until(lambda text: False)
        assert proc.wait(timeout=60) == 0, seen.decode(errors="replace")
    os.close(controller)
    assert SANDBOX_TOKEN.encode() not in seen
    assert len(read_archive("jsonl", tmp_path / "archive")) == 2


# --- every error is one line -------------------------------------------------

#: (argv, environment, blocked packages) for one failing run; ``out`` is a
#: folder that does not exist yet, ``url`` a served fake.
Run = tuple[list[str], dict[str, str], tuple[str, ...]]
Setup = Callable[[Path, Path, str, ExitStack], Run]


def _export(*argv: str, token: str | None = None) -> Setup:
    def setup(tmp: Path, out: Path, url: str, stack: ExitStack) -> Run:
        env = clean_env() if token is None else clean_env(GROUPME_TOKEN=token)
        args = [a.format(tmp=tmp, out=out, url=url) for a in argv]
        return ["export", *args], env, ()

    return setup


def _from_env_url(*argv: str, token: str) -> Setup:
    """A run whose server comes from GROUPME_BASE_URL, not --base-url."""

    def setup(tmp: Path, out: Path, url: str, stack: ExitStack) -> Run:
        env = clean_env(GROUPME_TOKEN=token, GROUPME_BASE_URL=url)
        return ["export", *(a.format(tmp=tmp, out=out) for a in argv)], env, ()

    return setup


def _with(prepare: Callable[[Path, Path], None], inner: Setup) -> Setup:
    def setup(tmp: Path, out: Path, url: str, stack: ExitStack) -> Run:
        prepare(tmp, out)
        return inner(tmp, out, url, stack)

    return setup


def _blocking(package: str, inner: Setup) -> Setup:
    def setup(tmp: Path, out: Path, url: str, stack: ExitStack) -> Run:
        argv, env, blocked = inner(tmp, out, url, stack)
        return argv, env, (*blocked, package)

    return setup


def _port_taken(tmp: Path, out: Path, url: str, stack: ExitStack) -> Run:
    sock = stack.enter_context(socket.socket())
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return ["serve", "--port", str(sock.getsockname()[1])], clean_env(), ()


def _file(name: str, text: str = "") -> Callable[[Path, Path], None]:
    return lambda tmp, out: (tmp / name).write_text(text)


def _folder(name: str) -> Callable[[Path, Path], None]:
    return lambda tmp, out: (tmp / name).mkdir(parents=True)


SANDBOX_OUT = ("--sandbox", "--out", "{out}")


def _locked(fmt: str) -> Setup:
    """An export into an archive that this process holds open (its lock)."""

    def setup(tmp: Path, out: Path, url: str, stack: ExitStack) -> Run:
        stack.callback(open_sink(fmt, out).close)  # type: ignore[arg-type]
        return _export(*SANDBOX_OUT, "--format", fmt)(tmp, out, url, stack)

    return setup


UNREACHABLE = ("--base-url", "http://127.0.0.1:9", "--max-attempts", "1", "--out", "{out}")

ERRORS: dict[str, tuple[Setup, list[str]]] = {
    "no token and no terminal": (
        _export("--out", "{out}"),
        ["no access token", "GROUPME_TOKEN", "--token-file", "terminal", "--sandbox"],
    ),
    "--token on the command line": (
        _export("--token", "t0k3n", "--out", "{out}"),
        ["--token is not accepted", "GROUPME_TOKEN", "--token-file"],
    ),
    "token file missing": (
        _export("--token-file", "{tmp}/missing", "--out", "{out}"),
        ["cannot read --token-file", "missing", "No such file"],
    ),
    "token file is a folder": (
        _with(_folder("token"), _export("--token-file", "{tmp}/token", "--out", "{out}")),
        ["cannot read --token-file", "Is a directory"],
    ),
    "token file empty": (
        _with(_file("token", "\n"), _export("--token-file", "{tmp}/token", "--out", "{out}")),
        ["--token-file", "is empty"],
    ),
    "token file of two lines": (
        _with(
            _file("token", "abc\ndef\n"), _export("--token-file", "{tmp}/token", "--out", "{out}")
        ),
        ["single-line"],
    ),
    "rejected token (jsonl)": (
        _export("--base-url", "{url}", "--out", "{out}", token="not-a-real-token"),
        ["rejected the access token"],
    ),
    "rejected token, the server named by GROUPME_BASE_URL": (
        _from_env_url("--out", "{out}", token="not-a-real-token"),
        ["http://127.0.0.1:", "rejected the access token"],
    ),
    "rejected token (sqlite)": (
        _export(
            "--base-url", "{url}", "--format", "sqlite", "--out", "{out}", token="not-a-real-token"
        ),
        ["rejected the access token"],
    ),
    "unreachable host (jsonl)": (_export(*UNREACHABLE, token="t0k3n"), ["cannot reach"]),
    "unreachable host (sqlite)": (
        _export(*UNREACHABLE, "--format", "sqlite", token="t0k3n"),
        ["cannot reach"],
    ),
    "out under a file (jsonl)": (
        _with(_file("file"), _export("--sandbox", "--out", "{tmp}/file/archive")),
        ["cannot write to", "file/archive", "is not a folder"],
    ),
    "out under a file (sqlite)": (
        _with(
            _file("file"),
            _export("--sandbox", "--format", "sqlite", "--out", "{tmp}/file/archive"),
        ),
        ["cannot write to", "file/archive", "is not a folder"],
    ),
    "out under /dev/null": (
        _export("--sandbox", "--out", "/dev/null/archive"),
        ["cannot write to /dev/null/archive", "is not a folder"],
    ),
    "out is a file (jsonl)": (
        _with(_file("file"), _export("--sandbox", "--out", "{tmp}/file")),
        ["cannot write to", "exists and is not a folder"],
    ),
    "out is a file (sqlite)": (
        _with(_file("file"), _export("--sandbox", "--format", "sqlite", "--out", "{tmp}/file")),
        ["cannot write to", "exists and is not a folder"],
    ),
    "out name too long": (
        _export("--sandbox", "--out", "{tmp}/" + "x" * 300),
        ["cannot write to", "File name too long"],
    ),
    "the database is a folder (sqlite)": (
        _with(_folder("archive/groupme.sqlite"), _export(*SANDBOX_OUT, "--format", "sqlite")),
        ["cannot write to", "unable to open database"],
    ),
    "--only an unknown id": (
        _export(*SANDBOX_OUT, "--only", "999"),
        ["not among your chats and groups: 999"],
    ),
    "--dms --only a group": (
        _export(*SANDBOX_OUT, "--dms", "--only", SANDBOX_GROUP.id),
        [f"{SANDBOX_GROUP.id} is a group, but only DMs are being exported"],
    ),
    "--groups --only a DM user id": (
        _export(*SANDBOX_OUT, "--groups", "--only", SANDBOX_DM.id),
        [f"{SANDBOX_DM.id} is a DM, but only groups are being exported"],
    ),
    "--groups --only a DM chat id": (
        _export(*SANDBOX_OUT, "--groups", "--only", SANDBOX_DM.conversation_id or ""),
        ["is a DM, but only groups are being exported"],
    ),
    "--concurrency 0": (_export(*SANDBOX_OUT, "--concurrency", "0"), ["--concurrency"]),
    "--max-concurrency 0": (
        _export(*SANDBOX_OUT, "--max-concurrency", "0"),
        ["--max-concurrency must be at least 1"],
    ),
    "another run holds the archive (jsonl)": (
        _locked("jsonl"),
        ["in use by another export", str(os.getpid())],
    ),
    "another run holds the archive (sqlite)": (
        _locked("sqlite"),
        ["in use by another export", str(os.getpid())],
    ),
    "export without rich": (
        _blocking("rich", _export(*SANDBOX_OUT)),
        ["pip install 'groupme_async[cli]'"],
    ),
    "serve without uvicorn": (
        _blocking("uvicorn", lambda tmp, out, url, stack: (["serve", "--port", "0"], {}, ())),
        ["pip install 'groupme_async[server]'"],
    ),
    "serve on a port in use": (_port_taken, ["cannot listen on 127.0.0.1:", "in use"]),
    "serve with an unknown fault": (
        lambda tmp, out, url, stack: (["serve", "--faults", "nope"], {}, ()),
        ["unknown faults: nope"],
    ),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_every_error_is_one_line_on_stderr_and_exit_2(
    case: str, small_server: str, tmp_path: Path
) -> None:
    setup, expected = ERRORS[case]
    out = tmp_path / "archive"
    with ExitStack() as stack:
        argv, env, blocked = setup(tmp_path, out, small_server, stack)
        existed = out.exists()
        result = run_cli(*argv, env=env or clean_env(), blocked=blocked)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for text in expected:
        assert text in lines[0]
    assert "t0k3n" not in lines[0] and "not-a-real-token" not in lines[0]
    if not existed:
        # Failing before anything was written leaves no folder behind.
        assert not out.exists()


def test_one_unwritable_conversation_fails_alone_and_the_exit_status_says_so(
    tmp_path: Path,
) -> None:
    # One conversation's file is a folder: that conversation is reported
    # failed, the others are archived, and the run exits 1 (not 2: the
    # archive itself is usable, and a rerun after fixing it completes it).
    out = tmp_path / "archive"
    (out / f"group-{SANDBOX_GROUP.id}.jsonl").mkdir(parents=True)
    result = run_cli("export", *(a.format(out=out) for a in SANDBOX_OUT), "--groups")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "failed: [Errno 21]" in result.stdout
    assert sorted(p.name for p in out.glob("group-*.jsonl") if p.is_file())
    assert len([p for p in out.glob("group-*.jsonl") if p.is_file()]) == 3


# --- version, extras, serve ------------------------------------------------------


def test_version_prints_the_installed_version_even_without_rich() -> None:
    result = run_cli("--version", blocked=["rich"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"groupme-async {groupme_async.__version__}\n"


def test_the_sandbox_export_does_not_need_uvicorn(tmp_path: Path) -> None:
    result = run_cli("export", "--sandbox", "--dms", "--out", str(tmp_path), blocked=["uvicorn"])
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("dm-*.jsonl"))) == 5


def test_serve_subcommand_serves_the_fake() -> None:
    command = [sys.executable, "-c", CLI, "rich", "serve", "--port", "0", "--seed", "4"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=clean_env()) as proc:
        try:
            assert proc.stdout is not None
            match = re.search(r"(http://127\.0\.0\.1:\d+) token=(\S+)", proc.stdout.readline())
            assert match, "serve did not start"
            me = httpx.get(
                f"{match.group(1)}/v3/users/me", headers={"X-Access-Token": match.group(2)}
            )
            assert me.status_code == 200
            assert me.json()["response"]["id"] == FakeGroupMe(seed=4).me_id
        finally:
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=10) == 0


# --- against a fake served on loopback, in its own process --------------------

SERVED = {"seed": 21, "dm_chats": 2, "groups": 2, "messages_per_conversation": 1000}


@pytest.fixture
def served() -> Iterator[str]:
    args = [f"--{k.replace('_', '-')}={v}" for k, v in SERVED.items()]
    with serve_fake(*args, "--rate-limit", "25", "--burst", "5") as url:
        yield url


def start_export(url: str, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "groupme_async", "export", "--base-url", url, "--out", str(out)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=clean_env(GROUPME_TOKEN=SANDBOX_TOKEN),
    )


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
    proc = start_export(served, tmp_path)
    wait_for_pages(tmp_path)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, out
    assert "Traceback" not in out and "resume" in out
    rerun = start_export(served, tmp_path)
    out, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, out
    assert read_archive("jsonl", tmp_path) == expected_history()


def test_sigint_saves_the_place_and_a_rerun_completes_exactly(served: str, tmp_path: Path) -> None:
    proc = start_export(served, tmp_path)
    wait_for_pages(tmp_path)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, out
    assert "interrupted" in out and "Traceback" not in out
    states = [json.loads(p.read_text()) for p in tmp_path.glob("*.state.json")]
    partial = sum(s["stored"] for s in states)
    expected = expected_history()
    assert 0 < partial < sum(len(v) for v in expected.values())

    rerun = start_export(served, tmp_path)
    out, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, out
    assert read_archive("jsonl", tmp_path) == expected
