"""Typed, frozen models of GroupMe objects.

Models are plain attrs classes with no I/O and no decoding rules: the one
cattrs converter in ``_convert`` holds the renames, the timestamp and id
coercions and the attachment union.  Every field the API may omit has a
default, and unknown JSON keys are ignored, because GroupMe's keys appear and
vanish by endpoint and era.

Models are immutable all the way down (sequences are tuples; raw JSON kept
as sent is typed read-only).  :class:`Message`, :class:`Group`,
:class:`Chat` and :class:`User` compare and hash by ``id``, so a message
seen twice (an edit, a push and a page) is one set member.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Union

import attrs


class _Model:
    """What every model can do."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """This object in GroupMe's JSON shape (timestamps as epoch seconds)."""
        from ._convert import unstructure

        return unstructure(self)


class _Identified(_Model):
    """Equal, and hashed, by ``id`` (and class) alone."""

    __slots__ = ()
    id: str

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.id == other.id

    def __hash__(self) -> int:
        return hash((self.__class__, self.id))


__all__ = [
    "Attachment",
    "Block",
    "Chat",
    "ChatUser",
    "DirectoryMembership",
    "EmojiAttachment",
    "EventAttachment",
    "FileAttachment",
    "FileInfo",
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
    "UploadedImage",
    "User",
    "VideoAttachment",
]


# --- attachments -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class ImageAttachment(_Model):
    """An image processed by GroupMe's image service."""

    url: str
    """The image URL (``i.groupme.com`` or ``m.groupme.com``)."""
    source_url: str | None = None
    """Where an imported image came from, when GroupMe says."""
    blur_hash: str | None = None
    """A BlurHash placeholder, on recent images."""
    type: str = attrs.field(default="image", init=False)


@attrs.frozen(kw_only=True)
class LocationAttachment(_Model):
    """A point on a map."""

    lat: str
    """Latitude as GroupMe sends it: a decimal string."""
    lng: str
    """Longitude as a decimal string."""
    name: str | None = None
    """The place's name, when it has one."""
    type: str = attrs.field(default="location", init=False)


@attrs.frozen(kw_only=True)
class SplitAttachment(_Model):
    """A bill split (a retired feature that old messages still carry)."""

    token: str
    type: str = attrs.field(default="split", init=False)


@attrs.frozen(kw_only=True)
class EmojiAttachment(_Model):
    """Emoji from a PowerUp pack, drawn over placeholder characters in the text."""

    placeholder: str
    """The character in ``text`` that each emoji replaces."""
    charmap: tuple[tuple[int, int], ...]
    """``(pack_id, offset)`` for each placeholder, in order."""
    type: str = attrs.field(default="emoji", init=False)


@attrs.frozen(kw_only=True)
class ReplyAttachment(_Model):
    """Marks a message as a reply."""

    reply_id: str
    """The message replied to."""
    base_reply_id: str | None = None
    """The first message of the reply thread."""
    user_id: str | None = None
    """Author of the message replied to."""
    type: str = attrs.field(default="reply", init=False)


@attrs.frozen(kw_only=True)
class MentionsAttachment(_Model):
    """@-mentions: which users, and where in the text."""

    user_ids: tuple[str, ...]
    loci: tuple[tuple[int, int], ...] = ()
    """``(start, length)`` of each mention in ``text``."""
    type: str = attrs.field(default="mentions", init=False)


@attrs.frozen(kw_only=True)
class FileAttachment(_Model):
    """A file uploaded to GroupMe's file service."""

    file_id: str
    type: str = attrs.field(default="file", init=False)


@attrs.frozen(kw_only=True)
class VideoAttachment(_Model):
    """A transcoded video."""

    url: str
    preview_url: str | None = None
    type: str = attrs.field(default="video", init=False)


@attrs.frozen(kw_only=True)
class PollAttachment(_Model):
    """A poll posted in the conversation."""

    poll_id: str
    type: str = attrs.field(default="poll", init=False)


@attrs.frozen(kw_only=True)
class EventAttachment(_Model):
    """A calendar event posted in the conversation."""

    event_id: str
    view: str | None = None
    type: str = attrs.field(default="event", init=False)


@attrs.frozen(kw_only=True)
class UnknownAttachment(_Model):
    """An attachment type this version does not know; ``data`` keeps it whole."""

    type: str
    data: Mapping[str, Any] = attrs.field(factory=dict)
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
class Reaction(_Model):
    """An emoji reaction and who gave it."""

    type: str
    code: str | None = None
    user_ids: tuple[str, ...] = ()


@attrs.frozen(kw_only=True, eq=False)
class Message(_Identified):
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
    attachments: tuple[Attachment, ...] = ()
    favorited_by: tuple[str, ...] = ()
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
    reactions: tuple[Reaction, ...] = ()
    updated_at: datetime | None = None
    """Set when the message was edited."""
    deleted_at: datetime | None = None
    event: Mapping[str, Any] | None = None
    """System events (``{"type", "data"}``), kept as sent."""


@attrs.frozen(kw_only=True)
class ReadReceipt(_Model):
    """How far the other side of a DM has read."""

    chat_id: str
    message_id: str
    id: str | None = None
    user_id: str | None = None
    read_at: datetime | None = None


@attrs.frozen(kw_only=True)
class MessagePage(_Model):
    """One page of messages, in the order GroupMe returned them.

    ``count`` is the conversation's total, not the page size; do not use it to
    decide when paging is done (deleted messages make it unreachable).
    """

    messages: tuple[Message, ...]
    count: int | None = None
    read_receipt: ReadReceipt | None = None


# --- chats, users, groups ------------------------------------------------------


@attrs.frozen(kw_only=True)
class ChatUser(_Model):
    """The other participant of a DM chat."""

    id: str
    name: str | None = None
    avatar_url: str | None = None


@attrs.frozen(kw_only=True, eq=False)
class Chat(_Identified):
    """A direct-message conversation."""

    id: str
    """The chat id, ``"<lower user id>+<higher user id>"``: what
    ``gm.direct_messages.mark_read``, ``gm.chats.get`` and
    ``gm.messages.delete`` take.  GroupMe's ``/chats`` answer has no such
    key; it is read from the last message's ``conversation_id`` (or its
    sender and recipient)."""
    other_user: ChatUser
    """The other participant; ``other_user.id`` is what
    ``gm.direct_messages`` takes."""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_message: Message | None = None
    messages_count: int | None = None
    unread_count: int | None = None
    last_read_message_id: str | None = None
    message_deletion_period: int | None = None
    message_edit_period: int | None = None
    requires_approval: bool | None = None


@attrs.frozen(kw_only=True, eq=False)
class User(_Identified):
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
    tags: tuple[str, ...] = ()
    major_codes: tuple[int, ...] = ()
    interests: tuple[int, ...] = ()
    photo_urls: tuple[str, ...] = ()
    song_url: str | None = None
    graduation_year: str | None = None
    campus_profile_visibility: str | None = None


@attrs.frozen(kw_only=True)
class Profile(_Model):
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
    photo_urls: tuple[str, ...] = ()
    interests: tuple[int, ...] = ()
    locale: str | None = None
    disable_favorite_notification: bool | None = None
    group_notification_sound: str | None = None
    dm_notification_sound: str | None = None


@attrs.frozen(kw_only=True)
class DirectoryMembership(_Model):
    """Your membership of a campus directory."""

    id: str
    user_id: str
    directory_id: str
    campus_profile_visibility: str | None = None
    graduation_year: str | None = None
    major_ids: tuple[int, ...] = ()


@attrs.frozen(kw_only=True)
class ShareUrls(_Model):
    """Your profile's share links (``None`` when sharing is disabled)."""

    share_url: str | None = None
    share_qr_code_url: str | None = None


@attrs.frozen(kw_only=True)
class Block(_Model):
    """A block: ``user_id`` blocked ``blocked_user_id``."""

    user_id: str
    blocked_user_id: str
    created_at: datetime | None = None


@attrs.frozen(kw_only=True)
class Member(_Model):
    """A member of a group."""

    user_id: str
    id: str | None = None
    """The membership id (not the user id)."""
    nickname: str | None = None
    image_url: str | None = None
    muted: bool | None = None
    autokicked: bool | None = None
    roles: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class GroupMessagesSummary(_Model):
    """The ``messages`` block of a group: its size and newest message."""

    count: int | None = None
    last_message_id: str | None = None
    last_message_created_at: datetime | None = None


@attrs.frozen(kw_only=True, eq=False)
class Group(_Identified):
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
    members: tuple[Member, ...] = ()
    messages: GroupMessagesSummary | None = None


# --- groups beyond the seeds, members, users, contacts, bots (API.md) -----------------


# --- messages beyond the seeds: likes, pins, leaderboard; polls, events, topics, gallery --


# --- media services: images, files, videos ------------------------------------------------


@attrs.frozen(kw_only=True)
class UploadedImage(_Model):
    """An image stored by GroupMe's image service (``gm.images.upload``).

    Send it with ``attachments=[uploaded.attachment()]``.  Both URLs are
    ``i.groupme.com`` ones; GroupMe serves resized copies at the URL plus
    ``.preview`` (200 px), ``.large`` (960 px) or ``.avatar`` (60 px).
    """

    url: str
    """The image's URL."""
    picture_url: str
    """The URL to put in attachments and avatars (the service has always
    answered the same URL twice)."""

    def attachment(self) -> ImageAttachment:
        """This image as a message attachment."""
        return ImageAttachment(url=self.picture_url)


@attrs.frozen(kw_only=True)
class FileInfo(_Model):
    """What the file service knows about an uploaded file (``gm.files.metadata``)."""

    file_id: str
    file_name: str | None = None
    """The name it was uploaded under."""
    file_size: int | None = None
    """Its size in bytes."""
    mime_type: str | None = None
    """Its media type, as the service guessed it."""
