"""``/bots``: bots that post into one group each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._convert import unstructure
from .._ids import check_bot_id, check_id
from .._messages import check_text
from .._routes import BOTS_CREATE, BOTS_DESTROY, BOTS_LIST, BOTS_POST, BOTS_UPDATE
from ..models import Attachment, Bot
from ._base import Resource


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"name must be a non-empty string, got {value!r}")
    return value


def _optional_url(value: object, name: str) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValueError(f"{name} must be a URL or None, got {value!r}")
    return value


class Bots(Resource):
    """Bots (``/bots``).

    A bot belongs to one group and can only post there.  It cannot read the
    group's history, like messages or be DMed: it learns of each new message
    only when GroupMe POSTs it to the bot's ``callback_url``.
    """

    __slots__ = ()

    async def create(
        self,
        group_id: str,
        name: str,
        *,
        callback_url: str | None = None,
        avatar_url: str | None = None,
        dm_notification: bool = False,
    ) -> Bot:
        """Make a bot in one of your groups.

        ``callback_url`` receives a POST for every new message in the group;
        ``avatar_url`` should come from GroupMe's image service.  Keep the
        returned ``bot_id`` secret: it is all anyone needs to post as the bot.
        """
        if not isinstance(dm_notification, bool):
            raise ValueError("dm_notification must be True or False")
        bot: dict[str, Any] = {"name": _name(name), "group_id": check_id(group_id, "group_id")}
        if (url := _optional_url(avatar_url, "avatar_url")) is not None:
            bot["avatar_url"] = url
        if (url := _optional_url(callback_url, "callback_url")) is not None:
            bot["callback_url"] = url
        bot["dm_notification"] = dm_notification
        return await self._r.call(BOTS_CREATE, json={"bot": bot})

    async def list(self) -> list[Bot]:
        """The bots you made, in every group."""
        return await self._r.call(BOTS_LIST)

    async def update(
        self,
        bot_id: str,
        *,
        name: str | None = None,
        callback_url: str | None = None,
        avatar_url: str | None = None,
        dm_notification: bool | None = None,
    ) -> Bot:
        """Change a bot's name, callback, avatar or DM notification (only
        those given are sent)."""
        bot: dict[str, Any] = {"bot_id": check_bot_id(bot_id, "bot_id")}
        if name is not None:
            bot["name"] = _name(name)
        if callback_url is not None:
            bot["callback_url"] = _optional_url(callback_url, "callback_url")
        if avatar_url is not None:
            bot["avatar_url"] = _optional_url(avatar_url, "avatar_url")
        if dm_notification is not None:
            if not isinstance(dm_notification, bool):
                raise ValueError("dm_notification must be True or False")
            bot["dm_notification"] = dm_notification
        if len(bot) == 1:
            raise ValueError("give at least one of name, callback_url, avatar_url, dm_notification")
        return await self._r.call(BOTS_UPDATE, json={"bot": bot})

    async def destroy(self, bot_id: str) -> None:
        """Delete a bot."""
        await self._r.call(BOTS_DESTROY, json={"bot_id": check_bot_id(bot_id, "bot_id")})

    async def post(
        self, bot_id: str, text: str | None = None, *, attachments: Sequence[Attachment] = ()
    ) -> None:
        """Post into the bot's group as the bot (at most 1,000 characters).

        Bots only post: they cannot read the group's history.  GroupMe
        answers 202 with an empty body; that is success.

        A bot post has no ``source_guid``, so GroupMe cannot tell a retry
        from a second post.  It is therefore retried only when it certainly
        was not acted on: a rate-limit refusal (420/429) or a connection that
        was never made.  When the answer is lost (a timeout, a dropped
        connection, a 5xx) the error is raised and the post may or may not
        have appeared: check the group before posting again.
        """
        check_text(text, attachments)
        body: dict[str, Any] = {"bot_id": check_bot_id(bot_id, "bot_id")}
        if text:
            body["text"] = text
        if attachments:
            body["attachments"] = [unstructure(a) for a in attachments]
        await self._r.call(BOTS_POST, json=body, at_most_once=True)
