"""v4 ``/relationships``: your contact book."""

from __future__ import annotations

from .._ids import check_id, check_share_token
from .._pagination import AsyncPaginator, identity, walk_time_cursor
from .._routes import CONTACTS_CREATE, CONTACTS_DELETE, CONTACTS_LIST
from ..models import Contact
from ._base import Resource


class Contacts(Resource):
    """Your contacts (v4 ``/relationships``)."""

    __slots__ = ()

    def iter(
        self, *, include_blocked: bool = False, max_items: int | None = None
    ) -> AsyncPaginator[Contact]:
        """Every contact, oldest first, each once.

        GroupMe picks the page size; each page continues from the time the
        last contact was made (``since``) until an empty page.  Blocked users
        are left out unless ``include_blocked``.
        """
        if not isinstance(include_blocked, bool):
            raise ValueError("include_blocked must be True or False")
        flag = "true" if include_blocked else "false"

        async def fetch(since: str | None) -> list[Contact]:
            params = (
                {"include_blocked": flag}
                if since is None
                else {
                    "include_blocked": flag,
                    "since": since,
                }
            )
            return await self._r.call(CONTACTS_LIST, params=params)

        pages = walk_time_cursor(
            fetch,
            lambda c: c.created_at_iso8601,
            lambda c: c.id,
            endpoint=CONTACTS_LIST.label,
        )
        return AsyncPaginator(pages, identity, max_items=max_items)

    async def create(self, user_id: str, share_token: str) -> None:
        """Add someone by their user id and the token from their share URL
        (``https://groupme.com/contact/<user_id>/<share_token>``)."""
        body = {
            "user_id": check_id(user_id, "user_id"),
            "token": check_share_token(share_token, "share_token"),
        }
        await self._r.call(CONTACTS_CREATE, json=body)

    async def delete(self, user_id: str) -> None:
        """Remove someone from your contacts."""
        await self._r.call(CONTACTS_DELETE.bind(user_id=user_id))
