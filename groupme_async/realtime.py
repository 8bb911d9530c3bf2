"""Typed realtime events, as ``gm.realtime.connect()`` yields them.

GroupMe pushes ``{channel, clientId, id, data: {type, alert, subject,
received_at}}``; each ``data.type`` becomes one of the classes below.  Pings
are not events.  Anything not understood (a new type, or a subject that is
not the documented shape) is an :class:`UnknownEvent` keeping the raw data,
so a bot never loses an event to a decoding error.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Union

import attrs

from ._convert import converter, structure, structure_list
from ._ids import check_chat_id
from .errors import ResponseDecodeError
from .models import ConversationKind, Group, Message, Reaction

logger = logging.getLogger("groupme_async")

__all__ = [
    "MembershipCreated",
    "MessageCreated",
    "MessageDeleted",
    "MessageReacted",
    "MessageUpdated",
    "RealtimeEvent",
    "Typing",
    "UnknownEvent",
]


def _kind(conversation_id: str) -> ConversationKind:
    return "direct" if "+" in conversation_id else "group"


@attrs.frozen(kw_only=True)
class MessageCreated:
    """A new group message or DM (``line.create`` / ``direct_message.create``).

    System messages arrive here too, with ``message.system`` and
    ``message.event``.  With gap fill on, each message is delivered once,
    in order per conversation, however it reached the client.
    """

    message: Message
    """The same model the REST calls return (a DM's ``conversation_id`` is set)."""
    conversation_id: str
    """The group id, or the DM chat id ``"<lower>+<higher>"``."""
    channel: str
    """The Faye channel it came on (``"rest"`` when gap fill fetched it)."""

    @property
    def kind(self) -> ConversationKind:
        """``"group"`` or ``"direct"``."""
        return _kind(self.conversation_id)

    @property
    def from_gap_fill(self) -> bool:
        """Fetched from REST after a reconnect rather than pushed."""
        return self.channel == "rest"


@attrs.frozen(kw_only=True)
class MessageUpdated:
    """A message was edited (``message.update``)."""

    message: Message
    conversation_id: str
    channel: str


@attrs.frozen(kw_only=True)
class MessageDeleted:
    """A message was deleted (``message.deleted``)."""

    message_id: str
    conversation_id: str
    channel: str
    deleted_at: datetime | None = None
    deletion_actor: str | None = None
    """Who deleted it (``"sender"``, ``"admin"``...), when GroupMe says."""


@attrs.frozen(kw_only=True)
class MessageReacted:
    """Someone liked or reacted to a message (``favorite`` on a conversation
    channel, ``like.create`` on yours)."""

    conversation_id: str | None
    channel: str
    message: Message | None = None
    """The message, when the push carries it."""
    message_id: str | None = None
    user_id: str | None = None
    """Who reacted."""
    reactions: tuple[Reaction, ...] = ()
    """The message's reactions after the change."""


@attrs.frozen(kw_only=True)
class Typing:
    """Someone is typing in a conversation (``typing``)."""

    conversation_id: str | None
    user_id: str
    channel: str
    started: datetime | None = None


@attrs.frozen(kw_only=True)
class MembershipCreated:
    """You were added to a group (``membership.create``)."""

    group: Group
    """The cut-down group GroupMe sends."""
    channel: str


@attrs.frozen(kw_only=True)
class UnknownEvent:
    """Any other push, kept as sent (``data`` is GroupMe's ``data`` object)."""

    type: str | None
    channel: str
    data: Mapping[str, Any]


RealtimeEvent = Union[  # noqa: UP007 - a runtime alias users can isinstance over its args
    MessageCreated,
    MessageUpdated,
    MessageDeleted,
    MessageReacted,
    Typing,
    MembershipCreated,
    UnknownEvent,
]
"""Any event a ``RealtimeStream`` yields."""


# --- decoding -------------------------------------------------------------------


def channel_conversation(channel: str) -> str | None:
    """The conversation a ``/group/:id`` or ``/direct_message/:a_b`` channel is about."""
    kind, _, ident = channel[1:].partition("/")
    if kind == "group" and ident.isascii() and ident.isdigit():
        return ident
    if kind == "direct_message":
        chat_id = ident.replace("_", "+")
        try:
            return check_chat_id(chat_id)
        except ValueError:
            return None
    return None


def _message(subject: Any, label: str) -> Message:
    if isinstance(subject, dict) and "conversation_id" not in subject and "chat_id" in subject:
        # DM pushes name the chat ``chat_id``; REST calls it ``conversation_id``.
        subject = {**subject, "conversation_id": subject["chat_id"]}
    return structure(subject, Message, label)


def _conversation_of(message: Message, channel: str) -> str:
    found = message.group_id or message.conversation_id or channel_conversation(channel)
    if found is None:
        raise ResponseDecodeError("push", "a message that names no conversation")
    return found


def _ms(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return converter.structure(value / 1000 if value > 10**11 else value, datetime)
    return None


def decode_event(channel: str, data: Mapping[str, Any]) -> RealtimeEvent | None:
    """One pushed ``data`` object as a typed event; ``None`` for a ping."""
    kind = data.get("type")
    subject = data.get("subject")
    label = f"push {kind}"
    try:
        if kind == "ping":
            return None
        if kind in ("line.create", "direct_message.create"):
            message = _message(subject, label)
            return MessageCreated(
                message=message, conversation_id=_conversation_of(message, channel), channel=channel
            )
        if kind == "message.update":
            message = _message(subject, label)
            return MessageUpdated(
                message=message, conversation_id=_conversation_of(message, channel), channel=channel
            )
        if kind == "message.deleted":
            return _deleted(channel, subject)
        if kind in ("favorite", "like.create"):
            return _reacted(channel, subject, label)
        if kind == "typing":
            source = subject if isinstance(subject, Mapping) else data
            user_id = source.get("user_id")
            if isinstance(user_id, int) and not isinstance(user_id, bool):
                user_id = str(user_id)
            if not isinstance(user_id, str):
                raise ResponseDecodeError(label, "no user_id")
            return Typing(
                conversation_id=channel_conversation(channel),
                user_id=user_id,
                channel=channel,
                started=_ms(source.get("started")),
            )
        if kind == "membership.create":
            return MembershipCreated(group=structure(subject, Group, label), channel=channel)
    except ResponseDecodeError as exc:
        # Not the documented shape: keep it whole rather than end the stream.
        logger.warning("push: kept a %s event as UnknownEvent (%s)", kind, exc)
    return UnknownEvent(type=kind if isinstance(kind, str) else None, channel=channel, data=data)


def _deleted(channel: str, subject: Any) -> MessageDeleted:
    if not isinstance(subject, Mapping):
        raise ResponseDecodeError("push message.deleted", "the subject is not an object")
    message_id = subject.get("message_id", subject.get("id"))
    if isinstance(message_id, int) and not isinstance(message_id, bool):
        message_id = str(message_id)
    conversation = subject.get("conversation_id") or subject.get("group_id")
    conversation = str(conversation) if conversation is not None else channel_conversation(channel)
    if not isinstance(message_id, str) or not message_id.isdigit() or conversation is None:
        raise ResponseDecodeError("push message.deleted", "no message or conversation id")
    actor = subject.get("deletion_actor")
    deleted_at = subject.get("deleted_at")
    return MessageDeleted(
        message_id=message_id,
        conversation_id=conversation,
        channel=channel,
        deleted_at=structure(deleted_at, datetime, "push message.deleted")
        if deleted_at is not None
        else None,
        deletion_actor=actor if isinstance(actor, str) else None,
    )


def _reacted(channel: str, subject: Any, label: str) -> MessageReacted:
    if not isinstance(subject, Mapping):
        raise ResponseDecodeError(label, "the subject is not an object")
    line = subject.get("line", subject.get("message"))
    message = _message(line, label) if isinstance(line, dict) else None
    reactions_raw = subject.get("reactions")
    if reactions_raw is None and message is not None:
        reactions = message.reactions
    else:
        reactions = tuple(structure_list(reactions_raw or [], Reaction, label))
    user_id = subject.get("user_id")
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        user_id = str(user_id)
    message_id = message.id if message is not None else subject.get("message_id")
    conversation = (
        _conversation_of(message, channel) if message is not None else channel_conversation(channel)
    )
    return MessageReacted(
        conversation_id=conversation,
        channel=channel,
        message=message,
        message_id=str(message_id) if message_id is not None else None,
        user_id=user_id if isinstance(user_id, str) else None,
        reactions=reactions,
    )
