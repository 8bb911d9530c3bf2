"""``/groups/:id/subgroups``: a group's topics."""

from __future__ import annotations

from typing import Any

from .._pagination import AsyncPaginator, identity, walk_pages
from .._routes import (
    SUBGROUPS_CREATE,
    SUBGROUPS_DELETE,
    SUBGROUPS_GET,
    SUBGROUPS_LIST,
    SUBGROUPS_MUTE,
    SUBGROUPS_UNMUTE,
    SUBGROUPS_UPDATE,
)
from ..models import EmojiReaction, Member, Subgroup
from ._base import Resource, check_page
from ._checks import check_choice, check_label, check_optional

SUBGROUP_TYPES = ("private", "announcement")


class Subgroups(Resource):
    """Topics (subgroups) of a group (``/groups/:id/subgroups``)."""

    __slots__ = ()

    async def list(self, group_id: str, *, page: int = 1, per_page: int = 10) -> list[Subgroup]:
        """One page of the group's topics that you are in."""
        bound = SUBGROUPS_LIST.bind(group_id=group_id)
        check_page(page, per_page)
        return await self._r.call(bound, params={"page": page, "per_page": per_page})

    def iter(
        self, group_id: str, *, per_page: int = 10, max_items: int | None = None
    ) -> AsyncPaginator[Subgroup]:
        """Every topic of the group, each once, until an empty page."""
        SUBGROUPS_LIST.bind(group_id=group_id)
        check_page(1, per_page)
        pages = walk_pages(
            lambda page: self.list(group_id, page=page, per_page=per_page),
            key=lambda s: s.id,
            endpoint=SUBGROUPS_LIST.label,
        )
        return AsyncPaginator(pages, identity, max_items=max_items)

    async def get(self, group_id: str, subgroup_id: str) -> Subgroup:
        """One topic."""
        return await self._r.call(SUBGROUPS_GET.bind(group_id=group_id, subgroup_id=subgroup_id))

    async def create(
        self,
        group_id: str,
        topic: str,
        *,
        description: str | None = None,
        avatar_url: str | None = None,
        type: str = "private",
    ) -> Subgroup:
        """Create a topic (group admins only).

        ``type`` is ``private`` (anyone may post) or ``announcement`` (only
        admins post); ``avatar_url`` must come from the image service.
        """
        bound = SUBGROUPS_CREATE.bind(group_id=group_id)
        body: dict[str, Any] = {
            "topic": check_label(topic, "topic"),
            "group_type": check_choice(type, "type", SUBGROUP_TYPES),
        }
        for key, value in (("description", description), ("avatar_url", avatar_url)):
            if check_optional(value, key) is not None:
                body[key] = value
        return await self._r.call(bound, json=body)

    async def update(
        self,
        group_id: str,
        subgroup_id: str,
        *,
        topic: str | None = None,
        description: str | None = None,
        avatar_url: str | None = None,
        type: str | None = None,
        like_icon: EmojiReaction | None = None,
    ) -> Subgroup:
        """Change a topic; only the fields given change (``like_icon``: a
        PowerUp emoji shown instead of the heart)."""
        bound = SUBGROUPS_UPDATE.bind(group_id=group_id, subgroup_id=subgroup_id)
        body: dict[str, Any] = {}
        if topic is not None:
            body["topic"] = check_label(topic, "topic")
        if type is not None:
            body["group_type"] = check_choice(type, "type", SUBGROUP_TYPES)
        for key, value in (("description", description), ("avatar_url", avatar_url)):
            if check_optional(value, key) is not None:
                body[key] = value
        if like_icon is not None:
            if not isinstance(like_icon, EmojiReaction):
                raise TypeError("like_icon must be an EmojiReaction")
            body["like_icon"] = like_icon.to_dict()
        if not body:
            raise ValueError("nothing to update")
        return await self._r.call(bound, json=body)

    async def delete(self, group_id: str, subgroup_id: str) -> None:
        """Delete a topic."""
        await self._r.call(SUBGROUPS_DELETE.bind(group_id=group_id, subgroup_id=subgroup_id))

    async def mute(self, group_id: str, subgroup_id: str, duration: int | None = None) -> Member:
        """Silence a topic's notifications for ``duration`` minutes (``None``:
        until :meth:`unmute`); answers your membership of the group."""
        bound = SUBGROUPS_MUTE.bind(group_id=group_id, subgroup_id=subgroup_id)
        if duration is not None and (
            isinstance(duration, bool) or not isinstance(duration, int) or duration < 1
        ):
            raise ValueError(
                f"duration must be None or a positive number of minutes, got {duration!r}"
            )
        return await self._r.call(bound, json={"duration": duration})

    async def unmute(self, group_id: str, subgroup_id: str) -> Member:
        """Hear a topic's notifications again; answers your membership."""
        return await self._r.call(SUBGROUPS_UNMUTE.bind(group_id=group_id, subgroup_id=subgroup_id))
