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

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal, Union

import attrs

ConversationKind = Literal["group", "direct"]
"""A group conversation or a direct-message chat."""


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
    "ApprovalResult",
    "Attachment",
    "Block",
    "Bot",
    "Chat",
    "ChatUser",
    "Contact",
    "ConversationKind",
    "DirectoryMembership",
    "EmojiAttachment",
    "EmojiReaction",
    "Event",
    "EventAttachment",
    "EventLocation",
    "FileAttachment",
    "FileInfo",
    "Group",
    "GroupMembershipState",
    "GroupMessagesSummary",
    "ImageAttachment",
    "LikedMessage",
    "LocationAttachment",
    "Member",
    "MemberAddResult",
    "MentionsAttachment",
    "Message",
    "MessagePage",
    "MyMembership",
    "NewMember",
    "OwnerChangeResult",
    "PendingMember",
    "Poll",
    "PollAttachment",
    "PollOption",
    "Profile",
    "Reaction",
    "ReadReceipt",
    "ReplyAttachment",
    "ShareUrls",
    "SharedGroup",
    "SplitAttachment",
    "Subgroup",
    "UnknownAttachment",
    "UploadedImage",
    "User",
    "UserDetails",
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
"""Any attachment of a message; a type this version does not know is an ``UnknownAttachment``."""


# --- messages ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Reaction(_Model):
    """An emoji reaction and who gave it."""

    type: str
    """``unicode`` (an emoji in ``code``) or ``emoji`` (a PowerUp emoji:
    ``pack_id`` and ``pack_index``)."""
    code: str | None = None
    user_ids: tuple[str, ...] = ()
    pack_id: int | None = None
    """The PowerUp pack of an ``emoji`` reaction."""
    pack_index: int | None = None
    """The emoji's place in its pack."""


# Not slotted, unlike the other models: a frozen slotted class sets each of
# these 22 fields through object.__setattr__, a frozen dict-backed one by a
# plain dict store, and messages are built by the million (benchmarks/decode.py
# measures model_construction_only).  Still frozen: assignment raises.
@attrs.frozen(kw_only=True, eq=False, slots=False)
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


@attrs.frozen(kw_only=True)
class GroupMembershipState(_Model):
    """A group you have been in, and where you stand (``GET /memberships/states``)."""

    group_id: str
    state: str
    """``active``, ``exited`` (you left), ``removed`` (you were removed) or
    ``exited_removed`` (you left and may not come back)."""


_OWNER_CHANGE_REASONS = {
    200: "the group has its new owner",
    400: "that user already owns the group",
    403: "you do not own the group",
    404: "the group or the user was not found, or the user is not a member",
    405: "a field was missing or not an id",
}


@attrs.frozen(kw_only=True)
class OwnerChangeResult(_Model):
    """What became of one request of ``gm.groups.change_owners``.

    GroupMe answers each request with its own status code; a failed request
    is a result with ``ok == False``, never an exception.
    """

    group_id: str
    owner_id: str
    status: int
    """200 done, 400 already the owner, 403 you are not the owner, 404 group
    or user not found (or not a member), 405 a field missing or not an id."""

    @property
    def ok(self) -> bool:
        """The owner was changed."""
        return self.status == 200

    @property
    def reason(self) -> str:
        """What ``status`` means, in words."""
        return _OWNER_CHANGE_REASONS.get(self.status, f"status {self.status}")


@attrs.frozen(kw_only=True)
class MyMembership(_Model):
    """Your own membership of a group, as the mute and unmute calls answer it."""

    id: str
    """The membership id."""
    user_id: str | None = None
    nickname: str | None = None
    avatar_url: str | None = None
    state: str | None = None
    """v2 answers: ``muted`` or ``active``."""
    muted: bool | None = None
    """v3 answers (``mute_all``): whether notifications are muted."""
    muted_until: int | None = None
    """Epoch seconds when the mute ends; ``253402300800`` (the year 10000)
    for a mute without an end.  A number, not a datetime: no datetime
    reaches that far on every platform."""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    autokicked: bool | None = None
    has_sound_enabled: bool | None = None


def _new_guid() -> str:
    return str(uuid.uuid4())


def _one_identifier(member: NewMember) -> None:
    given = [
        name for name in ("user_id", "phone_number", "email") if getattr(member, name) is not None
    ]
    if len(given) != 1:
        raise ValueError(
            f"give exactly one of user_id, phone_number, email for {member.nickname!r}, "
            f"got {given or 'none'}"
        )


def _check_nickname(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 50 or len(value) > 50:
        raise ValueError(f"{attribute.name} must be 1 to 50 characters, got {value!r}")


def _check_optional_text(_: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValueError(f"{attribute.name} must be a non-empty string or None, got {value!r}")


def _check_user_id(_: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and not (
        isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 40
    ):
        raise ValueError(f"user_id must be a GroupMe user id (digits), got {value!r}")


def _check_guid(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= 100 or not value.isprintable():
        raise ValueError(f"guid must be 1 to 100 printable characters, got {value!r}")


@attrs.frozen(kw_only=True)
class NewMember(_Model):
    """Someone to add with ``gm.members.add``: a nickname and exactly one of
    ``user_id``, ``phone_number`` or ``email``.

    Checked when made (a ``ValueError`` for a bad one), so a bad list is
    refused before anything is sent.  ``guid`` ties the request to its
    result; a fresh UUID is used when none is given.
    """

    nickname: str = attrs.field(validator=_check_nickname)
    """The name the person will have in the group (1 to 50 characters)."""
    user_id: str | None = attrs.field(default=None, validator=_check_user_id)
    phone_number: str | None = attrs.field(default=None, validator=_check_optional_text)
    email: str | None = attrs.field(default=None, validator=_check_optional_text)
    guid: str = attrs.field(factory=_new_guid, validator=_check_guid)

    def __attrs_post_init__(self) -> None:
        _one_identifier(self)


@attrs.frozen(kw_only=True)
class MemberAddResult(_Model):
    """What became of one :class:`NewMember` given to ``gm.members.add``."""

    request: NewMember
    member: Member | None = None
    """The membership GroupMe made, or ``None``: GroupMe leaves out of its
    results the people it did not add (unknown, blocked) and those it only
    invited (by phone or email)."""

    @property
    def added(self) -> bool:
        """GroupMe added this person."""
        return self.member is not None


@attrs.frozen(kw_only=True, eq=False)
class PendingMember(_Identified):
    """A request to join a group that no admin has answered yet."""

    id: str
    """The membership id: what ``gm.members.approve`` and ``deny`` take."""
    user_id: str
    nickname: str | None = None
    image_url: str | None = None
    state: str | None = None
    """``requested_pending``."""
    timestamp: datetime | None = None
    """When the request was made."""
    reason: Mapping[str, Any] | None = None
    """The join question and answer, kept as sent."""


@attrs.frozen(kw_only=True)
class ApprovalResult(_Model):
    """The answer to ``gm.members.approve`` or ``deny``."""

    membership_id: str
    state: str
    """``active`` when approved, ``denied`` when denied."""


@attrs.frozen(kw_only=True)
class SharedGroup(_Model):
    """A group you share with another user (v2 ``GET /users/:id``)."""

    group_id: str
    group_name: str | None = None
    group_avatar: str | None = None


@attrs.frozen(kw_only=True)
class UserDetails(_Model):
    """Another user's public profile (v2 ``GET /users/:id``)."""

    user: Profile
    """Name, avatar, bio and photos (no email or phone number for others)."""
    shared_groups: tuple[SharedGroup, ...] = ()
    """The groups you both are in; empty unless asked for."""
    relationship: Mapping[str, Any] | None = None
    """Your contact-book relationship with them, kept as sent (``None`` when none)."""
    major_codes: tuple[int, ...] = ()
    graduation_year: str | None = None
    campus_profile_visibility: str | None = None


@attrs.frozen(kw_only=True, eq=False)
class Contact(_Identified):
    """Someone in your contact book (v4 ``GET /relationships``)."""

    id: str
    user_id: str
    name: str | None = None
    avatar_url: str | None = None
    created_at: datetime | None = None
    created_at_iso8601: str | None = None
    """When the contact was made, to the microsecond, exactly as GroupMe
    sent it: the cursor of the next page."""
    updated_at: datetime | None = None
    reason: int | None = None
    """How the contact came to be (GroupMe's code)."""
    hidden: bool | None = None
    app_installed: bool | None = None
    blocked: bool | None = None
    """You blocked them (only listed with ``include_blocked=True``)."""


@attrs.frozen(kw_only=True)
class Bot(_Model):
    """A bot: posts into one group; cannot read history or like messages."""

    bot_id: str
    """The bot's secret id: anyone who has it can post as the bot."""
    group_id: str
    name: str | None = None
    group_name: str | None = None
    avatar_url: str | None = None
    callback_url: str | None = None
    """Where GroupMe POSTs each new message of the group, if set."""
    dm_notification: bool | None = None


# --- messages beyond the seeds: likes, pins, leaderboard; polls, events, topics, gallery --


@attrs.frozen(kw_only=True)
class EmojiReaction(_Model):
    """A PowerUp emoji to react with (``gm.messages.like(..., reaction=...)``).

    ``pack_id`` and ``pack_index`` name the emoji as a message's
    :class:`EmojiAttachment` charmap does.
    """

    pack_id: int
    pack_index: int
    type: str = attrs.field(default="emoji", init=False)


@attrs.frozen(kw_only=True)
class LikedMessage(_Model):
    """A message in a likes listing (leaderboard, your likes, likes of yours)."""

    message: Message
    liked_at: datetime | None = None
    """When you liked it: only ``gm.messages.liked_by_me`` answers carry it."""

    @property
    def like_count(self) -> int:
        """How many people liked the message."""
        return len(self.message.favorited_by)


@attrs.frozen(kw_only=True)
class PollOption(_Model):
    """One choice of a poll."""

    id: str
    """The option's id within its poll (``"1"``, ``"2"``, ...)."""
    title: str
    votes: int = 0
    """GroupMe omits the key for an option nobody chose."""
    voter_ids: tuple[str, ...] = ()
    """Who chose it (empty in anonymous polls)."""


@attrs.frozen(kw_only=True, eq=False)
class Poll(_Identified):
    """A poll and, when you voted, your choices.

    GroupMe nests the poll under ``data`` beside ``user_votes``; the model
    is flat, and ``to_dict()`` nests it again.
    """

    id: str
    subject: str
    conversation_id: str | None = None
    """The group the poll is in."""
    owner_id: str | None = None
    """The user who created it."""
    created_at: datetime | None = None
    expiration: datetime | None = None
    """When voting closes."""
    status: str | None = None
    """``active`` or ``past``."""
    options: tuple[PollOption, ...] = ()
    last_modified: datetime | None = None
    type: str | None = None
    """``single`` or ``multi`` (missing on old polls)."""
    visibility: str | None = None
    """``public`` or ``anonymous`` (missing on old polls)."""
    user_votes: tuple[str, ...] = ()
    """The option ids you chose (empty when you have not voted)."""


@attrs.frozen(kw_only=True)
class EventLocation(_Model):
    """Where a calendar event takes place."""

    name: str
    address: str | None = None
    lat: str | None = None
    """Latitude as a decimal string (GroupMe sends a string or a number)."""
    lng: str | None = None


@attrs.frozen(kw_only=True)
class Event(_Model):
    """A calendar event of a conversation.

    Its times are ISO 8601 on the wire (``to_dict()`` keeps them so) and
    timezone-aware here.
    """

    event_id: str
    """GroupMe's id of the event (hex digits, not a number)."""
    name: str
    conversation_id: str | None = None
    creator_id: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    timezone: str | None = None
    """An IANA zone name such as ``America/Chicago``."""
    is_all_day: bool = False
    description: str | None = None
    image_url: str | None = None
    location: EventLocation | None = None
    reminders: tuple[int, ...] = ()
    """Seconds before the start at which GroupMe reminds the members."""
    going: tuple[str, ...] = ()
    """User ids who said they are going."""
    not_going: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, eq=False)
class Subgroup(_Identified):
    """A topic (subgroup) of a group."""

    id: str
    parent_id: str | None = None
    """The group the topic belongs to."""
    topic: str | None = None
    """The topic's name."""
    type: str | None = None
    """``private`` (anyone may post) or ``announcement`` (admins only)."""
    description: str | None = None
    avatar_url: str | None = None
    creator_user_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    muted_until: datetime | None = None
    """When your mute ends; a mute until unmuted reads as the last second of
    the year 9999."""
    like_icon: Reaction | None = None
    """A PowerUp emoji replacing the heart, when set."""
    messages: GroupMessagesSummary | None = None
    unread_count: int | None = None
    last_read_message_id: str | None = None
    last_read_at: datetime | None = None


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
