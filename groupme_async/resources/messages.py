"""Group messages, direct messages and single-message operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._ids import check_chat_id, check_id
from .._messages import DIRECT, GROUP, MessageEndpoints, MessagesEngine
from .._pagination import AsyncPaginator
from .._requester import Requester
from .._routes import MESSAGES_DELETE, READ_RECEIPTS
from ..models import Attachment, Message, MessagePage, ReadReceipt
from ._base import Resource


class _Conversations(Resource):
    """What group messages and DMs share; the public methods name the id."""

    __slots__ = ("_engine",)
    _endpoints: MessageEndpoints
    _id_name: str

    def __init__(self, requester: Requester) -> None:
        super().__init__(requester)
        self._engine = MessagesEngine(requester, self._endpoints, self._id_name)

    async def _list(
        self, conversation_id: str, before_id: Any, since_id: Any, after_id: Any, limit: int
    ) -> MessagePage:
        target = self._engine.target(conversation_id)
        return await self._engine.page(
            target, before_id=before_id, since_id=since_id, after_id=after_id, limit=limit
        )

    def _since(
        self, conversation_id: str, since_id: str, limit: int, max_items: int | None, raw: bool
    ) -> AsyncPaginator[Any]:
        # Not the API's since_id: that answers only the MOST RECENT messages
        # and silently skips older ones.  Walking forward with after_id from
        # the same id yields every newer message once, oldest first.
        return self._engine.iter(
            conversation_id,
            after_id=check_id(since_id, "since_id"),
            limit=limit,
            max_items=max_items,
            raw=raw,
        )


class GroupMessages(_Conversations):
    """Group messages (``/groups/:group_id/messages``)."""

    __slots__ = ()
    _endpoints = GROUP
    _id_name = "group_id"

    async def list(
        self,
        group_id: str,
        *,
        before_id: str | None = None,
        since_id: str | None = None,
        after_id: str | None = None,
        limit: int = 20,
    ) -> MessagePage:
        """One page, exactly as the API answers it (``since_id`` gives the MOST
        RECENT ``limit`` messages newer than it; see :meth:`since`)."""
        return await self._list(group_id, before_id, since_id, after_id, limit)

    def iter(
        self,
        group_id: str,
        *,
        before_id: str | None = None,
        after_id: str | None = None,
        limit: int = 100,
        max_items: int | None = None,
    ) -> AsyncPaginator[Message]:
        """Every message: newest first (optionally below ``before_id``), or
        oldest first above ``after_id``; ``limit`` is the page size."""
        return self._engine.iter(
            group_id, before_id=before_id, after_id=after_id, limit=limit, max_items=max_items
        )

    def iter_raw(
        self,
        group_id: str,
        *,
        before_id: str | None = None,
        after_id: str | None = None,
        limit: int = 100,
        max_items: int | None = None,
    ) -> AsyncPaginator[dict[str, Any]]:
        """:meth:`iter`, but each message is the JSON object exactly as
        GroupMe sent it (for lossless archives); ``.pages()`` gives the pages."""
        return self._engine.iter(
            group_id,
            before_id=before_id,
            after_id=after_id,
            limit=limit,
            max_items=max_items,
            raw=True,
        )

    def since(
        self, group_id: str, since_id: str, *, limit: int = 100, max_items: int | None = None
    ) -> AsyncPaginator[Message]:
        """Every message newer than ``since_id``, each once, oldest first, no gap."""
        return self._since(group_id, since_id, limit, max_items, raw=False)

    async def send(
        self,
        group_id: str,
        text: str | None = None,
        *,
        attachments: Sequence[Attachment] = (),
        source_guid: str | None = None,
    ) -> Message:
        """Post to a group; a retried send never posts twice.

        Every attempt carries the same ``source_guid`` (a fresh UUID when
        none is given).  A 409 on a retry means an earlier attempt landed:
        that message is returned.  No attempt is made later than
        ``RetryPolicy.send_window`` after the first; if the window closes
        while an attempt may have landed, :class:`SendOutcomeUnknownError`
        is raised (resolve it with :meth:`find_sent`).
        """
        return await self._engine.send(group_id, text, attachments, source_guid)

    async def find_sent(
        self, group_id: str, source_guid: str, *, max_pages: int = 10
    ) -> Message | None:
        """The message posted with ``source_guid`` among the group's newest
        ``max_pages`` pages, or ``None`` if it never landed."""
        return await self._engine.find_sent(group_id, source_guid, max_pages=max_pages)


class DirectMessages(_Conversations):
    """Direct messages (``/direct_messages``) and v2 read receipts."""

    __slots__ = ()
    _endpoints = DIRECT
    _id_name = "other_user_id"

    async def list(
        self,
        other_user_id: str,
        *,
        before_id: str | None = None,
        since_id: str | None = None,
        after_id: str | None = None,
        limit: int = 20,
    ) -> MessagePage:
        """One page with ``.messages``, ``.count`` and ``.read_receipt``."""
        return await self._list(other_user_id, before_id, since_id, after_id, limit)

    def iter(
        self,
        other_user_id: str,
        *,
        before_id: str | None = None,
        after_id: str | None = None,
        limit: int = 100,
        max_items: int | None = None,
    ) -> AsyncPaginator[Message]:
        """Every DM with ``other_user_id``, in cursor order (see :meth:`GroupMessages.iter`)."""
        return self._engine.iter(
            other_user_id, before_id=before_id, after_id=after_id, limit=limit, max_items=max_items
        )

    def iter_raw(
        self,
        other_user_id: str,
        *,
        before_id: str | None = None,
        after_id: str | None = None,
        limit: int = 100,
        max_items: int | None = None,
    ) -> AsyncPaginator[dict[str, Any]]:
        """:meth:`iter`, each message exactly as GroupMe sent it (see
        :meth:`GroupMessages.iter_raw`)."""
        return self._engine.iter(
            other_user_id,
            before_id=before_id,
            after_id=after_id,
            limit=limit,
            max_items=max_items,
            raw=True,
        )

    def since(
        self, other_user_id: str, since_id: str, *, limit: int = 100, max_items: int | None = None
    ) -> AsyncPaginator[Message]:
        """Every DM newer than ``since_id``, each once, oldest first, no gap."""
        return self._since(other_user_id, since_id, limit, max_items, raw=False)

    async def send(
        self,
        recipient_id: str,
        text: str | None = None,
        *,
        attachments: Sequence[Attachment] = (),
        source_guid: str | None = None,
    ) -> Message:
        """Send a DM; a retried send never posts twice (see :meth:`GroupMessages.send`)."""
        return await self._engine.send(recipient_id, text, attachments, source_guid)

    async def find_sent(
        self, other_user_id: str, source_guid: str, *, max_pages: int = 10
    ) -> Message | None:
        """The DM sent with ``source_guid`` among the newest ``max_pages``
        pages, or ``None`` if it never landed."""
        return await self._engine.find_sent(other_user_id, source_guid, max_pages=max_pages)

    async def mark_read(self, chat_id: str, message_id: str) -> ReadReceipt:
        """Mark a DM chat (:attr:`Chat.id`) read up to ``message_id`` (v2
        ``POST /read_receipts``)."""
        body = {
            "read_receipt": {
                "chat_id": check_chat_id(chat_id),
                "message_id": check_id(message_id, "message_id"),
            }
        }
        return await self._r.call(READ_RECEIPTS, json=body)


class Messages(Resource):
    """Operations on single messages in any conversation."""

    __slots__ = ()

    async def delete(self, conversation_id: str, message_id: str) -> None:
        """Delete a message from a group (its id) or a DM chat (``a+b``)."""
        route = MESSAGES_DELETE.bind(conversation_id=conversation_id, message_id=message_id)
        await self._r.call(route)
