"""Typed, frozen models of GroupMe objects.

Models are plain attrs classes with no I/O and no decoding rules: the one
cattrs converter in ``_convert`` holds the renames, the timestamp and id
coercions and the attachment union.  Every field the API may omit has a
default, and unknown JSON keys are ignored, because GroupMe's keys appear and
vanish by endpoint and era.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Union

import attrs

__all__ = [
    "Attachment",
    "Block",
    "Chat",
    "ChatUser",
    "DirectoryMembership",
    "EmojiAttachment",
    "EventAttachment",
    "FileAttachment",
    "Group",
    "GroupMessagesSummary",
    "ImageAttachment",
    "LocationAttachment",
    "Member",
    "MentionsAttachment",
    "Message",
    "MessagePage",
    "PollAttachment",
    "Profile",
    "Reaction",
    "ReadReceipt",
    "ReplyAttachment",
    "ShareUrls",
    "SplitAttachment",
    "UnknownAttachment",
    "User",
    "VideoAttachment",
]


# --- attachments -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class ImageAttachment:
    """An image processed by GroupMe's image service."""

    url: str
    """The image URL (``i.groupme.com`` or ``m.groupme.com``)."""
    source_url: str | None = None
    """Where an imported image came from, when GroupMe says."""
    blur_hash: str | None = None
    """A BlurHash placeholder, on recent images."""
    type: str = attrs.field(default="image", init=False)


@attrs.frozen(kw_only=True)
class LocationAttachment:
    """A point on a map."""

    lat: str
    """Latitude as GroupMe sends it: a decimal string."""
    lng: str
    """Longitude as a decimal string."""
    name: str | None = None
    """The place's name, when it has one."""
    type: str = attrs.field(default="location", init=False)


@attrs.frozen(kw_only=True)
class SplitAttachment:
    """A bill split (a retired feature that old messages still carry)."""

    token: str
    type: str = attrs.field(default="split", init=False)


@attrs.frozen(kw_only=True)
class EmojiAttachment:
    """Emoji from a PowerUp pack, drawn over placeholder characters in the text."""

    placeholder: str
    """The character in ``text`` that each emoji replaces."""
    charmap: list[tuple[int, int]]
    """``(pack_id, offset)`` for each placeholder, in order."""
    type: str = attrs.field(default="emoji", init=False)


@attrs.frozen(kw_only=True)
class ReplyAttachment:
    """Marks a message as a reply."""

    reply_id: str
    """The message replied to."""
    base_reply_id: str | None = None
    """The first message of the reply thread."""
    user_id: str | None = None
    """Author of the message replied to."""
    type: str = attrs.field(default="reply", init=False)


@attrs.frozen(kw_only=True)
class MentionsAttachment:
    """@-mentions: which users, and where in the text."""

    user_ids: list[str]
    loci: list[tuple[int, int]] = attrs.field(factory=list)
    """``(start, length)`` of each mention in ``text``."""
    type: str = attrs.field(default="mentions", init=False)


@attrs.frozen(kw_only=True)
class FileAttachment:
    """A file uploaded to GroupMe's file service."""

    file_id: str
    type: str = attrs.field(default="file", init=False)


@attrs.frozen(kw_only=True)
class VideoAttachment:
    """A transcoded video."""

    url: str
    preview_url: str | None = None
    type: str = attrs.field(default="video", init=False)


@attrs.frozen(kw_only=True)
class PollAttachment:
    """A poll posted in the conversation."""

    poll_id: str
    type: str = attrs.field(default="poll", init=False)


@attrs.frozen(kw_only=True)
class EventAttachment:
    """A calendar event posted in the conversation."""

    event_id: str
    view: str | None = None
    type: str = attrs.field(default="event", init=False)


@attrs.frozen(kw_only=True)
class UnknownAttachment:
    """An attachment type this version does not know; ``data`` keeps it whole."""

    type: str
    data: dict[str, Any] = attrs.field(factory=dict)
    """The attachment exactly as GroupMe sent it."""


Attachment = Union[  # noqa: UP007 - a runtime alias cattrs dispatches on
    ImageAttachment,
    LocationAttachment,
    SplitAttachment,
    EmojiAttachment,
    ReplyAttachment,
    MentionsAttachment,
    FileAttachment,
    VideoAttachment,
    PollAttachment,
    EventAttachment,
    UnknownAttachment,
]


# --- messages ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Reaction:
    """An emoji reaction and who gave it."""

    type: str
    code: str | None = None
    user_ids: list[str] = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class Message:
    """A group message or a direct message (the two share one shape)."""

    id: str
    created_at: datetime
    """When it was sent (timezone-aware, UTC)."""
    user_id: str | None = None
    """The author (``"system"`` for system messages)."""
    name: str | None = None
    """The author's name or nickname at the time."""
    text: str | None = None
    """``None`` for attachment-only and some system messages."""
    attachments: list[Attachment] = attrs.field(factory=list)
    favorited_by: list[str] = attrs.field(factory=list)
    """User ids who liked it."""
    source_guid: str | None = None
    avatar_url: str | None = None
    sender_id: str | None = None
    sender_type: str | None = None
    """``user``, ``bot`` or ``system``."""
    system: bool = False
    group_id: str | None = None
    """Set on group messages."""
    recipient_id: str | None = None
    """Set on direct messages."""
    conversation_id: str | None = None
    """Set on direct messages: ``"<lower id>+<higher id>"``."""
    pinned_by: str | None = None
    pinned_at: datetime | None = None
    platform: str | None = None
    reactions: list[Reaction] = attrs.field(factory=list)
    updated_at: datetime | None = None
    """Set when the message was edited."""
    deleted_at: datetime | None = None
    event: dict[str, Any] | None = None
    """System events (``{"type", "data"}``), kept as sent."""


@attrs.frozen(kw_only=True)
class ReadReceipt:
    """How far the other side of a DM has read."""

    chat_id: str
    message_id: str
    id: str | None = None
    user_id: str | None = None
    read_at: datetime | None = None


@attrs.frozen(kw_only=True)
class MessagePage:
    """One page of messages, in the order GroupMe returned them.

    ``count`` is the conversation's total, not the page size; do not use it to
    decide when paging is done (deleted messages make it unreachable).
    """

    messages: list[Message]
    count: int | None = None
    read_receipt: ReadReceipt | None = None


# --- chats, users, groups ------------------------------------------------------


@attrs.frozen(kw_only=True)
class ChatUser:
    """The other participant of a DM chat."""

    id: str
    name: str | None = None
    avatar_url: str | None = None


@attrs.frozen(kw_only=True)
class Chat:
    """A direct-message conversation."""

    other_user: ChatUser
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_message: Message | None = None
    messages_count: int | None = None
    unread_count: int | None = None
    last_read_message_id: str | None = None
    message_deletion_period: int | None = None
    message_edit_period: int | None = None
    requires_approval: bool | None = None


@attrs.frozen(kw_only=True)
class User:
    """The authenticated user (``GET /users/me``, ``POST /users/update``)."""

    id: str
    name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    image_url: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    sms: bool | None = None
    locale: str | None = None
    zip_code: str | None = None
    bio: str | None = None
    share_url: str | None = None
    share_qr_code_url: str | None = None
    email_verified: bool | None = None
    tags: list[str] = attrs.field(factory=list)
    major_codes: list[int] = attrs.field(factory=list)
    interests: list[int] = attrs.field(factory=list)
    photo_urls: list[str] = attrs.field(factory=list)
    song_url: str | None = None
    graduation_year: str | None = None
    campus_profile_visibility: str | None = None


@attrs.frozen(kw_only=True)
class Profile:
    """The extended profile returned by v2 ``POST /users/:id``."""

    id: str
    name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    avatar_url: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    bio: str | None = None
    song_url: str | None = None
    photo_urls: list[str] = attrs.field(factory=list)
    interests: list[int] = attrs.field(factory=list)
    locale: str | None = None
    disable_favorite_notification: bool | None = None
    group_notification_sound: str | None = None
    dm_notification_sound: str | None = None


@attrs.frozen(kw_only=True)
class DirectoryMembership:
    """Your membership of a campus directory."""

    id: str
    user_id: str
    directory_id: str
    campus_profile_visibility: str | None = None
    graduation_year: str | None = None
    major_ids: list[int] = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class ShareUrls:
    """Your profile's share links (``None`` when sharing is disabled)."""

    share_url: str | None = None
    share_qr_code_url: str | None = None


@attrs.frozen(kw_only=True)
class Block:
    """A block: ``user_id`` blocked ``blocked_user_id``."""

    user_id: str
    blocked_user_id: str
    created_at: datetime | None = None


@attrs.frozen(kw_only=True)
class Member:
    """A member of a group."""

    user_id: str
    id: str | None = None
    """The membership id (not the user id)."""
    nickname: str | None = None
    image_url: str | None = None
    muted: bool | None = None
    autokicked: bool | None = None
    roles: list[str] = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class GroupMessagesSummary:
    """The ``messages`` block of a group: its size and newest message."""

    count: int | None = None
    last_message_id: str | None = None
    last_message_created_at: datetime | None = None


@attrs.frozen(kw_only=True)
class Group:
    """A group conversation."""

    id: str
    name: str | None = None
    type: str | None = None
    description: str | None = None
    image_url: str | None = None
    creator_user_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    share_url: str | None = None
    members: list[Member] = attrs.field(factory=list)
    messages: GroupMessagesSummary | None = None
