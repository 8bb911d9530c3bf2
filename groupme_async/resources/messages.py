"""Group messages, direct messages and single-message operations (likes, pins, edits).

Group messages and DMs are one API with two addresses: the methods are
written once, in :class:`_Conversations`, and take the conversation as their
first argument: the group id for ``gm.group_messages``, the other user's id
for ``gm.direct_messages``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, TypedDict, Unpack

from .._convert import unstructure
from .._ids import check_chat_id, check_id
from .._messages import DIRECT, GROUP, MessageEndpoints, MessagesEngine, check_text
from .._pagination import AsyncPaginator
from .._requester import Requester
from .._routes import (
    LIKES_FOR_ME,
    LIKES_LEADERBOARD,
    LIKES_MINE,
    MESSAGES_DELETE,
    MESSAGES_EDIT,
    MESSAGES_GET,
    MESSAGES_LIKE,
    MESSAGES_PIN,
    MESSAGES_UNLIKE,
    MESSAGES_UNPIN,
    PINNED_DIRECT,
    PINNED_GROUP,
    READ_RECEIPTS,
)
from ..models import (
    Attachment,
    EmojiReaction,
    LikedMessage,
    Message,
    MessagePage,
    ReadReceipt,
)
from ._base import Resource


class Walk(TypedDict, total=False):
    """The options of :meth:`GroupMessages.iter` and ``iter_raw`` (and the
    ``direct_messages`` twins)."""

    before_id: str | None
    """Walk back from just below this message (newest first)."""
    after_id: str | None
    """Walk forward from just above this message (oldest first)."""
    limit: int
    """Messages per page, 1 to 100 (default 100)."""
    max_items: int | None
    """Stop after this many messages in all."""


class _Conversations(Resource):
    """What group messages and DMs share."""

    __slots__ = ("_engine",)
    _endpoints: MessageEndpoints
    _id_name: str

    def __init__(self, requester: Requester) -> None:
        super().__init__(requester)
        self._engine = MessagesEngine(requester, self._endpoints, self._id_name)

    async def list(
        self,
        conversation: str,
        /,
        *,
        before_id: str | None = None,
        since_id: str | None = None,
        after_id: str | None = None,
        limit: int = 20,
    ) -> MessagePage:
        """One page, exactly as the API answers it, with ``.messages``,
        ``.count`` and (DMs) ``.read_receipt``.  ``since_id`` gives the MOST
        RECENT ``limit`` messages newer than it: see :meth:`since`."""
        target = self._engine.target(conversation)
        return await self._engine.page(
            target, before_id=before_id, since_id=since_id, after_id=after_id, limit=limit
        )

    def iter(self, conversation: str, /, **walk: Unpack[Walk]) -> AsyncPaginator[Message]:
        """Every message: newest first (optionally below ``before_id``), or
        oldest first above ``after_id``; ``limit`` is the page size (at most
        100), ``max_items`` caps the total (see :class:`Walk`)."""
        return self._engine.iter(conversation, **walk)

    def iter_raw(
        self, conversation: str, /, **walk: Unpack[Walk]
    ) -> AsyncPaginator[dict[str, Any]]:
        """:meth:`iter`, but each message is the JSON object exactly as
        GroupMe sent it (for lossless archives); ``.pages()`` gives the pages."""
        return self._engine.iter(conversation, raw=True, **walk)

    def since(
        self, conversation: str, /, since_id: str, *, limit: int = 100, max_items: int | None = None
    ) -> AsyncPaginator[Message]:
        """Every message newer than ``since_id``, each once, oldest first, no gap.

        Not the API's ``since_id``: that answers only the MOST RECENT
        messages and silently skips older ones.  This walks forward with
        ``after_id`` from the same id.
        """
        return self._engine.iter(
            conversation, after_id=check_id(since_id, "since_id"), limit=limit, max_items=max_items
        )

    async def send(
        self,
        conversation: str,
        /,
        text: str | None = None,
        *,
        attachments: Sequence[Attachment] = (),
        source_guid: str | None = None,
    ) -> Message:
        """Post a message; a retried send never posts twice.

        Every attempt carries the same ``source_guid`` (a fresh UUID when
        none is given).  A 409 on a retry means an earlier attempt landed:
        that message is returned.  No attempt is made later than
        ``RetryPolicy.send_window`` after the first; if the window closes
        while an attempt may have landed, :class:`SendOutcomeUnknownError`
        is raised (resolve it with :meth:`find_sent`).
        """
        return await self._engine.send(conversation, text, attachments, source_guid)

    async def find_sent(
        self, conversation: str, /, source_guid: str, *, max_pages: int = 10
    ) -> Message | None:
        """The message sent with ``source_guid`` among the conversation's
        newest ``max_pages`` pages, or ``None`` if it never landed."""
        return await self._engine.find_sent(conversation, source_guid, max_pages=max_pages)


class GroupMessages(_Conversations):
    """Group messages (``/groups/:group_id/messages``); every method takes
    the group id first."""

    __slots__ = ()
    _endpoints = GROUP
    _id_name = "group_id"


class DirectMessages(_Conversations):
    """Direct messages (``/direct_messages``) and v2 read receipts; every
    message method takes the other user's id first."""

    __slots__ = ()
    _endpoints = DIRECT
    _id_name = "other_user_id"

    async def mark_read(self, chat_id: str, message_id: str) -> ReadReceipt:
        """Mark a DM chat (:attr:`Chat.id`) read up to ``message_id`` (v2
        ``POST /read_receipts``)."""
        body = {
            "read_receipt": {
                "chat_id": check_chat_id(chat_id),
                "message_id": check_id(message_id, "message_id"),
            }
        }
        return await self._r.call(READ_RECEIPTS, json=body)


#: The unicode reactions GroupMe accepts: the fifteen its apps offer (the
#: community API docs, 2024-2025: "any other unicode emojis will be rejected
#: by the server").  Older messages may carry others (a thumbs-down is seen
#: in 2024 recordings); those still decode, they just cannot be sent.
REACTION_CODES = frozenset(
    {
        "\u2764\ufe0f",  # red heart (what a plain like shows)
        "\U0001f44d",  # thumbs up
        "\U0001f923",  # rolling on the floor laughing
        "\U0001f389",  # party popper
        "\U0001f525",  # fire
        "\U0001f62e",  # face with open mouth
        "\U0001f440",  # eyes
        "\U0001f62d",  # loudly crying face
        "\U0001f97a",  # pleading face
        "\U0001f64f",  # folded hands
        "\U0001f480",  # skull
        "\U0001faf6",  # heart hands
        "\U0001f92c",  # face with symbols on mouth
        "\U0001f485",  # nail polish
        "\U0001fae0",  # melting face
    }
)

#: The periods ``GET /groups/:id/likes`` ranks over.
LEADERBOARD_PERIODS = ("day", "week", "month")


def _like_icon(reaction: object) -> dict[str, Any] | None:
    if reaction is None:
        return None
    if isinstance(reaction, EmojiReaction):
        for name in ("pack_id", "pack_index"):
            value = getattr(reaction, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"EmojiReaction.{name} must be an integer >= 0, got {value!r}")
        return reaction.to_dict()
    if isinstance(reaction, str):
        if reaction not in REACTION_CODES:
            raise ValueError(
                f"GroupMe accepts only these unicode reactions: {' '.join(sorted(REACTION_CODES))}"
                f" (or an EmojiReaction); got {reaction!r}"
            )
        return {"type": "unicode", "code": reaction}
    raise TypeError(
        f"reaction must be one of Messages.REACTION_CODES or an EmojiReaction, "
        f"not {type(reaction).__name__}"
    )


class Messages(Resource):
    """Operations on single messages: delete, show and edit, likes and
    reactions, pins, and the likes leaderboards."""

    __slots__ = ()

    REACTION_CODES: ClassVar[frozenset[str]] = REACTION_CODES
    """The unicode emoji :meth:`like` accepts as a reaction."""

    async def delete(self, conversation_id: str, message_id: str) -> None:
        """Delete a message from a group (its id) or a DM chat (``a+b``)."""
        route = MESSAGES_DELETE.bind(conversation_id=conversation_id, message_id=message_id)
        await self._r.call(route)

    async def get(self, group_id: str, message_id: str) -> Message:
        """One group message (v4), with its likes, reactions and pin."""
        return await self._r.call(MESSAGES_GET.bind(group_id=group_id, message_id=message_id))

    async def edit(
        self,
        group_id: str,
        message_id: str,
        text: str | None,
        attachments: Sequence[Attachment] = (),
    ) -> Message:
        """Replace the text and attachments of your own group message (v4
        ``PUT``); the answer carries ``updated_at``.

        The same rules as a send: at most 1,000 characters, and text or at
        least one attachment.  Attachments not given are removed.  Someone
        else's message is a :class:`PermissionDeniedError`.
        """
        bound = MESSAGES_EDIT.bind(group_id=group_id, message_id=message_id)
        check_text(text, attachments)
        body: dict[str, Any] = {"attachments": [unstructure(a) for a in attachments]}
        if text:
            body["text"] = text
        return await self._r.call(bound, json=body)

    async def like(
        self,
        conversation_id: str,
        message_id: str,
        reaction: str | EmojiReaction | None = None,
    ) -> None:
        """Like a message in a group (its id) or a DM chat (``a+b``).

        ``reaction`` makes it a reaction: one of :attr:`REACTION_CODES`, or a
        PowerUp :class:`EmojiReaction`; anything else is a ``ValueError``
        before sending.  A plain like shows as a red heart.  You hold one
        reaction per message: a new one replaces yours.  The message's
        ``favorited_by`` and ``reactions`` show the result.
        """
        bound = MESSAGES_LIKE.bind(conversation_id=conversation_id, message_id=message_id)
        icon = _like_icon(reaction)
        await self._r.call(bound, json=None if icon is None else {"like_icon": icon})

    async def unlike(self, conversation_id: str, message_id: str) -> None:
        """Take back your like or reaction."""
        await self._r.call(
            MESSAGES_UNLIKE.bind(conversation_id=conversation_id, message_id=message_id)
        )

    async def pin(self, conversation_id: str, message_id: str) -> None:
        """Pin a message in a group or a DM chat.

        Pinning a message that is already pinned is a :class:`BadRequestError`:
        GroupMe answers a bare 400 that cannot be told apart from a really
        bad request, so it is not swallowed.  Check ``Message.pinned_at``
        first, or catch it.
        """
        await self._r.call(
            MESSAGES_PIN.bind(conversation_id=conversation_id, message_id=message_id)
        )

    async def unpin(self, conversation_id: str, message_id: str) -> None:
        """Unpin a message; one that is not pinned is a :class:`BadRequestError`
        (see :meth:`pin`)."""
        await self._r.call(
            MESSAGES_UNPIN.bind(conversation_id=conversation_id, message_id=message_id)
        )

    async def pinned(self, group_id: str) -> list[Message]:
        """The pinned messages of a group (``pinned_at`` and ``pinned_by`` set)."""
        return await self._r.call(PINNED_GROUP.bind(group_id=group_id))

    async def pinned_direct_messages(self, other_user_id: str) -> list[Message]:
        """The pinned messages of your DM chat with ``other_user_id``."""
        params = {"other_user_id": check_id(other_user_id, "other_user_id")}
        return await self._r.call(PINNED_DIRECT, params=params)

    async def leaderboard(self, group_id: str, period: str) -> list[LikedMessage]:
        """The group's most liked messages of the last ``day``, ``week`` or
        ``month``, most liked first."""
        bound = LIKES_LEADERBOARD.bind(group_id=group_id)
        if period not in LEADERBOARD_PERIODS:
            raise ValueError(f"period must be one of {LEADERBOARD_PERIODS}, got {period!r}")
        return await self._r.call(bound, params={"period": period})

    async def liked_by_me(self, group_id: str) -> list[LikedMessage]:
        """The group's messages you liked, most recently liked first (each
        with ``liked_at``)."""
        return await self._r.call(LIKES_MINE.bind(group_id=group_id))

    async def likes_for_me(self, group_id: str) -> list[LikedMessage]:
        """Your messages in the group that others liked."""
        return await self._r.call(LIKES_FOR_ME.bind(group_id=group_id))
