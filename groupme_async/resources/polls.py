"""``/poll``: polls in groups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .._convert import structure_list
from .._ids import check_id
from .._pagination import AsyncPaginator, identity, walk_tokens
from .._routes import (
    POLLS_CREATE,
    POLLS_END,
    POLLS_GET,
    POLLS_LIST,
    POLLS_VOTE_MANY,
    POLLS_VOTE_ONE,
)
from ..errors import ResponseDecodeError
from ..models import Poll
from ._base import Resource, check_id_list
from ._checks import check_choice, check_label

POLL_TYPES = ("single", "multi")
POLL_VISIBILITIES = ("public", "anonymous")


def _expiration(value: object) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("expiration must be a timezone-aware datetime")
        return int(value.timestamp())
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise ValueError(
        f"expiration is when voting closes: an aware datetime or Unix seconds, got {value!r}"
    )


def _options(options: object) -> list[dict[str, str]]:
    if isinstance(options, str | bytes) or not isinstance(options, Sequence):
        raise TypeError("options must be a list of option titles")
    titles = [check_label(title, "an option title") for title in options]
    if len(titles) < 2:
        raise ValueError(f"a poll needs at least two options, got {len(titles)}")
    return [{"title": title} for title in titles]


class Polls(Resource):
    """Polls (``/poll/:group_id``)."""

    __slots__ = ()

    async def create(
        self,
        group_id: str,
        subject: str,
        options: Sequence[str],
        *,
        expiration: datetime | int,
        type: str = "single",
        visibility: str = "public",
    ) -> Poll:
        """Post a poll to a group.

        ``options`` are the choices' titles (at least two); ``expiration`` is
        when voting closes (an aware datetime or Unix seconds); ``type`` is
        ``single`` or ``multi`` (one choice or several per voter);
        ``visibility`` is ``public`` (who voted for what is shown) or
        ``anonymous``.  GroupMe also posts a message announcing the poll.
        """
        bound = POLLS_CREATE.bind(group_id=group_id)
        body = {
            "subject": check_label(subject, "subject"),
            "options": _options(options),
            "expiration": _expiration(expiration),
            "type": check_choice(type, "type", POLL_TYPES),
            "visibility": check_choice(visibility, "visibility", POLL_VISIBILITIES),
        }
        return await self._r.call(bound, json=body)

    async def get(self, group_id: str, poll_id: str) -> Poll:
        """One poll with its counts (and voters, when public) and your votes."""
        return await self._r.call(POLLS_GET.bind(group_id=group_id, poll_id=poll_id))

    def iter(self, group_id: str, *, max_items: int | None = None) -> AsyncPaginator[Poll]:
        """Every poll of the group, page by page (``continuation_token``)."""
        bound = POLLS_LIST.bind(group_id=group_id)
        label = POLLS_LIST.label

        async def fetch(token: str | None) -> tuple[list[Poll], str | None]:
            body = await self._r.call(
                bound, params=None if token is None else {"continuation_token": token}
            )
            if body is None:
                return [], None
            following: Any = body.get("continuation_token")
            if following is not None and not isinstance(following, str):
                raise ResponseDecodeError(label, "continuation_token is not a string")
            return structure_list(body.get("polls") or [], Poll, label), following

        return AsyncPaginator(walk_tokens(fetch, endpoint=label), identity, max_items=max_items)

    async def vote(self, group_id: str, poll_id: str, option_ids: str | Sequence[str]) -> Poll:
        """Vote, or change your vote.

        One option id (a string) votes for that option (``POST
        /poll/:gid/:pid/:option_id``, for single-choice polls); a list
        sends all your choices at once (``POST /poll/:gid/:pid {votes}``,
        for multi-choice polls).
        """
        if isinstance(option_ids, str | int) and not isinstance(option_ids, bool):
            bound = POLLS_VOTE_ONE.bind(group_id=group_id, poll_id=poll_id, option_id=option_ids)
            return await self._r.call(bound)
        bound_many = POLLS_VOTE_MANY.bind(group_id=group_id, poll_id=poll_id)
        votes = [check_id(o, "option id") for o in check_id_list(option_ids, "option_ids")]
        if not votes or len(set(votes)) != len(votes):
            raise ValueError("option_ids must name at least one option, each once")
        return await self._r.call(bound_many, json={"votes": votes})

    async def end(self, group_id: str, poll_id: str) -> Poll:
        """Close a poll you created now, before its expiration."""
        return await self._r.call(POLLS_END.bind(group_id=group_id, poll_id=poll_id))
