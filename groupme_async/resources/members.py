"""``/groups/:id/members``: who is in a group, adding and removing people, join requests."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Literal

import attrs

from .._routes import (
    MEMBERS_ADD,
    MEMBERS_APPROVAL,
    MEMBERS_BAN,
    MEMBERS_LIST,
    MEMBERS_NICKNAME,
    MEMBERS_PENDING,
    MEMBERS_REMOVE,
    MEMBERS_RESULTS,
)
from ..errors import APITimeoutError, MembersResultsExpiredError, NotFoundError, ResponseDecodeError
from ..models import ApprovalResult, Member, MemberAddResult, NewMember, PendingMember
from ._base import Resource

#: Polling ``members/results``: GroupMe answers 503 until the adds are done
#: (usually seconds).  The call's deadline bounds the polling, not a count.
POLL_ATTEMPTS = 10**6
POLL_BASE_DELAY = 0.5
POLL_MAX_DELAY = 5.0


def _checked(members: object) -> list[NewMember]:
    if isinstance(members, str | bytes | NewMember) or not isinstance(members, Sequence):
        raise TypeError("members must be a list of NewMember")
    checked = list(members)
    if not checked:
        raise ValueError("give at least one NewMember")
    for member in checked:
        if not isinstance(member, NewMember):
            raise TypeError(f"members must be NewMember objects, got {type(member).__name__}")
    guids = [m.guid for m in checked]
    if len(set(guids)) != len(guids):
        raise ValueError("each NewMember needs its own guid")
    return checked


def _body(member: NewMember) -> dict[str, Any]:
    return {k: v for k, v in member.to_dict().items() if v is not None}


def _nickname(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 50:
        raise ValueError(f"nickname must be 1 to 50 characters, got {value!r}")
    return value


class Members(Resource):
    """Group members (``/groups/:id/members``, join requests, nicknames)."""

    __slots__ = ()

    async def list(
        self, group_id: str, filter: Literal["active", "inactive"] = "active"
    ) -> list[Member]:
        """Current (``active``) or former (``inactive``) members.

        Only the group's owner and admins may list them; GroupMe answers
        anyone else 401 (:class:`~groupme_async.AuthenticationError`).
        ``gm.groups.get(group_id).members`` works for every member.
        """
        if filter not in ("active", "inactive"):
            raise ValueError(f"filter must be 'active' or 'inactive', got {filter!r}")
        route = MEMBERS_LIST.bind(group_id=group_id)
        return await self._r.call(route, params={"filter": filter})

    async def add(
        self, group_id: str, members: Sequence[NewMember]
    ) -> builtins.list[MemberAddResult]:
        """Add people to a group and wait for the outcome: one result per
        :class:`~groupme_async.NewMember`, in order.

        GroupMe queues the adds (202 with a results id); the results are
        polled until ready (503 means not yet), with backoff, within the
        client's deadline for the whole call.  A person GroupMe did not add,
        or only invited, has ``member=None``.  Results are kept for one hour:
        a 404 while polling raises
        :class:`~groupme_async.MembersResultsExpiredError`.

        GroupMe now asks for device attestation here: a token from a
        third-party app may be refused.  The request is not retried once it
        may have reached GroupMe (it has no idempotency key).
        """
        checked = _checked(members)
        add = MEMBERS_ADD.bind(group_id=group_id)
        clock = self._r.clock
        started = clock()
        results_id = await self._r.call(
            add, json={"members": [_body(m) for m in checked]}, at_most_once=True
        )
        try:
            results = MEMBERS_RESULTS.bind(group_id=group_id, results_id=results_id)
        except ValueError:
            raise ResponseDecodeError(add.route.label, "results_id is not an id") from None
        policy = self._r.retry
        remaining = policy.deadline - (clock() - started)
        if remaining <= 0:
            raise APITimeoutError(f"{add.route.label}: the call's deadline passed")
        poll = attrs.evolve(
            policy,
            max_attempts=POLL_ATTEMPTS,
            base_delay=POLL_BASE_DELAY,
            max_delay=POLL_MAX_DELAY,
            deadline=remaining,
        )
        try:
            made = await self._r.call(results, retry=poll, pending_status=503)
        except NotFoundError as exc:
            raise MembersResultsExpiredError(
                exc.status_code, exc.errors, endpoint=exc.endpoint
            ) from exc
        return [MemberAddResult(request=m, member=made.get(m.guid)) for m in checked]

    async def remove(self, group_id: str, membership_id: str) -> None:
        """Remove a member (or yourself: you leave the group) by membership
        id (:attr:`Member.id`, not the user id).  The creator cannot leave."""
        await self._r.call(MEMBERS_REMOVE.bind(group_id=group_id, membership_id=membership_id))

    async def ban(self, group_id: str, membership_id: str) -> None:
        """Stop a former member from coming back (v2 membership destroy);
        current members cannot be banned."""
        await self._r.call(MEMBERS_BAN.bind(group_id=group_id, membership_id=membership_id))

    async def pending(self, group_id: str) -> builtins.list[PendingMember]:
        """Requests to join that no admin has answered (groups with
        ``requires_approval``)."""
        return await self._r.call(MEMBERS_PENDING.bind(group_id=group_id))

    async def approve(self, group_id: str, membership_id: str) -> ApprovalResult:
        """Let a pending request in (admins only; others get 401)."""
        return await self._approval(group_id, membership_id, True)

    async def deny(self, group_id: str, membership_id: str) -> ApprovalResult:
        """Turn a pending request down (admins only; others get 401)."""
        return await self._approval(group_id, membership_id, False)

    async def _approval(self, group_id: str, membership_id: str, approval: bool) -> ApprovalResult:
        route = MEMBERS_APPROVAL.bind(group_id=group_id, membership_id=membership_id)
        return await self._r.call(route, json={"approval": approval})

    async def update_nickname(self, group_id: str, nickname: str) -> Member:
        """Your nickname in a group (1 to 50 characters)."""
        body = {"membership": {"nickname": _nickname(nickname)}}
        return await self._r.call(MEMBERS_NICKNAME.bind(group_id=group_id), json=body)
