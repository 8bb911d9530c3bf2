"""Checks shared by the decoding tests on recorded and on invented data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

import attrs
import httpx
import respx

from groupme_async import AsyncGroupMe, Message, UnknownAttachment

#: Every attachment type API.md lists with a known shape: written out here, not
#: read from the library, so dropping one from the decoder fails a test.
KNOWN_ATTACHMENT_TYPES = frozenset(
    {"image", "video", "location", "emoji", "split", "reply", "mentions", "file", "poll", "event"}
)


def walk_models(value: Any) -> Iterable[Any]:
    """Every attrs instance inside ``value``, recursively."""
    if attrs.has(type(value)):
        yield value
        for field in attrs.fields(type(value)):
            yield from walk_models(getattr(value, field.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from walk_models(item)


def assert_well_typed(value: Any) -> None:
    """Ids are strings, datetimes are aware, attachments of known types are typed."""
    for model in walk_models(value):
        for field in attrs.fields(type(model)):
            item = getattr(model, field.name)
            if isinstance(item, datetime):
                assert item.tzinfo is not None, f"{type(model).__name__}.{field.name} is naive"
            if field.name.endswith("id") and item is not None:
                assert isinstance(item, str), f"{type(model).__name__}.{field.name} not a str"
        if isinstance(model, Message):
            for attachment in model.attachments:
                if isinstance(attachment, UnknownAttachment):
                    assert attachment.type not in KNOWN_ATTACHMENT_TYPES, (
                        f"a known {attachment.type!r} attachment fell back to UnknownAttachment"
                    )


async def serve(
    gm_call: Callable[[AsyncGroupMe], Awaitable[Any]],
    body: Any,
    gm: AsyncGroupMe,
    status: int = 200,
) -> Any:
    """``gm_call``'s result when every api.groupme.com request answers ``body``."""
    with respx.mock:
        respx.route(host="api.groupme.com").mock(return_value=httpx.Response(status, json=body))
        return await gm_call(gm)


def every_field(message: Message) -> tuple[Any, ...]:
    """All of a message's fields (``==`` on messages compares ids only)."""
    return (type(message), *(getattr(message, f.name) for f in attrs.fields(Message)))


def generated_message_hook() -> Callable[[Any, Any], Message]:
    """cattrs' own generated hook for Message, using the converter's rules
    for every field: the reference the hand-written hook must agree with."""
    from cattrs.gen import make_dict_structure_fn

    from groupme_async._convert import converter

    return make_dict_structure_fn(Message, converter)  # type: ignore[no-any-return]
