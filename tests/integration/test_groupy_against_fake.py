"""GroupyAPI's own calls against FakeGroupMe on a real socket: the fake's wire format
is GroupMe's, not just what groupme_async expects.

GroupyAPI pins ``requests~=2.20.0``, so it is installed without its
dependencies, as the benchmarks do (``pip install --no-deps GroupyAPI==0.10.3``
beside a current ``requests``; the nox ``tests`` session does it).  Covered so
far: groups, members and bots.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip(
    "groupy",
    reason="GroupyAPI is not installed (pip install --no-deps GroupyAPI==0.10.3; nox does)",
)

from groupy import Client
from groupy.api import base

from ..fake.test_serve_and_determinism import serving

SERVE = ("--seed", "5", "--groups", "3", "--messages-per-conversation", "40")


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    # Results ready at once: GroupyAPI's own poll() would really sleep.
    with serving(*SERVE, "--members-results-delay", "0") as url:
        yield url


@pytest.fixture
def client(origin: str, monkeypatch: pytest.MonkeyPatch) -> Client:
    # GroupyAPI builds every URL from this class attribute; the fake serves
    # v3 under <origin>/v3 (see benchmarks/_common.py).
    monkeypatch.setattr(base.Manager, "base_url", f"{origin}/v3/")
    from groupme_async.testing import SANDBOX_TOKEN

    return Client.from_token(SANDBOX_TOKEN)


def my_id(client: Client) -> str:
    me: dict[str, Any] = client.user.me
    return str(me["user_id"])


def stranger(client: Client, group: Any) -> str:
    """A user id of someone who is not in ``group`` (from the other groups)."""
    inside = {m.user_id for m in group.members}
    for other in client.groups.list_all():
        for member in other.members:
            if member.user_id not in inside:
                return str(member.user_id)
    raise AssertionError("everyone is in that group")


def test_groups(client: Client) -> None:
    before = {g.id for g in client.groups.list_all()}
    assert before
    shown = client.groups.get(next(iter(before)))
    assert shown.id in before and shown.members and shown.messages.list()

    group = client.groups.create(name="Groupy Group", description="made by GroupyAPI", share=True)
    assert (group.name, group.description) == ("Groupy Group", "made by GroupyAPI")
    assert group.share_url and group.is_mine
    assert {g.id for g in client.groups.list_all()} == before | {group.id}

    updated = group.update(name="Groupy Renamed")
    assert updated.name == "Groupy Renamed" and updated.description == "made by GroupyAPI"
    assert client.groups.get(group.id).name == "Groupy Renamed"

    # Hand it over, leave, rejoin, leave, and join again by its share token.
    newcomer = stranger(client, group)
    request = group.memberships.add("Heir", user_id=newcomer)
    assert request.is_ready()
    assert [m.user_id for m in request.get().members] == [newcomer]
    result = group.change_owners(newcomer)
    assert result.is_success and result.reason == "everything checked out"
    group.refresh_from_server()
    assert not group.is_mine

    assert group.leave()
    assert group.id not in {g.id for g in client.groups.list_all()}
    assert [g.id for g in client.groups.list_former()] == [group.id]
    back = client.groups.rejoin(group.id)
    assert back.id == group.id
    assert client.groups.list_former() == []

    back.refresh_from_server()
    assert back.leave()
    group_id, token = back.share_url.rstrip("/").split("/")[-2:]
    joined = client.groups.join(group_id, token)
    assert joined.id == group.id
    assert my_id(client) in {m.user_id for m in client.groups.get(group.id).members}

    doomed = client.groups.create(name="Groupy Doomed")
    assert client.groups.destroy(doomed.id)
    assert doomed.id not in {g.id for g in client.groups.list_all()}


def test_members(client: Client) -> None:
    group = client.groups.create(name="Groupy Members")
    newcomer = stranger(client, group)
    request = group.memberships.add_multiple(
        {"nickname": "Newt", "user_id": newcomer},
        {"nickname": "Nobody", "email": "nobody@example.com"},
    )
    assert request.is_ready()
    results = request.get()
    assert [m.user_id for m in results.members] == [newcomer]
    assert [f["nickname"] for f in results.failures] == ["Nobody"]

    group.refresh_from_server()
    added = next(m for m in group.members if m.user_id == newcomer)
    assert added.nickname == "Newt"
    mine = group.update_membership(nickname="Groupy Me")
    assert mine.nickname == "Groupy Me"

    assert added.remove()
    group.refresh_from_server()
    assert newcomer not in {m.user_id for m in group.members}
    nicknames = {m.user_id: m.nickname for m in group.members}
    assert nicknames[my_id(client)] == "Groupy Me"


def test_bots(client: Client) -> None:
    group = client.groups.create(name="Groupy Bots")
    bot = group.create_bot("GroupyBot", callback_url="https://example.com/groupy")
    assert (bot.name, bot.group_id, bot.callback_url) == (
        "GroupyBot",
        group.group_id,
        "https://example.com/groupy",
    )
    assert bot in client.bots.list()

    assert bot.post("hello from GroupyAPI")
    assert client.bots.post(bot.bot_id, "and again")
    newest = [m.data for m in group.messages.list(limit=2)]
    assert [m["text"] for m in newest] == ["and again", "hello from GroupyAPI"]
    assert {(m["sender_type"], m["name"]) for m in newest} == {("bot", "GroupyBot")}

    assert bot.destroy()
    assert bot not in client.bots.list()
