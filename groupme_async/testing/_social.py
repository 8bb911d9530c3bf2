"""What the fake remembers about groups' settings and rosters, bots and contacts.

The generated world fixes who is in which group at the start; everything a
client may change (names, share links, owners, mutes, who joined or left,
join requests, bots, the contact book) lives in these small records, built
once from the world and then edited by the handlers in ``_groups.py``,
``_members.py``, ``_bots.py`` and ``_contacts.py``.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ._data import ConversationSpec, User, derive
from ._store import ConversationStore

#: ``muted_until`` of a mute without an end (the first second of the year 10000).
MUTED_FOREVER = 253402300800
#: Membership states that count as "in the group".
ACTIVE = "active"
#: States of someone who was in the group and is not any more.
FORMER = ("exited", "removed", "exited_removed")
#: GroupMe keeps ``members/add`` results for an hour.
RESULTS_TTL = 3600.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def hex_id(seed: int, digits: int, *labels: object) -> str:
    """A stable hex string from the seed and labels (bot ids, results ids)."""
    text = ":".join([str(seed), *(str(label) for label in labels)])
    return hashlib.sha256(text.encode()).hexdigest()[:digits]


@dataclass
class Membership:
    """One person's membership of one group, in any state."""

    id: str
    user: User
    nickname: str
    image_url: str
    roles: list[str]
    state: str = ACTIVE
    """``active``, ``exited``, ``removed``, ``exited_removed`` (banned),
    ``pending`` (asked to join) or ``denied``."""
    muted_until: int | None = None
    created_at: int = 0
    reason: dict[str, Any] | None = None
    """A join request's question and answer."""

    def muted(self, now: int) -> bool:
        return self.muted_until is not None and self.muted_until > now

    @property
    def admin(self) -> bool:
        return "admin" in self.roles or "owner" in self.roles

    def to_json(self, now: int) -> dict[str, Any]:
        """As ``members`` lists it in a group (the generated world's key order)."""
        return {
            "autokicked": False,
            "id": self.id,
            "image_url": self.image_url,
            "muted": self.muted(now),
            "name": self.user.name,
            "nickname": self.nickname,
            "roles": list(self.roles),
            "user_id": self.user.id,
        }


@dataclass
class GroupRecord:
    """A group's settings and everyone who ever joined it or asked to."""

    id: str
    name: str
    description: str
    image_url: str | None
    created_at: int
    updated_at: int
    creator_user_id: str
    memberships: dict[str, Membership]
    """By user id, in joining order."""
    share_token: str | None = None
    office_mode: bool = False
    requires_approval: bool = False

    def active(self) -> Iterator[Membership]:
        return (m for m in self.memberships.values() if m.state == ACTIVE)

    def member(self, user_id: str) -> Membership | None:
        """``user_id``'s membership if they are in the group now."""
        found = self.memberships.get(user_id)
        return found if found is not None and found.state == ACTIVE else None

    def by_membership_id(self, membership_id: str) -> Membership | None:
        return next((m for m in self.memberships.values() if m.id == membership_id), None)

    def share_url(self) -> str | None:
        if self.share_token is None:
            return None
        return f"https://groupme.com/join_group/{self.id}/{self.share_token}"


@dataclass
class AddJob:
    """One ``members/add`` request: its results, and when it was made."""

    group_id: str
    created: float
    """The fake's clock when it was made."""
    members: list[dict[str, Any]]


@dataclass
class Rosters:
    """Every group's record; the message stores of groups "me" is not in."""

    groups: dict[str, GroupRecord]
    parked: dict[str, ConversationStore] = field(default_factory=dict)
    """Message stores of groups "me" left (``FakeState.groups`` holds the rest)."""
    jobs: dict[str, AddJob] = field(default_factory=dict)
    serial: Iterator[int] = field(default_factory=itertools.count)

    @classmethod
    def from_world(cls, specs: list[ConversationSpec]) -> Rosters:
        groups = {}
        for spec in specs:
            owner = next((m.user.id for m in spec.members if "owner" in m.roles), spec.me.id)
            memberships = {
                m.user.id: Membership(
                    id=m.membership_id,
                    user=m.user,
                    nickname=m.nickname,
                    image_url=m.image_url,
                    roles=list(m.roles),
                    muted_until=MUTED_FOREVER if m.muted else None,
                    created_at=spec.created_at,
                )
                for m in spec.members
            }
            groups[spec.id] = GroupRecord(
                id=spec.id,
                name=spec.name,
                description=spec.description,
                image_url=spec.image_url,
                created_at=spec.created_at,
                updated_at=spec.created_at,
                creator_user_id=owner,
                memberships=memberships,
            )
        return cls(groups)

    def next_number(self) -> int:
        """A fresh number for ids: never one the generated world uses (those
        have at most 9 digits)."""
        return 1_000_000_000 + next(self.serial)


@dataclass
class BotRecord:
    """A bot "me" made."""

    bot_id: str
    group_id: str
    name: str
    avatar_url: str | None
    callback_url: str | None
    dm_notification: bool
    user_id: str
    """The numeric id its posts carry as ``user_id`` / ``sender_id``."""

    def to_json(self, group_name: str | None) -> dict[str, Any]:
        return {
            "avatar_url": self.avatar_url,
            "bot_id": self.bot_id,
            "callback_url": self.callback_url,
            "dm_notification": self.dm_notification,
            "group_id": self.group_id,
            "group_name": group_name,
            "name": self.name,
        }


@dataclass
class Bots:
    """The bots "me" made, in creation order."""

    bots: dict[str, BotRecord] = field(default_factory=dict)
    serial: Iterator[int] = field(default_factory=itertools.count)


@dataclass
class ContactRecord:
    """Someone in "me"'s contact book."""

    user: User
    created_us: int
    """When the contact was made, in microseconds since the epoch (the
    ``since`` cursor has microseconds)."""
    reason: int = 3

    @property
    def created_iso(self) -> str:
        return iso_time(self.created_us)


@dataclass
class Contacts:
    """The contact book, in the order contacts were made."""

    contacts: dict[str, ContactRecord]

    @classmethod
    def from_world(cls, seed: int, me: User, users: dict[str, User], start: int) -> Contacts:
        rng = random.Random(derive(seed, "contacts"))
        book: dict[str, ContactRecord] = {}
        moment = start * 1_000_000
        for user in users.values():
            if user.id == me.id:
                continue
            moment += rng.randrange(1, 30 * 86_400) * 1_000_000 + rng.randrange(1_000_000)
            book[user.id] = ContactRecord(user, moment)
        return cls(book)

    def ordered(self) -> list[ContactRecord]:
        return sorted(self.contacts.values(), key=lambda c: c.created_us)


def iso_time(micros: int) -> str:
    """GroupMe's ``created_at_iso8601``: UTC, microseconds, a ``Z``."""
    return (_EPOCH + timedelta(microseconds=micros)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso_micros(value: str) -> int:
    """Microseconds since the epoch of an ISO time; ``ValueError`` if it is not one."""
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - _EPOCH) // timedelta(microseconds=1)
