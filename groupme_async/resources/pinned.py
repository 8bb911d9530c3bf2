"""v4 ``/pinned_conversations``."""

from __future__ import annotations

from collections.abc import Sequence

from .._ids import check_conversation_id
from .._routes import PINNED_LIST, PINNED_SET
from ._base import Resource, check_id_list


class PinnedConversations(Resource):
    """v4 pinned conversations."""

    __slots__ = ()

    async def list(self) -> list[str]:
        """Ids of the pinned groups and DM chats (left groups included)."""
        return await self._r.call(PINNED_LIST)

    async def set(self, ids: Sequence[str]) -> None:
        """Replace the pinned list: ids not given are unpinned."""
        checked = [
            check_conversation_id(i, "pinned conversation id") for i in check_id_list(ids, "ids")
        ]
        await self._r.call(PINNED_SET, json={"pinned_conversation_ids": checked})
