"""The one cattrs converter: every decoding rule of the library lives here.

GroupMe's real responses mix ids as strings and integers, timestamps as epoch
seconds (and ISO strings in exports), and attachment types that grow over
time.  Models stay plain; this module teaches cattrs those quirks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import is_sequence, list_structure_factory

from .errors import ResponseDecodeError
from .models import (
    Attachment,
    EmojiAttachment,
    EventAttachment,
    FileAttachment,
    ImageAttachment,
    LocationAttachment,
    MentionsAttachment,
    PollAttachment,
    ReplyAttachment,
    SplitAttachment,
    UnknownAttachment,
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
        parsed = datetime.fromisoformat(value)
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

    def null_tolerant_list(cl: Any) -> Any:
        # Some endpoints send null for an empty list (favorited_by, tags).
        base = list_structure_factory(cl, conv)

        def structure_list(value: Any, _: Any) -> Any:
            return [] if value is None else base(value, cl)

        return structure_list

    conv.register_structure_hook_factory(is_sequence, null_tolerant_list)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)

    def structure_attachment(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError(f"expected an attachment object, got {type(value).__name__}")
        kind = value.get("type")
        cls = ATTACHMENT_TYPES.get(kind) if isinstance(kind, str) else None
        if cls is None:
            return UnknownAttachment(type=str(kind), data=dict(value))
        try:
            return conv.structure(value, cls)
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
    return conv


converter = _make_converter()


def structure(data: Any, cls: type[T], endpoint: str) -> T:
    """``data`` as ``cls``, or a :class:`ResponseDecodeError` naming ``endpoint``."""
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ResponseDecodeError(endpoint, f"not a valid {cls.__name__}: {exc!r}") from None


def structure_list(data: Any, cls: type[T], endpoint: str) -> list[T]:
    if not isinstance(data, list):
        raise ResponseDecodeError(endpoint, f"expected a list, got {type(data).__name__}")
    return [structure(item, cls, endpoint) for item in data if item is not None]


def unstructure_attachment(attachment: Attachment) -> dict[str, Any]:
    result: dict[str, Any] = converter.unstructure(attachment)
    return result
