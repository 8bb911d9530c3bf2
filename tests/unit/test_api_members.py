"""gm.members: every call's request and answer; add's polling, expiry and deadline."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from groupme_async import (
    APITimeoutError,
    ApprovalResult,
    AsyncGroupMe,
    Member,
    MembersResultsExpiredError,
    NewMember,
    NotFoundError,
    PendingMember,
    ResponseDecodeError,
    RetryPolicy,
    ServerError,
)

from ..clock import VirtualClock
from . import api_examples as ex
from .api_cases import WHERE, Case, check_case, sends_nothing
from .conftest import SleepRecorder, fail, ok

GID = ex.GROUP_ID
V3 = "https://api.groupme.com/v3"
ADD = f"{V3}/groups/{GID}/members/add"
RESULTS = f"{V3}/groups/{GID}/members/results/f392a4802e01013e"

CALLS = [
    Case(
        "GET /groups/:id/members",
        lambda gm: gm.members.list(GID),
        "GET",
        "v3",
        f"/groups/{GID}/members",
        {"filter": "active"},
        response=ex.MEMBERS_INDEX,
        check=lambda r: (
            [(m.id, m.user_id, m.roles) for m in r]
            == [("24681012", "30000001", ("owner", "admin")), ("1357911131", "30000002", ("user",))]
            and all(isinstance(m, Member) for m in r)
        ),
    ),
    Case(
        "GET /groups/:id/members inactive",
        lambda gm: gm.members.list(GID, filter="inactive"),
        "GET",
        "v3",
        f"/groups/{GID}/members",
        {"filter": "inactive"},
        response={"memberships": []},
        check=lambda r: r == [],
    ),
    Case(
        "POST /groups/:id/members/:membership_id/remove",
        lambda gm: gm.members.remove(GID, "24681012"),
        "POST",
        "v3",
        f"/groups/{GID}/members/24681012/remove",
    ),
    Case(
        "POST v2 /groups/:id/memberships/:membership_id/destroy",
        lambda gm: gm.members.ban(GID, "24681012"),
        "POST",
        "v2",
        f"/groups/{GID}/memberships/24681012/destroy",
    ),
    Case(
        "GET /groups/:id/pending_memberships",
        lambda gm: gm.members.pending(GID),
        "GET",
        "v3",
        f"/groups/{GID}/pending_memberships",
        response=ex.PENDING,
        check=lambda r: (
            isinstance(r[0], PendingMember)
            and r[0].id == "1075936468"
            and r[0].reason is not None
            and r[0].reason["answer"]["response"] == "Board games!"
        ),
    ),
    Case(
        "POST /groups/:id/members/:membership_id/approval approve",
        lambda gm: gm.members.approve(GID, "1075936468"),
        "POST",
        "v3",
        f"/groups/{GID}/members/1075936468/approval",
        body={"approval": True},
        response=ex.APPROVED,
        check=lambda r: r == ApprovalResult(membership_id="1075936468", state="active"),
    ),
    Case(
        "POST /groups/:id/members/:membership_id/approval deny",
        lambda gm: gm.members.deny(GID, "1075936468"),
        "POST",
        "v3",
        f"/groups/{GID}/members/1075936468/approval",
        body={"approval": False},
        response=ex.DENIED,
        check=lambda r: r.state == "denied",
    ),
    Case(
        "POST /groups/:id/memberships/update",
        lambda gm: gm.members.update_nickname(GID, "Captain Ada"),
        "POST",
        "v3",
        f"/groups/{GID}/memberships/update",
        body={"membership": {"nickname": "Captain Ada"}},
        response=ex.NICKNAME,
        check=lambda r: isinstance(r, Member) and r.nickname == "Captain Ada",
    ),
]


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("case", CALLS, ids=[c.name for c in CALLS])
async def test_call(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    await check_case(case, where, make_client)


PEOPLE = [
    NewMember(nickname="Mom", user_id="30000010", guid="GUID-1"),
    NewMember(nickname="Dad", phone_number="+1 2123001234", guid="GUID-2"),
    NewMember(nickname="Jane", email="jane@example.com", guid="GUID-3"),
]


async def test_add_polls_until_ready_and_pairs_results_by_guid(
    gm: AsyncGroupMe, sleeps: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="groupme_async")
    with respx.mock(assert_all_called=True) as mock:
        add = mock.post(ADD).mock(return_value=ok({"results_id": "f392a4802e01013e"}, 202))
        results = mock.get(RESULTS).mock(
            side_effect=[
                httpx.Response(503, text="Results aren't ready. Try again in a little bit."),
                fail(503),
                ok(ex.results_for("GUID-3", "GUID-1")),
            ]
        )
        outcome = await gm.members.add(GID, PEOPLE)
    assert add.call_count == 1 and results.call_count == 3
    assert json.loads(add.calls.last.request.content) == {
        "members": [
            {"nickname": "Mom", "user_id": "30000010", "guid": "GUID-1"},
            {"nickname": "Dad", "phone_number": "+1 2123001234", "guid": "GUID-2"},
            {"nickname": "Jane", "email": "jane@example.com", "guid": "GUID-3"},
        ]
    }
    assert [r.request for r in outcome] == PEOPLE
    assert [r.added for r in outcome] == [True, False, True]
    assert outcome[0].member is not None and outcome[0].member.id == "1001"
    assert outcome[2].member is not None and outcome[2].member.user_id == "30000010"
    # Two not-ready answers, two backoff waits, none longer than the poll's cap.
    assert len(sleeps.delays) == 2 and all(0 <= d <= 5.0 for d in sleeps.delays)
    # Waiting for results is expected, not a failure worth a warning.
    polls = [r for r in caplog.records if "not ready yet" in r.getMessage()]
    assert len(polls) == 2 and all(r.levelno == logging.DEBUG for r in polls)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_add_makes_a_guid_for_each_member() -> None:
    first, second = NewMember(nickname="A", user_id="1"), NewMember(nickname="B", user_id="2")
    assert first.guid != second.guid
    uuid.UUID(first.guid)


async def test_expired_results_are_a_typed_not_found(gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.post(ADD).mock(return_value=ok({"results_id": "f392a4802e01013e"}, 202))
        mock.get(RESULTS).mock(return_value=fail(404, ["Results are no longer available"]))
        with pytest.raises(MembersResultsExpiredError) as caught:
            await gm.members.add(GID, PEOPLE[:1])
    assert isinstance(caught.value, NotFoundError) and caught.value.status_code == 404


async def test_polling_stops_at_the_calls_deadline(
    make_client: Callable[..., AsyncGroupMe],
) -> None:
    clock = VirtualClock()
    policy = RetryPolicy(deadline=30.0)
    async with make_client(retry=policy, sleep=clock.sleep, clock=clock) as gm:
        with respx.mock(assert_all_called=True) as mock:
            mock.post(ADD).mock(return_value=ok({"results_id": "f392a4802e01013e"}, 202))
            results = mock.get(RESULTS).mock(return_value=fail(503))
            with pytest.raises(APITimeoutError, match="deadline"):
                await gm.members.add(GID, PEOPLE[:1])
    # It kept polling well past the client's 5 attempts, and stopped in time.
    assert results.call_count > 5
    assert clock.now - 1000.0 <= 30.0


async def test_a_lost_add_is_not_sent_again(gm: AsyncGroupMe) -> None:
    # No idempotency key: after a 5xx the adds may be queued already.
    with respx.mock(assert_all_called=True) as mock:
        add = mock.post(ADD).mock(return_value=fail(500))
        with pytest.raises(ServerError):
            await gm.members.add(GID, PEOPLE[:1])
    assert add.call_count == 1


async def test_a_results_id_that_is_not_an_id_is_a_decode_error(gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.post(ADD).mock(return_value=ok({"results_id": "../../users/me"}, 202))
        with pytest.raises(ResponseDecodeError, match="results_id"):
            await gm.members.add(GID, PEOPLE[:1])


@pytest.mark.parametrize(
    "make",
    [
        lambda: NewMember(nickname="A"),
        lambda: NewMember(nickname="A", user_id="1", email="a@example.com"),
        lambda: NewMember(nickname="", user_id="1"),
        lambda: NewMember(nickname="x" * 51, user_id="1"),
        lambda: NewMember(nickname="A", user_id="12a"),
        lambda: NewMember(nickname="A", email=""),
        lambda: NewMember(nickname="A", user_id="1", guid=""),
    ],
)
def test_a_bad_new_member_is_refused_when_made(make: Callable[[], NewMember]) -> None:
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda gm: gm.members.add(GID, []), ValueError),
        (lambda gm: gm.members.add(GID, [PEOPLE[0], PEOPLE[0]]), ValueError),
        (lambda gm: gm.members.add(GID, PEOPLE[0]), TypeError),
        (lambda gm: gm.members.add(GID, [{"nickname": "A", "user_id": "1"}]), TypeError),
        (lambda gm: gm.members.add("1/2", PEOPLE), ValueError),
        (lambda gm: gm.members.list(GID, filter="all"), ValueError),
        (lambda gm: gm.members.remove(GID, "abc"), ValueError),
        (lambda gm: gm.members.approve(GID, "../1"), ValueError),
        (lambda gm: gm.members.update_nickname(GID, ""), ValueError),
        (lambda gm: gm.members.update_nickname(GID, "n" * 51), ValueError),
    ],
)
async def test_bad_input_is_refused_before_sending(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], error: type[Exception], gm: AsyncGroupMe
) -> None:
    await sends_nothing(call, gm, error)
