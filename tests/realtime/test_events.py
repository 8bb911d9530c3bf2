"""Each push type decodes to its typed event (invented payloads, in API.md's shapes)."""

from __future__ import annotations

from typing import Any

from groupme_async import Message
from groupme_async.realtime import (
    MembershipCreated,
    MessageCreated,
    MessageDeleted,
    MessageReacted,
    MessageUpdated,
    Typing,
    UnknownEvent,
    decode_event,
)

GROUP_LINE: dict[str, Any] = {
    "id": "171000000000000001",
    "created_at": 1_710_000_000,
    "group_id": "5550001",
    "user_id": "900001",
    "name": "Ada Example",
    "text": "hello",
    "attachments": [],
    "favorited_by": [],
    "sender_type": "user",
    "system": False,
}
DM_LINE: dict[str, Any] = {
    "id": "171000000000000002",
    "created_at": 1_710_000_001,
    "chat_id": "900001+900002",
    "recipient_id": "900002",
    "user_id": "900001",
    "text": "psst",
}


def test_group_message() -> None:
    event = decode_event(
        "/user/900002", {"type": "line.create", "alert": "Ada: hello", "subject": GROUP_LINE}
    )
    assert isinstance(event, MessageCreated)
    assert isinstance(event.message, Message) and event.message.text == "hello"
    assert event.conversation_id == "5550001" and event.kind == "group" and not event.from_gap_fill


def test_dm_gets_the_rest_conversation_id() -> None:
    event = decode_event("/user/900002", {"type": "direct_message.create", "subject": DM_LINE})
    assert isinstance(event, MessageCreated)
    assert event.conversation_id == "900001+900002" and event.kind == "direct"
    assert event.message.conversation_id == "900001+900002"


def test_system_message_is_a_message_created_with_its_event() -> None:
    event_data = {"type": "membership.announce.added", "data": {"added_users": [{"id": 1}]}}
    subject = {**GROUP_LINE, "user_id": "system", "system": True, "sender_type": "system",
               "event": event_data}  # fmt: skip
    event = decode_event("/user/900002", {"type": "line.create", "subject": subject})
    assert isinstance(event, MessageCreated)
    assert event.message.system and event.message.event is not None
    assert event.message.event["type"] == "membership.announce.added"


def test_edit() -> None:
    subject = {**GROUP_LINE, "text": "hello!", "updated_at": 1_710_000_050}
    event = decode_event("/group/5550001", {"type": "message.update", "subject": subject})
    assert isinstance(event, MessageUpdated)
    assert event.message.text == "hello!" and event.conversation_id == "5550001"


def test_delete_on_a_dm_channel() -> None:
    data = {"type": "message.deleted", "subject": {"message_id": 171000000000000002,
            "deleted_at": 1_710_000_060, "deletion_actor": "sender"}}  # fmt: skip
    event = decode_event("/direct_message/900001_900002", data)
    assert isinstance(event, MessageDeleted)
    assert event.message_id == "171000000000000002"
    assert event.conversation_id == "900001+900002"
    assert event.deletion_actor == "sender" and event.deleted_at is not None


def test_favorite_with_reactions() -> None:
    data = {"type": "favorite", "subject": {"line": GROUP_LINE, "user_id": 900003,
            "reactions": [{"type": "unicode", "code": "❤️", "user_ids": ["900003", 900004]}],
            }}  # fmt: skip
    event = decode_event("/group/5550001", data)
    assert isinstance(event, MessageReacted)
    assert event.user_id == "900003" and event.message_id == GROUP_LINE["id"]
    assert event.reactions[0].code == "❤️" and event.reactions[0].user_ids == ("900003", "900004")


def test_like_create_on_the_user_channel() -> None:
    data = {"type": "like.create", "subject": {"line": {**GROUP_LINE, "favorited_by": ["900003"]},
            "user_id": "900003"}}  # fmt: skip
    event = decode_event("/user/900001", data)
    assert isinstance(event, MessageReacted) and event.conversation_id == "5550001"


def test_typing() -> None:
    event = decode_event(
        "/group/5550001", {"type": "typing", "user_id": "900003", "started": 1_710_000_000_123}
    )
    assert isinstance(event, Typing)
    assert event.user_id == "900003" and event.conversation_id == "5550001"
    assert event.started is not None and event.started.year == 2024


def test_membership_create() -> None:
    data = {"type": "membership.create", "subject": {"id": "5550009", "name": "New Group"}}
    event = decode_event("/user/900001", data)
    assert isinstance(event, MembershipCreated)
    assert event.group.id == "5550009" and event.group.name == "New Group"


def test_ping_is_not_an_event() -> None:
    assert decode_event("/user/900001", {"type": "ping"}) is None


def test_anything_else_is_kept_whole() -> None:
    data = {"type": "poll.vote", "subject": {"poll": {"id": "1"}}}
    event = decode_event("/group/5550001", data)
    assert isinstance(event, UnknownEvent)
    assert event.type == "poll.vote" and event.data == data


def test_a_malformed_subject_is_kept_as_unknown_not_raised() -> None:
    data = {"type": "line.create", "subject": {"text": "no id"}}
    event = decode_event("/user/900001", data)
    assert isinstance(event, UnknownEvent) and event.data == data
