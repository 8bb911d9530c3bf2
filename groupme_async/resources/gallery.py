"""``/conversations/:id/gallery``: the messages carrying pictures, videos or files."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from .._convert import structure_list
from .._messages import ACCEPT_FILES, check_limit
from .._pagination import AsyncPaginator, walk_times
from .._routes import GALLERY_LIST
from .._times import iso_time
from ..errors import ResponseDecodeError
from ..models import Message
from ._base import Resource

_LABEL = GALLERY_LIST.label


class Gallery(Resource):
    """The media gallery of a group or DM chat."""

    __slots__ = ()

    def iter(
        self,
        conversation_id: str,
        *,
        before: datetime | str | None = None,
        after: datetime | str | None = None,
        limit: int = 100,
        max_items: int | None = None,
    ) -> AsyncPaginator[Message]:
        """Every gallery message of a group (its id) or DM chat (``a+b``),
        newest first, each once.

        ``before`` and ``after`` (aware datetimes or ISO 8601 strings) bound
        the walk; it pages by moving ``before`` to the last message's
        ``gallery_ts``.  ``limit`` is the page size (at most 100).
        """
        bound = GALLERY_LIST.bind(conversation_id=conversation_id)
        size = check_limit(limit)
        fixed: dict[str, str | int] = {**ACCEPT_FILES, "limit": size}
        until = None if after is None else iso_time(after, "after", utc=True)
        if until is not None:
            fixed["after"] = until
        start = None if before is None else iso_time(before, "before", utc=True)

        async def fetch(cursor: str | None) -> list[dict[str, Any]]:
            params = fixed if cursor is None else {**fixed, "before": cursor}
            body = await self._r.call(bound, params=params)
            messages = [] if body is None else body.get("messages") or []
            if not isinstance(messages, list):
                raise ResponseDecodeError(_LABEL, "'messages' is not a list")
            return messages

        pages = walk_times(
            fetch,
            stamp_key="gallery_ts",
            id_key="id",
            descending=True,
            cursor=start,
            limit=size,
            endpoint=_LABEL,
            until=until,
        )
        return AsyncPaginator(
            pages, partial(structure_list, cls=Message, endpoint=_LABEL), max_items=max_items
        )
