"""Every endpoint's status and envelope, and the auth/404/400 answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from groupme_async.testing import SANDBOX_TOKEN, FakeGroupMe

from .conftest import http_client


def envelope(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["meta"]["code"] == status
    assert "errors" not in body["meta"]
    return body["response"]


def error(response: httpx.Response, status: int) -> list[str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["response"] is None
    assert body["meta"]["code"] == status
    errors: list[str] = body["meta"]["errors"]
    assert errors
    return errors


def first(fake: FakeGroupMe, kind: str) -> str:
    return next(c.id for c in fake.conversations() if c.kind == kind)


async def test_unknown_token_is_401_with_envelope(fake: FakeGroupMe) -> None:
    async with http_client(fake, token="not-a-token") as client:
        error(await client.get("/v3/users/me"), 401)
    async with http_client(fake, token=None) as client:
        error(await client.get("/v3/groups"), 401)
        error(await client.get("/v3/groups", params={"token": "not-a-token"}), 401)


@pytest.mark.token_in_url_on_purpose
async def test_token_in_query_string_is_accepted(fake: FakeGroupMe) -> None:
    # GroupMe also takes the token as ?token=; our client never sends it so.
    async with http_client(fake, token=None) as client:
        me = envelope(await client.get("/v3/users/me", params={"token": SANDBOX_TOKEN}), 200)
    assert me["id"] == fake.me_id


async def test_unknown_route_is_404(http: httpx.AsyncClient) -> None:
    error(await http.get("/v3/nothing/here"), 404)
    error(await http.post("/v3/users/me"), 404)
    error(await http.get("/v9/groups"), 404)


async def test_users_me_and_update(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    me = envelope(await http.get("/v3/users/me"), 200)
    assert me["id"] == me["user_id"] == fake.me_id
    assert me["zip_code"] is None and me["mfa"] == {"enabled": False, "channels": None}
    updated = envelope(
        await http.post("/v3/users/update", json={"name": "Kit Harrow", "zip_code": "10001"}), 200
    )
    assert (updated["name"], updated["zip_code"]) == ("Kit Harrow", "10001")
    assert envelope(await http.get("/v3/users/me"), 200)["name"] == "Kit Harrow"
    error(await http.post("/v3/users/update", json={"email": "nope"}), 400)
    error(await http.post("/v3/users/update", content=b"{not json"), 400)


async def test_v2_profile_update(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    body = {"user": {"bio": "hi", "intrests": [1005], "photo_urls": ["a", "b", "c"]}}
    profile = envelope(await http.post(f"/v2/users/{fake.me_id}", json=body), 200)["user"]
    assert (profile["bio"], profile["interests"], profile["id"]) == ("hi", [1005], fake.me_id)
    error(await http.post(f"/v2/users/{fake.me_id}", json={"user": {"photo_urls": ["a"]}}), 400)
    error(await http.post(f"/v2/users/{fake.me_id}", json={"bio": "no wrapper"}), 400)
    other = next(u for u in fake.user_ids() if u != fake.me_id)
    error(await http.post(f"/v2/users/{other}", json=body), 403)
    error(await http.post("/v2/users/1", json=body), 404)


async def test_directories_sharing_and_sms(http: httpx.AsyncClient) -> None:
    error(
        await http.put(
            "/v3/directories/user/membership", json={"campus_profile_visibility": "major"}
        ),
        400,
    )
    codes = envelope(
        await http.put("/v3/directories/user/majors", json={"codes": ["3702", 5506]}), 201
    )
    assert codes == ["3702", "5506"]
    error(await http.put("/v3/directories/user/majors", json={"codes": ["x"]}), 400)
    membership = envelope(
        await http.put(
            "/v3/directories/user/membership",
            json={"graduation_year": 2025, "campus_profile_visibility": "major"},
        ),
        200,
    )
    assert membership["graduation_year"] == "2025" and membership["major_ids"] == [3702, 5506]
    error(await http.put("/v3/directories/user/membership", json={"graduation_year": 1800}), 400)

    shared = envelope(await http.post("/v3/users/features/share", json={"status": "enable"}), 200)
    again = envelope(await http.post("/v3/users/features/share", json={"status": "enable"}), 200)
    assert shared["share_url"] and again["share_url"] != shared["share_url"]
    off = envelope(await http.post("/v3/users/features/share", json={"status": "disable"}), 200)
    assert off == {"share_url": None, "share_qr_code_url": None}
    error(await http.post("/v3/users/features/share", json={"status": "maybe"}), 400)

    sms = await http.post("/v3/users/sms_mode", json={"duration": 4})
    assert sms.status_code == 201 and sms.content == b""
    error(await http.post("/v3/users/sms_mode", json={"duration": 49}), 400)
    assert envelope(await http.post("/v3/users/sms_mode/delete"), 200) is None


async def test_pinned_conversations(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    initial = envelope(await http.get("/v4/pinned_conversations"), 200)["pinned_conversation_ids"]
    assert isinstance(initial, list)
    chat = next(c.conversation_id for c in fake.conversations() if c.kind == "direct")
    wanted = [first(fake, "group"), chat]
    envelope(
        await http.put("/v4/pinned_conversations", json={"pinned_conversation_ids": wanted}), 200
    )
    listed = envelope(await http.get("/v4/pinned_conversations"), 200)
    assert listed["pinned_conversation_ids"] == wanted
    bad = {"pinned_conversation_ids": ["../x"]}
    error(await http.put("/v4/pinned_conversations", json=bad), 400)


async def test_blocks(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    me, other = fake.me_id, first(fake, "direct")
    pair = {"user": me, "otherUser": other}
    assert envelope(await http.get("/v3/blocks", params={"user": me}), 200) == {"blocks": []}
    block = envelope(await http.post("/v3/blocks", params=pair), 201)["block"]
    assert (block["user_id"], block["blocked_user_id"]) == (me, other)
    assert envelope(await http.get("/v3/blocks/between", params=pair), 200) == {"between": True}
    assert [
        b["blocked_user_id"]
        for b in envelope(await http.get("/v3/blocks", params={"user": me}), 200)["blocks"]
    ] == [other]
    envelope(await http.delete("/v3/blocks", params=pair), 200)
    assert envelope(await http.get("/v3/blocks/between", params=pair), 200) == {"between": False}
    envelope(await http.post("/v3/blocks", params=pair), 201)
    envelope(await http.post("/v3/blocks/delete", params=pair), 200)
    assert envelope(await http.get("/v3/blocks/between", params=pair), 200) == {"between": False}
    error(await http.get("/v3/blocks"), 400)
    error(await http.post("/v3/blocks", params={"user": me, "otherUser": "1"}), 404)


async def test_chats_list_and_show(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    chats = envelope(await http.get("/v3/chats"), 200)
    dms = [c for c in fake.conversations() if c.kind == "direct"]
    assert len(chats) == len(dms)
    stamps = [c["updated_at"] for c in chats]
    assert stamps == sorted(stamps, reverse=True)
    for chat in chats:
        last = chat["last_message"]
        assert chat["updated_at"] == last["created_at"]
        assert last["conversation_id"] == "+".join(
            sorted((fake.me_id, chat["other_user"]["id"]), key=int)
        )
    page2 = envelope(await http.get("/v3/chats", params={"page": 2, "per_page": 1}), 200)
    assert page2 == chats[1:2]
    assert envelope(await http.get("/v3/chats", params={"page": 99}), 200) == []
    chat_id = chats[0]["last_message"]["conversation_id"]
    shown = envelope(await http.get(f"/v3/chats/{chat_id}"), 200)
    assert shown["messages_count"] == chats[0]["messages_count"]
    error(await http.get(f"/v3/chats/1+{fake.me_id}"), 404)
    error(await http.get("/v3/chats/not-a-chat"), 404)


async def test_groups_list_and_show(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    groups = envelope(await http.get("/v3/groups"), 200)
    assert {g["id"] for g in groups} == {c.id for c in fake.conversations() if c.kind == "group"}
    assert all(g["members"] for g in groups)
    slim = envelope(await http.get("/v3/groups", params={"omit": "memberships"}), 200)
    assert all(g["members"] == [] for g in slim)
    one = envelope(await http.get("/v3/groups", params={"per_page": 1, "page": 2}), 200)
    assert [g["id"] for g in one] == [groups[1]["id"]]
    shown = envelope(await http.get(f"/v3/groups/{groups[0]['id']}"), 200)
    assert shown["messages"]["count"] == fake.message_count("group", groups[0]["id"])
    error(await http.get("/v3/groups/123"), 404)
    error(await http.get("/v3/groups", params={"per_page": "ten"}), 400)


async def test_image_upload(http: httpx.AsyncClient) -> None:
    # A JPEG header with a start-of-frame: 32 x 16 pixels.
    jpeg = b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x10\x00\x20\x03" + bytes(12)
    response = await http.post(
        "/image/pictures", content=jpeg, headers={"Content-Type": "image/jpeg"}
    )
    assert response.status_code == 200
    payload = response.json()["payload"]
    assert (
        payload["url"].startswith("https://i.groupme.com/32x16.jpeg.")
        and payload["picture_url"] == payload["url"]
    )
    assert (await http.post("/image/pictures")).status_code == 400


async def test_read_receipts(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    dm = next(c for c in fake.conversations() if c.kind == "direct")
    newest = list(fake.messages("direct", dm.id))[-1]["id"]
    body = {"read_receipt": {"chat_id": dm.conversation_id, "message_id": newest}}
    receipt = envelope(await http.post("/v2/read_receipts", json=body), 200)["read_receipt"]
    assert (receipt["chat_id"], receipt["message_id"], receipt["user_id"]) == (
        dm.conversation_id,
        newest,
        fake.me_id,
    )
    page = envelope(await http.get("/v3/direct_messages", params={"other_user_id": dm.id}), 200)
    assert page["read_receipt"] == receipt
    missing = {"read_receipt": {"chat_id": dm.conversation_id, "message_id": "1"}}
    error(await http.post("/v2/read_receipts", json=missing), 404)


@pytest.mark.parametrize("path", ["/v3/groups/999/messages", "/v3/direct_messages?other_user_id=1"])
async def test_unknown_conversation_is_404(http: httpx.AsyncClient, path: str) -> None:
    error(await http.get(path), 404)


async def test_direct_messages_needs_other_user(http: httpx.AsyncClient) -> None:
    error(await http.get("/v3/direct_messages"), 400)


async def test_client_against_the_fake(fake: FakeGroupMe) -> None:
    async with fake.client() as gm:
        me = await gm.users.me()
        assert me.id == fake.me_id
        group = first(fake, "group")
        sent = await gm.group_messages.send(group, "hello from the client")
        seen = [m.id async for m in gm.group_messages.iter(group)]
        assert seen[0] == sent.id
        assert len(seen) == fake.message_count("group", group)
        assert [m["id"] for m in fake.messages("group", group)] == seen[::-1]


async def test_plugin_fixtures(groupme_fake: FakeGroupMe, groupme_client: Any) -> None:
    me = await groupme_client.users.me()
    assert me.id == groupme_fake.me_id
    assert groupme_fake.stats.requests == 1
