"""FakeGroupMe: the seeded world, its ground truth and the ways a test acts in it.

Requests come in through ``_front.py`` (latency, auth, rate limit, faults);
the push and callback controls are in ``_controls.py``; what an endpoint
answers is in the family modules (see ``_endpoints.py``).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import anyio

from .._serve_options import ALL_FAULTS
from ..models import ConversationKind
from ._callbacks import CallbackDispatcher
from ._controls import CallbackControls, PushControls
from ._data import derive
from ._front import FakeStats, FrontDoor
from ._http import HTTPError, Reply
from ._likes import HEART, add_like, checked_icon
from ._members import file_join_request
from ._messages import store_message
from ._push import PushHub, conversation_channel
from ._state import FakeState
from ._store import ConversationStore

if TYPE_CHECKING:
    import httpx

    from .._client import AsyncGroupMe

SANDBOX_TOKEN = "sandbox0groupme0async0fake0token0000000"  # noqa: S105 - a public test token
"""The access token of the seeded "me" user (the same for every seed)."""


FAKE_BASE_URL = "http://fake.groupme.test"
"""The origin ``client()`` points at; any host works, this one says "not real"."""


@dataclass(frozen=True)
class FakeConversation:
    """A conversation the fake serves (ground truth for tests)."""

    kind: ConversationKind
    id: str
    """The group id, or the other user's id for a DM."""
    conversation_id: str
    """The group id, or the DM chat id ``"<lower>+<higher>"``."""
    name: str
    """The group name, or the other user's name."""
    message_count: int
    """Messages not deleted, at the time of the call."""


class FakeGroupMe(FrontDoor, CallbackControls, PushControls):
    """A faithful, stateful fake of the GroupMe API, as an ASGI application.

    The world (users, DM chats, groups, messages) is generated from ``seed``:
    the same seed gives the same bytes in every process.  ``dm_chats`` and
    ``groups`` say how many conversations "me" has.  Each has
    ``messages_per_conversation`` messages varied deterministically by up to
    50% either way, or exactly that many with ``exact_counts=True`` (use it
    for a conversation of exactly 1,000,000 messages: messages are generated
    on demand and cost no memory).

    ``rate_limit`` (requests per second) and ``burst`` enable a token bucket
    per access token; past it the answer is 420 Enhance Your Calm.
    ``fault_rate`` is the chance that a request gets one of ``faults`` (drawn
    from a RNG seeded by ``seed``); ``cache_messages`` keeps that many
    generated messages per conversation for reuse (0, the default, keeps
    none: memory stays flat however long the history); ``slow_seconds`` is the delay of the
    "slow" fault.  ``fault_rate`` may be changed between requests (e.g. set
    to 0 to check what a faulted write left behind).  ``clock`` (default
    ``time.monotonic``) drives the rate limit and the 60 s ``source_guid``
    window, so tests need not sleep;
    ``sleep`` (default ``anyio.sleep``) is what the "slow" fault awaits.
    ``members_results_delay`` is how long (on ``clock``) the results of a
    ``members/add`` answer 503 before they are ready.
    ``processing_polls`` is how many status polls a file or video upload
    answers "pending"/"enqueued" before "complete".

    ``latency`` (seconds) delays every HTTP answer, as a wide-area network
    and GroupMe's own servers do (50-150 ms); each answer's delay is drawn
    uniformly from ``latency ± jitter`` (never below 0) by an RNG seeded by
    ``seed``.  The delay is awaited on ``sleep``, so requests overlap (one
    slow answer holds up no other) and tests on a virtual clock never
    really wait.  It comes before the rate limit and faults, as a request's
    trip to the server does; push requests are not delayed.

    Push: a Faye server at ``/push/faye`` (long-polling and websocket)
    pushes, on ``/user/<me>``, ``line.create`` / ``direct_message.create``
    for every message stored (REST sends, bot posts and :meth:`post`),
    ``like.create`` when someone else likes "me"'s message and
    ``membership.create`` when "me" joins or rejoins a group; on a group's or
    DM's own channel, ``favorite`` for likes and reactions (REST and
    :meth:`like`), ``message.update`` for edits, ``message.deleted`` for
    deletes and ``typing`` (:meth:`typing`); and a ping every
    ``push_ping_interval`` seconds of ``clock``; anything else with
    :meth:`publish`.  Its fault modes: :meth:`drop_push_clients`,
    :attr:`push_silent`, :attr:`push_delay`, :attr:`push_duplicate_rate`,
    :meth:`advise_push`; :attr:`push_stats` counts what it did.

    Bot callbacks: every new group message is POSTed to the
    ``callback_url`` of each bot in the group, in the background; see
    :meth:`route_callbacks` (in process), :meth:`allow_callback_hosts`,
    :meth:`redeliver_callbacks`, :attr:`callback_timeout`,
    :attr:`callback_deliveries` and :meth:`callbacks_settled`.

    The endpoints it implements are listed by
    :func:`~groupme_async.testing.implemented_endpoints`; any other answers
    404 saying "FakeGroupMe does not implement <METHOD> <path>".

    Serve it in process with :meth:`transport` / :meth:`client`, or on a
    socket with ``python -m groupme_async.testing serve``.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        dm_chats: int = 4,
        groups: int = 3,
        messages_per_conversation: int = 300,
        exact_counts: bool = False,
        rate_limit: float | None = None,
        burst: int | None = None,
        fault_rate: float = 0.0,
        faults: Sequence[str] = ALL_FAULTS,
        slow_seconds: float = 0.05,
        cache_messages: int = 0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        members_results_delay: float = 1.0,
        processing_polls: int = 1,
        push_ping_interval: float = 30.0,
        latency: float = 0.0,
        jitter: float = 0.0,
    ) -> None:
        unknown = sorted(set(faults) - set(ALL_FAULTS))
        if unknown:
            raise ValueError(f"unknown faults {unknown}; choose from {ALL_FAULTS}")
        if not 0.0 <= fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if rate_limit is not None and rate_limit <= 0:
            raise ValueError("rate_limit must be a positive number of requests per second")
        if burst is not None and burst < 1:
            raise ValueError("burst must be at least 1")
        if not members_results_delay >= 0:
            raise ValueError("members_results_delay must be a number of seconds >= 0")
        if isinstance(processing_polls, bool) or not isinstance(processing_polls, int):
            raise ValueError("processing_polls must be a whole number of polls")
        if processing_polls < 0:
            raise ValueError("processing_polls must not be negative")
        if not (0.0 <= latency < math.inf and 0.0 <= jitter < math.inf):
            raise ValueError("latency and jitter must be finite numbers of seconds >= 0")
        self.seed = seed
        self._clock = clock or time.monotonic
        self._state = FakeState(
            seed,
            dm_chats=dm_chats,
            groups=groups,
            messages_per_conversation=messages_per_conversation,
            exact_counts=exact_counts,
            cache_messages=cache_messages,
            clock=self._clock,
            members_results_delay=members_results_delay,
        )
        self._state.media.processing_polls = processing_polls
        self._sleep = sleep or anyio.sleep
        self.rate_limit = rate_limit
        self.burst = burst if burst is not None else max(1, math.ceil(rate_limit or 1))
        self._buckets: dict[str, tuple[float, float]] = {}
        self.fault_rate = fault_rate
        self.faults = tuple(faults)
        self.slow_seconds = slow_seconds
        self._fault_rng = random.Random(derive(seed, "faults"))
        self.latency = float(latency)
        self.jitter = float(jitter)
        self._latency_rng = random.Random(derive(seed, "latency"))
        self.stats = FakeStats()
        self._tokens = {SANDBOX_TOKEN}
        if not push_ping_interval > 0:
            raise ValueError("push_ping_interval must be a positive number of seconds")
        self._push: PushHub = self._state.push
        self._push.sleep = self._sleep
        self._push.ping_interval = push_ping_interval
        self._push.rng = random.Random(derive(seed, "push"))
        self._push.token_ok = lambda token: token in self._tokens
        self._callbacks: CallbackDispatcher = self._state.callbacks

    # --- ground truth ----------------------------------------------------------

    @property
    def token(self) -> str:
        """The sandbox access token (:data:`SANDBOX_TOKEN`)."""
        return SANDBOX_TOKEN

    @property
    def me_id(self) -> str:
        """The user id of "me", the owner of :data:`SANDBOX_TOKEN`."""
        return self._state.me_id

    def user_ids(self) -> list[str]:
        """Every generated user id ("me" first)."""
        return list(self._state.world.users)

    def conversations(self) -> list[FakeConversation]:
        """Every conversation: DM chats first, then groups, in generation order."""
        stores = [*self._state.dms.values(), *self._state.groups.values()]
        return [
            FakeConversation(
                kind=s.spec.kind,
                id=s.spec.id,
                conversation_id=s.spec.chat_id,
                name=s.spec.name,
                message_count=s.alive,
            )
            for s in stores
            if s.total
        ]

    def messages(self, kind: ConversationKind, id: str) -> Iterator[dict[str, Any]]:
        """Every live message of a conversation, oldest first, as the API returns them.

        ``id`` is the group id or the other user's id.  Messages written by
        clients or :meth:`post` are included; deleted ones are not.
        """
        return self._store(kind, id).iter_all()

    def message_count(self, kind: ConversationKind, id: str) -> int:
        """The conversation's ``count`` (live messages)."""
        return self._store(kind, id).alive

    def post(
        self,
        kind: ConversationKind,
        id: str,
        text: str | None = None,
        *,
        user_id: str | None = None,
        attachments: Sequence[dict[str, Any]] = (),
        source_guid: str | None = None,
    ) -> dict[str, Any]:
        """Store a message as if someone posted it now; returns it.

        ``user_id`` defaults to the other side of a DM, or the first group
        member who is not "me".  The message gets the newest id.
        """
        store = self._store(kind, id)
        senders = store.spec.senders
        if user_id is None:
            user_id = next((u.id for u in senders if u.id != self.me_id), self.me_id)
        sender = next((u for u in senders if u.id == user_id), None)
        if sender is None:
            raise ValueError(f"user {user_id} is not in that conversation")
        if not text and not attachments:
            raise ValueError("a message needs text or attachments")
        guid = source_guid or f"fake-{derive(self.seed, 'post', kind, id, store.total):016x}"
        return store_message(
            self._state, store, sender, text, list(attachments), guid, self._clock()
        )

    def request_to_join(self, group_id: str, user_id: str, answer: str | None = None) -> str:
        """``user_id`` asks to join a group (as if by its share link, with
        ``answer`` to the join question); returns the pending membership id
        that ``/pending_memberships`` lists and ``/approval`` answers."""
        return file_join_request(self._state, group_id, user_id, answer)

    def like(
        self,
        kind: ConversationKind,
        id: str,
        message_id: str,
        *,
        user_id: str | None = None,
        reaction: str | None = None,
    ) -> dict[str, Any]:
        """Like a message as if someone did it now; returns the message.

        ``user_id`` defaults as in :meth:`post`; ``reaction`` is one of the
        unicode codes GroupMe accepts (default: a plain like, a red heart).
        """
        store = self._store(kind, id)
        user_id = self._member(store, user_id)
        slot = store.find(int(message_id)) if message_id.isdigit() else None
        if slot is None:
            raise KeyError(f"no message {message_id!r} in {kind} {id!r}")
        icon = HEART if reaction is None else {"type": "unicode", "code": reaction}
        try:
            checked = checked_icon(icon)
        except HTTPError:
            raise ValueError(f"{reaction!r} is not a reaction GroupMe accepts") from None
        add_like(self._state, store, slot, user_id, checked)
        return store.slot_message(slot)

    # --- media hosts -------------------------------------------------------------

    def serve_media(
        self,
        url: str,
        body: bytes = b"",
        *,
        status: int = 200,
        content_type: str = "application/octet-stream",
        location: str | None = None,
    ) -> None:
        """Make the media URL ``url`` (``https://<host>/<path>``, on any
        host) answer ``status`` with ``body`` and ``content_type`` from now
        on, with a ``Location`` header if given (a redirect): a picture
        that is gone, bytes that are not what their type says, a redirect
        to another host.  Served under ``/media/<host>/<path>``."""
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname or not parts.path.strip("/"):
            raise ValueError("url must be https://<host>/<path>")
        headers = ((b"location", location.encode("ascii")),) if location is not None else ()
        self._state.media.overrides[url] = Reply(
            status, body, content_type.encode("ascii"), headers
        )

    @property
    def media_requests(self) -> list[tuple[str, bool]]:
        """Every request to a media host: ``(url, carried an access token)``."""
        return list(self._state.media.requests)

    def typing(self, kind: ConversationKind, id: str, user_id: str | None = None) -> None:
        """Someone starts typing in a conversation: a ``typing`` push on its
        channel (``user_id`` defaults as in :meth:`post`)."""
        store = self._store(kind, id)
        user_id = self._member(store, user_id)
        started = int((self._state.wall_offset + self._clock()) * 1000)
        self._state.publish(
            conversation_channel(kind, store.spec.chat_id),
            {"type": "typing", "user_id": user_id, "started": started},
        )

    def _member(self, store: ConversationStore, user_id: str | None) -> str:
        """``user_id``, checked to be in the conversation; by default its
        first member who is not "me"."""
        members = [u.id for u in store.spec.senders]
        if user_id is None:
            return next((u for u in members if u != self.me_id), self.me_id)
        if user_id not in members:
            raise ValueError(f"user {user_id} is not in that conversation")
        return user_id

    def _store(self, kind: str, id: str) -> ConversationStore:
        state = self._state
        table = state.groups if kind == "group" else state.dms if kind == "direct" else None
        if table is None:
            raise ValueError(f"kind must be 'group' or 'direct', not {kind!r}")
        store = table.get(id)
        if store is None:
            raise KeyError(f"no {kind} conversation {id!r}")
        return store

    # --- in-process use ------------------------------------------------------

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that serves this fake in process.

        Dropped and truncated connections surface as ``httpx.RemoteProtocolError``,
        exactly as on a real socket.
        """
        from ._transport import FakeTransport

        return FakeTransport(self)

    def client(self, **kwargs: Any) -> AsyncGroupMe:
        """An :class:`~groupme_async.AsyncGroupMe` for "me", wired to this fake."""
        from .._client import AsyncGroupMe

        return AsyncGroupMe(
            SANDBOX_TOKEN, base_url=FAKE_BASE_URL, transport=self.transport(), **kwargs
        )
