"""``/groups``: listing and showing the groups you belong to."""

from __future__ import annotations

from collections.abc import AsyncIterator

from .._convert import structure, structure_list
from .._envelope import expect_list
from .._ids import check_id
from .._pagination import walk_pages
from ..models import Group
from ._base import Resource, check_page


class Groups(Resource):
    __slots__ = ()

    async def list(
        self, page: int = 1, per_page: int = 10, omit_memberships: bool = False
    ) -> list[Group]:
        """One page of your groups, most recently active first."""
        check_page(page, per_page)
        params: dict[str, str | int] = {"page": page, "per_page": per_page}
        if omit_memberships:
            params["omit"] = "memberships"
        data = await self._t.request("GET", "v3", "/groups", endpoint="GET /groups", params=params)
        return structure_list(expect_list(data, "GET /groups"), Group, "GET /groups")

    def iter(self, per_page: int = 10, omit_memberships: bool = False) -> AsyncIterator[Group]:
        """Every group, each once, until an empty page."""
        check_page(1, per_page)
        return walk_pages(
            lambda page: self.list(page, per_page, omit_memberships), key=lambda g: g.id
        )

    async def get(self, group_id: str) -> Group:
        """One group, with its members."""
        gid = check_id(group_id, "group_id")
        data = await self._t.request("GET", "v3", f"/groups/{gid}", endpoint="GET /groups/:id")
        return structure(data, Group, "GET /groups/:id")
