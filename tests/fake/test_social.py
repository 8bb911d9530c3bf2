"""Groups, members, bots, contacts and v2 users on the wire, with plain httpx."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from groupme_async.testing import FakeGroupMe

from .conftest import ManualClock, http_client
from .test_endpoints import envelope, error


def owned(fake: FakeGroupMe) -> str:
    """A group "me" owns: the world generator always makes "me" the first group's owner."""
    return next(c.id for c in fake.conversations() if c.kind == "group")


async def test_a_bot_post_needs_no_token_and_answers_an_empty_202(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    gid = owned(fake)
    bot = envelope(await http.post("/v3/bots", json={"bot": {"name": "B", "group_id": gid}}), 201)
    bot_id = bot["bot"]["bot_id"]
    async with http_client(fake, token=None) as anonymous:
        answer = await anonymous.post("/v3/bots/post", json={"bot_id": bot_id, "text": "hi"})
        assert answer.status_code == 202
        assert answer.content == b""
        assert answer.headers["content-type"] == "text/html"
        # Everything else still wants the token.
        error(await anonymous.get("/v3/bots"), 401)
        error(await anonymous.post("/v3/bots/destroy", json={"bot_id": bot_id}), 401)
    last = list(fake.messages("group", gid))[-1]
    assert (last["text"], last["sender_type"], last["name"]) == ("hi", "bot", "B")
    assert last["source_guid"] and last["platform"] == "gm"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": "no bot"}, 400),
        ({"bot_id": "00000000000000000000000000", "text": "who?"}, 404),
        ({"bot_id": "BOT", "text": "x" * 1001}, 400),
        ({"bot_id": "BOT"}, 400),
        ({"bot_id": "BOT", "text": " "}, 400),
        ({"bot_id": "BOT", "text": "x", "attachments": [{"url": "no type"}]}, 400),
    ],
)
async def test_bad_bot_posts(
    fake: FakeGroupMe, http: httpx.AsyncClient, body: dict[str, Any], status: int
) -> None:
    bot = envelope(
        await http.post("/v3/bots", json={"bot": {"name": "B", "group_id": owned(fake)}}), 201
    )
    if body.get("bot_id") == "BOT":
        body = {**body, "bot_id": bot["bot"]["bot_id"]}
    error(await http.post("/v3/bots/post", json=body), status)


async def test_a_bot_post_with_picture_url_becomes_an_image(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    gid = owned(fake)
    bot = envelope(await http.post("/v3/bots", json={"bot": {"name": "B", "group_id": gid}}), 201)
    body = {"bot_id": bot["bot"]["bot_id"], "picture_url": "https://i.groupme.com/p"}
    assert (await http.post("/v3/bots/post", json=body)).status_code == 202
    last = list(fake.messages("group", gid))[-1]
    assert last["attachments"] == [{"type": "image", "url": "https://i.groupme.com/p"}]


async def test_members_results_are_late_then_ready_then_gone() -> None:
    clock = ManualClock()
    fake = FakeGroupMe(seed=7, clock=clock, members_results_delay=2.0)
    gid = owned(fake)
    outsider = fake.user_ids()[-1]
    async with http_client(fake) as http:
        added = await http.post(
            f"/v3/groups/{gid}/members/add",
            json={"members": [{"nickname": "N", "user_id": outsider}]},
        )
        results_id = envelope(added, 202)["results_id"]
        path = f"/v3/groups/{gid}/members/results/{results_id}"
        error(await http.get(path), 503)
        clock.now += 2.0
        [member] = envelope(await http.get(path), 200)["members"]
        # A guid is made up when the request had none.
        assert member["user_id"] == outsider and member["guid"]
        error(await http.get(f"/v3/groups/1/members/results/{results_id}"), 404)
        clock.now += 3600.0
        error(await http.get(path), 404)


@pytest.mark.parametrize(
    "members",
    [
        None,
        [],
        ["someone"],
        [{"user_id": "1"}],
        [{"nickname": "", "user_id": "1"}],
        [{"nickname": "N"}],
        [{"nickname": "N", "user_id": "1", "email": "a@example.com"}],
    ],
)
async def test_bad_member_adds_are_400(
    fake: FakeGroupMe, http: httpx.AsyncClient, members: Any
) -> None:
    path = f"/v3/groups/{owned(fake)}/members/add"
    error(await http.post(path, json={"members": members}), 400)


async def test_only_admins_list_members(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    roles = {
        g["id"]: next(m["roles"] for m in g["members"] if m["user_id"] == fake.me_id)
        for g in envelope(await http.get("/v3/groups"), 200)
    }
    admin = next(gid for gid, r in roles.items() if "admin" in r)
    user = next(gid for gid, r in roles.items() if r == ["user"])
    assert envelope(await http.get(f"/v3/groups/{admin}/members?filter=active"), 200)
    error(await http.get(f"/v3/groups/{admin}/members"), 400)
    error(await http.get(f"/v3/groups/{user}/members?filter=active"), 401)


async def test_nickname_bounds_and_both_body_shapes(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    path = f"/v3/groups/{owned(fake)}/memberships/update"
    wrapped = envelope(await http.post(path, json={"membership": {"nickname": "Wrapped"}}), 200)
    assert wrapped["nickname"] == "Wrapped" and wrapped["user_id"] == fake.me_id
    assert envelope(await http.post(path, json={"nickname": "Bare"}), 200)["nickname"] == "Bare"
    error(await http.post(path, json={"membership": {"nickname": "x" * 51}}), 400)
    error(await http.post(path, json={"membership": {}}), 400)


async def test_contacts_since_must_be_a_time(http: httpx.AsyncClient) -> None:
    error(await http.get("/v4/relationships", params={"since": "yesterday"}), 400)
    first = envelope(await http.get("/v4/relationships"), 200)
    assert len(first) == 10
    after = envelope(
        await http.get("/v4/relationships", params={"since": first[-1]["created_at_iso8601"]}),
        200,
    )
    assert after and after[0]["id"] not in {c["id"] for c in first}
    assert after[0]["created_at_iso8601"] > first[-1]["created_at_iso8601"]


async def test_contacts_create_and_delete_on_the_wire(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    other = fake.user_ids()[1]
    deleted = await http.delete(f"/v4/relationships/{other}")
    assert deleted.status_code == 202 and deleted.content == b""
    error(await http.post("/v4/relationships/create", json={"user_id": other}), 400)
    error(
        await http.post("/v4/relationships/create", json={"user_id": fake.me_id, "token": "t"}),
        400,
    )
    assert (
        envelope(
            await http.post("/v4/relationships/create", json={"user_id": other, "token": "t"}), 201
        )
        == {}
    )


async def test_v2_user_profiles(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    other = fake.user_ids()[1]
    plain = envelope(await http.get(f"/v2/users/{other}"), 200)
    assert plain["user"]["id"] == other and plain["shared_groups"] is None
    mine = envelope(await http.get(f"/v2/users/{fake.me_id}?include_shared_groups=true"), 200)
    groups = {c.id for c in fake.conversations() if c.kind == "group"}
    assert {g["group_id"] for g in mine["shared_groups"]} == groups
    error(await http.get("/v2/users/999"), 404)


async def test_rejoin_refuses_the_removed_and_strangers(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    error(await http.post("/v3/groups/join", json={"group_id": "999"}), 404)
    error(await http.post("/v3/groups/join", json={"group_id": owned(fake)}), 400)
    error(await http.post("/v3/groups/join", json={"group_id": "abc"}), 400)


async def test_mute_durations(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    path = f"/v2/groups/{owned(fake)}/memberships/mute"
    for bad in (0, -5, "soon", True):
        error(await http.post(path, json={"duration": bad}), 400)
    muted = envelope(await http.post(path, json={"duration": "30"}), 200)["membership"]
    assert muted["state"] == "muted"
