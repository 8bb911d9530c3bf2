"""``/blocks``: who may not DM you."""

from __future__ import annotations

from .._convert import structure, structure_list
from .._envelope import NO_CONTENT, expect_dict
from .._ids import check_id
from ..errors import ResponseDecodeError
from ..models import Block
from ._base import Resource


def _pair(user_id: str, other_user_id: str) -> dict[str, str | int]:
    return {
        "user": check_id(user_id, "user_id"),
        "otherUser": check_id(other_user_id, "other_user_id"),
    }


class Blocks(Resource):
    __slots__ = ()

    async def list(self, user_id: str) -> list[Block]:
        """The blocks ``user_id`` (you) has made."""
        endpoint = "GET /blocks"
        data = await self._t.request(
            "GET", "v3", "/blocks", endpoint=endpoint, params={"user": check_id(user_id, "user_id")}
        )
        if data is NO_CONTENT:
            return []
        return structure_list(expect_dict(data, endpoint, "blocks"), Block, endpoint)

    async def between(self, user_id: str, other_user_id: str) -> bool:
        """Whether a block exists between the two users."""
        endpoint = "GET /blocks/between"
        data = await self._t.request(
            "GET", "v3", "/blocks/between", endpoint=endpoint, params=_pair(user_id, other_user_id)
        )
        value = expect_dict(data, endpoint, "between")
        if not isinstance(value, bool):
            raise ResponseDecodeError(endpoint, "'between' is not a boolean")
        return value

    async def create(self, user_id: str, other_user_id: str) -> Block:
        """Block ``other_user_id``."""
        endpoint = "POST /blocks"
        data = await self._t.request(
            "POST", "v3", "/blocks", endpoint=endpoint, params=_pair(user_id, other_user_id)
        )
        return structure(expect_dict(data, endpoint, "block"), Block, endpoint)

    async def delete(self, user_id: str, other_user_id: str, *, via_post: bool = False) -> None:
        """Unblock ``other_user_id``.

        ``via_post=True`` uses the ``POST /blocks/delete`` alias, for networks
        that refuse ``DELETE``.
        """
        params = _pair(user_id, other_user_id)
        if via_post:
            await self._t.request(
                "POST", "v3", "/blocks/delete", endpoint="POST /blocks/delete", params=params
            )
        else:
            await self._t.request(
                "DELETE", "v3", "/blocks", endpoint="DELETE /blocks", params=params
            )
