"""``/groups``: listing and showing the groups you belong to."""

from __future__ import annotations

from .._pagination import AsyncPaginator, identity, walk_pages
from .._routes import GROUPS_GET, GROUPS_LIST
from ..models import Group
from ._base import Resource, check_page


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
