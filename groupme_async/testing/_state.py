"""Everything the fake remembers, and the lookups every family of handlers shares.

Handlers get a :class:`FakeState` as their first argument.  Lookups raise
:class:`HTTPError` with the answer GroupMe gives (404 "Not Found" for an
unknown id), so a handler reads as the happy path.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._callbacks import CallbackDispatcher
from ._data import ConversationSpec, User, derive
from ._http import CHAT_ID, DIGITS, HTTPError, not_found
from ._push import PushHub
from ._social import Bots, Contacts, Rosters
from ._store import ConversationStore
from ._world import World, build_world


@dataclass
class StoredFile:
    """A file uploaded to the file service."""

    file_id: str
    conversation_id: str
    name: str
    mime_type: str
    data: bytes


@dataclass
class UploadJob:
    """A file or video upload being "processed"."""

    service: str
    """``"file"`` or ``"video"``."""
    conversation_id: str
    polls_left: int
    """Status polls still to answer with ``waiting_status``."""
    waiting_status: str
    """``"pending"`` (files) or ``"enqueued"`` (videos)."""
    result: dict[str, Any]
    """The final status answer (``"complete"`` or ``"failed"``)."""
    done_status: int = 200
    """The HTTP status of the final answer."""
    file: StoredFile | None = None
    """The file a file job stores when it completes."""


@dataclass
class MediaState:
    """The image, file and video services: what was uploaded, and the jobs."""

    seed: int
    processing_polls: int = 1
    images: dict[str, int] = field(default_factory=dict)
    """Image URL -> size in bytes of what was uploaded (or 0 for an import)."""
    image_bytes: dict[str, bytes] = field(default_factory=dict)
    """Image URL -> the bytes uploaded, which the image host then serves."""
    overrides: dict[str, Any] = field(default_factory=dict)
    """Media URL -> the ``Reply`` a test set with ``FakeGroupMe.serve_media``."""
    requests: list[tuple[str, bool]] = field(default_factory=list)
    """Every media host request: (URL, whether it carried an access token)."""
    files: dict[str, StoredFile] = field(default_factory=dict)
    jobs: dict[str, UploadJob] = field(default_factory=dict)
    serial: int = 0

    def new_id(self, kind: str) -> str:
        """A fresh id, stable for the seed: a UUID string."""
        self.serial += 1
        high = derive(self.seed, kind, self.serial)
        low = derive(self.seed, kind, self.serial, "low")
        return str(uuid.UUID(int=(high << 64) | low))


class FakeState:
    """The generated world plus what clients changed since."""

    def __init__(
        self,
        seed: int,
        *,
        dm_chats: int,
        groups: int,
        messages_per_conversation: int,
        exact_counts: bool,
        cache_messages: int,
        clock: Callable[[], float],
        members_results_delay: float = 1.0,
    ) -> None:
        self.seed = seed
        self.world: World = build_world(
            seed,
            dm_chats=dm_chats,
            groups=groups,
            messages_per_conversation=messages_per_conversation,
            exact_counts=exact_counts,
        )
        self.clock = clock
        # Message timestamps are wall-clock seconds; the injected clock only
        # says how much time has passed since the fake was made.
        self.wall_offset = time.time() - clock()
        self.groups: dict[str, ConversationStore] = {}
        self.dms: dict[str, ConversationStore] = {}
        for spec in self.world.conversations:
            target = self.groups if spec.kind == "group" else self.dms
            target[spec.id] = ConversationStore(spec, cache_messages)
        me = self.world.me
        #: The editable part of "me" (users, profile and directory endpoints).
        self.me: dict[str, Any] = {
            "name": me.name,
            "email": me.email,
            "image_url": me.avatar_url,
            "zip_code": None,
            "bio": "",
            "song_url": None,
            "photo_urls": [],
            "interests": [],
            "major_codes": [],
            "graduation_year": "",
            "campus_profile_visibility": "hidden",
            "updated_at": self.world.me_created_at,
            "share_serial": 0,
            "disable_favorite_notification": False,
            "group_notification_sound": None,
            "dm_notification_sound": None,
            "sms": False,
        }
        #: Blocked user id -> when "me" blocked them.
        self.blocks: dict[str, int] = {}
        self.pinned: list[str] = [s.chat_id for s in self.world.conversations[:1]]
        # groups beyond the seeds, members, bots, contacts (issue 12)
        self.rosters = Rosters.from_world(
            [s for s in self.world.conversations if s.kind == "group"]
        )
        self.bots = Bots()
        self.contacts = Contacts.from_world(seed, me, self.world.users, self.world.me_created_at)
        #: Seconds before ``members/add`` results stop answering 503.
        self.members_results_delay = members_results_delay
        # messages beyond the seeds: polls, calendar events, topics (likes,
        # edits and pins live on each conversation's store)
        self.polls = PollsState()
        self.events = EventsState()
        self.subgroups = SubgroupsState()
        self.media = MediaState(seed)
        #: The Faye server at ``/push/faye``; families publish through :meth:`publish`.
        self.push = PushHub(self)
        #: Bot callbacks waiting for delivery, and their workers.
        self.callbacks = CallbackDispatcher()

    @property
    def me_id(self) -> str:
        return self.world.me.id

    def publish(self, channel: str, data: dict[str, Any]) -> None:
        """Push ``data`` (GroupMe's ``{type, subject, alert}``) to every client
        subscribed to ``channel``: the one hook for realtime events.

        Channels come from ``_push.user_channel`` / ``group_channel`` /
        ``dm_channel``; see ``_push.py`` for the delivery rules.
        """
        self.push.publish(channel, data)

    def wall_now(self) -> int:
        """The current time as a GroupMe timestamp (Unix seconds)."""
        return int(self.wall_offset + self.clock())

    # --- lookups ---------------------------------------------------------------

    def group(self, group_id: str) -> ConversationStore:
        store = self.groups.get(group_id)
        if store is None:
            raise not_found()
        return store

    def dm(self, other_id: str, *, create: bool = False) -> ConversationStore:
        """The DM with ``other_id``; an empty one if they never talked (kept if ``create``)."""
        if not DIGITS.fullmatch(other_id):
            raise HTTPError(400, "other_user_id is invalid")
        store = self.dms.get(other_id)
        if store is not None:
            return store
        other = self.world.users.get(other_id)
        if other is None:
            raise not_found()
        if other.id == self.me_id:
            raise HTTPError(400, "You cannot message yourself")
        store = ConversationStore(self._empty_dm_spec(other))
        if create:
            self.dms[other_id] = store
        return store

    def _empty_dm_spec(self, other: User) -> ConversationSpec:
        me = self.world.me
        lo, hi = sorted((me.id, other.id), key=int)
        now = self.wall_now()
        return ConversationSpec(
            kind="direct", id=other.id, chat_id=f"{lo}+{hi}", name=other.name,
            slot=len(self.dms) + len(self.groups) + 1, key=derive(self.seed, "dm", other.id),
            count=0, start=now, step=1, me=me, senders=(me, other),
            nicknames=(me.name, other.name), created_at=now,
        )  # fmt: skip

    def chat(self, chat_id: str) -> ConversationStore:
        match = CHAT_ID.fullmatch(chat_id)
        if match is None:
            raise not_found()
        a, b = match.groups()
        other = b if a == self.me_id else a if b == self.me_id else None
        store = self.dms.get(other) if other is not None else None
        if store is None or store.spec.chat_id != chat_id:
            raise not_found()
        return store

    def conversation(self, conversation_id: str) -> ConversationStore:
        """A group by id or a DM by chat id."""
        if "+" in conversation_id:
            return self.chat(conversation_id)
        return self.group(conversation_id)


# --- messages beyond the seeds: polls, calendar events, topics --------------------------


@dataclass
class PollsState:
    """Polls by group id, oldest first; each is the poll's ``data`` plus
    ``voters`` (user id -> option ids) and ``ended``."""

    by_group: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    serial: int = 0


@dataclass
class EventsState:
    """Calendar events by conversation id, then event id."""

    by_conversation: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    serial: int = 0


@dataclass
class SubgroupsState:
    """Topics by group id, then topic id, and "me"'s mutes (topic id ->
    until, Unix seconds)."""

    by_group: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    muted: dict[str, int] = field(default_factory=dict)
    serial: int = 0
