"""``/groups``: the groups you belong to, and making, changing and leaving them."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from .._ids import check_id
from .._pagination import AsyncPaginator, identity, walk_pages
from .._routes import (
    GROUPS_CHANGE_OWNERS,
    GROUPS_CREATE,
    GROUPS_DESTROY,
    GROUPS_FORMER,
    GROUPS_GET,
    GROUPS_JOIN,
    GROUPS_LIST,
    GROUPS_MUTE,
    GROUPS_MUTE_ALL,
    GROUPS_REJOIN,
    GROUPS_UNMUTE,
    GROUPS_UNMUTE_ALL,
    GROUPS_UPDATE,
    MEMBERSHIPS_STATES,
)
from ..models import Group, GroupMembershipState, MyMembership, OwnerChangeResult
from ._base import Resource, check_page

MAX_NAME = 140
MAX_DESCRIPTION = 255


def _text(value: object, name: str, limit: int, *, empty_ok: bool) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    if len(value) > limit:
        raise ValueError(f"{name} is {len(value)} characters; GroupMe allows {limit}")
    if not empty_ok and not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def _minutes(duration: object) -> int | None:
    if duration is None:
        return None
    if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
        raise ValueError(
            f"duration must be a whole number of minutes >= 1, or None, got {duration!r}"
        )
    return duration


class Groups(Resource):
    """Groups (``/groups``)."""

    __slots__ = ()

    async def list(
        self, page: int = 1, per_page: int = 10, omit_memberships: bool = False
    ) -> list[Group]:
        """One page of your groups, most recently active first."""
        check_page(page, per_page)
        params: dict[str, str | int] = {"page": page, "per_page": per_page}
        if omit_memberships:
            params["omit"] = "memberships"
        return await self._r.call(GROUPS_LIST, params=params)

    def iter(
        self, per_page: int = 10, omit_memberships: bool = False, *, max_items: int | None = None
    ) -> AsyncPaginator[Group]:
        """Every group, each once, until an empty page."""
        check_page(1, per_page)
        pages = walk_pages(
            lambda page: self.list(page, per_page, omit_memberships),
            key=lambda g: g.id,
            endpoint=GROUPS_LIST.label,
        )
        return AsyncPaginator(pages, identity, max_items=max_items)

    async def get(self, group_id: str) -> Group:
        """One group, with its members."""
        return await self._r.call(GROUPS_GET.bind(group_id=group_id))

    async def former(self) -> builtins.list[Group]:
        """The groups you left and may rejoin (:meth:`rejoin`)."""
        return await self._r.call(GROUPS_FORMER)

    async def memberships_states(self) -> builtins.list[GroupMembershipState]:
        """Every group you have ever been in, and your state in each
        (``active``, ``exited``, ``removed``, ``exited_removed``): one
        unpaginated answer, the cheapest way to learn every group id."""
        return await self._r.call(MEMBERSHIPS_STATES)

    async def create(
        self,
        name: str,
        *,
        description: str | None = None,
        image_url: str | None = None,
        share: bool = False,
    ) -> Group:
        """Create a group you own; ``share=True`` makes a share URL anyone
        can join with.

        GroupMe now asks for device attestation here: a token from a
        third-party app may be refused (an :class:`~groupme_async.APIError`).
        ``name`` (1 to 140 characters) and ``description`` (at most 255)
        are checked before anything is sent.
        """
        body: dict[str, Any] = {"name": _text(name, "name", MAX_NAME, empty_ok=False)}
        if description is not None:
            body["description"] = _text(description, "description", MAX_DESCRIPTION, empty_ok=True)
        if image_url is not None:
            body["image_url"] = _text(image_url, "image_url", 2048, empty_ok=False)
        body["share"] = _flag(share, "share")
        return await self._r.call(GROUPS_CREATE, json=body)

    async def update(
        self,
        group_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        image_url: str | None = None,
        share: bool | None = None,
        office_mode: bool | None = None,
        requires_approval: bool | None = None,
    ) -> Group:
        """Change a group's settings; only the ones given are sent.

        ``share=True`` makes a share URL, ``False`` removes it;
        ``office_mode`` silences notifications; ``requires_approval`` makes
        joins wait for an admin (see ``gm.members.pending``).  GroupMe has
        been reported to refuse an update without ``name``; pass the current
        name if it does.
        """
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = _text(name, "name", MAX_NAME, empty_ok=False)
        if description is not None:
            body["description"] = _text(description, "description", MAX_DESCRIPTION, empty_ok=True)
        if image_url is not None:
            body["image_url"] = _text(image_url, "image_url", 2048, empty_ok=False)
        for key, value in (
            ("share", share),
            ("office_mode", office_mode),
            ("requires_approval", requires_approval),
        ):
            if value is not None:
                body[key] = _flag(value, key)
        if not body:
            raise ValueError("give at least one setting to change")
        return await self._r.call(GROUPS_UPDATE.bind(group_id=group_id), json=body)

    async def destroy(self, group_id: str) -> None:
        """Disband a group (only its owner may)."""
        await self._r.call(GROUPS_DESTROY.bind(group_id=group_id))

    async def join(self, group_id: str, share_token: str) -> Group:
        """Join a group with the token from its share URL
        (``https://groupme.com/join_group/<group_id>/<share_token>``)."""
        return await self._r.call(GROUPS_JOIN.bind(group_id=group_id, share_token=share_token))

    async def rejoin(self, group_id: str) -> Group:
        """Rejoin a group you left yourself (one of :meth:`former`)."""
        return await self._r.call(GROUPS_REJOIN, json={"group_id": check_id(group_id, "group_id")})

    async def change_owners(
        self, requests: Sequence[tuple[str, str]]
    ) -> builtins.list[OwnerChangeResult]:
        """Hand groups you own to other members: ``[(group_id, new_owner_user_id), ...]``.

        GroupMe answers each request with its own status; a refused request
        is an :class:`~groupme_async.OwnerChangeResult` with ``ok == False``
        and a ``reason``, never an exception, so one bad request does not
        hide the others' outcome.
        """
        if isinstance(requests, str | bytes) or not isinstance(requests, Sequence):
            raise TypeError("requests must be a list of (group_id, owner_id) pairs")
        body = []
        for pair in requests:
            if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
                raise TypeError(f"each request must be a (group_id, owner_id) pair, got {pair!r}")
            group_id, owner_id = pair
            body.append(
                {
                    "group_id": check_id(group_id, "group_id"),
                    "owner_id": check_id(owner_id, "owner_id"),
                }
            )
        if not body:
            raise ValueError("give at least one (group_id, owner_id) pair")
        return await self._r.call(GROUPS_CHANGE_OWNERS, json={"requests": body})

    async def mute(self, group_id: str, duration: int | None = None) -> MyMembership:
        """Silence the group's main chat for ``duration`` minutes, or until
        :meth:`unmute` when ``None`` (v2).  Mentions and replies still notify."""
        body = {"duration": _minutes(duration)}
        return await self._r.call(GROUPS_MUTE.bind(group_id=group_id), json=body)

    async def unmute(self, group_id: str) -> MyMembership:
        """Undo :meth:`mute` (v2)."""
        return await self._r.call(GROUPS_UNMUTE.bind(group_id=group_id))

    async def mute_all(self, group_id: str, duration: int | None = None) -> MyMembership:
        """Silence the main chat and every topic for ``duration`` minutes, or
        until :meth:`unmute_all` when ``None``."""
        body = {"duration": _minutes(duration)}
        return await self._r.call(GROUPS_MUTE_ALL.bind(group_id=group_id), json=body)

    async def unmute_all(self, group_id: str) -> MyMembership:
        """Undo :meth:`mute_all`."""
        return await self._r.call(GROUPS_UNMUTE_ALL.bind(group_id=group_id))
