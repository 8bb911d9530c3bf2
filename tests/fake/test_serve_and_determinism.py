"""Same seed, same bytes in separate processes; and the uvicorn ``serve`` CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from groupme_async.testing import SANDBOX_TOKEN

DIGEST_SCRIPT = r"""
import asyncio, hashlib, sys
import httpx
from groupme_async.testing import FakeGroupMe, SANDBOX_TOKEN

async def main() -> None:
    fake = FakeGroupMe(int(sys.argv[1]))
    digest = hashlib.sha256()
    transport = fake.transport()
    headers = {"X-Access-Token": SANDBOX_TOKEN}
    async with httpx.AsyncClient(transport=transport, base_url="http://f", headers=headers) as c:
        paths = ["/v3/users/me", "/v3/groups", "/v3/chats"]
        for conv in fake.conversations():
            if conv.kind == "group":
                base = f"/v3/groups/{conv.id}/messages?limit=100"
            else:
                base = f"/v3/direct_messages?other_user_id={conv.id}&limit=100"
            oldest = next(fake.messages(conv.kind, conv.id))["id"]
            paths += [base, f"{base}&after_id={oldest}"]
        for path in paths:
            response = await c.get(path)
            digest.update(path.encode() + response.content)
    print(digest.hexdigest())

asyncio.run(main())
"""


def digest_in_subprocess(seed: int, hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run(
        [sys.executable, "-c", DIGEST_SCRIPT, str(seed)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return out.stdout.strip()


def test_same_seed_same_bytes_across_processes() -> None:
    # Different hash seeds: nothing may depend on hash() or dict/set order.
    first = digest_in_subprocess(21, "1")
    assert len(first) == 64
    assert first == digest_in_subprocess(21, "2")
    assert first != digest_in_subprocess(22, "1")


@contextmanager
def serving(*args: str) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "groupme_async.testing", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the server is listening
        assert line.startswith("FakeGroupMe on http://127.0.0.1:"), line + proc.stderr.read()  # type: ignore[union-attr]
        assert SANDBOX_TOKEN in line
        yield line.split()[2]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_serve_answers_over_a_real_socket() -> None:
    with (
        serving("--seed", "4") as url,
        httpx.Client(base_url=url, headers={"X-Access-Token": SANDBOX_TOKEN}) as client,
    ):
        me = client.get("/v3/users/me")
        assert me.status_code == 200
        assert me.json()["response"]["id"] == me.json()["response"]["user_id"]
        assert client.get("/v3/users/me", headers={"X-Access-Token": "bad"}).status_code == 401


def test_serve_faults_break_the_connection_honestly() -> None:
    with (
        serving("--fault-rate", "1", "--faults", "truncate,drop") as url,
        httpx.Client(base_url=url, headers={"X-Access-Token": SANDBOX_TOKEN}) as client,
    ):
        for _ in range(4):
            try:
                client.get("/v3/groups")
            except httpx.RemoteProtocolError:
                continue
            raise AssertionError("a faulted response arrived whole")
