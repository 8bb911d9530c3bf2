"""v4 ``/pinned_conversations``."""

from __future__ import annotations

from collections.abc import Sequence

from .._envelope import expect_dict
from .._ids import check_conversation_id
from ..errors import ResponseDecodeError
from ._base import Resource

_ENDPOINT = "v4 /pinned_conversations"


class PinnedConversations(Resource):
    __slots__ = ()

    async def list(self) -> list[str]:
        """Ids of the pinned groups and DM chats (left groups included)."""
        data = await self._t.request("GET", "v4", "/pinned_conversations", endpoint=_ENDPOINT)
        ids = expect_dict(data, _ENDPOINT, "pinned_conversation_ids")
        if not isinstance(ids, list):
            raise ResponseDecodeError(_ENDPOINT, "pinned_conversation_ids is not a list")
        return [str(i) for i in ids]

    async def set(self, ids: Sequence[str]) -> None:
        """Replace the pinned list: ids not given are unpinned."""
        if isinstance(ids, str):
            raise ValueError("ids must be a list of conversation ids, not one string")
        checked = [check_conversation_id(i, "pinned conversation id") for i in ids]
        await self._t.request(
            "PUT",
            "v4",
            "/pinned_conversations",
            endpoint=_ENDPOINT,
            json={"pinned_conversation_ids": checked},
        )
