"""Generated users and conversations, and every message computed on demand.

Everything here is a pure function of the seed.  Randomness comes from
``random.Random`` instances seeded with integers derived through SHA-256
(never ``hash()``, which is salted per process), so two processes with the
same seed produce the same bytes.

Messages are never stored.  Message ``i`` of a conversation is generated on
demand from ``(seed, conversation, i)``, and its id is an arithmetic function
of ``i``, so a cursor id maps back to a position in O(1): a conversation of a
million messages costs no memory until a client writes to it.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass
from typing import Any

from ..models import ConversationKind

#: A message id is ``created_at * ID_SCALE + low`` where ``low`` holds the
#: conversation's slot and a few varying digits: ids look like GroupMe's
#: 18-digit ids, grow with time, and never collide across conversations.
ID_SCALE = 10**8
SLOT_SCALE = 10**5
MAX_CONVERSATIONS = ID_SCALE // SLOT_SCALE

#: Generated history starts here (2019-01-01 UTC) so that anything a client
#: writes "now" is newer than all of it.
EPOCH = 1_546_300_800
HISTORY_SPAN = 4 * 365 * 86_400

FIRST_NAMES = (
    "Avery", "Briar", "Calder", "Dorian", "Ember", "Fenna", "Galen", "Harlow",
    "Ilsa", "Jory", "Kestrel", "Linnea", "Marlo", "Nerys", "Orrin", "Peregrine",
    "Quill", "Rowan", "Sorrel", "Tamsin", "Ulric", "Vesper", "Wren", "Xanthe",
    "Yarrow", "Zephyr", "Anouk", "Bram", "Cosima", "Dashiell",
)  # fmt: skip
LAST_NAMES = (
    "Ashgrove", "Brindlewood", "Copperfield", "Dunmore", "Eldervale", "Foxhollow",
    "Greythorn", "Hollowell", "Ironbridge", "Juniper", "Kettlewell", "Larkspur",
    "Mossbank", "Nettlefold", "Oakhurst", "Pennyworth", "Quarrington", "Rookwood",
    "Silverlake", "Thistledown", "Underhill", "Vantbrook", "Whitlock", "Yewdale",
)  # fmt: skip
GROUP_NAMES = (
    "Trail Runners", "Sunday Board Games", "Apartment 4B", "Robotics Club",
    "Choir Altos", "Climbing Crew", "Book Circle", "Soup Night", "Garden Plot 12",
    "Lab Meeting", "Intramural Frisbee", "Road Trip Planning", "Film Society",
    "Chess at Noon", "Study Group", "Bike Commuters",
)  # fmt: skip
WORDS = (
    "the", "a", "we", "you", "tonight", "tomorrow", "meeting", "pizza", "running",
    "late", "sounds", "good", "great", "idea", "who", "is", "coming", "bring",
    "snacks", "park", "at", "seven", "thanks", "everyone", "see", "there", "maybe",
    "rain", "moved", "inside", "lol", "yes", "no", "can", "someone", "grab", "keys",
    "library", "closes", "early", "photo", "from", "last", "week", "nice", "work",
    "game", "starts", "soon", "coffee", "after", "class", "ok", "on", "my", "way",
)  # fmt: skip
PLACES = (
    ("Riverside Park", "40.80", "-73.97"),
    ("Main Street Library", "41.88", "-87.63"),
    ("Harbor Coffee", "47.61", "-122.34"),
    ("North Field", "39.95", "-75.16"),
)
REACTIONS = ("\u2764\ufe0f", "\U0001f602", "\U0001f44d", "\U0001f525")
#: The public hosts of GroupMe's pictures (and avatars) and videos.
IMAGE_HOST = "i.groupme.com"
VIDEO_HOST = "v.groupme.com"
#: GroupMe puts this private-use character in ``text`` where an emoji goes.
EMOJI_PLACEHOLDER = "\ufffd"


def derive(seed: int, *labels: object) -> int:
    """A 64-bit integer from the seed and labels, stable across processes."""
    text = ":".join([str(seed), *(str(label) for label in labels)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def random_hex(rng: random.Random, digits: int = 32) -> str:
    return f"{rng.getrandbits(digits * 4):0{digits}x}"


def random_image_url(rng: random.Random) -> str:
    width, height = rng.choice(((1024, 768), (640, 480), (1080, 1920), (750, 700)))
    return f"https://i.groupme.com/{width}x{height}.jpeg.{random_hex(rng)}"


def _guid(rng: random.Random) -> str:
    # Real source_guids come from every client: iOS UUIDs, Android prefixes,
    # web-style hex.  Mix them so guid handling is not tested on one shape.
    raw = random_hex(rng)
    style = rng.random()
    if style < 0.5:
        return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}".upper()
    if style < 0.8:
        return f"android-{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
    return raw


@dataclass(frozen=True)
class User:
    """A generated GroupMe user."""

    id: str
    name: str
    avatar_url: str | None
    email: str
    phone_number: str

    def chat_user(self) -> dict[str, Any]:
        return {"avatar_url": self.avatar_url, "id": self.id, "name": self.name}


@dataclass(frozen=True)
class Member:
    """A user's membership of a generated group."""

    user: User
    membership_id: str
    nickname: str
    image_url: str
    muted: bool
    roles: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "autokicked": False,
            "id": self.membership_id,
            "image_url": self.image_url,
            "muted": self.muted,
            "name": self.user.name,
            "nickname": self.nickname,
            "roles": list(self.roles),
            "user_id": self.user.id,
        }


@dataclass(frozen=True)
class ConversationSpec:
    """The generated (immutable) part of one conversation.

    Message ``i`` (0 = oldest) has ``created_at = start + i*step + jitter(i)``
    with ``0 <= jitter < step``, so timestamps strictly increase and the
    message whose time bucket holds a timestamp is found by division.
    """

    kind: ConversationKind
    id: str
    """Group id, or the other user's id for a DM."""
    chat_id: str
    """Group id, or ``"<lower>+<higher>"`` for a DM."""
    name: str
    slot: int
    key: int
    count: int
    start: int
    step: int
    me: User
    senders: tuple[User, ...]
    nicknames: tuple[str, ...]
    created_at: int
    description: str = ""
    members: tuple[Member, ...] = ()
    image_url: str | None = None

    def created(self, i: int) -> int:
        jitter = ((i * 2_654_435_761) ^ self.key) & 0xFFFFFFFF
        return self.start + i * self.step + jitter % self.step

    def message_id(self, i: int) -> int:
        low = self.slot * SLOT_SCALE + (i * 7919 + self.key) % SLOT_SCALE
        return self.created(i) * ID_SCALE + low

    def lower_bound(self, message_id: int) -> int:
        """How many generated messages have an id below ``message_id``."""
        bucket = (message_id // ID_SCALE - self.start) // self.step
        if bucket < 0:
            return 0
        if bucket >= self.count:
            return self.count
        return bucket + (1 if self.message_id(bucket) < message_id else 0)

    def file_id(self, i: int) -> str:
        """The id of the file message ``i`` carries: a UUID whose low half
        is the conversation's slot and ``i``, so the file service finds the
        message (and the file's bytes) again from the id alone."""
        return str(uuid.UUID(int=(derive(self.key, "file", i) << 64) | (self.slot << 40) | i))

    def _rng(self, i: int) -> random.Random:
        return random.Random((self.key << 40) | i)

    def _head(self, i: int) -> tuple[bool, int]:
        """(is a system message, sender index): the first two draws of message ``i``."""
        rng = self._rng(i)
        system = self.kind == "group" and (i == 0 or rng.random() < 0.03)
        return system, rng.randrange(len(self.senders))

    def message(self, i: int) -> dict[str, Any]:
        """Message ``i`` exactly as the API returns it."""
        rng = self._rng(i)
        is_group = self.kind == "group"
        system = is_group and (i == 0 or rng.random() < 0.03)
        sender_index = rng.randrange(len(self.senders))
        message_id = str(self.message_id(i))
        created_at = self.created(i)
        if system:
            return self._system_message(rng, i, message_id, created_at, sender_index)
        sender = self.senders[sender_index]
        # choices() draws k words in one call: text is most of the generation cost.
        text: str | None = " ".join(rng.choices(WORDS, k=rng.randint(1, 14)))
        attachments: list[dict[str, Any]] = []
        roll = rng.random()
        if roll < 0.065:
            attachments.append({"type": "image", "url": random_image_url(rng)})
            if rng.random() < 0.4:
                text = None
        elif roll < 0.075:
            # The video host's URLs as the transcoder hands them out.
            base = f"https://{VIDEO_HOST}/{self.id}/{random_hex(rng)}"
            attachments.append(
                {"type": "video", "url": f"{base}.r3.mp4", "preview_url": f"{base}.jpg"}
            )
        elif roll < 0.08:
            attachments.append({"type": "file", "file_id": self.file_id(i)})
        elif roll < 0.10:
            place, lat, lng = rng.choice(PLACES)
            attachments.append(
                {"type": "location", "lat": lat + str(rng.randint(1000, 9999)),
                 "lng": lng + str(rng.randint(1000, 9999)), "name": place}
            )  # fmt: skip
        elif roll < 0.13:
            text = f"{text} {EMOJI_PLACEHOLDER}"
            attachments.append(
                {"type": "emoji", "placeholder": EMOJI_PLACEHOLDER,
                 "charmap": [[rng.randint(1, 20), rng.randint(0, 60)]]}
            )  # fmt: skip
        elif roll < 0.19 and i > 0:
            target = rng.randint(max(0, i - 20), i - 1)
            target_system, target_sender = self._head(target)
            target_id = str(self.message_id(target))
            attachments.append(
                {"type": "reply",
                 "user_id": "system" if target_system else self.senders[target_sender].id,
                 "reply_id": target_id, "base_reply_id": target_id}
            )  # fmt: skip
        elif roll < 0.24 and is_group:
            mentioned = rng.randrange(len(self.senders))
            handle = "@" + self.nicknames[mentioned]
            text = f"{handle} {text}"
            # Real mention ids are sometimes integers: keep that quirk.
            mention_id: str | int = self.senders[mentioned].id
            if rng.random() < 0.5:
                mention_id = int(mention_id)
            attachments.append(
                {"type": "mentions", "user_ids": [mention_id], "loci": [[0, len(handle)]]}
            )
        favorited_by: list[str] = []
        reactions: list[dict[str, Any]] | None = None
        if rng.random() < 0.15:
            likers = rng.sample(self.senders, rng.randint(1, min(3, len(self.senders))))
            favorited_by = [u.id for u in likers]
            if rng.random() < 0.5:
                reactions = [
                    {"type": "unicode", "code": rng.choice(REACTIONS), "user_ids": favorited_by}
                ]
        out: dict[str, Any] = {
            "attachments": attachments,
            "avatar_url": sender.avatar_url,
            "created_at": created_at,
            "favorited_by": favorited_by,
        }
        if is_group:
            out["group_id"] = self.id
        else:
            out["conversation_id"] = self.chat_id
        out["id"] = message_id
        out["name"] = self.nicknames[sender_index] if is_group else sender.name
        if not is_group:
            recipient = self.senders[1 - sender_index]
            out["recipient_id"] = recipient.id
        out["sender_id"] = sender.id
        out["sender_type"] = "user"
        out["source_guid"] = _guid(rng)
        if is_group:
            out["system"] = False
        out["text"] = text
        out["user_id"] = sender.id
        out["pinned_at"] = None
        out["pinned_by"] = ""
        if rng.random() < 0.3:
            out["platform"] = "gm"
        if reactions is not None:
            out["reactions"] = reactions
        return out

    def _system_message(
        self, rng: random.Random, i: int, message_id: str, created_at: int, actor_index: int
    ) -> dict[str, Any]:
        actor = self.senders[actor_index]
        nick = self.nicknames[actor_index]
        attachments: list[dict[str, Any]] = []
        roll = rng.random()
        if i == 0:
            text: str | None = f"{nick} created the group"
            event: dict[str, Any] = {
                "type": "group.created",
                "data": {"user": {"id": int(actor.id), "nickname": nick}, "name": self.name},
            }
        elif roll < 0.4:
            other = rng.randrange(len(self.senders))
            text = f"{nick} added {self.nicknames[other]} to the group."
            event = {
                "type": "membership.announce.added",
                "data": {
                    "added_users": [
                        {"id": int(self.senders[other].id), "nickname": self.nicknames[other]}
                    ],
                    "adder_user": {"id": int(actor.id), "nickname": nick},
                },
            }
        elif roll < 0.7:
            poll_id = str(10**12 + rng.getrandbits(36))
            subject = " ".join(rng.choice(WORDS) for _ in range(4)) + "?"
            text = f"{nick} created new poll '{subject}'"
            event = {
                "type": "poll.created",
                "data": {
                    "conversation": {"id": self.id},
                    "poll": {"id": poll_id, "subject": subject},
                    "user": {"id": actor.id, "nickname": nick},
                },
            }
            attachments.append({"type": "poll", "poll_id": poll_id})
        elif roll < 0.9:
            event_id = random_hex(rng)
            title = " ".join(rng.choice(WORDS) for _ in range(3)).title()
            text = f"{nick} created event '{title}'"
            event = {
                "type": "calendar.event.created",
                "data": {
                    "event": {"id": event_id, "name": title},
                    "user": {"id": int(actor.id), "nickname": nick},
                },
            }
            attachments.append({"type": "event", "event_id": event_id, "view": "full"})
        else:
            # Some system events carry no text at all.
            text = None
            event = {
                "type": "group.avatar_change",
                "data": {"user": {"id": int(actor.id), "nickname": nick}},
            }
        return {
            "attachments": attachments,
            "avatar_url": None,
            "created_at": created_at,
            "event": event,
            "favorited_by": [],
            "group_id": self.id,
            "id": message_id,
            "name": "GroupMe",
            "sender_id": "system",
            "sender_type": "system",
            "source_guid": _guid(rng),
            "system": True,
            "text": text,
            "user_id": "system",
            "pinned_at": None,
            "pinned_by": "",
        }
