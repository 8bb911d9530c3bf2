"""Every endpoint the client calls, declared once.

A :class:`Route` row names the HTTP method, the API family (which host), the
path template and the shape of the answer.  Resources call rows; the label in
every error message is derived from the row, and every ``{placeholder}`` in a
path is validated by :func:`~groupme_async._ids.check_path_param` when the
row is bound, so no caller string reaches a URL path unchecked.

The table is the module's ``Route`` constants, in order (:data:`TABLE`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Generic, Literal, Protocol, TypeVar

import attrs

from ._convert import structure, structure_list
from ._envelope import NO_CONTENT, expect_dict
from ._ids import check_path_param
from .errors import ResponseDecodeError
from .models import (
    ApprovalResult,
    Block,
    Bot,
    Chat,
    Contact,
    DirectoryMembership,
    Event,
    FileInfo,
    Group,
    GroupMembershipState,
    LikedMessage,
    Member,
    Message,
    MyMembership,
    OwnerChangeResult,
    PendingMember,
    Poll,
    Profile,
    ReadReceipt,
    ShareUrls,
    Subgroup,
    UploadedImage,
    User,
    UserDetails,
)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
Method = Literal["GET", "POST", "PUT", "DELETE"]
Family = Literal["v2", "v3", "v4", "image", "file", "video"]

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class Shape(Protocol[T_co]):
    """How an answer's ``response`` becomes the value a resource returns."""

    def decode(self, data: Any, label: str) -> T_co: ...


def _unwrap(data: Any, key: str | None, label: str) -> Any:
    return data if key is None else expect_dict(data, label, key)


@attrs.frozen
class One(Generic[T]):
    """One object (under ``key`` when given), structured as ``model``.

    ``empty`` builds the value for an answer with no body, where GroupMe
    sends none on success; without it an empty answer is a decode error.
    """

    model: type[T]
    key: str | None = None
    empty: T | None = None

    def decode(self, data: Any, label: str) -> T:
        if data is NO_CONTENT:
            if self.empty is None:
                raise ResponseDecodeError(label, "the answer had no body")
            return self.empty
        return structure(_unwrap(data, self.key, label), self.model, label)


@attrs.frozen
class Many(Generic[T]):
    """A list (under ``key`` when given) of ``model``; no body is an empty list."""

    model: type[T]
    key: str | None = None

    def decode(self, data: Any, label: str) -> list[T]:
        if data is NO_CONTENT:
            return []
        return structure_list(_unwrap(data, self.key, label), self.model, label)


@attrs.frozen
class OneOrMany(Generic[T]):
    """A list of ``model``, where one object alone stands for a list of one
    (services that answer a batch request for one item with the item)."""

    model: type[T]

    def decode(self, data: Any, label: str) -> list[T]:
        if data is NO_CONTENT:
            return []
        return structure_list(data if isinstance(data, list) else [data], self.model, label)


@attrs.frozen
class Streamed:
    """A body that is not decoded but streamed to the caller
    (``Requester.stream``); :meth:`decode` is never reached."""

    def decode(self, data: Any, label: str) -> None:
        raise TypeError(f"{label} is a download: open it with Requester.stream")


@attrs.frozen
class Nothing:
    """Success is all that matters; any body is ignored."""

    def decode(self, data: Any, label: str) -> None:
        return None


@attrs.frozen
class Raw:
    """The JSON object as sent (``None`` for no body); the caller reads it."""

    def decode(self, data: Any, label: str) -> dict[str, Any] | None:
        if data is NO_CONTENT:
            return None
        result: dict[str, Any] = expect_dict(data, label)
        return result


@attrs.frozen
class Route(Generic[T]):
    """One endpoint: method, API family, path template and answer shape."""

    method: Method
    family: Family
    path: str
    """A template: ``/groups/{group_id}/messages``."""
    shape: Shape[T]
    public: bool = False
    """GroupMe answers it without an access token (a bot post): the token is
    then never sent, and a client made without one may call it."""

    @property
    def label(self) -> str:
        """How errors name the endpoint: ``GET /groups/:group_id`` (v3) or
        ``POST v2 /read_receipts``."""
        path = _PLACEHOLDER.sub(r":\1", self.path)
        return (
            f"{self.method} {path}"
            if self.family == "v3"
            else f"{self.method} {self.family} {path}"
        )

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(_PLACEHOLDER.findall(self.path))

    def bind(self, **ids: object) -> Bound[T]:
        """This route with its placeholders filled by validated ids."""
        wanted = self.placeholders
        if set(ids) != set(wanted):
            raise TypeError(f"{self.label} takes path ids {wanted}, got {tuple(ids)}")
        checked = {name: check_path_param(name, value) for name, value in ids.items()}
        return Bound(self, self.path.format_map(checked) if checked else self.path)


@attrs.frozen
class Bound(Generic[T]):
    """A route with a concrete, validated path."""

    route: Route[T]
    path: str


# --- users and account (seed 001) --------------------------------------------
USERS_ME = Route("GET", "v3", "/users/me", One(User))
USERS_UPDATE = Route("POST", "v3", "/users/update", One(User))
USERS_PROFILE = Route("POST", "v2", "/users/{user_id}", One(Profile, "user"))
USERS_MAJORS = Route("PUT", "v3", "/directories/user/majors", Many(str))
USERS_DIRECTORY = Route("PUT", "v3", "/directories/user/membership", One(DirectoryMembership))
USERS_SHARE = Route("POST", "v3", "/users/features/share", One(ShareUrls, empty=ShareUrls()))
USERS_SMS_ON = Route("POST", "v3", "/users/sms_mode", Nothing())
USERS_SMS_OFF = Route("POST", "v3", "/users/sms_mode/delete", Nothing())
PINNED_LIST = Route("GET", "v4", "/pinned_conversations", Many(str, "pinned_conversation_ids"))
PINNED_SET = Route("PUT", "v4", "/pinned_conversations", Nothing())

# --- chats and direct messages (seeds 000, 004) --------------------------------
CHATS_LIST = Route("GET", "v3", "/chats", Many(Chat))
CHATS_GET = Route("GET", "v3", "/chats/{chat_id}", One(Chat))
DMS_LIST = Route("GET", "v3", "/direct_messages", Raw())
DMS_CREATE = Route("POST", "v3", "/direct_messages", Raw())
READ_RECEIPTS = Route("POST", "v2", "/read_receipts", One(ReadReceipt, "read_receipt"))

# --- groups and group messages (seed 003) ---------------------------------------
GROUPS_LIST = Route("GET", "v3", "/groups", Many(Group))
GROUPS_GET = Route("GET", "v3", "/groups/{group_id}", One(Group))
GROUP_MESSAGES_LIST = Route("GET", "v3", "/groups/{group_id}/messages", Raw())
GROUP_MESSAGES_CREATE = Route("POST", "v3", "/groups/{group_id}/messages", Raw())

# --- any conversation ------------------------------------------------------------
MESSAGES_DELETE = Route(
    "DELETE", "v3", "/conversations/{conversation_id}/messages/{message_id}", Nothing()
)

# --- blocks (seed 000) -------------------------------------------------------------
BLOCKS_LIST = Route("GET", "v3", "/blocks", Many(Block, "blocks"))
BLOCKS_BETWEEN = Route("GET", "v3", "/blocks/between", One(bool, "between"))
BLOCKS_CREATE = Route("POST", "v3", "/blocks", One(Block, "block"))
BLOCKS_DELETE = Route("DELETE", "v3", "/blocks", Nothing())
BLOCKS_DELETE_VIA_POST = Route("POST", "v3", "/blocks/delete", Nothing())

# --- groups beyond the seeds, members, users, contacts, bots (API.md) ----------------
# (rows for gm.groups, gm.members, gm.users.get, gm.contacts, gm.chats.delete, gm.bots)


@attrs.frozen
class OneMaybeUnder(Generic[T]):
    """One object under ``key`` when the answer wraps it, else the answer
    itself: the bots endpoints have answered both ways."""

    model: type[T]
    key: str

    def decode(self, data: Any, label: str) -> T:
        if data is NO_CONTENT:
            raise ResponseDecodeError(label, "the answer had no body")
        obj = expect_dict(data, label)
        return structure(obj.get(self.key, obj), self.model, label)


@attrs.frozen
class MembersByGuid:
    """``{"members": [...]}`` of ``members/results``: each membership by the
    ``guid`` of the request that made it."""

    def decode(self, data: Any, label: str) -> dict[str, Member]:
        items = expect_dict(data, label, "members")
        if not isinstance(items, list):
            raise ResponseDecodeError(label, "'members' is not a list")
        found: dict[str, Member] = {}
        for item in items:
            guid = expect_dict(item, label).get("guid")
            if not isinstance(guid, str):
                raise ResponseDecodeError(label, "a membership without its guid")
            found[guid] = structure(item, Member, label)
        return found


GROUPS_FORMER = Route("GET", "v3", "/groups/former", Many(Group))
MEMBERSHIPS_STATES = Route("GET", "v3", "/memberships/states", Many(GroupMembershipState))
GROUPS_CREATE = Route("POST", "v3", "/groups", One(Group))
GROUPS_UPDATE = Route("POST", "v3", "/groups/{group_id}/update", One(Group))
GROUPS_DESTROY = Route("POST", "v3", "/groups/{group_id}/destroy", Nothing())
GROUPS_JOIN = Route("POST", "v3", "/groups/{group_id}/join/{share_token}", One(Group, "group"))
GROUPS_REJOIN = Route("POST", "v3", "/groups/join", One(Group))
GROUPS_CHANGE_OWNERS = Route(
    "POST", "v3", "/groups/change_owners", Many(OwnerChangeResult, "results")
)
_MINE = One(MyMembership, "membership")
GROUPS_MUTE = Route("POST", "v2", "/groups/{group_id}/memberships/mute", _MINE)
GROUPS_UNMUTE = Route("POST", "v2", "/groups/{group_id}/memberships/unmute", _MINE)
GROUPS_MUTE_ALL = Route("POST", "v3", "/groups/{group_id}/memberships/mute_all", _MINE)
GROUPS_UNMUTE_ALL = Route("POST", "v3", "/groups/{group_id}/memberships/unmute_all", _MINE)

MEMBERS_LIST = Route("GET", "v3", "/groups/{group_id}/members", Many(Member, "memberships"))
MEMBERS_ADD = Route("POST", "v3", "/groups/{group_id}/members/add", One(str, "results_id"))
MEMBERS_RESULTS = Route(
    "GET", "v3", "/groups/{group_id}/members/results/{results_id}", MembersByGuid()
)
MEMBERS_REMOVE = Route("POST", "v3", "/groups/{group_id}/members/{membership_id}/remove", Nothing())
MEMBERS_PENDING = Route("GET", "v3", "/groups/{group_id}/pending_memberships", Many(PendingMember))
MEMBERS_APPROVAL = Route(
    "POST", "v3", "/groups/{group_id}/members/{membership_id}/approval", One(ApprovalResult)
)
MEMBERS_BAN = Route(
    "POST", "v2", "/groups/{group_id}/memberships/{membership_id}/destroy", Nothing()
)
MEMBERS_NICKNAME = Route("POST", "v3", "/groups/{group_id}/memberships/update", One(Member))

USERS_GET = Route("GET", "v2", "/users/{user_id}", One(UserDetails))
CONTACTS_LIST = Route("GET", "v4", "/relationships", Many(Contact))
CONTACTS_CREATE = Route("POST", "v4", "/relationships/create", Nothing())
CONTACTS_DELETE = Route("DELETE", "v4", "/relationships/{user_id}", Nothing())
CHATS_DELETE = Route("DELETE", "v3", "/chats/{chat_id}", Nothing())

BOTS_CREATE = Route("POST", "v3", "/bots", OneMaybeUnder(Bot, "bot"))
BOTS_LIST = Route("GET", "v3", "/bots", Many(Bot))
BOTS_UPDATE = Route("POST", "v3", "/bots/update", OneMaybeUnder(Bot, "bot"))
BOTS_DESTROY = Route("POST", "v3", "/bots/destroy", Nothing())
BOTS_POST = Route("POST", "v3", "/bots/post", Nothing(), public=True)


# --- messages beyond the seeds: show, edit, likes, pins; polls, events, topics, gallery --
# (rows for gm.messages, gm.polls, gm.events, gm.subgroups, gm.gallery)
_ONE_MESSAGE = "/groups/{group_id}/messages/{message_id}"
_LIKES = "/messages/{conversation_id}/{message_id}"
_PINS = "/conversations/{conversation_id}/messages/{message_id}"
MESSAGES_GET = Route("GET", "v4", _ONE_MESSAGE, One(Message, "message"))
MESSAGES_EDIT = Route("PUT", "v4", _ONE_MESSAGE, One(Message, "message"))
MESSAGES_LIKE = Route("POST", "v3", _LIKES + "/like", Nothing())
MESSAGES_UNLIKE = Route("POST", "v3", _LIKES + "/unlike", Nothing())
MESSAGES_PIN = Route("POST", "v3", _PINS + "/pin", Nothing())
MESSAGES_UNPIN = Route("POST", "v3", _PINS + "/unpin", Nothing())
PINNED_GROUP = Route("GET", "v3", "/pinned/groups/{group_id}/messages", Many(Message, "messages"))
PINNED_DIRECT = Route("GET", "v3", "/pinned/direct_messages", Many(Message, "messages"))
LIKES_LEADERBOARD = Route("GET", "v3", "/groups/{group_id}/likes", Many(LikedMessage, "messages"))
LIKES_MINE = Route("GET", "v3", "/groups/{group_id}/likes/mine", Many(LikedMessage, "messages"))
LIKES_FOR_ME = Route("GET", "v3", "/groups/{group_id}/likes/for_me", Many(LikedMessage, "messages"))

POLLS_CREATE = Route("POST", "v3", "/poll/{group_id}", One(Poll, "poll"))
POLLS_LIST = Route("GET", "v3", "/poll/{group_id}", Raw())
POLLS_GET = Route("GET", "v3", "/poll/{group_id}/{poll_id}", One(Poll, "poll"))
POLLS_VOTE_ONE = Route("POST", "v3", "/poll/{group_id}/{poll_id}/{option_id}", One(Poll, "poll"))
POLLS_VOTE_MANY = Route("POST", "v3", "/poll/{group_id}/{poll_id}", One(Poll, "poll"))
POLLS_END = Route("POST", "v3", "/poll/{group_id}/{poll_id}/end", One(Poll, "poll"))

_EVENTS = "/conversations/{conversation_id}/events"
EVENTS_LIST = Route("GET", "v3", _EVENTS + "/list", Raw())
EVENTS_GET = Route("GET", "v3", _EVENTS + "/show", One(Event, "event"))
EVENTS_CREATE = Route("POST", "v3", _EVENTS + "/create", One(Event, "event"))
EVENTS_UPDATE = Route("POST", "v3", _EVENTS + "/update", One(Event, "event"))
EVENTS_DELETE = Route("DELETE", "v3", _EVENTS + "/delete", Nothing())
EVENTS_RSVP = Route("POST", "v3", _EVENTS + "/rsvp", One(Event, "event"))
EVENTS_RSVP_DELETE = Route("DELETE", "v3", _EVENTS + "/rsvp/delete", One(Event, "event"))

_SUBGROUP = "/groups/{group_id}/subgroups/{subgroup_id}"
SUBGROUPS_LIST = Route("GET", "v3", "/groups/{group_id}/subgroups", Many(Subgroup))
SUBGROUPS_CREATE = Route("POST", "v3", "/groups/{group_id}/subgroups", One(Subgroup))
SUBGROUPS_GET = Route("GET", "v3", _SUBGROUP, One(Subgroup))
SUBGROUPS_UPDATE = Route("PUT", "v3", _SUBGROUP, One(Subgroup))
SUBGROUPS_DELETE = Route("DELETE", "v3", _SUBGROUP, Nothing())
SUBGROUPS_MUTE = Route("POST", "v3", _SUBGROUP + "/mute", One(Member, "membership"))
SUBGROUPS_UNMUTE = Route("POST", "v3", _SUBGROUP + "/unmute", One(Member, "membership"))

GALLERY_LIST = Route("GET", "v3", "/conversations/{conversation_id}/gallery", Raw())


# --- media services: images, files, videos ----------------------------------------------
# (rows for gm.images, gm.files, gm.videos)
# The image service answers without the envelope; the file and video services
# answer an upload with a status URL of their choosing (the STATUS rows name
# it for errors; the URL polled is the server's, checked by _polling).
IMAGES_UPLOAD = Route("POST", "image", "/pictures", One(UploadedImage, "payload"))
FILES_UPLOAD = Route("POST", "file", "/{conversation_id}/files", Raw())
FILES_STATUS = Route("GET", "file", "/{conversation_id}/uploadStatus", Raw())
FILES_METADATA = Route("POST", "file", "/{conversation_id}/fileData", OneOrMany(FileInfo))
FILES_DOWNLOAD = Route("POST", "file", "/{conversation_id}/files/{file_id}", Streamed())
VIDEOS_UPLOAD = Route("POST", "video", "/transcode", Raw())
VIDEOS_STATUS = Route("GET", "video", "/status", Raw())


def _collect(namespace: Mapping[str, object]) -> tuple[Route[Any], ...]:
    return tuple(v for v in namespace.values() if isinstance(v, Route))


#: Every endpoint the client calls, in declaration order.
TABLE: tuple[Route[Any], ...] = _collect(dict(globals()))
