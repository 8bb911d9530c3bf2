"""The conversation engine shared by group messages and direct messages.

The two APIs differ only in a path, a parameter and a couple of JSON keys
(:class:`ConversationKind`); listing, cursor walks, ``since`` and the
exactly-once send are written once, here.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any

import attrs

from ._constants import (
    LANDED_LOOKBACK_PAGES,
    LANDED_LOOKBACK_SECONDS,
    MAX_PAGE_LIMIT,
    MAX_TEXT_LENGTH,
)
from ._convert import structure, structure_list, unstructure_attachment
from ._envelope import NO_CONTENT, expect_dict
from ._ids import check_id
from ._pagination import Direction, RawMessage, walk_messages
from ._transport import LANDED, Transport
from .errors import ConflictError, ResponseDecodeError
from .models import Attachment, Message, MessagePage


@attrs.frozen
class ConversationKind:
    """How one family of conversations is addressed."""

    name: str
    list_key: str
    send_key: str

    def path(self, conversation_id: str) -> str:
        return f"/groups/{conversation_id}/messages" if self.name == "group" else "/direct_messages"

    def params(self, conversation_id: str) -> dict[str, str | int]:
        return {} if self.name == "group" else {"other_user_id": conversation_id}

    def send_fields(self, conversation_id: str) -> dict[str, Any]:
        return {} if self.name == "group" else {"recipient_id": conversation_id}


GROUP = ConversationKind("group", list_key="messages", send_key="message")
DIRECT = ConversationKind("direct", list_key="direct_messages", send_key="direct_message")


def check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_LIMIT:
        raise ValueError(f"limit must be an integer from 1 to {MAX_PAGE_LIMIT}, got {limit!r}")
    return limit


def check_text(text: str | None, attachments: Sequence[Attachment]) -> None:
    if text is not None and not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    if len(text or "") > MAX_TEXT_LENGTH:
        raise ValueError(f"text is {len(text or '')} characters; GroupMe allows {MAX_TEXT_LENGTH}")
    if not text and not attachments:
        raise ValueError("a message needs text or at least one attachment")


class ConversationEngine:
    """Listing, walking and sending for one :class:`ConversationKind`."""

    def __init__(self, transport: Transport, kind: ConversationKind) -> None:
        self._t = transport
        self.kind = kind
        self._endpoint = f"GET {kind.path(':id')}"

    async def fetch(self, conversation_id: str, params: dict[str, str | int]) -> dict[str, Any]:
        """One raw page: ``{"messages": [...], "count": ..., "read_receipt": ...}``."""
        kind = self.kind
        data = await self._t.request(
            "GET",
            "v3",
            kind.path(conversation_id),
            endpoint=self._endpoint,
            params={**kind.params(conversation_id), **params},
        )
        if data is NO_CONTENT:
            return {"messages": [], "count": None, "read_receipt": None}
        body = expect_dict(data, self._endpoint)
        messages = body.get(kind.list_key)
        if messages is None:
            messages = []
        # Each message's shape is checked where it is used: ids by the walk,
        # the rest by the converter.
        if not isinstance(messages, list):
            raise ResponseDecodeError(
                self._endpoint, f"{kind.list_key!r} is not a list of messages"
            )
        return {
            "messages": messages,
            "count": body.get("count"),
            "read_receipt": body.get("read_receipt"),
        }

    async def page(
        self,
        conversation_id: str,
        *,
        before_id: str | None,
        since_id: str | None,
        after_id: str | None,
        limit: int,
    ) -> MessagePage:
        cursors = {
            name: check_id(value, name)
            for name, value in (
                ("before_id", before_id),
                ("since_id", since_id),
                ("after_id", after_id),
            )
            if value is not None
        }
        if len(cursors) > 1:
            raise ValueError(
                f"give at most one of before_id, since_id, after_id; got {sorted(cursors)}"
            )
        raw = await self.fetch(conversation_id, {"limit": check_limit(limit), **cursors})
        return structure(raw, MessagePage, self._endpoint)

    def pages(
        self,
        conversation_id: str,
        *,
        direction: Direction,
        cursor: str | None,
        limit: int,
        prefetch: bool = True,
    ) -> AsyncGenerator[list[RawMessage], None]:
        """Raw pages in walk order (the export writes them as GroupMe sent them)."""
        check_limit(limit)
        if cursor is not None:
            cursor = check_id(cursor, f"{direction}_id")

        async def fetch(params: dict[str, str | int]) -> list[RawMessage]:
            messages: list[RawMessage] = (await self.fetch(conversation_id, params))["messages"]
            return messages

        return walk_messages(
            fetch,
            direction=direction,
            cursor=cursor,
            limit=limit,
            endpoint=self._endpoint,
            prefetch=prefetch,
        )

    async def iter(
        self,
        conversation_id: str,
        *,
        before_id: str | None,
        after_id: str | None,
        limit: int,
    ) -> AsyncIterator[Message]:
        if before_id is not None and after_id is not None:
            raise ValueError("give before_id or after_id, not both")
        direction: Direction = "after" if after_id is not None else "before"
        async for page in self.pages(
            conversation_id,
            direction=direction,
            cursor=after_id if after_id is not None else before_id,
            limit=limit,
        ):
            for message in structure_list(page, Message, self._endpoint):
                yield message

    async def send(
        self,
        conversation_id: str,
        text: str | None,
        attachments: Sequence[Attachment],
        source_guid: str | None,
    ) -> Message:
        check_text(text, attachments)
        if source_guid is None:
            source_guid = str(uuid.uuid4())
        elif not isinstance(source_guid, str) or not source_guid:
            raise ValueError("source_guid must be a non-empty string")
        body: dict[str, Any] = {
            "source_guid": source_guid,
            **self.kind.send_fields(conversation_id),
            "attachments": [unstructure_attachment(a) for a in attachments],
        }
        if text:
            body["text"] = text
        endpoint = f"POST {self.kind.path(':id')}"
        started = time.time()
        data = await self._t.request(
            "POST",
            "v3",
            self.kind.path(conversation_id),
            endpoint=endpoint,
            json={self.kind.send_key: body},
            conflict_means_landed=True,
        )
        if data is LANDED:
            return await self._find_landed(conversation_id, source_guid, started)
        return structure(expect_dict(data, endpoint, "message"), Message, endpoint)

    async def _find_landed(self, conversation_id: str, source_guid: str, started: float) -> Message:
        # The send was retried and GroupMe said 409: the first attempt was
        # stored.  It is among the newest messages; find it by its guid.
        oldest_wanted = started - LANDED_LOOKBACK_SECONDS
        pages = 0
        # No prefetch: the message is almost always on the first page.
        async for page in self.pages(
            conversation_id, direction="before", cursor=None, limit=MAX_PAGE_LIMIT, prefetch=False
        ):
            for raw in page:
                if raw.get("source_guid") == source_guid:
                    return structure(raw, Message, self._endpoint)
            pages += 1
            created = page[-1].get("created_at")
            if pages >= LANDED_LOOKBACK_PAGES or (
                isinstance(created, int | float) and created < oldest_wanted
            ):
                break
        raise ConflictError(
            409,
            [f"the send landed (409 on retry) but source_guid {source_guid} was not found"],
            endpoint=f"POST {self.kind.path(':id')}",
        )
