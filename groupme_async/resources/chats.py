"""``/chats``: the direct-message conversations."""

from __future__ import annotations

from collections.abc import AsyncIterator

from .._convert import structure, structure_list
from .._envelope import expect_list
from .._ids import check_chat_id
from .._pagination import walk_pages
from ..models import Chat
from ._base import Resource, check_page


class Chats(Resource):
    __slots__ = ()

    async def list(self, page: int = 1, per_page: int = 20) -> list[Chat]:
        """One page of DM chats, most recently active first."""
        check_page(page, per_page)
        data = await self._t.request(
            "GET",
            "v3",
            "/chats",
            endpoint="GET /chats",
            params={"page": page, "per_page": per_page},
        )
        return structure_list(expect_list(data, "GET /chats"), Chat, "GET /chats")

    def iter(self, per_page: int = 20) -> AsyncIterator[Chat]:
        """Every DM chat, each once, until an empty page."""
        check_page(1, per_page)
        return walk_pages(lambda page: self.list(page, per_page), key=lambda c: c.other_user.id)

    async def get(self, chat_id: str) -> Chat:
        """One chat by its ``"<user id>+<user id>"`` id."""
        cid = check_chat_id(chat_id)
        data = await self._t.request("GET", "v3", f"/chats/{cid}", endpoint="GET /chats/:chat_id")
        return structure(data, Chat, "GET /chats/:chat_id")
