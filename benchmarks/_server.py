"""Run FakeGroupMe under uvicorn in its own process, on a free loopback port.

Every benchmark that talks HTTP over loopback uses :class:`FakeServer` as a
context manager.  It runs the package's own CLI,
``python -m groupme_async.testing serve --host 127.0.0.1 --port 0
--exact-counts ...`` (exact sizes, so every run of every client reads the
same bytes), reads the URL the server prints once it listens, waits until it
answers an authenticated request, and on exit stops it (SIGINT, then kill).
Only 127.0.0.1 is ever used.
"""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

import httpx

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
_LISTENING = re.compile(r"FakeGroupMe on (http://127\.0\.0\.1:(\d+))")
ROOT = Path(__file__).resolve().parent.parent


def sandbox_token() -> str:
    from groupme_async.testing import SANDBOX_TOKEN

    return SANDBOX_TOKEN


class FakeServer:
    """A FakeGroupMe on ``http://127.0.0.1:<port>`` for the ``with`` block.

    ``groups`` group conversations of exactly ``messages`` messages each and
    ``dm_chats`` DM chats of the same size, deterministic from ``seed``;
    ``rate_limit`` requests per second per token with a bucket of ``burst``
    (None: unlimited).  ``latency_ms`` ± ``jitter_ms`` delays every answer
    as a wide-area network would.  ``cache`` keeps every generated message in the
    server, so clients compared side by side are not timing the fake's
    message generator (GroupMe serves stored messages).
    """

    def __init__(
        self,
        *,
        seed: int = 1,
        groups: int = 1,
        dm_chats: int = 0,
        messages: int = 1000,
        rate_limit: float | None = None,
        burst: int | None = None,
        cache: bool = False,
        latency_ms: float = 0.0,
        jitter_ms: float = 0.0,
    ) -> None:
        self.seed = seed
        self.latency_ms = latency_ms
        self.jitter_ms = jitter_ms
        self.cache = cache
        self.groups = groups
        self.dm_chats = dm_chats
        self.messages = messages
        self.rate_limit = rate_limit
        self.burst = burst
        self.origin = ""
        self.token = sandbox_token()
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._output: list[str] = []
        self._pump_thread: threading.Thread | None = None

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def command(self) -> list[str]:
        cmd = [
            sys.executable,
            "-m",
            "groupme_async.testing",
            "serve",
            "--host",
            HOST,
            "--port",
            "0",
            "--seed",
            str(self.seed),
            "--groups",
            str(self.groups),
            "--dm-chats",
            str(self.dm_chats),
            "--messages-per-conversation",
            str(self.messages),
            "--exact-counts",
        ]
        if self.rate_limit is not None:
            cmd += ["--rate-limit", str(self.rate_limit)]
        if self.burst is not None:
            cmd += ["--burst", str(self.burst)]
        if self.cache:
            cmd += ["--cache-messages", str(self.messages)]
        if self.latency_ms or self.jitter_ms:
            cmd += ["--latency", str(self.latency_ms), "--jitter", str(self.jitter_ms)]
        return cmd

    def _pump(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def start(self) -> None:
        self._proc = subprocess.Popen(
            self.command(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
        )
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        try:
            self._wait_for_url(deadline)
            self._wait_for_answer(deadline)
        except BaseException:
            self.stop()
            raise

    def _wait_for_url(self, deadline: float) -> None:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"FakeGroupMe printed no URL: {self.output()}")
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError(f"FakeGroupMe exited: {self.output()}")
            self._output.append(line)
            match = _LISTENING.search(line)
            if match:
                self.origin = match.group(1)
                return

    def _wait_for_answer(self, deadline: float) -> None:
        last = "no attempt"
        while time.monotonic() < deadline:
            try:
                answer = httpx.get(
                    f"{self.origin}/v3/users/me",
                    headers={"X-Access-Token": self.token},
                    timeout=2.0,
                )
            except httpx.TransportError as exc:
                last = repr(exc)
            else:
                if answer.status_code == 200:
                    return
                last = f"status {answer.status_code}"
            time.sleep(0.05)
        raise RuntimeError(f"FakeGroupMe did not answer ({last}): {self.output()}")

    def output(self) -> str:
        while True:
            try:
                line = self._lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self._output.append(line)
        return "".join(self._output)[-4000:]

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far."""
        import psutil

        times = psutil.Process(self.pid).cpu_times()
        return float(times.user + times.system)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(STOP_TIMEOUT)
        if self._pump_thread is not None:
            self._pump_thread.join(STOP_TIMEOUT)  # the pipe reaches EOF once the server exits
        if proc.stdout is not None and (
            self._pump_thread is None or not self._pump_thread.is_alive()
        ):
            proc.stdout.close()

    def __enter__(self) -> FakeServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
