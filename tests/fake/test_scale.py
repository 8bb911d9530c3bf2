"""A 1,000,000-message conversation paged end to end in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys

# Run in a fresh process so its peak RSS measures only this walk.
SCRIPT = r"""
import asyncio, json, resource, tracemalloc
import httpx
from groupme_async.testing import FakeGroupMe, SANDBOX_TOKEN

N = 1_000_000
TRACED_REQUESTS = 300  # tracemalloc slows allocation ~5x: trace a prefix only

async def main() -> None:
    fake = FakeGroupMe(5, dm_chats=0, groups=1, messages_per_conversation=N, exact_counts=True)
    gid = fake.conversations()[0].id
    headers = {"X-Access-Token": SANDBOX_TOKEN}
    seen = requests = 0
    previous = None
    first_id = last_id = None
    traced_peak = 0
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url="http://f", headers=headers
    ) as client:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        params = {"limit": "100"}
        while True:
            response = await client.get(f"/v3/groups/{gid}/messages", params=params)
            requests += 1
            if requests == TRACED_REQUESTS:
                traced_peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            if response.status_code == 304:
                break
            body = response.json()["response"]
            assert body["count"] == N
            for message in body["messages"]:
                value = int(message["id"])
                assert previous is None or value < previous
                previous = value
                seen += 1
            first_id = first_id or body["messages"][0]["id"]
            last_id = body["messages"][-1]["id"]
            params = {"limit": "100", "before_id": last_id}
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "seen": seen, "requests": requests, "first": first_id, "last": last_id,
        "oldest": next(fake.messages("group", gid))["id"],
        "traced_peak": traced_peak, "rss_growth_kb": rss_after - rss_before,
    }))

asyncio.run(main())
"""


def test_a_million_messages_page_end_to_end_in_bounded_memory() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], check=True, capture_output=True, text=True, timeout=300
    )
    result = json.loads(out.stdout)
    assert result["seen"] == 1_000_000
    assert result["requests"] == 10_001  # 10,000 full pages, then the 304
    assert result["last"] == result["oldest"]
    # Holding the messages would take gigabytes; a lazy walk takes a page.
    assert result["traced_peak"] < 4 * 1024 * 1024, result
    assert result["rss_growth_kb"] < 64 * 1024, result
