"""The fake's endpoints beyond the seeds, with plain httpx: what a client
without our checks sees (acceptFiles, the bare 400 of pins, 400s for bad
input, the reaction answer)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from groupme_async.testing import FakeGroupMe

from .test_endpoints import envelope, error, first

UPGRADE = "Please upgrade to download this file."
FILE = [{"type": "file", "file_id": "f1"}]


async def test_without_accept_files_file_messages_lose_their_text(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    gid = first(fake, "group")
    other = first(fake, "direct")
    in_group = fake.post("group", gid, "agenda", attachments=FILE)
    in_dm = fake.post("direct", other, "contract", attachments=FILE)
    plain = fake.post("group", gid, "no file here")

    async def texts(path: str, key: str, **params: Any) -> dict[str, Any]:
        body = envelope(await http.get(path, params=params), 200)
        return {m["id"]: m for m in body[key]}

    old = await texts(f"/v3/groups/{gid}/messages", "messages")
    assert old[in_group["id"]]["text"] == UPGRADE
    assert old[in_group["id"]]["attachments"] == FILE  # the file itself stays
    assert old[plain["id"]]["text"] == "no file here"
    new = await texts(f"/v3/groups/{gid}/messages", "messages", acceptFiles=1)
    assert new[in_group["id"]]["text"] == "agenda"

    dms = await texts("/v3/direct_messages", "direct_messages", other_user_id=other)
    assert dms[in_dm["id"]]["text"] == UPGRADE
    dms = await texts("/v3/direct_messages", "direct_messages", other_user_id=other, acceptFiles=1)
    assert dms[in_dm["id"]]["text"] == "contract"

    gallery = await texts(f"/v3/conversations/{gid}/gallery", "messages")
    assert gallery[in_group["id"]]["text"] == UPGRADE
    gallery = await texts(f"/v3/conversations/{gid}/gallery", "messages", acceptFiles=1)
    assert gallery[in_group["id"]]["text"] == "agenda"
    # The stored message is untouched.
    assert list(fake.messages("group", gid))[-2]["text"] == "agenda"


async def test_pinning_twice_is_a_bare_400(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    gid = first(fake, "group")
    mid = next(fake.messages("group", gid))["id"]
    path = f"/v3/conversations/{gid}/messages/{mid}"
    assert (await http.post(f"{path}/pin")).status_code == 200
    again = await http.post(f"{path}/pin")
    assert again.status_code == 400 and again.content == b""
    assert (await http.post(f"{path}/unpin")).status_code == 200
    again = await http.post(f"{path}/unpin")
    assert again.status_code == 400 and again.content == b""


async def test_a_reaction_answers_with_it_and_a_plain_like_with_nothing(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    gid = first(fake, "group")
    mid = next(fake.messages("group", gid))["id"]
    liked = await http.post(f"/v3/messages/{gid}/{mid}/like")
    assert liked.status_code == 200 and liked.content == b""
    fire = {"type": "unicode", "code": "\U0001f525"}
    body = envelope(
        await http.post(f"/v3/messages/{gid}/{mid}/like", json={"like_icon": fire}), 200
    )
    assert body == {"reactions": [{**fire, "user_ids": [fake.me_id]}]}


@pytest.mark.parametrize(
    "icon",
    [
        {"type": "unicode", "code": "\U0001f602"},
        {"type": "unicode"},
        {"type": "emoji", "pack_id": "1", "pack_index": 2},
        {"type": "emoji", "pack_id": 1},
        {"type": "sticker"},
        "heart",
    ],
)
async def test_a_reaction_groupme_does_not_offer_is_a_400(
    fake: FakeGroupMe, http: httpx.AsyncClient, icon: Any
) -> None:
    gid = first(fake, "group")
    mid = next(fake.messages("group", gid))["id"]
    error(await http.post(f"/v3/messages/{gid}/{mid}/like", json={"like_icon": icon}), 400)
    assert next(fake.messages("group", gid))["favorited_by"] == []


@pytest.mark.parametrize(
    ("method", "path", "body", "params"),
    [
        ("GET", "/v3/groups/{gid}/likes", None, {}),
        ("GET", "/v3/groups/{gid}/likes", None, {"period": "year"}),
        ("PUT", "/v4/groups/{gid}/messages/{mid}", {"text": "x" * 1001}, {}),
        ("POST", "/v3/poll/{gid}", {"subject": "Q", "options": [{"title": "a"}]}, {}),
        (
            "POST",
            "/v3/poll/{gid}",
            {"subject": "Q", "options": [{"title": "a"}, {"title": "b"}], "expiration": 1},
            {},
        ),
        ("GET", "/v3/poll/{gid}", None, {"continuation_token": "x"}),
        ("GET", "/v3/conversations/{gid}/events/list", None, {}),
        ("GET", "/v3/conversations/{gid}/events/list", None, {"end_at": "soon"}),
        ("POST", "/v3/conversations/{gid}/events/create", {"name": "x"}, {}),
        (
            "POST",
            "/v3/conversations/{gid}/events/create",
            {
                "name": "x",
                "start_at": "2030-01-02T00:00:00Z",
                "end_at": "2030-01-01T00:00:00Z",
                "timezone": "UTC",
            },
            {},
        ),
        (
            "POST",
            "/v3/conversations/{gid}/events/create",
            {
                "name": "x",
                "start_at": "2030-01-01T00:00:00Z",
                "end_at": "2030-01-01T00:00:00Z",
                "timezone": "UTC",
                "reminders": [60],
            },
            {},
        ),
        ("GET", "/v3/conversations/{gid}/events/show", None, {}),
        ("POST", "/v3/groups/{gid}/subgroups", {"topic": " "}, {}),
        ("POST", "/v3/groups/{gid}/subgroups", {"topic": "t", "group_type": "open"}, {}),
        ("GET", "/v3/conversations/{gid}/gallery", None, {"before": "last week"}),
        ("GET", "/v3/conversations/{gid}/gallery", None, {"limit": "0"}),
        ("GET", "/v3/pinned/direct_messages", None, {}),
    ],
)
async def test_bad_input_is_a_400(
    fake: FakeGroupMe,
    http: httpx.AsyncClient,
    method: str,
    path: str,
    body: Any,
    params: dict[str, str],
) -> None:
    gid = first(fake, "group")
    mid = next(m["id"] for m in fake.messages("group", gid) if m["user_id"] == fake.me_id)
    url = path.format(gid=gid, mid=mid)
    error(await http.request(method, url, json=body, params=params), 400)


async def test_an_event_update_that_moves_it_must_say_all_four(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    gid = first(fake, "group")
    times = {"start_at": "2030-01-01T00:00:00Z", "end_at": "2030-01-01T01:00:00Z"}
    created = await http.post(
        f"/v3/conversations/{gid}/events/create",
        json={"name": "x", "timezone": "UTC", **times},
    )
    event_id = envelope(created, 201)["event"]["event_id"]
    update = f"/v3/conversations/{gid}/events/update"
    error(await http.post(update, params={"event_id": event_id}, json=times), 400)
    # A 400 half way through changes nothing.
    error(
        await http.post(
            update, params={"event_id": event_id}, json={"name": "y", "reminders": [7]}
        ),
        400,
    )
    shown = await http.get(f"/v3/conversations/{gid}/events/show", params={"event_id": event_id})
    assert envelope(shown, 200)["event"]["name"] == "x"
    moved = await http.post(
        update,
        params={"event_id": event_id},
        json={**times, "timezone": "Europe/Oslo", "is_all_day": True},
    )
    assert envelope(moved, 200)["event"]["timezone"] == "Europe/Oslo"
