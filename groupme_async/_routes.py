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
    Block,
    Chat,
    DirectoryMembership,
    FileInfo,
    Group,
    Profile,
    ReadReceipt,
    ShareUrls,
    UploadedImage,
    User,
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


# --- messages beyond the seeds: show, edit, likes, pins; polls, events, topics, gallery --
# (rows for gm.messages, gm.polls, gm.events, gm.subgroups, gm.gallery)


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
