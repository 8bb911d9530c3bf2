"""The one cattrs converter: every decoding rule of the library lives here.

GroupMe's real responses mix ids as strings and integers, timestamps as epoch
seconds (and ISO strings in exports), and attachment types that grow over
time.  Models stay plain; this module teaches cattrs those quirks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import (
    homogenous_tuple_structure_factory,
    is_sequence,
    list_structure_factory,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from ._envelope import clean_text
from ._ids import chat_id
from .errors import ResponseDecodeError
from .models import (
    ApprovalResult,
    Attachment,
    Block,
    Bot,
    Chat,
    ChatUser,
    Contact,
    EmojiAttachment,
    EmojiReaction,
    Event,
    EventAttachment,
    EventLocation,
    FileAttachment,
    FileInfo,
    Group,
    GroupMembershipState,
    ImageAttachment,
    LikedMessage,
    LocationAttachment,
    Member,
    MentionsAttachment,
    Message,
    MyMembership,
    OwnerChangeResult,
    PendingMember,
    Poll,
    PollAttachment,
    PollOption,
    Profile,
    Reaction,
    ReadReceipt,
    ReplyAttachment,
    SharedGroup,
    SplitAttachment,
    Subgroup,
    UnknownAttachment,
    User,
    VideoAttachment,
)

T = TypeVar("T")

ATTACHMENT_TYPES: dict[str, type[Any]] = {
    "image": ImageAttachment,
    "location": LocationAttachment,
    "split": SplitAttachment,
    "emoji": EmojiAttachment,
    "reply": ReplyAttachment,
    "mentions": MentionsAttachment,
    "file": FileAttachment,
    "video": VideoAttachment,
    "poll": PollAttachment,
    "event": EventAttachment,
}


def _structure_str(value: Any, _: type) -> str:
    # Ids arrive as strings or integers depending on endpoint and era.
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"expected a string, got {type(value).__name__}")


def _structure_bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    raise TypeError(f"expected a boolean, got {type(value).__name__}")


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise TypeError(f"expected an integer, got {type(value).__name__}")


def _from_epoch(value: float) -> datetime:
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError) as exc:
        # Out of the platform's range: a malformed body, not a crash.
        raise ValueError(f"timestamp out of range: {value!r}") from exc


def _structure_datetime(value: Any, _: type) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(value)
    if isinstance(value, str):
        if value.isdigit():
            return _from_epoch(int(value))
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            # Its own message quotes the whole string, which is server text.
            raise ValueError("not an ISO 8601 timestamp") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise TypeError(f"expected a timestamp, got {type(value).__name__}")


def _unstructure_datetime(value: datetime) -> int:
    return int(value.timestamp())


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(detailed_validation=False)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(datetime, _structure_datetime)

    def null_tolerant_sequence(cl: Any) -> Any:
        # Some endpoints send null for an empty list (favorited_by, tags).
        is_tuple = getattr(cl, "__origin__", None) is tuple
        base = (homogenous_tuple_structure_factory if is_tuple else list_structure_factory)(
            cl, conv
        )
        empty: Any = () if is_tuple else []

        def structure_sequence(value: Any, _: Any) -> Any:
            if value is None:
                return empty
            if isinstance(value, str | bytes | dict):
                # A string is a sequence too: never a tuple of its characters.
                raise TypeError(f"expected a list, got {type(value).__name__}")
            return base(value, cl)

        return structure_sequence

    conv.register_structure_hook_factory(is_sequence, null_tolerant_sequence)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)

    attachment_hooks: dict[type[Any], Callable[[Any, Any], Any]] = {}

    def structure_attachment(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError(f"expected an attachment object, got {type(value).__name__}")
        kind = value.get("type")
        cls = ATTACHMENT_TYPES.get(kind) if isinstance(kind, str) else None
        if cls is None:
            return UnknownAttachment(type=str(kind), data=dict(value))
        # Each type's hook is looked up once, not dispatched per attachment.
        hook = attachment_hooks.get(cls)
        if hook is None:
            hook = attachment_hooks[cls] = conv.get_structure_hook(cls)
        try:
            return hook(value, cls)
        except (TypeError, ValueError, KeyError, cattrs.BaseValidationError):
            # A known type in a shape we do not understand is kept, not fatal.
            return UnknownAttachment(type=str(kind), data=dict(value))

    def unstructure_attachment(value: Any) -> dict[str, Any]:
        if isinstance(value, UnknownAttachment):
            return {**value.data, "type": value.type}
        out: dict[str, Any] = {"type": value.type}
        for field in attrs.fields(type(value)):
            item = getattr(value, field.name)
            if item is not None and field.name != "type":
                out[field.name] = conv.unstructure(item)
        return out

    conv.register_structure_hook(Attachment, structure_attachment)
    for cls in (*ATTACHMENT_TYPES.values(), UnknownAttachment):
        conv.register_unstructure_hook(cls, unstructure_attachment)
    conv.register_structure_hook(Message, _message_hook(conv, structure_attachment))
    _register_content_hooks(conv)
    # A generated hook binds its fields' hooks when it is made: each model's
    # checked hook must exist before a model holding it (Group's members,
    # Chat's other_user) is generated, or the nested ids go unchecked.
    for cls, fields in ID_FIELDS.items():
        conv.register_structure_hook(cls, _checked_ids(conv.get_structure_hook(cls), fields))
    conv.register_structure_hook(Chat, _chat_hook(conv.get_structure_hook(Chat)))
    conv.register_structure_hook(FileInfo, _file_info_hook(conv.get_structure_hook(FileInfo)))
    return conv


#: Fields that later become URL path segments, query ids or file names: a
#: server that sends ``../x`` or a NUL there gets a decode error, never a path.
#: Models held by others come first (see ``_make_converter``).
ID_FIELDS: dict[type[Any], tuple[str, ...]] = {
    ChatUser: ("id",),
    Member: ("id", "user_id"),
    Block: ("user_id", "blocked_user_id"),
    ReadReceipt: ("chat_id", "message_id"),
    # groups beyond the seeds, members, users, contacts, bots (issue 12)
    GroupMembershipState: ("group_id",),
    OwnerChangeResult: ("group_id", "owner_id"),
    MyMembership: ("id", "user_id"),
    PendingMember: ("id", "user_id"),
    ApprovalResult: ("membership_id",),
    SharedGroup: ("group_id",),
    Contact: ("id", "user_id"),
    # A bot id is hex, not digits, and only ever travels in a JSON body.
    Bot: ("group_id",),
    # messages beyond the seeds, polls, events, subgroups
    Poll: ("id", "conversation_id", "owner_id"),
    PollOption: ("id",),
    Subgroup: ("id", "parent_id", "creator_user_id"),
    Event: ("conversation_id", "creator_id"),
    User: ("id",),
    Profile: ("id",),
    Group: ("id",),
    Chat: ("id",),
}


def _checked_ids(generated: Callable[[Any, Any], T], fields: tuple[str, ...]) -> Any:
    def structure_checked(d: Any, cl: Any) -> T:
        value = generated(d, cl)
        for name in fields:
            check_server_id(getattr(value, name), name)
        return value

    return structure_checked


def check_server_id(value: str | None, name: str) -> None:
    """An id GroupMe sent: digits, or a chat id ``digits+digits``."""
    if value is None or value == "":
        return
    if value.isascii() and (value.isdigit() or _is_chat_id(value)):
        return
    # The value is not quoted: it is server text (it could even echo the token).
    raise ValueError(f"{name} is not an id ({len(value)} characters, not digits)")


def _is_chat_id(value: str) -> bool:
    left, plus, right = value.partition("+")
    return bool(plus) and left.isdigit() and right.isdigit()


def _chat_hook(generated: Callable[[Any, Any], Chat]) -> Callable[[Any, Any], Chat]:
    """``/chats`` answers carry no chat id; it is the last message's
    ``conversation_id``, or failing that its sender and recipient."""

    def structure_chat(d: Any, cl: Any) -> Chat:
        if isinstance(d, dict) and "id" not in d:
            d = {**d, "id": _chat_id_of(d.get("last_message"))}
        return generated(d, cl)

    return structure_chat


def _chat_id_of(last: Any) -> str:
    """The chat id read from its last message, or ``""`` when it has none (the
    resource then completes it from your own user id)."""
    if isinstance(last, dict):
        cid = last.get("conversation_id")
        if isinstance(cid, str) and cid:
            return cid
        pair = [last.get("sender_id"), last.get("recipient_id")]
        if all(isinstance(p, str | int) and not isinstance(p, bool) for p in pair):
            return chat_id(str(pair[0]), str(pair[1]))
    return ""


def _file_info_hook(generated: Callable[[Any, Any], FileInfo]) -> Callable[[Any, Any], FileInfo]:
    """The file service nests a file's details: ``{"file_id", "file_data":
    {"file_name", "file_size", "mime_type"}}``; the flat form (``to_dict()``)
    is read too."""

    def structure_file_info(d: Any, cl: Any) -> FileInfo:
        if isinstance(d, dict) and isinstance(d.get("file_data"), dict):
            inner = d["file_data"]
            d = {**inner, "file_id": d.get("file_id", inner.get("file_id"))}
        return generated(d, cl)

    return structure_file_info


#: Stands in for a required field a message lacks.
_REQUIRED: Any = object()


def _message_builder() -> Callable[..., Message]:
    """``Message`` built from its field values in order, positionally.

    attrs' own ``__init__`` takes the 22 fields as keywords, and matching
    keywords costs a third of building a message; this makes exactly the
    same object (the same stores, in the same order, into the instance
    dict, so it shares its keys like any other) from positional values.  It
    applies only while Message has no validators, converters or post-init,
    which attrs would run: otherwise it calls ``Message(**fields)``.
    """
    fields = attrs.fields(Message)
    names = [f.name for f in fields]
    plain = not hasattr(Message, "__attrs_post_init__") and all(
        f.validator is None and f.converter is None and f.on_setattr is None and f.init
        for f in fields
    )
    if not plain:
        return lambda *values: Message(**dict(zip(names, values, strict=True)))
    stores = "".join(f"    d[{name!r}] = {name}\n" for name in names)
    head = f"def build({', '.join(names)}):\n    o = new(Message)\n    d = o.__dict__\n"
    source = f"{head}{stores}    return o\n"
    namespace: dict[str, Any] = {"new": object.__new__, "Message": Message}
    exec(compile(source, "<groupme_async message builder>", "exec"), namespace)  # noqa: S102
    built: Callable[..., Message] = namespace["build"]
    return built


def _message_hook(conv: cattrs.Converter, attachment: Callable[[Any, Any], Any]) -> Any:
    """The structure hook for :class:`Message`, written out by hand.

    Messages are the one model decoded by the million (exports, ``iter``),
    and the generated hook spends most of its time dispatching each
    ``Optional`` field.  This applies the same rules as the hooks above (ids
    as str or int, epoch or ISO timestamps, null lists as empty) with the
    common case inlined.  ``tests/unit/test_decoding.py`` holds it to the
    generated hook's results on every recorded message.
    """
    reaction = conv.get_structure_hook(Reaction)
    fromtimestamp = datetime.fromtimestamp

    def ids(values: Any) -> tuple[str, ...]:
        if values.__class__ is not list:
            if values is None or values is empty:
                return ()
            raise TypeError("expected a list of ids")
        if not values:
            return ()
        return tuple([v if v.__class__ is str else _structure_str(v, str) for v in values])

    def timestamp(value: Any) -> datetime:
        if value.__class__ is int:
            try:
                return fromtimestamp(value, UTC)
            except (OverflowError, OSError):
                pass  # the general hook says why
        return _structure_datetime(value, datetime)

    fields = tuple(f.name for f in attrs.fields(Message))
    # Every field in the model's order, at its default (the two required
    # ones at a marker): merged under a message in one step, a missing key
    # costs nothing and the result is in field order for ``build``.
    defaults = {
        f.name: _REQUIRED if f.default is attrs.NOTHING else f.default
        for f in attrs.fields(Message)
    }
    size = len(fields)
    build = _message_builder()
    string = _structure_str
    empty = defaults["attachments"]  # the model's (), what a missing list merges in

    def structure_message(d: Any, _: Any) -> Message:
        if d.__class__ is not dict:
            raise TypeError(f"expected a message object, got {type(d).__name__}")
        m = {**defaults, **d}
        if len(m) != size:
            # Keys the model does not have (or a required one missing, which
            # the reads below report).
            m = {name: m[name] for name in fields if name in m}
        # The optional strings, inlined: a loop or a call per field costs
        # more than the check itself.
        v = m["user_id"]
        if not (v is None or v.__class__ is str):
            m["user_id"] = string(v, str)
        v = m["name"]
        if not (v is None or v.__class__ is str):
            m["name"] = string(v, str)
        v = m["text"]
        if not (v is None or v.__class__ is str):
            m["text"] = string(v, str)
        v = m["source_guid"]
        if not (v is None or v.__class__ is str):
            m["source_guid"] = string(v, str)
        v = m["avatar_url"]
        if not (v is None or v.__class__ is str):
            m["avatar_url"] = string(v, str)
        v = m["sender_id"]
        if not (v is None or v.__class__ is str):
            m["sender_id"] = string(v, str)
        v = m["sender_type"]
        if not (v is None or v.__class__ is str):
            m["sender_type"] = string(v, str)
        v = m["group_id"]
        if not (v is None or v.__class__ is str):
            m["group_id"] = string(v, str)
        v = m["recipient_id"]
        if not (v is None or v.__class__ is str):
            m["recipient_id"] = string(v, str)
        v = m["conversation_id"]
        if not (v is None or v.__class__ is str):
            m["conversation_id"] = string(v, str)
        v = m["pinned_by"]
        if not (v is None or v.__class__ is str):
            m["pinned_by"] = string(v, str)
        v = m["platform"]
        if not (v is None or v.__class__ is str):
            m["platform"] = string(v, str)
        v = m["id"]
        if v is _REQUIRED or m["created_at"] is _REQUIRED:
            raise KeyError("id" if v is _REQUIRED else "created_at")
        if v.__class__ is not str:
            v = m["id"] = string(v, str)
        if not (v.isascii() and v.isdigit()):
            raise ValueError(f"message id is not an id ({len(v)} characters)")
        m["created_at"] = timestamp(m["created_at"])
        v = m["attachments"]
        if v:
            if v.__class__ is not list:
                raise TypeError("attachments must be a list")
            m["attachments"] = tuple([attachment(a, Attachment) for a in v])
        elif v is not empty:
            if not (v is None or v.__class__ is list):
                raise TypeError("attachments must be a list")
            m["attachments"] = ()
        v = m["reactions"]
        if v:
            if v.__class__ is not list:
                raise TypeError("reactions must be a list")
            m["reactions"] = tuple([reaction(r, Reaction) for r in v])
        elif v is not empty:
            if not (v is None or v.__class__ is list):
                raise TypeError("reactions must be a list")
            m["reactions"] = ()
        m["favorited_by"] = ids(m["favorited_by"])
        v = m["system"]
        if v.__class__ is not bool:
            m["system"] = False if v is None else _structure_bool(v, bool)
        v = m["pinned_at"]
        if v is not None:
            m["pinned_at"] = timestamp(v)
        v = m["updated_at"]
        if v is not None:
            m["updated_at"] = timestamp(v)
        v = m["deleted_at"]
        if v is not None:
            m["deleted_at"] = timestamp(v)
        v = m["event"]
        if not (v is None or v.__class__ is dict):
            raise TypeError("event must be an object")
        return build(*m.values())

    return structure_message


# --- messages beyond the seeds: likes listings, polls, events ------------------------------


#: 10000-01-01T00:00:00Z, GroupMe's "forever" (a mute until unmuted).
_END_OF_TIME = 253402300800


def _register_content_hooks(conv: cattrs.Converter) -> None:
    """Polls nest under ``data``, likes listings add ``liked_at`` to a
    message, and events keep ISO 8601 times on the wire."""
    poll_in = make_dict_structure_fn(Poll, conv)
    poll_out = make_dict_unstructure_fn(Poll, conv)

    def structure_poll(d: Any, cl: Any) -> Poll:
        if isinstance(d, dict) and isinstance(d.get("data"), dict):
            votes = d.get("user_votes")
            if votes is None and d.get("user_vote") is not None:
                votes = [d["user_vote"]]  # older answers name one vote only
            d = {**d["data"], "user_votes": votes}
        poll = poll_in(d, cl)
        # Built before the id checks were registered: option ids (a vote's
        # path segment) are checked here.
        for option in poll.options:
            check_server_id(option.id, "option id")
        return poll

    def unstructure_poll(poll: Poll) -> dict[str, Any]:
        data = poll_out(poll)
        return {"data": data, "user_votes": data.pop("user_votes")}

    conv.register_structure_hook(Poll, structure_poll)
    conv.register_unstructure_hook(Poll, unstructure_poll)

    message = conv.get_structure_hook(Message)

    def structure_liked(d: Any, _: Any) -> LikedMessage:
        if not isinstance(d, dict):
            raise TypeError(f"expected a message object, got {type(d).__name__}")
        liked_at = d.get("liked_at")
        return LikedMessage(
            message=message(d, Message),
            liked_at=None if liked_at is None else _structure_datetime(liked_at, datetime),
        )

    def unstructure_liked(liked: LikedMessage) -> dict[str, Any]:
        out: dict[str, Any] = conv.unstructure(liked.message)
        if liked.liked_at is not None:
            out["liked_at"] = liked.liked_at.isoformat()
        return out

    conv.register_structure_hook(LikedMessage, structure_liked)
    conv.register_unstructure_hook(LikedMessage, unstructure_liked)

    location_in = make_dict_structure_fn(EventLocation, conv)

    def structure_location(d: Any, cl: Any) -> EventLocation:
        # Coordinates are strings in create answers and numbers in show answers.
        if isinstance(d, dict):
            d = {
                **d,
                **{
                    k: repr(d[k])
                    for k in ("lat", "lng")
                    if isinstance(d.get(k), int | float) and not isinstance(d.get(k), bool)
                },
            }
        return location_in(d, cl)

    conv.register_structure_hook(EventLocation, structure_location)
    event_out = make_dict_unstructure_fn(Event, conv)
    times = ("start_at", "end_at", "created_at", "updated_at")

    def unstructure_event(event: Event) -> dict[str, Any]:
        out = event_out(event)
        for name in times:
            value = getattr(event, name)
            out[name] = None if value is None else value.isoformat()
        return out

    conv.register_unstructure_hook(Event, unstructure_event)
    subgroup_in = make_dict_structure_fn(Subgroup, conv)

    def structure_subgroup(d: Any, cl: Any) -> Subgroup:
        # "Muted until unmuted" is 253402300800, the first second of the year
        # 10000, one past what a datetime holds: read as the last one before.
        muted = d.get("muted_until") if isinstance(d, dict) else None
        if isinstance(muted, int) and muted >= _END_OF_TIME:
            d = {**d, "muted_until": _END_OF_TIME - 1}
        return subgroup_in(d, cl)

    conv.register_structure_hook(Subgroup, structure_subgroup)
    # ``type`` is fixed (init=False), which cattrs would otherwise leave out.
    conv.register_unstructure_hook(
        EmojiReaction,
        lambda e: {"type": e.type, "pack_id": e.pack_id, "pack_index": e.pack_index},
    )


converter = _make_converter()


def structure(data: Any, cls: type[T], endpoint: str) -> T:
    """``data`` as ``cls``, or a :class:`ResponseDecodeError` naming ``endpoint``."""
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ResponseDecodeError(endpoint, _reason(cls, exc)) from None


def structure_list(data: Any, cls: type[T], endpoint: str) -> list[T]:
    """Every non-null item of ``data`` as ``cls`` (one hook lookup per list)."""
    if not isinstance(data, list):
        raise ResponseDecodeError(endpoint, f"expected a list, got {type(data).__name__}")
    hook = converter.get_structure_hook(cls)
    try:
        return [hook(item, cls) for item in data if item is not None]
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ResponseDecodeError(endpoint, _reason(cls, exc)) from None


def _reason(cls: type[Any], exc: Exception) -> str:
    # Escaped and capped: a hook's message may still carry server text.
    return f"not a valid {cls.__name__}: {clean_text(repr(exc))}"


def unstructure(value: Any) -> dict[str, Any]:
    """A model back in GroupMe's JSON shape."""
    result: dict[str, Any] = converter.unstructure(value)
    return result
