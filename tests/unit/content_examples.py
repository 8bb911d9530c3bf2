"""Invented answers, in the shapes the GroupMe community docs show, for the
endpoints beyond the seeds (show/edit, likes, pins, polls, events, topics,
gallery).  Every person and id is made up."""

from __future__ import annotations

from typing import Any

ADA, BROOK = "30000001", "30000002"
GROUP_ID = "40000001"

MESSAGE: dict[str, Any] = {
    "attachments": [],
    "avatar_url": "https://i.groupme.com/572x525.png.ada0example",
    "created_at": 1743898778,
    "favorited_by": [BROOK],
    "group_id": GROUP_ID,
    "id": "174389877890070700",
    "name": "Ada Example",
    "sender_id": ADA,
    "sender_type": "user",
    "source_guid": "android-00000000-0000-4000-8000-000000000001",
    "system": False,
    "text": "hi there!",
    "user_id": ADA,
    "platform": "gm",
    "pinned_at": None,
    "pinned_by": "",
    "reactions": [
        {"type": "unicode", "code": "\u2764\ufe0f", "user_ids": [BROOK]},
        {"type": "emoji", "pack_id": 1, "pack_index": 12, "user_ids": [30000003]},
    ],
}
EDITED: dict[str, Any] = {**MESSAGE, "text": "Hello World!", "updated_at": 1747065854}
PINNED_MESSAGE: dict[str, Any] = {**MESSAGE, "pinned_at": 1747065900, "pinned_by": BROOK}
LIKED: dict[str, Any] = {**MESSAGE, "liked_at": "2025-05-14T14:33:17.8688Z"}

POLL_DATA: dict[str, Any] = {
    "id": "1613956027340750",
    "subject": "Which boathouse?",
    "owner_id": ADA,
    "conversation_id": GROUP_ID,
    "created_at": 1613956027,
    "expiration": 1614042900,
    "status": "active",
    "options": [
        {"id": "1", "title": "North", "votes": 1, "voter_ids": [ADA]},
        {"id": "2", "title": "South"},
    ],
    "last_modified": 1613957145,
    "type": "multi",
    "visibility": "public",
}
POLL: dict[str, Any] = {"data": POLL_DATA, "user_votes": ["1"]}
#: An older poll: no type or visibility, a single ``user_vote``.
OLD_POLL: dict[str, Any] = {
    "data": {
        k: v for k, v in {**POLL_DATA, "id": "1613956027340751"}.items() if k not in ("type",)
    },
    "user_vote": "2",
}

EVENT: dict[str, Any] = {
    "name": "Regatta",
    "description": "Bring water",
    "image_url": "https://i.groupme.com/1024x1024.png.regatta0example",
    "location": {"lat": 38.8894, "lng": -77.0352, "name": "The dock", "address": "1 River Rd"},
    "start_at": "2021-08-30T01:00:00-04:00",
    "end_at": "2021-08-30T01:15:00-04:00",
    "is_all_day": False,
    "timezone": "America/New_York",
    "reminders": [0, 604800],
    "conversation_id": GROUP_ID,
    "event_id": "0f15691677e444ceb64118bf39d41ec8",
    "creator_id": ADA,
    "going": [ADA],
    "not_going": [],
    "created_at": "2021-08-30T05:01:50Z",
    "updated_at": "2021-08-30T05:01:50Z",
}

SUBGROUP: dict[str, Any] = {
    "messages": {
        "count": 4,
        "last_message_id": "171557472100000000",
        "last_message_created_at": 1715574721,
        "last_message_updated_at": 1715574721,
        "preview": {"nickname": "Brook", "text": "Hello!", "image_url": None, "attachments": []},
    },
    "id": 107877040,
    "parent_id": int(GROUP_ID),
    "topic": "Race day",
    "type": "announcement",
    "description": "Only the captains post",
    "avatar_url": None,
    "creator_user_id": int(ADA),
    "created_at": 1715574084,
    "updated_at": 1715574721,
    "muted_until": None,
    "like_icon": {"pack_id": 1, "pack_index": 49, "type": "emoji"},
    "unread_count": None,
    "last_read_message_id": None,
    "last_read_at": None,
}
MEMBERSHIP: dict[str, Any] = {
    "id": "1080225494",
    "user_id": ADA,
    "nickname": "Ada",
    "avatar_url": None,
    "muted": False,
    "muted_until": None,
    "muted_children": {"107877040": 253402300800},
}


def gallery_message(message_id: int, stamp: str) -> dict[str, Any]:
    """A gallery message with an image and its ``gallery_ts``."""
    return {
        **MESSAGE,
        "id": str(message_id),
        "attachments": [{"type": "image", "url": f"https://i.groupme.com/1x1.jpeg.{message_id}"}],
        "gallery_ts": stamp,
    }
