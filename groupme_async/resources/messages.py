"""Group messages, direct messages and single-message operations.

Group messages and DMs are one API with two addresses: the methods are
written once, in :class:`_Conversations`, and take the conversation as their
first argument: the group id for ``gm.group_messages``, the other user's id
for ``gm.direct_messages``.
"""

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
    """What group messages and DMs share."""

    __slots__ = ("_engine",)
    _endpoints: MessageEndpoints
    _id_name: str

    def __init__(self, requester: Requester) -> None:
        super().__init__(requester)
        self._engine = MessagesEngine(requester, self._endpoints, self._id_name)

    async def list(
        self,
        conversation: str,
        /,
        *,
        before_id: str | None = None,
        since_id: str | None = None,
        after_id: str | None = None,
        limit: int = 20,
    ) -> MessagePage:
        """One page, exactly as the API answers it, with ``.messages``,
        ``.count`` and (DMs) ``.read_receipt``.  ``since_id`` gives the MOST
        RECENT ``limit`` messages newer than it: see :meth:`since`."""
        target = self._engine.target(conversation)
        return await self._engine.page(
            target, before_id=before_id, since_id=since_id, after_id=after_id, limit=limit
        )

    def iter(
        self,
        conversation: str,
        /,
        *,
        before_id: str | None = None,
        after_id: str | None = None,
        limit: int = 100,
        max_items: int | None = None,
    ) -> AsyncPaginator[Message]:
        """Every message: newest first (optionally below ``before_id``), or
        oldest first above ``after_id``; ``limit`` is the page size."""
        return self._engine.iter(
            conversation, before_id=before_id, after_id=after_id, limit=limit, max_items=max_items
        )

    def iter_raw(
        self,
        conversation: str,
        /,
        *,
        before_id: str | None = None,
        after_id: str | None = None,
        limit: int = 100,
        max_items: int | None = None,
    ) -> AsyncPaginator[dict[str, Any]]:
        """:meth:`iter`, but each message is the JSON object exactly as
        GroupMe sent it (for lossless archives); ``.pages()`` gives the pages."""
        return self._engine.iter(
            conversation,
            before_id=before_id,
            after_id=after_id,
            limit=limit,
            max_items=max_items,
            raw=True,
        )

    def since(
        self, conversation: str, /, since_id: str, *, limit: int = 100, max_items: int | None = None
    ) -> AsyncPaginator[Message]:
        """Every message newer than ``since_id``, each once, oldest first, no gap.

        Not the API's ``since_id``: that answers only the MOST RECENT
        messages and silently skips older ones.  This walks forward with
        ``after_id`` from the same id.
        """
        return self._engine.iter(
            conversation, after_id=check_id(since_id, "since_id"), limit=limit, max_items=max_items
        )

    async def send(
        self,
        conversation: str,
        /,
        text: str | None = None,
        *,
        attachments: Sequence[Attachment] = (),
        source_guid: str | None = None,
    ) -> Message:
        """Post a message; a retried send never posts twice.

        Every attempt carries the same ``source_guid`` (a fresh UUID when
        none is given).  A 409 on a retry means an earlier attempt landed:
        that message is returned.  No attempt is made later than
        ``RetryPolicy.send_window`` after the first; if the window closes
        while an attempt may have landed, :class:`SendOutcomeUnknownError`
        is raised (resolve it with :meth:`find_sent`).
        """
        return await self._engine.send(conversation, text, attachments, source_guid)

    async def find_sent(
        self, conversation: str, /, source_guid: str, *, max_pages: int = 10
    ) -> Message | None:
        """The message sent with ``source_guid`` among the conversation's
        newest ``max_pages`` pages, or ``None`` if it never landed."""
        return await self._engine.find_sent(conversation, source_guid, max_pages=max_pages)


class GroupMessages(_Conversations):
    """Group messages (``/groups/:group_id/messages``); every method takes
    the group id first."""

    __slots__ = ()
    _endpoints = GROUP
    _id_name = "group_id"


class DirectMessages(_Conversations):
    """Direct messages (``/direct_messages``) and v2 read receipts; every
    message method takes the other user's id first."""

    __slots__ = ()
    _endpoints = DIRECT
    _id_name = "other_user_id"

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
