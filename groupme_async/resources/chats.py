"""``/chats``: the direct-message conversations."""

from __future__ import annotations

import attrs

from .._ids import chat_id
from .._pagination import AsyncPaginator, identity, walk_pages
from .._routes import CHATS_DELETE, CHATS_GET, CHATS_LIST, USERS_ME
from ..models import Chat
from ._base import Resource, check_page


class Chats(Resource):
    """DM chats (``/chats``)."""

    __slots__ = ()

    async def list(self, page: int = 1, per_page: int = 20) -> list[Chat]:
        """One page of DM chats, most recently active first."""
        check_page(page, per_page)
        chats = await self._r.call(CHATS_LIST, params={"page": page, "per_page": per_page})
        if all(c.id for c in chats):
            return chats
        # A chat without a last message names only the other user: the id
        # needs yours too.
        me = (await self._r.call(USERS_ME)).id
        return [c if c.id else attrs.evolve(c, id=chat_id(me, c.other_user.id)) for c in chats]

    def iter(self, per_page: int = 20, *, max_items: int | None = None) -> AsyncPaginator[Chat]:
        """Every DM chat, each once, until an empty page."""
        check_page(1, per_page)
        pages = walk_pages(
            lambda page: self.list(page, per_page), key=lambda c: c.id, endpoint=CHATS_LIST.label
        )
        return AsyncPaginator(pages, identity, max_items=max_items)

    async def get(self, chat_id: str) -> Chat:
        """One chat by its ``"<user id>+<user id>"`` id (:attr:`Chat.id`)."""
        bound = CHATS_GET.bind(chat_id=chat_id)
        chat = await self._r.call(bound)
        return chat if chat.id else attrs.evolve(chat, id=bound.path.rsplit("/", 1)[1])

    async def delete(self, chat_id: str) -> None:
        """Delete a DM chat (by :attr:`Chat.id`) from your chat list."""
        await self._r.call(CHATS_DELETE.bind(chat_id=chat_id))
