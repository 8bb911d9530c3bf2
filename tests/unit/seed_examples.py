"""The JSON examples of the GroupMe API docs (the seeds), inlined as literals.

These are public documentation examples; every one must decode into the models.
"""

from __future__ import annotations

from typing import Any

_SEED_ATTACHMENTS_GROUP: list[dict[str, Any]] = [
    {"type": "image", "url": "https://i.groupme.com/123456789"},
    {"type": "image", "url": "https://i.groupme.com/123456789"},
    {"type": "location", "lat": "40.738206", "lng": "-73.993285", "name": "GroupMe HQ"},
    {"type": "split", "token": "SPLIT_TOKEN"},
    {"type": "emoji", "placeholder": "", "charmap": [[1, 42], [2, 34]]},
]
_SEED_ATTACHMENTS_DM: list[dict[str, Any]] = [
    a for a in _SEED_ATTACHMENTS_GROUP if a["type"] != "split"
]

CHATS_INDEX: list[dict[str, Any]] = [
    {
        "created_at": 1352299338,
        "updated_at": 1352299338,
        "last_message": {
            "attachments": [],
            "avatar_url": "https://i.groupme.com/200x200.jpeg.abcdef",
            "conversation_id": "12345+67890",
            "created_at": 1352299338,
            "favorited_by": [],
            "id": "1234567890",
            "name": "John Doe",
            "recipient_id": "67890",
            "sender_id": "12345",
            "sender_type": "user",
            "source_guid": "GUID",
            "text": "Hello world",
            "user_id": "12345",
        },
        "messages_count": 10,
        "other_user": {
            "avatar_url": "https://i.groupme.com/200x200.jpeg.abcdef",
            "id": 12345,
            "name": "John Doe",
        },
    }
]

CHAT_SHOW: dict[str, Any] = {
    "created_at": 1705616604,
    "last_message": {
        "attachments": [],
        "avatar_url": "https://i.groupme.com/1024x1024.jpeg.a13c40722d454d0e9c59d2cedb119056",
        "conversation_id": "56366372+93645911",
        "created_at": 1747778589,
        "favorited_by": [],
        "id": "174777858990222590",
        "name": "Bob",
        "recipient_id": "93645911",
        "sender_id": "56366372",
        "sender_type": "user",
        "source_guid": "FB9B32E6-45B8-4A63-8FAA-4A60005A0A60",
        "text": "I think it\u2019s a good idea!",
        "user_id": "56366372",
        "pinned_at": None,
        "pinned_by": "",
    },
    "messages_count": 742,
    "other_user": {
        "avatar_url": "https://i.groupme.com/1024x1024.jpeg.a13c409e2d454320e9c59d2cedb119056",
        "id": "56366372",
        "name": "Bob",
    },
    "updated_at": 1747778589,
    "message_deletion_period": 2147483647,
    "message_deletion_mode": ["sender"],
    "requires_approval": False,
    "unread_count": None,
    "last_read_message_id": None,
    "last_read_at": None,
    "message_edit_period": 15,
}

# GET /direct_messages, the older docs (attachments) and the newer ones (read_receipt).
DM_INDEX_OLD: dict[str, Any] = {
    "count": 123,
    "direct_messages": [
        {
            "id": "1234567890",
            "source_guid": "GUID",
            "recipient_id": "20",
            "user_id": "1234567890",
            "created_at": 1302623328,
            "name": "John",
            "avatar_url": "https://i.groupme.com/123456789",
            "text": "Hello world ",
            "pinned_by": "",
            "pinned_at": None,
            "favorited_by": ["101"],
            "attachments": _SEED_ATTACHMENTS_DM,
        }
    ],
}
DM_INDEX_NEW: dict[str, Any] = {
    "count": 123,
    "direct_messages": [
        {
            "attachments": [],
            "avatar_url": "https://i.groupme.com/1024x1024.jpeg.a13c409e2d454d082c59d2cedb119056",
            "conversation_id": "56366372+93645911",
            "created_at": 1747778589,
            "favorited_by": [],
            "id": "174777858990222590",
            "name": "Bob",
            "recipient_id": "93645911",
            "sender_id": "56366372",
            "sender_type": "user",
            "source_guid": "FB9B32E6-45B8-4A63-8FAA-4A60005A0A60",
            "text": "I think it\u2019s a good idea!",
            "user_id": "56366372",
            "pinned_at": None,
            "pinned_by": "",
        }
    ],
    "read_receipt": {
        "id": "",
        "chat_id": "56366372+93645911",
        "message_id": "174777858990222590",
        "user_id": "93645911",
        "read_at": 1747779017,
    },
}

DM_SEND_REQUEST: dict[str, Any] = {
    "direct_message": {
        "source_guid": "GUID",
        "recipient_id": "20",
        "text": "Hello world ",
        "attachments": _SEED_ATTACHMENTS_DM,
    }
}
DM_CREATE: dict[str, Any] = {
    "message": {
        "id": "1234567890",
        "source_guid": "GUID",
        "recipient_id": "20",
        "user_id": "1234567890",
        "created_at": 1302623328,
        "name": "John",
        "avatar_url": "https://i.groupme.com/123456789",
        "text": "Hello world ",
        "pinned_by": "",
        "pinned_at": None,
        "favorited_by": ["101"],
        "attachments": _SEED_ATTACHMENTS_DM,
    }
}

READ_RECEIPT: dict[str, Any] = {
    "read_receipt": {
        "id": "174769438312353599",
        "chat_id": "74938777+93645911",
        "message_id": "174769438312353599",
        "user_id": "93645911",
        "read_at": 1747694449,
    }
}

BLOCKS_INDEX: dict[str, Any] = {
    "blocks": [{"user_id": "1234567890", "blocked_user_id": "1234567890", "created_at": 1302623328}]
}
BLOCKS_BETWEEN: dict[str, Any] = {"between": True}
BLOCK_CREATE: dict[str, Any] = {
    "block": {"user_id": "1234567890", "blocked_user_id": "1234567890", "created_at": 1302623328}
}

USERS_ME: dict[str, Any] = {
    "created_at": 1622678742,
    "email": "email@example.con",
    "email_verified": False,
    "facebook_connected": False,
    "id": "93645911",
    "image_url": "https://i.groupme.com/200x200.jpeg.94e0ac5891aa4e6f8ad4bbf961defe4d",
    "locale": "en_us",
    "microsoft_connected": False,
    "name": "Isaac",
    "bio": "Before you criticize someone, walk a mile in their shoes.\n",
    "phone_number": "+1 2345678910",
    "sms": False,
    "twitter_connected": False,
    "updated_at": 1747863063,
    "user_id": "93645911",
    "zip_code": None,
    "share_url": "https://groupme.com/contact/93645911/njLqSwBU",
    "share_qr_code_url": "https://image.groupme.com/qr/contact/93645911/njLqSwBU/preview",
    "mfa": {"enabled": False, "channels": None},
    "tags": ["phone-us"],
    "prompt_for_survey": False,
    "show_age_gate": False,
    "birth_date_set": True,
    "major_codes": [3702, 5506],
    "graduation_year": "",
    "campus_profile_visibility": "major",
    "photo_urls": [
        "https://i.groupme.com/408x723.jpeg.cc234ac0ee8a4d3a82ead19dee523193",
        "https://i.groupme.com/408x723.jpeg.35e3736109b44d788ec5ff3b7a444a57",
        "https://i.groupme.com/408x723.jpeg.3a23a3abaef64de98b541eee846fdb2d",
    ],
    "song_url": "https://open.spotify.com/track/5532lQKkhAZUyUKOBA9yrB",
    "interests": [1026, 3015],
}

USERS_UPDATE_REQUEST: dict[str, Any] = {
    "avatar_url": "https://4.bp.blogspot.com/TopGun_059Pyxurz.jpg",
    "name": "Tom Skerritt",
    "email": "viper@topgun.usaf.mil",
    "zip_code": "92145",
}
USERS_UPDATE: dict[str, Any] = {
    "id": "1234567890",
    "phone_number": "+1 2123001234",
    "image_url": "https://i.groupme.com/123456789",
    "name": "Ronald Swanson",
    "created_at": 1302623328,
    "updated_at": 1302623328,
    "email": "me@example.com",
    "sms": False,
}

USERS_V2_UPDATE: dict[str, Any] = {
    "user": {
        "id": "131245991",
        "created_at": 1747245002,
        "updated_at": 1747257736,
        "name": "Bilbo Baggins",
        "phone_number": "+1 2345678910",
        "email": "example@email.com",
        "avatar_url": None,
        "app_installed": True,
        "direct_message_capable": True,
        "country": None,
        "language": "en-US",
        "locale": "en_us",
        "disable_started_using_notification": False,
        "disable_favorite_notification": False,
        "sms_disabled": True,
        "sms_disabled_expires_at": None,
        "local_sms_available": True,
        "sleep_until": None,
        "needs_password": False,
        "stopped": False,
        "admin": False,
        "verified": True,
        "email_verified": False,
        "international": False,
        "email_settings": {"membership_added": True, "group_created": True},
        "group_notification_sound": "gm6.wav",
        "dm_notification_sound": "gm16.wav",
        "bio": "Hello World!",
        "photo_urls": [
            "https://i.groupme.com/790x1402.jpeg.ca86dade7dfb48168735247dce604499",
            "https://i.groupme.com/2270x4032.jpeg.0068aa02a4b949e0b97ab4dc8c9a31f7",
            "https://i.groupme.com/901x1600.jpeg.283ece1d0c9d41c180677393f78ff716",
        ],
        "song_url": "https://open.spotify.com/track/4zu9wo2FXoBSsKjO6tRB3R",
        "interests": [1005, 1017, 1026],
    }
}

MAJORS: list[str] = ["3702", "5506"]
MEMBERSHIP: dict[str, Any] = {
    "id": 2990607,
    "user_id": 93645911,
    "directory_id": 1928,
    "campus_profile_visibility": "graduation_year",
    "graduation_year": "2025",
    "major_ids": [59, 171],
}
SHARE: dict[str, Any] = {
    "share_url": "https://groupme.com/contact/74938777/OtzZPXiX",
    "share_qr_code_url": "https://image.groupme.com/qr/contact/74938777/OtzZPXiX/preview",
}
PINNED: dict[str, Any] = {
    "pinned_conversation_ids": [
        "98905953",
        "98905970",
        "93645911+118825642",
        "99566681",
        "97673234",
        "27317261",
        "28330145",
    ]
}

_GROUP_MESSAGE: dict[str, Any] = {
    "id": "1234567890",
    "source_guid": "GUID",
    "created_at": 1302623328,
    "user_id": "1234567890",
    "group_id": "1234567890",
    "name": "John",
    "avatar_url": "https://i.groupme.com/123456789",
    "text": "Hello world ",
    "system": True,
    "pinned_by": "",
    "pinned_at": None,
    "favorited_by": ["101", "66", "1234567890"],
    "attachments": _SEED_ATTACHMENTS_GROUP,
}
GROUP_MESSAGES_INDEX: dict[str, Any] = {"count": 123, "messages": [_GROUP_MESSAGE]}
GROUP_SEND_REQUEST: dict[str, Any] = {
    "message": {
        "source_guid": "GUID",
        "text": "Hello world ",
        "attachments": _SEED_ATTACHMENTS_GROUP,
    }
}
GROUP_MESSAGE_CREATE: dict[str, Any] = {"message": _GROUP_MESSAGE}

# The seeds have no group example; this is the documented shape (API.md).
GROUP: dict[str, Any] = {
    "id": "1234567",
    "group_id": "1234567",
    "name": "Family",
    "type": "private",
    "description": "Coolest Family Ever",
    "image_url": None,
    "creator_user_id": "1234567890",
    "created_at": 1302623328,
    "updated_at": 1302623328,
    "share_url": None,
    "members": [
        {
            "user_id": "1234567890",
            "id": 42,
            "nickname": "Jane",
            "image_url": "",
            "muted": False,
            "autokicked": False,
            "roles": ["admin", "owner"],
        }
    ],
    "messages": {
        "count": 100,
        "last_message_id": "1234567890",
        "last_message_created_at": 1302623328,
    },
}

#: (name, body) of every seed example that is a response, for the decoding tests.
SEED_RESPONSES: list[tuple[str, Any]] = [
    ("chats index", CHATS_INDEX),
    ("chat show", CHAT_SHOW),
    ("dm index (old)", DM_INDEX_OLD),
    ("dm index (new)", DM_INDEX_NEW),
    ("dm create", DM_CREATE),
    ("read receipt", READ_RECEIPT),
    ("blocks index", BLOCKS_INDEX),
    ("block create", BLOCK_CREATE),
    ("users me", USERS_ME),
    ("users update", USERS_UPDATE),
    ("users v2 update", USERS_V2_UPDATE),
    ("membership", MEMBERSHIP),
    ("share", SHARE),
    ("group messages index", GROUP_MESSAGES_INDEX),
    ("group message create", GROUP_MESSAGE_CREATE),
]
