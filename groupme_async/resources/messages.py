"""Group messages, direct messages and message deletion."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from .._convert import structure
from .._envelope import expect_dict
from .._ids import check_chat_id, check_conversation_id, check_id
from .._messages import DIRECT, GROUP, ConversationEngine, ConversationKind
from .._transport import Transport
from ..models import Attachment, Message, MessagePage, ReadReceipt
from ._base import Resource


class _Conversations(Resource):
    __slots__ = ("_engine",)
    _kind: ConversationKind

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self._engine = ConversationEngine(transport, self._kind)

    async def _list(
        self,
        conversation_id: str,
        before_id: str | None,
        since_id: str | None,
        after_id: str | None,
        limit: int,
    ) -> MessagePage:
        return await self._engine.page(
            conversation_id, before_id=before_id, since_id=since_id, after_id=after_id, limit=limit
        )

    def _iter(
        self, conversation_id: str, before_id: str | None, after_id: str | None, limit: int
    ) -> AsyncIterator[Message]:
        return self._engine.iter(
            conversation_id, before_id=before_id, after_id=after_id, limit=limit
        )

    def _since(self, conversation_id: str, since_id: str, limit: int) -> AsyncIterator[Message]:
        # Not the API's since_id: that answers only the MOST RECENT messages
        # and silently skips older ones.  Walking forward with after_id from
        # the same id yields every newer message once, oldest first.
        return self._engine.iter(
            conversation_id, before_id=None, after_id=check_id(since_id, "since_id"), limit=limit
        )

    async def _send(
        self,
        conversation_id: str,
        text: str | None,
        attachments: Sequence[Attachment],
        source_guid: str | None,
    ) -> Message:
        return await self._engine.send(conversation_id, text, attachments, source_guid)


class GroupMessages(_Conversations):
    """``/groups/:group_id/messages``."""

    __slots__ = ()
    _kind = GROUP

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
        return await self._list(
            check_id(group_id, "group_id"), before_id, since_id, after_id, limit
        )

    def iter(
        self,
        group_id: str,
        *,
        before_id: str | None = None,
        after_id: str | None = None,
        limit: int = 100,
    ) -> AsyncIterator[Message]:
        """Every message: newest first (optionally below ``before_id``), or
        oldest first above ``after_id``."""
        return self._iter(check_id(group_id, "group_id"), before_id, after_id, limit)

    def since(self, group_id: str, since_id: str, *, limit: int = 100) -> AsyncIterator[Message]:
        """Every message newer than ``since_id``, each once, oldest first, no gap."""
        return self._since(check_id(group_id, "group_id"), since_id, limit)

    async def send(
        self,
        group_id: str,
        text: str | None = None,
        *,
        attachments: Sequence[Attachment] = (),
        source_guid: str | None = None,
    ) -> Message:
        """Post to a group; retried sends never post twice (see the README)."""
        return await self._send(check_id(group_id, "group_id"), text, attachments, source_guid)


class DirectMessages(_Conversations):
    """``/direct_messages`` and v2 read receipts."""

    __slots__ = ()
    _kind = DIRECT

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
        uid = check_id(other_user_id, "other_user_id")
        return await self._list(uid, before_id, since_id, after_id, limit)

    def iter(
        self,
        other_user_id: str,
        *,
        before_id: str | None = None,
        after_id: str | None = None,
        limit: int = 100,
    ) -> AsyncIterator[Message]:
        """Every DM with ``other_user_id``, in cursor order (see :meth:`GroupMessages.iter`)."""
        return self._iter(check_id(other_user_id, "other_user_id"), before_id, after_id, limit)

    def since(
        self, other_user_id: str, since_id: str, *, limit: int = 100
    ) -> AsyncIterator[Message]:
        """Every DM newer than ``since_id``, each once, oldest first, no gap."""
        return self._since(check_id(other_user_id, "other_user_id"), since_id, limit)

    async def send(
        self,
        recipient_id: str,
        text: str | None = None,
        *,
        attachments: Sequence[Attachment] = (),
        source_guid: str | None = None,
    ) -> Message:
        """Send a DM; retried sends never post twice."""
        return await self._send(
            check_id(recipient_id, "recipient_id"), text, attachments, source_guid
        )

    async def mark_read(self, chat_id: str, message_id: str) -> ReadReceipt:
        """Mark a DM chat read up to ``message_id`` (v2 ``POST /read_receipts``)."""
        body = {
            "read_receipt": {
                "chat_id": check_chat_id(chat_id),
                "message_id": check_id(message_id, "message_id"),
            }
        }
        endpoint = "POST v2 /read_receipts"
        data = await self._t.request("POST", "v2", "/read_receipts", endpoint=endpoint, json=body)
        return structure(expect_dict(data, endpoint, "read_receipt"), ReadReceipt, endpoint)


class Messages(Resource):
    """Operations on single messages in any conversation."""

    __slots__ = ()

    async def delete(self, conversation_id: str, message_id: str) -> None:
        """Delete a message from a group (id) or a DM chat (``a+b``)."""
        cid = check_conversation_id(conversation_id)
        mid = check_id(message_id, "message_id")
        await self._t.request(
            "DELETE",
            "v3",
            f"/conversations/{cid}/messages/{mid}",
            endpoint="DELETE /conversations/:id/messages/:message_id",
        )
