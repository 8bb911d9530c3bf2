"""Invented answers, in the documented shapes, for groups, members, bots, contacts and users.

People and ids are made up.  The shapes follow the community API docs that
API.md summarises (including their quirks: status codes as strings in
``change_owners``, a ``muted_until`` in the year 10000, integer ids).
"""

from __future__ import annotations

from typing import Any

GROUP_ID = "1234567"

MEMBERSHIP_STATES: list[dict[str, Any]] = [
    {"group_id": "107702077", "state": "active"},
    {"group_id": 106666358, "state": "exited"},
    {"group_id": "102270238", "state": "removed"},
    {"group_id": "91620876", "state": "exited_removed"},
]

OWNER_RESULTS: dict[str, Any] = {
    "results": [
        {"group_id": "1234567", "owner_id": "30000002", "status": "200"},
        {"group_id": "7654321", "owner_id": "30000003", "status": "403"},
        {"group_id": "7654322", "owner_id": "30000004", "status": "404"},
    ]
}

#: v2 mute answer; the year-10000 ``muted_until`` means "until unmuted".
MUTE_V2: dict[str, Any] = {
    "membership": {
        "id": "1080225494",
        "user_id": "30000001",
        "nickname": "Ada",
        "avatar_url": "https://i.groupme.com/200x200.jpeg.ada",
        "state": "muted",
        "created_at": 1748635698,
        "updated_at": 1748664739,
        "muted_until": 253402300800,
        "has_sound_enabled": True,
        "autokicked": False,
    }
}
#: v3 ``mute_all`` answer: a different membership object.
MUTE_V3: dict[str, Any] = {
    "membership": {
        "id": "1080225494",
        "user_id": "30000001",
        "country_code": "1",
        "avatar_url": "https://i.groupme.com/200x200.jpeg.ada",
        "nickname": "Ada",
        "creator": True,
        "muted": True,
        "snoozed": False,
        "has_sound_enabled": True,
        "pending": False,
        "muted_until": 1748668339,
        "muted_children": {"107933452": 253402300800},
    }
}
UNMUTE_V2: dict[str, Any] = {
    "membership": {**MUTE_V2["membership"], "state": "active", "muted_until": None}
}

MEMBERS_INDEX: dict[str, Any] = {
    "memberships": [
        {
            "id": "24681012",
            "user_id": "30000001",
            "name": "Ada Example",
            "nickname": "Ada",
            "image_url": "https://i.groupme.com/ada",
            "state": "active",
            "roles": ["owner", "admin"],
        },
        {
            "id": 1357911131,
            "user_id": 30000002,
            "name": "Bo Example",
            "nickname": "Bo",
            "image_url": "",
            "state": "active",
            "roles": ["user"],
        },
    ]
}


def results_for(*guids: str) -> dict[str, Any]:
    """A ``members/results`` answer holding a membership for each guid."""
    return {
        "members": [
            {
                "id": str(1000 + n),
                "user_id": str(30000010 + n),
                "nickname": f"Guest {n}",
                "muted": False,
                "image_url": "https://i.groupme.com/AVATAR",
                "autokicked": False,
                "app_installed": True,
                "guid": guid,
            }
            for n, guid in enumerate(guids)
        ]
    }


PENDING: list[dict[str, Any]] = [
    {
        "id": "1075936468",
        "user_id": "30000005",
        "nickname": "Cy",
        "image_url": "https://i.groupme.com/cy",
        "reason": {
            "type": "join_reason/membership_join_reason",
            "question": {"type": "join_reason/questions/text", "text": "Why join?"},
            "answer": {"type": "join_reason/answers/text", "response": "Board games!"},
            "method": "discoverable",
        },
        "timestamp": 1747219206,
        "state": "requested_pending",
    }
]
APPROVED: dict[str, Any] = {"membership_id": 1075936468, "state": "active"}
DENIED: dict[str, Any] = {"membership_id": 1075936468, "state": "denied"}

NICKNAME: dict[str, Any] = {
    "id": "1080225494",
    "user_id": "30000001",
    "nickname": "Captain Ada",
    "muted": False,
    "image_url": "https://i.groupme.com/ada",
    "autokicked": False,
    "app_installed": True,
}

USER_DETAILS: dict[str, Any] = {
    "user": {
        "app_installed": True,
        "avatar_url": "https://i.groupme.com/1067x1067.jpeg.bo",
        "created_at": 1567108132,
        "direct_message_capable": True,
        "id": "30000002",
        "name": "Bo Example",
        "bio": "likes trains",
        "directories": [{"id": 2738, "name": "Example University", "short_name": "EU"}],
        "photo_urls": ["https://i.groupme.com/a", "https://i.groupme.com/b"],
    },
    "relationship": None,
    "shared_groups": [
        {
            "group_id": 27317261,
            "group_name": "Board Games",
            "group_avatar": "https://i.groupme.com/60x60.jpeg.bg",
        }
    ],
    "major_codes": [2102],
    "graduation_year": "",
    "campus_profile_visibility": "visible",
}


def contact(user_id: str, iso: str, epoch: int, *, blocked: bool = False) -> dict[str, Any]:
    """One ``/relationships`` entry made at ``iso`` (``epoch`` is the same second)."""
    return {
        "id": user_id,
        "created_at": epoch,
        "created_at_iso8601": iso,
        "updated_at": epoch,
        "updated_at_iso8601": iso,
        "user_id": user_id,
        "name": f"Contact {user_id}",
        "avatar_url": None,
        "reason": 3,
        "hidden": False,
        "app_installed": True,
        "mri": "8:gid:00000000-0000-0000-0000-000000000000",
        "blocked": blocked,
    }


BOT: dict[str, Any] = {
    "avatar_url": "https://i.groupme.com/bot",
    "bot_id": "0123456789abcdef0123456789",
    "callback_url": "https://example.com/callback",
    "dm_notification": False,
    "group_id": GROUP_ID,
    "group_name": "Family",
    "name": "Dice",
}
