"""The seeded world: who "me" is, the other users, and every conversation's spec.

Built once per :class:`FakeGroupMe`; messages stay lazy (see ``_data.py``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ._data import (
    EPOCH,
    FIRST_NAMES,
    GROUP_NAMES,
    HISTORY_SPAN,
    LAST_NAMES,
    MAX_CONVERSATIONS,
    WORDS,
    ConversationSpec,
    Member,
    User,
    derive,
    random_hex,
    random_image_url,
)


@dataclass(frozen=True)
class World:
    """Every generated user and conversation for one seed."""

    me: User
    users: dict[str, User]
    conversations: tuple[ConversationSpec, ...]
    me_created_at: int


def _make_user(rng: random.Random, user_id: int, used_names: set[str]) -> User:
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if len(used_names) >= len(FIRST_NAMES) * len(LAST_NAMES) // 2:
            # Large worlds run out of pairs; numbered names stay unique.
            name = f"{name} {len(used_names)}"
        if name not in used_names:
            used_names.add(name)
            break
    avatar = None if rng.random() < 0.2 else f"https://i.groupme.com/200x200.jpeg.{random_hex(rng)}"
    handle = name.lower().replace(" ", ".")
    phone = f"+1 555{rng.randint(1_000_000, 9_999_999)}"
    return User(str(user_id), name, avatar, f"{handle}@example.com", phone)


def build_world(
    seed: int, *, dm_chats: int, groups: int, messages_per_conversation: int, exact_counts: bool
) -> World:
    """The users and conversations for ``seed`` (messages stay lazy)."""
    if dm_chats < 0 or groups < 0:
        raise ValueError("dm_chats and groups must be >= 0")
    if dm_chats + groups > MAX_CONVERSATIONS:
        raise ValueError(f"at most {MAX_CONVERSATIONS} conversations")
    if messages_per_conversation < 1:
        raise ValueError("messages_per_conversation must be >= 1")
    rng = random.Random(derive(seed, "world"))
    pool_size = 1 + dm_chats + max(groups * 3, 6)
    # Distinct 8-9 digit ids; the first is "me".
    ids = rng.sample(range(10_000_000, 999_999_999), pool_size + groups)
    used: set[str] = set()
    people = [_make_user(rng, uid, used) for uid in ids[:pool_size]]
    group_ids = ids[pool_size:]
    me = people[0]
    others = people[1:]
    specs: list[ConversationSpec] = []

    def size() -> int:
        if exact_counts:
            return messages_per_conversation
        # Vary +-50% so listings and exports see conversations of different sizes.
        return max(1, round(messages_per_conversation * rng.uniform(0.5, 1.5)))

    def timing(count: int) -> tuple[int, int]:
        start = EPOCH + rng.randrange(365 * 86_400)
        step = max(1, rng.randint(HISTORY_SPAN // 2, HISTORY_SPAN) // count)
        return start, step

    for n in range(dm_chats):
        other = others[n]
        lo, hi = sorted((me.id, other.id), key=int)
        count = size()
        start, step = timing(count)
        specs.append(
            ConversationSpec(
                kind="direct", id=other.id, chat_id=f"{lo}+{hi}", name=other.name,
                slot=len(specs) + 1, key=derive(seed, "conversation", "direct", n), count=count,
                start=start, step=step, me=me, senders=(me, other),
                nicknames=(me.name, other.name), created_at=start - rng.randrange(86_400),
            )
        )  # fmt: skip
    for n in range(groups):
        members = [me, *rng.sample(others, rng.randint(3, min(10, len(others))))]
        count = size()
        start, step = timing(count)
        owner = 0 if n == 0 else rng.randrange(len(members))
        nicknames = tuple(u.name.split()[0] if rng.random() < 0.3 else u.name for u in members)
        membership = tuple(
            Member(
                user=u,
                membership_id=str(rng.randint(100_000_000, 999_999_999)),
                nickname=nicknames[k],
                # Member image_url is "" (not null) when unset: a real quirk.
                image_url=u.avatar_url or "",
                muted=rng.random() < 0.1,
                roles=("admin", "owner") if k == owner else ("user",),
            )
            for k, u in enumerate(members)
        )
        name = GROUP_NAMES[n % len(GROUP_NAMES)] + (
            f" {n // len(GROUP_NAMES) + 1}" if n >= len(GROUP_NAMES) else ""
        )
        specs.append(
            ConversationSpec(
                kind="group", id=str(group_ids[n]), chat_id=str(group_ids[n]), name=name,
                slot=len(specs) + 1, key=derive(seed, "conversation", "group", n), count=count,
                start=start, step=step, me=me, senders=tuple(members), nicknames=nicknames,
                created_at=start - rng.randrange(86_400),
                description=" ".join(rng.choice(WORDS) for _ in range(6)).capitalize(),
                members=membership,
                image_url=None if rng.random() < 0.3 else random_image_url(rng),
            )
        )  # fmt: skip
    return World(
        me=me,
        users={u.id: u for u in people},
        conversations=tuple(specs),
        me_created_at=EPOCH - rng.randrange(365 * 86_400),
    )
