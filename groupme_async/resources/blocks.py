"""``/blocks``: who may not DM you."""

from __future__ import annotations

from .._ids import check_id
from .._routes import (
    BLOCKS_BETWEEN,
    BLOCKS_CREATE,
    BLOCKS_DELETE,
    BLOCKS_DELETE_VIA_POST,
    BLOCKS_LIST,
)
from ..models import Block
from ._base import Resource


def _pair(user_id: object, other_user_id: object) -> dict[str, str | int]:
    return {
        "user": check_id(user_id, "user_id"),
        "otherUser": check_id(other_user_id, "other_user_id"),
    }


class Blocks(Resource):
    """Blocks (``/blocks``)."""

    __slots__ = ()

    async def list(self, user_id: str) -> list[Block]:
        """The blocks ``user_id`` (you) has made."""
        return await self._r.call(BLOCKS_LIST, params={"user": check_id(user_id, "user_id")})

    async def between(self, user_id: str, other_user_id: str) -> bool:
        """Whether a block exists between the two users."""
        return await self._r.call(BLOCKS_BETWEEN, params=_pair(user_id, other_user_id))

    async def create(self, user_id: str, other_user_id: str) -> Block:
        """Block ``other_user_id``."""
        return await self._r.call(BLOCKS_CREATE, params=_pair(user_id, other_user_id))

    async def delete(self, user_id: str, other_user_id: str, *, via_post: bool = False) -> None:
        """Unblock ``other_user_id``.

        ``via_post=True`` uses the ``POST /blocks/delete`` alias, for networks
        that refuse ``DELETE``.
        """
        route = BLOCKS_DELETE_VIA_POST if via_post else BLOCKS_DELETE
        await self._r.call(route, params=_pair(user_id, other_user_id))
