"""Models: immutable all the way down, equal by id where they have one, and
back to GroupMe's JSON with ``to_dict()``."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from groupme_async import (
    ApprovalResult,
    Block,
    Bot,
    Chat,
    Contact,
    DirectoryMembership,
    Group,
    GroupMembershipState,
    MemberAddResult,
    Message,
    MessagePage,
    MyMembership,
    OwnerChangeResult,
    PendingMember,
    Profile,
    ReadReceipt,
    User,
    UserDetails,
    models,
)
from groupme_async._convert import structure

from . import api_examples as api
from . import seed_examples as seeds

DECODED: list[tuple[str, Any, type[Any]]] = [
    ("chat", seeds.CHATS_INDEX[0], Chat),
    ("chat show", seeds.CHAT_SHOW, Chat),
    ("dm page (old)", {"messages": seeds.DM_INDEX_OLD["direct_messages"]}, MessagePage),
    (
        "dm page (new)",
        {**seeds.DM_INDEX_NEW, "messages": seeds.DM_INDEX_NEW["direct_messages"]},
        MessagePage,
    ),
    ("read receipt", seeds.READ_RECEIPT["read_receipt"], ReadReceipt),
    ("block", seeds.BLOCK_CREATE["block"], Block),
    ("me", seeds.USERS_ME, User),
    ("update", seeds.USERS_UPDATE, User),
    ("membership", seeds.MEMBERSHIP, DirectoryMembership),
    ("group page", seeds.GROUP_MESSAGES_INDEX, MessagePage),
    ("group", seeds.GROUP, Group),
    # groups beyond the seeds, members, users, contacts, bots (issue 12)
    ("membership state", api.MEMBERSHIP_STATES[1], GroupMembershipState),
    ("owner change", api.OWNER_RESULTS["results"][0], OwnerChangeResult),
    ("my membership v2", api.MUTE_V2["membership"], MyMembership),
    ("my membership v3", api.MUTE_V3["membership"], MyMembership),
    ("pending member", api.PENDING[0], PendingMember),
    ("approval", api.APPROVED, ApprovalResult),
    ("user details", api.USER_DETAILS, UserDetails),
    ("contact", api.contact("30000002", "2022-07-22T21:46:11.637999Z", 1658526371), Contact),
    ("bot", api.BOT, Bot),
    (
        "member add result",
        {"request": {"nickname": "Mo", "user_id": "3", "guid": "g"}, "member": api.NICKNAME},
        MemberAddResult,
    ),
]


def _walk(value: Any, path: str = "") -> list[str]:
    """Paths of every mutable container inside a decoded model."""
    found = []
    if isinstance(value, list | set | bytearray):
        found.append(path)
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            found += _walk(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            found += _walk(item, f"{path}[{i}]")
    return found


def check_frozen_without_lists(name: str, raw: Any, cls: type[Any]) -> None:
    """The model decoded from ``raw`` holds tuples, never lists, and cannot be changed."""
    model = structure(copy.deepcopy(raw), cls, name)
    assert _walk(model) == []
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        model.__setattr__(attrs.fields(cls)[0].name, None)


def check_round_trip(name: str, raw: Any, cls: type[Any]) -> dict[str, Any]:
    """``to_dict()`` of the model decoded from ``raw`` is JSON that decodes to
    the same model, field by field; returns that JSON."""
    model = structure(copy.deepcopy(raw), cls, name)
    data = model.to_dict()
    assert isinstance(data, dict)
    again = structure(data, cls, name)
    assert attrs.asdict(again, recurse=True) == attrs.asdict(model, recurse=True)
    # Epoch seconds, lists, plain types: GroupMe's shape.
    _assert_json(data)
    return data


@pytest.mark.parametrize(("name", "raw", "cls"), DECODED, ids=[d[0] for d in DECODED])
def test_decoded_models_hold_no_list(name: str, raw: Any, cls: type[Any]) -> None:
    check_frozen_without_lists(name, raw, cls)


@pytest.mark.parametrize(("name", "raw", "cls"), DECODED, ids=[d[0] for d in DECODED])
def test_to_dict_gives_back_groupme_json_that_decodes_to_the_same(
    name: str, raw: Any, cls: type[Any]
) -> None:
    data = check_round_trip(name, raw, cls)
    for key, value in data.items():
        if isinstance(raw, dict) and key in raw and isinstance(raw[key], int | str | bool):
            if not key.endswith("_at"):
                assert str(value) == str(raw[key]), key
            else:
                assert value == int(raw[key]), key


def _assert_json(value: Any) -> None:
    if isinstance(value, dict):
        assert all(isinstance(k, str) for k in value)
        for item in value.values():
            _assert_json(item)
    elif isinstance(value, list):
        for item in value:
            _assert_json(item)
    else:
        assert value is None or isinstance(value, str | int | float | bool), type(value)
        assert not isinstance(value, datetime)


def test_messages_groups_chats_and_users_are_equal_and_hashed_by_id() -> None:
    page = structure(copy.deepcopy(seeds.GROUP_MESSAGES_INDEX), MessagePage, "x")
    message = page.messages[0]
    edited = attrs.evolve(message, text="edited", favorited_by=("1", "2"))
    assert edited == message and hash(edited) == hash(message)
    assert len({message, edited}) == 1
    other = attrs.evolve(message, id=message.id + "1")
    assert other != message
    group = structure(copy.deepcopy(seeds.GROUP), Group, "x")
    assert attrs.evolve(group, name="renamed") == group
    assert {group: 1}[attrs.evolve(group, members=())] == 1
    me = structure(copy.deepcopy(seeds.USERS_ME), User, "x")
    assert attrs.evolve(me, name="new name") == me
    chat = structure(copy.deepcopy(seeds.CHAT_SHOW), Chat, "x")
    assert attrs.evolve(chat, unread_count=9) == chat
    # Different kinds with the same id are not equal.
    assert Group(id="5") != User(id="5")
    assert Message(id="5", created_at=message.created_at) != Group(id="5")


def test_models_without_an_id_compare_by_value() -> None:
    block = Block(user_id="1", blocked_user_id="2")
    assert block == Block(user_id="1", blocked_user_id="2")
    assert block != Block(user_id="1", blocked_user_id="3")
    profile = Profile(id="1", photo_urls=("a", "b", "c"))
    assert hash(profile) == hash(Profile(id="1", photo_urls=("a", "b", "c")))


def test_a_chat_carries_its_id() -> None:
    chat = structure(copy.deepcopy(seeds.CHATS_INDEX[0]), Chat, "x")
    assert chat.id == "12345+67890"
    # Without conversation_id: from the sender and recipient, lower id first.
    raw = copy.deepcopy(seeds.CHATS_INDEX[0])
    del raw["last_message"]["conversation_id"]
    raw["last_message"].update(sender_id="9000", recipient_id=123)
    assert structure(raw, Chat, "x").id == "123+9000"


ID = st.one_of(st.integers(0, 2**63), st.from_regex(r"[0-9]{1,19}", fullmatch=True))


@given(
    mid=ID,
    text=st.one_of(st.none(), st.text(max_size=50)),
    liked=st.lists(ID, max_size=4),
    created=st.integers(0, 2**33),
)
def test_message_to_dict_round_trips(mid: Any, text: Any, liked: Any, created: int) -> None:
    raw = {
        "id": mid,
        "created_at": created,
        "text": text,
        "favorited_by": liked,
        "attachments": [
            {"type": "mentions", "user_ids": liked, "loci": [[0, 1]] * len(liked)},
            {"type": "brand_new_kind", "payload": {"x": [1, 2]}},
        ],
        "event": {"type": "x.y", "data": {"n": 1}},
    }
    message = structure(raw, Message, "x")
    data = message.to_dict()
    assert data["id"] == str(mid) and data["created_at"] == created and data["text"] == text
    assert data["favorited_by"] == [str(i) for i in liked]
    assert data["attachments"][1] == {"type": "brand_new_kind", "payload": {"x": [1, 2]}}
    assert attrs.asdict(structure(data, Message, "x")) == attrs.asdict(message)


def test_every_model_has_to_dict() -> None:
    for name in models.__all__:
        value = getattr(models, name)
        if isinstance(value, type):
            assert callable(getattr(value, "to_dict", None)), name
