"""The conversation engine shared by group messages and direct messages.

The two APIs differ only in their routes, how the conversation is named
(a path id or a query parameter) and a couple of JSON keys
(:class:`MessageEndpoints`); listing, cursor walks, ``since`` and the
exactly-once send are written once, here.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Sequence
from functools import partial
from typing import Any

import attrs
import httpx

from ._constants import IMAGE_HOST, LANDED_LOOKBACK_PAGES, MAX_PAGE_LIMIT, MAX_TEXT_LENGTH
from ._convert import structure, structure_list, unstructure
from ._ids import check_id
from ._pagination import (
    AsyncPaginator,
    Direction,
    RawMessage,
    RawPage,
    identity,
    walk_messages,
)
from ._requester import AttemptLog, Requester
from ._routes import (
    DMS_CREATE,
    DMS_LIST,
    GROUP_MESSAGES_CREATE,
    GROUP_MESSAGES_LIST,
    Bound,
    Route,
)
from .errors import ConflictError, GroupMeError, ResponseDecodeError, SendOutcomeUnknownError
from .models import Attachment, ImageAttachment, Message, MessagePage

RawBody = dict[str, Any] | None

#: Without it GroupMe replaces the text of every message carrying a file
#: with "Please upgrade to download this file." (listings and the gallery).
ACCEPT_FILES: dict[str, str | int] = {"acceptFiles": 1}


@attrs.frozen
class MessageEndpoints:
    """How one kind of conversation's messages are addressed."""

    list_route: Route[RawBody]
    create_route: Route[RawBody]
    list_key: str
    """The answer's key holding the messages."""
    send_key: str
    """The send body's top-level key."""
    query_id: str | None
    """The query parameter naming the conversation, when the path does not."""
    send_extra: str | None
    """The body field naming the conversation in a send, when the path does not."""

    def target(self, conversation_id: object, name: str) -> _Target:
        """Validated routes and parameters for one conversation."""
        if self.query_id is None:
            path_id = {self.list_route.placeholders[0]: conversation_id}
            return _Target(
                check_id(conversation_id, name),
                self.list_route.bind(**path_id),
                self.create_route.bind(**path_id),
                {},
            )
        cid = check_id(conversation_id, name)
        return _Target(cid, self.list_route.bind(), self.create_route.bind(), {self.query_id: cid})


@attrs.frozen
class _Target:
    id: str
    list: Bound[RawBody]
    create: Bound[RawBody]
    params: dict[str, str | int]


GROUP = MessageEndpoints(
    GROUP_MESSAGES_LIST,
    GROUP_MESSAGES_CREATE,
    list_key="messages",
    send_key="message",
    query_id=None,
    send_extra=None,
)
DIRECT = MessageEndpoints(
    DMS_LIST,
    DMS_CREATE,
    list_key="direct_messages",
    send_key="direct_message",
    query_id="other_user_id",
    send_extra="recipient_id",
)


def check_limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_LIMIT:
        raise ValueError(f"limit must be an integer from 1 to {MAX_PAGE_LIMIT}, got {limit!r}")
    return limit


def check_text(text: str | None, attachments: Sequence[Attachment], *, stacklevel: int = 5) -> None:
    """Refuse what GroupMe refuses, before any request; warn about images it
    would reject (``stacklevel`` points the warning at the caller's line)."""
    if text is not None and not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    if len(text or "") > MAX_TEXT_LENGTH:
        raise ValueError(f"text is {len(text or '')} characters; GroupMe allows {MAX_TEXT_LENGTH}")
    if isinstance(attachments, str | bytes) or not isinstance(attachments, Sequence):
        raise TypeError("attachments must be a list of attachment objects")
    if not text and not attachments:
        raise ValueError("a message needs text or at least one attachment")
    warn_external_images(attachments, stacklevel=stacklevel)


# --- image attachments must be GroupMe's own ------------------------------------------------


class ExternalImageWarning(UserWarning):
    """An image attachment whose URL is not an ``https://i.groupme.com/``
    one: GroupMe refuses such images.  Upload the image first
    (``gm.images.upload(data)`` or ``gm.images.import_url(url)``) and send
    the attachment it returns."""


def is_groupme_image(url: object) -> bool:
    """Whether ``url`` is on GroupMe's image CDN (the only host attachments may use)."""
    if not isinstance(url, str):
        return False
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return False
    return parsed.scheme == "https" and parsed.host == IMAGE_HOST and not parsed.userinfo


def warn_external_images(attachments: Sequence[Attachment], *, stacklevel: int) -> None:
    """Warn once per image attachment that GroupMe would reject."""
    for attachment in attachments:
        if isinstance(attachment, ImageAttachment) and not is_groupme_image(attachment.url):
            warnings.warn(
                f"image attachment URL {attachment.url[:80]!r} is not on https://{IMAGE_HOST}/: "
                "GroupMe rejects it; upload it with gm.images.upload() or "
                "gm.images.import_url() and send the attachment that returns",
                ExternalImageWarning,
                stacklevel=stacklevel,
            )


def _cursor(before_id: object, after_id: object) -> tuple[Direction, str | None]:
    if before_id is not None and after_id is not None:
        raise ValueError("give before_id or after_id, not both")
    if after_id is not None:
        return "after", check_id(after_id, "after_id")
    return "before", None if before_id is None else check_id(before_id, "before_id")


def _sent_message(data: RawBody, label: str) -> Message:
    if data is None:
        raise ResponseDecodeError(label, "the answer had no body")
    # The seed documents a DM's answer under "message"; clients written
    # against the live service read "direct_message".  Accept either.
    return structure(data.get("message", data.get("direct_message")), Message, label)


class MessagesEngine:
    """Listing, walking and sending for one :class:`MessageEndpoints`."""

    def __init__(self, requester: Requester, endpoints: MessageEndpoints, id_name: str) -> None:
        self._r = requester
        self._e = endpoints
        self._id_name = id_name
        self._label = endpoints.list_route.label

    def target(self, conversation_id: object) -> _Target:
        return self._e.target(conversation_id, self._id_name)

    async def _get(self, target: _Target, params: dict[str, str | int]) -> RawBody:
        return await self._r.call(target.list, params={**target.params, **params, **ACCEPT_FILES})

    def _messages_of(self, body: dict[str, Any]) -> list[RawMessage] | None:
        messages = body.get(self._e.list_key)
        # Each message's shape is checked where it is used: ids by the walk,
        # the rest by the converter.
        if messages is not None and not isinstance(messages, list):
            raise ResponseDecodeError(self._label, f"{self._e.list_key!r} is not a list")
        return messages

    async def _fetch(self, target: _Target, params: dict[str, str | int]) -> RawPage:
        body = await self._get(target, params)
        if body is None:  # 304 Not Modified: nothing in this direction
            return RawPage([], end=True)
        messages = self._messages_of(body)
        if messages is None:
            return RawPage([], end=False)  # malformed: asked again, then an error
        # A 200 with no messages ends a forward walk (GroupMe answers so past
        # the newest message) or an unanchored one (an empty conversation);
        # in the middle of a walk back it is suspect, not the end.
        end = not messages and ("after_id" in params or "before_id" not in params)
        return RawPage(messages, end)

    async def page(
        self,
        target: _Target,
        *,
        before_id: object,
        since_id: object,
        after_id: object,
        limit: int,
    ) -> MessagePage:
        cursors = {
            name: check_id(value, name)
            for name, value in (
                ("before_id", before_id),
                ("since_id", since_id),
                ("after_id", after_id),
            )
            if value is not None
        }
        if len(cursors) > 1:
            raise ValueError(
                f"give at most one of before_id, since_id, after_id; got {sorted(cursors)}"
            )
        body = await self._get(target, {"limit": check_limit(limit), **cursors})
        if body is None:
            return MessagePage(messages=())
        raw = {
            "messages": self._messages_of(body) or [],
            "count": body.get("count"),
            "read_receipt": body.get("read_receipt"),
        }
        return structure(raw, MessagePage, self._label)

    def _walk(
        self, target: _Target, direction: Direction, cursor: str | None, limit: int, prefetch: bool
    ) -> Any:
        return walk_messages(
            partial(self._fetch, target),
            direction=direction,
            cursor=cursor,
            limit=limit,
            endpoint=self._label,
            prefetch=prefetch,
        )

    def iter(
        self,
        conversation_id: object,
        *,
        before_id: object = None,
        after_id: object = None,
        limit: int = MAX_PAGE_LIMIT,
        max_items: int | None = None,
        raw: bool = False,
    ) -> AsyncPaginator[Any]:
        """A walk by ``before_id`` (newest first) or ``after_id`` (oldest first)."""
        target = self.target(conversation_id)
        direction, cursor = _cursor(before_id, after_id)
        check_limit(limit)
        convert = identity if raw else partial(structure_list, cls=Message, endpoint=self._label)
        return AsyncPaginator(
            self._walk(target, direction, cursor, limit, prefetch=True),
            convert,
            max_items=max_items,
        )

    async def send(
        self,
        conversation_id: object,
        text: str | None,
        attachments: Sequence[Attachment],
        source_guid: str | None,
    ) -> Message:
        target = self.target(conversation_id)
        check_text(text, attachments)
        if source_guid is None:
            source_guid = str(uuid.uuid4())
        elif not isinstance(source_guid, str) or not source_guid:
            raise ValueError("source_guid must be a non-empty string")
        body: dict[str, Any] = {"source_guid": source_guid}
        if self._e.send_extra is not None:
            body[self._e.send_extra] = target.id
        body["attachments"] = [unstructure(a) for a in attachments]
        if text:
            body["text"] = text
        route = target.create.route
        log = AttemptLog()

        def unknown(exc: GroupMeError) -> SendOutcomeUnknownError:
            return SendOutcomeUnknownError(
                f"{route.label}: the message may have been posted (source_guid "
                f"{source_guid}), but after {log.attempts} attempt(s) the outcome is unknown "
                f"({exc.__class__.__name__}); look it up with find_sent() before sending again",
                source_guid=source_guid,
                conversation_id=target.id,
            )

        try:
            data = await self._r.call(
                target.create,
                json={self._e.send_key: body},
                log=log,
                window=self._r.retry.send_window,
            )
            return _sent_message(data, route.label)
        except ConflictError:
            if log.attempts == 1:
                raise  # this very guid was used within the last minute
            # A retry was refused as a duplicate: an earlier attempt landed
            # and only its answer was lost.  Return that message.
            try:
                found = await self.find_sent(target.id, source_guid)
            except GroupMeError as exc:
                # It landed: a failed lookup must not read as "not sent".
                raise unknown(exc) from exc
            if found is None:
                raise ConflictError(
                    409,
                    [f"the send landed (409 on retry) but source_guid {source_guid} was not found"],
                    endpoint=route.label,
                ) from None
            return found
        except GroupMeError as exc:
            # An answer that cannot be read may still be a 201: a post.
            if log.maybe_processed or isinstance(exc, ResponseDecodeError):
                raise unknown(exc) from exc
            raise

    async def find_sent(
        self, conversation_id: object, source_guid: str, *, max_pages: int = LANDED_LOOKBACK_PAGES
    ) -> Message | None:
        """The message sent with ``source_guid`` among the newest
        ``max_pages`` x 100, or ``None``."""
        target = self.target(conversation_id)
        if not isinstance(source_guid, str) or not source_guid:
            raise ValueError("source_guid must be a non-empty string")
        if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
            raise ValueError(f"max_pages must be a positive integer, got {max_pages!r}")
        # No prefetch: the message is almost always on the first page.
        pages = self._walk(target, "before", None, MAX_PAGE_LIMIT, prefetch=False)
        paginator: AsyncPaginator[RawMessage] = AsyncPaginator(pages, identity)
        async with paginator:
            seen = 0
            async for page in paginator.pages():
                for raw in page:
                    if raw.get("source_guid") == source_guid:
                        return structure(raw, Message, self._label)
                seen += 1
                if seen >= max_pages:
                    break
        return None
