"""gm.groups beyond the seeds: every call's request and decoded answer, and bad input refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from groupme_async import (
    AsyncGroupMe,
    Group,
    GroupMembershipState,
    MyMembership,
    OwnerChangeResult,
)

from . import api_examples as ex
from .api_cases import WHERE, Case, check_case, sends_nothing
from .seed_examples import GROUP

GID = ex.GROUP_ID


def _group(result: Any) -> bool:
    return isinstance(result, Group) and result.id == GID and result.members[0].id == "42"


CALLS = [
    Case(
        "GET /groups/former",
        lambda gm: gm.groups.former(),
        "GET",
        "v3",
        "/groups/former",
        response=[GROUP],
        check=lambda r: len(r) == 1 and _group(r[0]),
    ),
    Case(
        "GET /memberships/states",
        lambda gm: gm.groups.memberships_states(),
        "GET",
        "v3",
        "/memberships/states",
        response=ex.MEMBERSHIP_STATES,
        check=lambda r: (
            [(s.group_id, s.state) for s in r]
            == [
                ("107702077", "active"),
                ("106666358", "exited"),
                ("102270238", "removed"),
                ("91620876", "exited_removed"),
            ]
            and all(isinstance(s, GroupMembershipState) for s in r)
        ),
    ),
    Case(
        "POST /groups",
        lambda gm: gm.groups.create(
            "Family", description="Coolest Family Ever", image_url="https://i.groupme.com/1"
        ),
        "POST",
        "v3",
        "/groups",
        body={
            "name": "Family",
            "description": "Coolest Family Ever",
            "image_url": "https://i.groupme.com/1",
            "share": False,
        },
        status=201,
        response=GROUP,
        check=_group,
    ),
    Case(
        "POST /groups shared",
        lambda gm: gm.groups.create("Family", share=True),
        "POST",
        "v3",
        "/groups",
        body={"name": "Family", "share": True},
        status=201,
        response=GROUP,
        check=_group,
    ),
    Case(
        "POST /groups/:id/update",
        lambda gm: gm.groups.update(
            GID, name="Kin", description="", share=True, office_mode=False, requires_approval=True
        ),
        "POST",
        "v3",
        f"/groups/{GID}/update",
        body={
            "name": "Kin",
            "description": "",
            "share": True,
            "office_mode": False,
            "requires_approval": True,
        },
        response=GROUP,
        check=_group,
    ),
    Case(
        "POST /groups/:id/destroy",
        lambda gm: gm.groups.destroy(GID),
        "POST",
        "v3",
        f"/groups/{GID}/destroy",
    ),
    Case(
        "POST /groups/:id/join/:share_token",
        lambda gm: gm.groups.join(GID, "Sh4re-T_k"),
        "POST",
        "v3",
        f"/groups/{GID}/join/Sh4re-T_k",
        response={"group": GROUP},
        check=_group,
    ),
    Case(
        "POST /groups/join",
        lambda gm: gm.groups.rejoin(GID),
        "POST",
        "v3",
        "/groups/join",
        body={"group_id": GID},
        response=GROUP,
        check=_group,
    ),
    Case(
        "POST /groups/change_owners",
        lambda gm: gm.groups.change_owners(
            [(GID, "30000002"), ("7654321", "30000003"), ("7654322", "30000004")]
        ),
        "POST",
        "v3",
        "/groups/change_owners",
        body={
            "requests": [
                {"group_id": GID, "owner_id": "30000002"},
                {"group_id": "7654321", "owner_id": "30000003"},
                {"group_id": "7654322", "owner_id": "30000004"},
            ]
        },
        response=ex.OWNER_RESULTS,
        check=lambda r: (
            [(x.status, x.ok) for x in r] == [(200, True), (403, False), (404, False)]
            and all(isinstance(x, OwnerChangeResult) for x in r)
            and r[1].reason == "you do not own the group"
        ),
    ),
    Case(
        "POST v2 /groups/:id/memberships/mute",
        lambda gm: gm.groups.mute(GID, 60),
        "POST",
        "v2",
        f"/groups/{GID}/memberships/mute",
        body={"duration": 60},
        response=ex.MUTE_V2,
        check=lambda r: (
            isinstance(r, MyMembership)
            and r.state == "muted"
            and r.muted_until == 253402300800
            and r.updated_at == datetime.fromtimestamp(1748664739, UTC)
        ),
    ),
    Case(
        "POST v2 /groups/:id/memberships/mute until unmuted",
        lambda gm: gm.groups.mute(GID),
        "POST",
        "v2",
        f"/groups/{GID}/memberships/mute",
        body={"duration": None},
        response=ex.MUTE_V2,
        check=lambda r: isinstance(r, MyMembership),
    ),
    Case(
        "POST v2 /groups/:id/memberships/unmute",
        lambda gm: gm.groups.unmute(GID),
        "POST",
        "v2",
        f"/groups/{GID}/memberships/unmute",
        response=ex.UNMUTE_V2,
        check=lambda r: r.state == "active" and r.muted_until is None,
    ),
    Case(
        "POST /groups/:id/memberships/mute_all",
        lambda gm: gm.groups.mute_all(GID, 5),
        "POST",
        "v3",
        f"/groups/{GID}/memberships/mute_all",
        body={"duration": 5},
        response=ex.MUTE_V3,
        check=lambda r: r.muted is True and r.muted_until == 1748668339 and r.id == "1080225494",
    ),
    Case(
        "POST /groups/:id/memberships/unmute_all",
        lambda gm: gm.groups.unmute_all(GID),
        "POST",
        "v3",
        f"/groups/{GID}/memberships/unmute_all",
        response={"membership": {**ex.MUTE_V3["membership"], "muted": False}},
        check=lambda r: r.muted is False,
    ),
]


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("case", CALLS, ids=[c.name for c in CALLS])
async def test_call(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    await check_case(case, where, make_client)


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.groups.create(""),
        lambda gm: gm.groups.create("   "),
        lambda gm: gm.groups.create("x" * 141),
        lambda gm: gm.groups.create("ok", description="d" * 256),
        lambda gm: gm.groups.create("ok", share="yes"),
        lambda gm: gm.groups.update("1"),
        lambda gm: gm.groups.update("1", name="x" * 141),
        lambda gm: gm.groups.update("1", office_mode=1),
        lambda gm: gm.groups.update("../1", name="x"),
        lambda gm: gm.groups.destroy("1/../2"),
        lambda gm: gm.groups.join("1", "tok/../en"),
        lambda gm: gm.groups.join("1", "tok.en"),
        lambda gm: gm.groups.join("1", ""),
        lambda gm: gm.groups.rejoin("abc"),
        lambda gm: gm.groups.change_owners([]),
        lambda gm: gm.groups.change_owners([("1", "x")]),
        lambda gm: gm.groups.mute("1", 0),
        lambda gm: gm.groups.mute("1", True),
        lambda gm: gm.groups.mute_all("1", 1.5),
    ],
)
async def test_bad_input_is_refused_before_sending(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    await sends_nothing(call, gm, ValueError)


@pytest.mark.parametrize(
    "requests",
    ["12", [("1", "2", "3")], ["12"], [{"group_id": "1", "owner_id": "2"}]],
)
async def test_change_owners_wants_pairs(requests: Any, gm: AsyncGroupMe) -> None:
    await sends_nothing(lambda gm: gm.groups.change_owners(requests), gm, TypeError)


def test_an_unknown_owner_change_status_is_kept_not_raised() -> None:
    result = OwnerChangeResult(group_id="1", owner_id="2", status=418)
    assert not result.ok and result.reason == "status 418"
