"""Message pages (the three cursors, 304s, limits), sends and deletions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from groupme_async.testing import FakeGroupMe

from .conftest import ManualClock, http_client

N = 250


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def small(clock: ManualClock) -> FakeGroupMe:
    return FakeGroupMe(
        seed=3, dm_chats=1, groups=1, messages_per_conversation=N, exact_counts=True, clock=clock
    )


@pytest.fixture
async def client(small: FakeGroupMe) -> Any:
    async with http_client(small) as c:
        yield c


def group_id(fake: FakeGroupMe) -> str:
    return next(c.id for c in fake.conversations() if c.kind == "group")


def dm_id(fake: FakeGroupMe) -> str:
    return next(c.id for c in fake.conversations() if c.kind == "direct")


def ids(fake: FakeGroupMe, kind: str, conv: str) -> list[str]:
    return [m["id"] for m in fake.messages(kind, conv)]  # type: ignore[arg-type]


async def page(client: httpx.AsyncClient, gid: str, **params: Any) -> httpx.Response:
    return await client.get(f"/v3/groups/{gid}/messages", params=params)


def page_ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [m["id"] for m in response.json()["response"]["messages"]]


def test_exact_counts_and_variation() -> None:
    exact = FakeGroupMe(
        seed=1, dm_chats=2, groups=2, messages_per_conversation=40, exact_counts=True
    )
    assert [c.message_count for c in exact.conversations()] == [40] * 4
    varied = FakeGroupMe(seed=1, dm_chats=2, groups=2, messages_per_conversation=40)
    counts = [c.message_count for c in varied.conversations()]
    assert all(20 <= n <= 60 for n in counts) and len(set(counts)) > 1


def test_generated_messages_are_ordered_and_varied(small: FakeGroupMe) -> None:
    gid = group_id(small)
    messages = list(small.messages("group", gid))
    assert len(messages) == N
    numeric = [int(m["id"]) for m in messages]
    assert numeric == sorted(set(numeric))
    stamps = [m["created_at"] for m in messages]
    assert stamps == sorted(stamps)
    types = {a["type"] for m in messages for a in m["attachments"]}
    assert {"image", "reply", "mentions"} <= types
    assert messages[0]["system"] and messages[0]["user_id"] == "system" and messages[0]["event"]
    assert any(m["text"] is None for m in messages)
    dm = list(small.messages("direct", dm_id(small)))
    assert {m["conversation_id"] for m in dm} == {
        "+".join(sorted((small.me_id, dm_id(small)), key=int))
    }
    assert {m["sender_id"] for m in dm} == {small.me_id, dm_id(small)}


async def test_no_cursor_is_newest_first_and_count_is_total(
    small: FakeGroupMe, client: httpx.AsyncClient
) -> None:
    gid = group_id(small)
    all_ids = ids(small, "group", gid)
    response = await page(client, gid)
    assert page_ids(response) == all_ids[::-1][:20]
    assert response.json()["response"]["count"] == N


async def test_limit_is_capped_and_validated(small: FakeGroupMe, client: httpx.AsyncClient) -> None:
    gid = group_id(small)
    assert len(page_ids(await page(client, gid, limit=500))) == 100
    for bad in ("0", "-3", "ten", "1.5"):
        assert (await page(client, gid, limit=bad)).status_code == 400
    for cursor in ("before_id", "since_id", "after_id"):
        assert (await page(client, gid, **{cursor: "12ab"})).status_code == 400


async def test_before_id_pages_back_then_304(small: FakeGroupMe, client: httpx.AsyncClient) -> None:
    gid = group_id(small)
    all_ids = ids(small, "group", gid)
    assert (
        page_ids(await page(client, gid, before_id=all_ids[100], limit=5)) == all_ids[95:100][::-1]
    )
    response = await page(client, gid, before_id=all_ids[0])
    assert response.status_code == 304 and response.content == b""
    # A cursor between two ids works by position, like the real API.
    between = str(int(all_ids[10]) + 1)
    assert page_ids(await page(client, gid, before_id=between, limit=2)) == [
        all_ids[10],
        all_ids[9],
    ]


async def test_after_id_is_oldest_first_and_200_empty_at_the_end(
    small: FakeGroupMe, client: httpx.AsyncClient
) -> None:
    gid = group_id(small)
    all_ids = ids(small, "group", gid)
    assert page_ids(await page(client, gid, after_id=all_ids[10], limit=3)) == all_ids[11:14]
    assert page_ids(await page(client, gid, after_id="1", limit=2)) == all_ids[:2]
    end = await page(client, gid, after_id=all_ids[-1])
    assert end.status_code == 200 and end.json()["response"]["messages"] == []


async def test_since_id_returns_the_most_recent_messages(
    small: FakeGroupMe, client: httpx.AsyncClient
) -> None:
    gid = group_id(small)
    all_ids = ids(small, "group", gid)
    # 149 messages are newer than index 100: since_id skips the older ones.
    got = page_ids(await page(client, gid, since_id=all_ids[100], limit=10))
    assert got == all_ids[-10:][::-1]
    # With fewer newer messages than the limit, all of them, newest first.
    assert page_ids(await page(client, gid, since_id=all_ids[-4], limit=10)) == all_ids[-3:][::-1]
    newest = await page(client, gid, since_id=all_ids[-1])
    assert newest.status_code == 304 and newest.content == b""


async def test_direct_message_pages(small: FakeGroupMe, client: httpx.AsyncClient) -> None:
    other = dm_id(small)
    all_ids = ids(small, "direct", other)
    response = await client.get(
        "/v3/direct_messages", params={"other_user_id": other, "before_id": all_ids[50], "limit": 3}
    )
    body = response.json()["response"]
    assert [m["id"] for m in body["direct_messages"]] == all_ids[47:50][::-1]
    assert body["count"] == N and "read_receipt" not in body
    # Someone you share a group with but never DMed: an empty conversation.
    stranger = next(u for u in small.user_ids() if u not in (small.me_id, other))
    assert (
        await client.get("/v3/direct_messages", params={"other_user_id": stranger})
    ).status_code == 304


async def test_group_send_and_duplicate_guid_window(
    small: FakeGroupMe, clock: ManualClock, client: httpx.AsyncClient
) -> None:
    gid = group_id(small)
    newest_before = int(ids(small, "group", gid)[-1])
    body = {"message": {"source_guid": "guid-1", "text": "hello", "attachments": []}}
    created = await client.post(f"/v3/groups/{gid}/messages", json=body)
    assert created.status_code == 201
    message = created.json()["response"]["message"]
    assert int(message["id"]) > newest_before
    assert (message["user_id"], message["group_id"], message["text"]) == (small.me_id, gid, "hello")
    assert ids(small, "group", gid)[-1] == message["id"]
    assert small.message_count("group", gid) == N + 1

    clock.now += 59
    dup = await client.post(f"/v3/groups/{gid}/messages", json=body)
    assert dup.status_code == 409 and dup.json()["meta"]["errors"]
    clock.now += 1.5
    again = await client.post(f"/v3/groups/{gid}/messages", json=body)
    assert again.status_code == 201
    assert int(again.json()["response"]["message"]["id"]) > int(message["id"])
    # The same guid in another conversation is not a duplicate.
    other = {
        "direct_message": {"source_guid": "guid-1", "recipient_id": dm_id(small), "text": "hi"}
    }
    assert (await client.post("/v3/direct_messages", json=other)).status_code == 201


async def test_dm_send_shape(small: FakeGroupMe, client: httpx.AsyncClient) -> None:
    other = dm_id(small)
    attachment = {"type": "location", "lat": "1.0", "lng": "2.0", "name": "Here"}
    body = {
        "direct_message": {"source_guid": "g", "recipient_id": other, "attachments": [attachment]}
    }
    response = await client.post("/v3/direct_messages", json=body)
    assert response.status_code == 201
    message = response.json()["response"]["message"]
    assert message["recipient_id"] == other and message["sender_id"] == small.me_id
    assert message["text"] is None and message["attachments"] == [attachment]
    assert message["conversation_id"] == "+".join(sorted((small.me_id, other), key=int))
    first = await client.get("/v3/direct_messages", params={"other_user_id": other, "limit": 1})
    assert first.json()["response"]["direct_messages"] == [message]


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "no guid"},
        {"source_guid": "", "text": "empty guid"},
        {"source_guid": "g", "text": "x" * 1001},
        {"source_guid": "g"},
        {"source_guid": "g", "text": "   "},
        {"source_guid": "g", "text": 5},
        {"source_guid": "g", "text": "ok", "attachments": [{"no": "type"}]},
    ],
)
async def test_invalid_sends_are_400(
    small: FakeGroupMe, client: httpx.AsyncClient, payload: dict[str, Any]
) -> None:
    response = await client.post(
        f"/v3/groups/{group_id(small)}/messages", json={"message": payload}
    )
    assert response.status_code == 400 and response.json()["meta"]["errors"]
    assert small.message_count("group", group_id(small)) == N


async def test_text_of_exactly_1000_characters_is_accepted(
    small: FakeGroupMe, client: httpx.AsyncClient
) -> None:
    body = {"message": {"source_guid": "g", "text": "x" * 1000}}
    assert (
        await client.post(f"/v3/groups/{group_id(small)}/messages", json=body)
    ).status_code == 201


async def test_sends_to_unknown_conversations_are_404(client: httpx.AsyncClient) -> None:
    body = {"source_guid": "g", "text": "hi"}
    assert (await client.post("/v3/groups/42/messages", json={"message": body})).status_code == 404
    dm = {"direct_message": {**body, "recipient_id": "42"}}
    assert (await client.post("/v3/direct_messages", json=dm)).status_code == 404


async def test_delete_removes_from_pages_and_count(
    small: FakeGroupMe, client: httpx.AsyncClient
) -> None:
    gid = group_id(small)
    all_ids = ids(small, "group", gid)
    response = await client.delete(f"/v3/conversations/{gid}/messages/{all_ids[-2]}")
    assert response.status_code == 204 and response.content == b""
    body = (await page(client, gid, limit=3)).json()["response"]
    assert [m["id"] for m in body["messages"]] == [all_ids[-1], all_ids[-3], all_ids[-4]]
    assert body["count"] == N - 1
    assert all_ids[-2] not in ids(small, "group", gid)
    assert (
        await client.delete(f"/v3/conversations/{gid}/messages/{all_ids[-2]}")
    ).status_code == 404
    assert (await client.delete(f"/v3/conversations/{gid}/messages/123")).status_code == 404


async def test_dm_delete_only_own_messages(small: FakeGroupMe, client: httpx.AsyncClient) -> None:
    other = dm_id(small)
    messages = list(small.messages("direct", other))
    chat = messages[0]["conversation_id"]
    mine = next(m["id"] for m in messages if m["user_id"] == small.me_id)
    theirs = next(m["id"] for m in messages if m["user_id"] == other)
    assert (await client.delete(f"/v3/conversations/{chat}/messages/{theirs}")).status_code == 403
    assert (await client.delete(f"/v3/conversations/{chat}/messages/{mine}")).status_code == 204


async def test_post_simulates_someone_else(small: FakeGroupMe, client: httpx.AsyncClient) -> None:
    gid = group_id(small)
    since = ids(small, "group", gid)[-1]
    posted = small.post("group", gid, text="from a friend")
    assert posted["user_id"] != small.me_id and int(posted["id"]) > int(since)
    assert page_ids(await page(client, gid, since_id=since)) == [posted["id"]]
    with pytest.raises(ValueError, match="not in that conversation"):
        small.post("group", gid, text="x", user_id="1")


async def test_chats_follow_new_messages(small: FakeGroupMe, client: httpx.AsyncClient) -> None:
    other = dm_id(small)
    posted = small.post("direct", other, text="ping")
    chats = (await client.get("/v3/chats")).json()["response"]
    assert chats[0]["last_message"] == posted and chats[0]["messages_count"] == N + 1


async def test_message_cache_serves_the_same_bytes() -> None:
    """cache_messages only saves generation work: every page is unchanged."""

    async def walk(app: FakeGroupMe) -> list[bytes]:
        gid = next(c.id for c in app.conversations() if c.kind == "group")
        bodies = []
        async with http_client(app) as client:
            for _ in range(2):  # the second pass is served from the cache
                before = None
                while True:
                    params = (
                        {"limit": 100} if before is None else {"limit": 100, "before_id": before}
                    )
                    r = await client.get(f"/v3/groups/{gid}/messages", params=params)
                    if r.status_code == 304:
                        break
                    bodies.append(r.content)
                    before = r.json()["response"]["messages"][-1]["id"]
        return bodies

    plain = await walk(FakeGroupMe(seed=4, groups=1, dm_chats=0, messages_per_conversation=450))
    cached = await walk(
        FakeGroupMe(seed=4, groups=1, dm_chats=0, messages_per_conversation=450, cache_messages=120)
    )
    assert cached == plain and len(plain) > 4
