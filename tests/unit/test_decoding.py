"""Decoding: the seeds and the recordings decode; malformed bodies are typed errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from groupme_async import (
    AsyncGroupMe,
    Attachment,
    Block,
    Chat,
    DirectoryMembership,
    EmojiAttachment,
    Group,
    ImageAttachment,
    MentionsAttachment,
    Message,
    MessagePage,
    PollAttachment,
    Profile,
    ReadReceipt,
    ReplyAttachment,
    ResponseDecodeError,
    ShareUrls,
    UnknownAttachment,
    User,
    VideoAttachment,
)
from groupme_async._convert import structure, structure_list

from ..recorded import RecordedCorpus
from . import seed_examples as seeds
from .checks import assert_well_typed, every_field, generated_message_hook, serve
from .conftest import V3, envelope, invented_messages

LOWERPINES = "bigfootjon__lowerpines/lowerpines.endpoints."


def _lowerpines(recorded: RecordedCorpus, prefix: str) -> list[Any]:
    """The ``response`` of every lowerpines recording whose name starts with ``prefix``."""
    files = sorted(recorded.path("bigfootjon__lowerpines").glob(f"lowerpines.endpoints.{prefix}*"))
    assert files, prefix
    return [recorded.json(f"bigfootjon__lowerpines/{f.name}")["response"] for f in files]


def expect(condition: object, what: str) -> None:
    """Fail without assertion introspection: recorded data holds real names and must
    never be printed in a failure message."""
    if not condition:
        pytest.fail(f"recorded data check failed: {what}", pytrace=False)


# --- the seeds -------------------------------------------------------------------

SEED_DECODERS: dict[str, Callable[[Any], Any]] = {
    "chats index": lambda b: structure_list(b, Chat, "x"),
    "chat show": lambda b: structure(b, Chat, "x"),
    "dm index (old)": lambda b: structure(
        {"messages": b["direct_messages"], "count": b["count"]}, MessagePage, "x"
    ),
    "dm index (new)": lambda b: structure(
        {"messages": b["direct_messages"], **{k: b[k] for k in ("count", "read_receipt")}},
        MessagePage,
        "x",
    ),
    "dm create": lambda b: structure(b["message"], Message, "x"),
    "read receipt": lambda b: structure(b["read_receipt"], ReadReceipt, "x"),
    "blocks index": lambda b: structure_list(b["blocks"], Block, "x"),
    "block create": lambda b: structure(b["block"], Block, "x"),
    "users me": lambda b: structure(b, User, "x"),
    "users update": lambda b: structure(b, User, "x"),
    "users v2 update": lambda b: structure(b["user"], Profile, "x"),
    "membership": lambda b: structure(b, DirectoryMembership, "x"),
    "share": lambda b: structure(b, ShareUrls, "x"),
    "group messages index": lambda b: structure(b, MessagePage, "x"),
    "group message create": lambda b: structure(b["message"], Message, "x"),
}


@pytest.mark.parametrize(
    ("name", "body"), seeds.SEED_RESPONSES, ids=[n for n, _ in seeds.SEED_RESPONSES]
)
def test_every_seed_example_decodes(name: str, body: Any) -> None:
    decoded = SEED_DECODERS[name](body)
    assert_well_typed(decoded)


def test_seed_values_decode_faithfully() -> None:
    page = structure(seeds.GROUP_MESSAGES_INDEX, MessagePage, "x")
    message = page.messages[0]
    assert message.created_at.timestamp() == 1302623328
    assert message.pinned_by == "" and message.pinned_at is None
    kinds = [type(a).__name__ for a in message.attachments]
    assert kinds == [
        "ImageAttachment",
        "ImageAttachment",
        "LocationAttachment",
        "SplitAttachment",
        "EmojiAttachment",
    ]
    emoji = message.attachments[-1]
    assert isinstance(emoji, EmojiAttachment) and list(map(tuple, emoji.charmap)) == [
        (1, 42),
        (2, 34),
    ]
    chat = structure_list(seeds.CHATS_INDEX, Chat, "x")[0]
    assert chat.other_user.id == "12345"  # an integer id in the docs
    membership = structure(seeds.MEMBERSHIP, DirectoryMembership, "x")
    assert (membership.id, membership.user_id, membership.directory_id) == (
        "2990607",
        "93645911",
        "1928",
    )
    dm = structure({"messages": seeds.DM_INDEX_NEW["direct_messages"]}, MessagePage, "x")
    assert dm.messages[0].conversation_id == "56366372+93645911"


# --- the recordings, through the client ------------------------------------------


async def test_recorded_group_message_pages(gm: AsyncGroupMe, recorded: RecordedCorpus) -> None:
    pages = _lowerpines(recorded, "message.MessagesIndexRequest")
    expect(len(pages) == 4, "len(pages) == 4")
    for raw in pages:
        page = await serve(
            lambda g: g.group_messages.list("53616101", limit=100), envelope(raw), gm
        )
        expect(page.count == 3, "page.count == 3")
        expect(
            len(page.messages) == len(raw["messages"]), "len(page.messages) == len(raw['messages'])"
        )
        assert_well_typed(page)
    full = await serve(
        lambda g: g.group_messages.list("53616101", limit=100),
        envelope(max(pages, key=lambda p: len(p["messages"]))),
        gm,
    )
    senders = {m.sender_type for m in full.messages}
    expect(senders == {"user", "bot", "system"}, "senders == {'user', 'bot', 'system'}")
    system = next(m for m in full.messages if m.sender_type == "system")
    expect(
        system.event is not None and system.event["type"] == "bot.add",
        "system.event is not None and system.event['type'] == 'bot.add'",
    )


def test_recorded_message_show_and_create(recorded: RecordedCorpus) -> None:
    for raw in _lowerpines(recorded, "message.MessagesShowRequest") + _lowerpines(
        recorded, "message.MessagesCreateRequest"
    ):
        message = structure(raw["message"], Message, "x")
        expect(message.source_guid, "message.source_guid")
        assert_well_typed(message)


async def test_recorded_send_response_through_the_client(
    gm: AsyncGroupMe, recorded: RecordedCorpus
) -> None:
    (raw,) = _lowerpines(recorded, "message.MessagesCreateRequest")
    message = await serve(
        lambda g: g.group_messages.send("53616101", "x", source_guid=raw["message"]["source_guid"]),
        envelope(raw, 201),
        gm,
        status=201,
    )
    expect(
        message.source_guid == raw["message"]["source_guid"],
        "message.source_guid == raw['message']['source_guid']",
    )  # a non-GUID guid is kept


async def test_recorded_chats(gm: AsyncGroupMe, recorded: RecordedCorpus) -> None:
    (raw,) = _lowerpines(recorded, "chat.DirectMessageChatsRequest")
    chats = await serve(lambda g: g.chats.list(), envelope(raw), gm)
    expect(len(chats) == 10, "len(chats) == 10")
    expect(
        all(c.last_message is None or "+" in (c.last_message.conversation_id or "") for c in chats),
        "every DM chat's last message has an a+b conversation id",
    )
    assert_well_typed(chats)


async def test_recorded_users(gm: AsyncGroupMe, recorded: RecordedCorpus) -> None:
    (me,) = _lowerpines(recorded, "user.UserMeRequest")
    (updated,) = _lowerpines(recorded, "user.UserUpdateRequest")
    user = await serve(lambda g: g.users.me(), envelope(me), gm)
    expect(
        user.id == str(me["id"]) and user.zip_code is None,
        "user.id == str(me['id']) and user.zip_code is None",
    )
    assert_well_typed(user)
    user = await serve(lambda g: g.users.update(zip_code="1"), envelope(updated), gm)
    expect(user.id == str(updated["id"]), "user.id == str(updated['id'])")


async def test_recorded_blocks(gm: AsyncGroupMe, recorded: RecordedCorpus) -> None:
    (index,) = _lowerpines(recorded, "block.BlockIndexRequest")
    (between,) = _lowerpines(recorded, "block.BlockBetweenRequest")
    blocks = await serve(lambda g: g.blocks.list("1"), envelope(index), gm)
    expect(
        len(blocks) == len(index["blocks"]) and all(isinstance(b, Block) for b in blocks),
        "len(blocks) == len(index['blocks']) and all(isinstance(b, Block) for b in blocks)",
    )
    expect(
        await serve(lambda g: g.blocks.between("1", "2"), envelope(between), gm) is True,
        "await serve(lambda g: g.blocks.between('1', '2'), envelope(between), gm) is True",
    )


async def test_recorded_groups(gm: AsyncGroupMe, recorded: RecordedCorpus) -> None:
    (index,) = _lowerpines(recorded, "group.GroupsIndexRequest")
    groups = await serve(lambda g: g.groups.list(per_page=100), envelope(index), gm)
    expect(len(groups) == 100, "len(groups) == 100")
    expect(
        sum(len(g.members) for g in groups) == 2274, "sum(len(g.members) for g in groups) == 2274"
    )
    assert_well_typed(groups)
    (show,) = _lowerpines(recorded, "group.GroupsShowRequest")
    group = await serve(lambda g: g.groups.get("53616101"), envelope(show), gm)
    expect(
        group.messages is not None and group.messages.last_message_id,
        "group.messages is not None and group.messages.last_message_id",
    )
    (created,) = _lowerpines(recorded, "group.GroupsCreateRequest")
    new = structure(created, Group, "x")
    expect(
        new.messages is not None and new.messages.last_message_id is None,
        "new.messages is not None and new.messages.last_message_id is None",
    )
    for relative in (
        "kinnell__groupme-ruby-gem/new.json",
        "ZachMyers3__groupme-archive-parse/conversation.json",
    ):
        assert_well_typed(structure(recorded.json(relative), Group, "x"))


CASSETTES = [
    ("kinnell__groupme-ruby-gem/groups.yml", lambda g: g.groups.list(), list),
    ("kinnell__groupme-ruby-gem/me.yml", lambda g: g.users.me(), User),
    ("colin99d__GroupmeBot/test_list_groups.yaml", lambda g: g.groups.list(), list),
    ("colin99d__GroupmeBot/test_group_info.yaml", lambda g: g.groups.get("1"), Group),
]


@pytest.mark.parametrize(("relative", "call", "expected"), CASSETTES, ids=[c[0] for c in CASSETTES])
async def test_recorded_cassettes_decode_through_the_client(
    relative: str,
    call: Callable[[AsyncGroupMe], Awaitable[Any]],
    expected: type,
    gm: AsyncGroupMe,
    recorded: RecordedCorpus,
) -> None:
    cassette = recorded.yaml(relative)
    (interaction,) = cassette.get("http_interactions") or cassette["interactions"]
    response = interaction["response"]
    headers = {k: v[0] if isinstance(v, list) else v for k, v in response["headers"].items()}
    headers = {
        k: v
        for k, v in headers.items()
        if k.lower() not in ("transfer-encoding", "content-encoding", "content-length")
    }
    reply = httpx.Response(
        response["status"]["code"], content=response["body"]["string"].encode(), headers=headers
    )
    with respx.mock:
        respx.route(host="api.groupme.com").mock(return_value=reply)
        result = await call(gm)
    expect(isinstance(result, expected), "isinstance(result, expected)")
    if isinstance(result, list):
        expect(
            len(result) == 10 and all(isinstance(g, Group) for g in result),
            "len(result) == 10 and all(isinstance(g, Group) for g in result)",
        )
    assert_well_typed(result)


MESSAGE_DUMPS = [
    "IgnasPanavas__GroupMe_Anti-Spam_Bot/real_user_messages_group_102419548.json",
    "MattKraatz__groupme-export/messages.json",
    "ZachMyers3__groupme-archive-parse/mine.json",
    "ZachMyers3__groupme-archive-parse/for_me.json",
    "ZachMyers3__groupme-archive-parse/everyone.json",
]


@pytest.mark.parametrize("relative", MESSAGE_DUMPS)
def test_recorded_message_dumps_decode(relative: str, recorded: RecordedCorpus) -> None:
    raw = recorded.json(relative)["response"]["messages"]
    messages = structure_list(raw, Message, relative)
    expect(len(messages) == len(raw), "len(messages) == len(raw)")
    assert_well_typed(messages)


def test_hand_written_message_hook_agrees_with_the_generated_one() -> None:
    reference = generated_message_hook()
    raws = [
        *invented_messages(),
        _msg(favorited_by=None, attachments=None, reactions=None),
        _msg(id=5, user_id=6, favorited_by=[1, "2"], pinned_at="2020-01-01T00:00:00Z"),
        _msg(updated_at=1700000000, deleted_at="1700000001", platform="gm", event={"type": "x"}),
    ]
    for raw in raws:
        ours = every_field(structure(raw, Message, "x"))
        assert ours == every_field(reference(raw, Message)), raw.get("id")
    # One deliberate leniency: a null ``system`` flag means not a system message.
    assert structure(_msg(system=None), Message, "x").system is False


def test_hand_written_message_hook_agrees_on_the_recordings(recorded: RecordedCorpus) -> None:
    reference = generated_message_hook()
    raws = [m for rel in MESSAGE_DUMPS for m in recorded.json(rel)["response"]["messages"]]
    pages = _lowerpines(recorded, "message.MessagesIndexRequest")
    raws += [m for page in pages for m in page["messages"]]
    mismatches = sum(
        1
        for raw in raws
        if every_field(structure(raw, Message, "x")) != every_field(reference(raw, Message))
    )
    expect(mismatches == 0, f"{mismatches} of {len(raws)} messages decode differently")


@pytest.mark.parametrize(
    "bad",
    [
        {"favorited_by": "12"},
        {"attachments": {"type": "image"}},
        {"reactions": "x"},
        {"event": "x"},
        {"system": "yes"},
        {"text": 1.5},
        {"id": None},
    ],
)
def test_hand_written_message_hook_rejects_what_the_generated_one_rejects(
    bad: dict[str, Any],
) -> None:
    from groupme_async import ResponseDecodeError

    with pytest.raises(ResponseDecodeError):
        structure(_msg(**bad), Message, "x")


def test_recorded_quirks_decode_into_typed_values(recorded: RecordedCorpus) -> None:
    messages: list[Message] = []
    for relative in MESSAGE_DUMPS:
        messages += structure_list(recorded.json(relative)["response"]["messages"], Message, "x")
    attachments: list[Attachment] = [a for m in messages for a in m.attachments]
    by_type = {type(a) for a in attachments}
    expect(
        {ImageAttachment, VideoAttachment, ReplyAttachment, MentionsAttachment} <= by_type,
        "{ImageAttachment, VideoAttachment, ReplyAttachment, MentionsAttachment} <= by_type",
    )
    expect(
        {EmojiAttachment, PollAttachment} <= by_type, "{EmojiAttachment, PollAttachment} <= by_type"
    )
    # mentions with integer user ids, emoji charmaps with string pack ids: all normalised
    for a in attachments:
        if isinstance(a, MentionsAttachment):
            expect(
                all(isinstance(u, str) for u in a.user_ids),
                "all(isinstance(u, str) for u in a.user_ids)",
            )
        if isinstance(a, EmojiAttachment):
            expect(
                all(isinstance(p, int) and isinstance(o, int) for p, o in a.charmap),
                "all(isinstance(p, int) and isinstance(o, int) for p, o in a.charmap)",
            )
    expect(any(m.reactions for m in messages), "any(m.reactions for m in messages)")
    expect(
        any(m.updated_at is not None for m in messages),
        "any(m.updated_at is not None for m in messages)",
    )
    expect(any(m.text is None for m in messages), "any(m.text is None for m in messages)")
    expect(
        any(m.user_id == "system" for m in messages), "any(m.user_id == 'system' for m in messages)"
    )


def test_recorded_callback_payload_decodes(recorded: RecordedCorpus) -> None:
    message = structure(recorded.json("ahamlinman__peribot-groupme/msg.json"), Message, "x")
    expect(message.created_at.tzinfo is not None, "message.created_at.tzinfo is not None")


# --- quirks on literals -------------------------------------------------------------


def _msg(**extra: Any) -> dict[str, Any]:
    return {"id": "1", "created_at": 1302623328, **extra}


def test_unknown_attachment_keeps_its_raw_data() -> None:
    raw = {"type": "postprocessing", "queues": ["linked_image"]}
    odd = {"type": "image"}  # a known type in a shape we do not understand
    message = structure(_msg(attachments=[raw, odd]), Message, "x")
    first, second = message.attachments
    assert first == UnknownAttachment(type="postprocessing", data=raw)
    assert isinstance(second, UnknownAttachment) and second.data == odd


def test_int_or_string_ids() -> None:
    message = structure(
        _msg(
            id=174777858990222590,
            user_id=5,
            attachments=[
                {"type": "mentions", "user_ids": [1, "2"], "loci": [[0, 3], [4, 2]]},
                {"type": "emoji", "placeholder": "x", "charmap": [["3", 11], [4, 6]]},
                {"type": "reply", "reply_id": 9, "base_reply_id": "9", "user_id": 3},
            ],
        ),
        Message,
        "x",
    )
    assert message.id == "174777858990222590" and message.user_id == "5"
    mentions, emoji, reply = message.attachments
    assert isinstance(mentions, MentionsAttachment) and mentions.user_ids == ("1", "2")
    assert isinstance(emoji, EmojiAttachment)
    assert [tuple(pair) for pair in emoji.charmap] == [(3, 11), (4, 6)]
    assert isinstance(reply, ReplyAttachment) and reply.reply_id == "9" and reply.user_id == "3"


def test_null_lists_decode_as_empty() -> None:
    message = structure(_msg(favorited_by=None, attachments=None, reactions=None), Message, "x")
    assert (message.favorited_by, message.attachments, message.reactions) == ((), (), ())


@pytest.mark.parametrize(
    "value", [1302623328, "1302623328", "2011-04-12T15:48:48Z", "2011-04-12T15:48:48", 1302623328.0]
)
def test_datetimes_are_aware_utc(value: Any) -> None:
    message = structure(_msg(created_at=value), Message, "x")
    assert message.created_at.tzinfo is not None
    assert message.created_at.timestamp() == 1302623328


MALFORMED: list[tuple[str, Callable[[AsyncGroupMe], Awaitable[Any]], Any, str]] = [
    ("me without id", lambda g: g.users.me(), {"name": "x"}, "GET /users/me"),
    ("me is null", lambda g: g.users.me(), None, "GET /users/me"),
    ("me is a list", lambda g: g.users.me(), [1], "GET /users/me"),
    (
        "messages not a list",
        lambda g: g.group_messages.list("1"),
        {"messages": "no"},
        "GET /groups/:group_id/messages",
    ),
    (
        "message without id",
        lambda g: g.group_messages.list("1"),
        {"messages": [{"text": "x"}]},
        "GET /groups/:group_id/messages",
    ),
    (
        "message without created_at",
        lambda g: g.group_messages.list("1"),
        {"messages": [{"id": "1"}]},
        "GET /groups/:group_id/messages",
    ),
    (
        "bad created_at",
        lambda g: g.group_messages.list("1"),
        {"messages": [_msg(created_at="yesterday")]},
        "GET /groups/:group_id/messages",
    ),
    (
        "created_at out of range",
        lambda g: g.group_messages.list("1"),
        {"messages": [_msg(created_at=10**20)]},
        "GET /groups/:group_id/messages",
    ),
    (
        "created_at huge float",
        lambda g: g.group_messages.list("1"),
        {"messages": [_msg(created_at=1e300)]},
        "GET /groups/:group_id/messages",
    ),
    (
        "non-numeric message id",
        lambda g: _drain(g.group_messages.iter("1")),
        {"messages": [_msg(id="abc")]},
        "GET /groups/:group_id/messages",
    ),
    (
        "non-ASCII digit message id",
        lambda g: _drain(g.group_messages.iter("1")),
        {"messages": [_msg(id="\u00b2")]},
        "GET /groups/:group_id/messages",
    ),
    (
        "attachments not a list",
        lambda g: g.group_messages.list("1"),
        {"messages": [_msg(attachments=5)]},
        "GET /groups/:group_id/messages",
    ),
    (
        "count not a number",
        lambda g: g.group_messages.list("1"),
        {"count": "many", "messages": []},
        "GET /groups/:group_id/messages",
    ),
    (
        "dm page not an object",
        lambda g: g.direct_messages.list("1"),
        [1, 2],
        "GET /direct_messages",
    ),
    (
        "iter over garbage",
        lambda g: _drain(g.group_messages.iter("1")),
        {"messages": [{"id": []}]},
        "GET /groups/:group_id/messages",
    ),
    ("chats not a list", lambda g: g.chats.list(), {"chats": []}, "GET /chats"),
    ("chat without other_user", lambda g: g.chats.list(), [{"messages_count": 1}], "GET /chats"),
    ("chat show not an object", lambda g: g.chats.get("1+2"), "x", "GET /chats/:chat_id"),
    ("groups not a list", lambda g: g.groups.list(), {"id": "1"}, "GET /groups"),
    ("group show without id", lambda g: g.groups.get("1"), {"name": "x"}, "GET /groups/:group_id"),
    (
        "group members not a list",
        lambda g: g.groups.get("1"),
        {"id": "1", "members": 3},
        "GET /groups/:group_id",
    ),
    ("blocks missing", lambda g: g.blocks.list("1"), {}, "GET /blocks"),
    (
        "between not a bool",
        lambda g: g.blocks.between("1", "2"),
        {"between": "yes"},
        "GET /blocks/between",
    ),
    ("block create missing", lambda g: g.blocks.create("1", "2"), {"blocked": {}}, "POST /blocks"),
    (
        "pinned not a list",
        lambda g: g.pinned_conversations.list(),
        {"pinned_conversation_ids": "1"},
        "GET v4 /pinned_conversations",
    ),
    (
        "majors not a list",
        lambda g: g.users.set_majors(["1"]),
        {"codes": []},
        "PUT /directories/user/majors",
    ),
    (
        "read receipt missing",
        lambda g: g.direct_messages.mark_read("1+2", "3"),
        {},
        "POST v2 /read_receipts",
    ),
]
# A send's unreadable answer is a SendOutcomeUnknownError caused by the
# decode error (a 2xx is a post): see test_sends_window.py.


async def _drain(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


@pytest.mark.parametrize(
    ("name", "call", "body", "endpoint"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
async def test_malformed_bodies_raise_decode_error_naming_the_endpoint(
    name: str,
    call: Callable[[AsyncGroupMe], Awaitable[Any]],
    body: Any,
    endpoint: str,
    gm: AsyncGroupMe,
) -> None:
    with respx.mock:
        respx.route().mock(return_value=httpx.Response(200, json=envelope(body)))
        with pytest.raises(ResponseDecodeError) as info:
            await call(gm)
    assert info.value.endpoint == endpoint
    assert endpoint in str(info.value)


async def test_a_non_json_success_body_is_a_decode_error(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.get(f"{V3}/users/me").mock(return_value=httpx.Response(200, content=b"<html>"))
        with pytest.raises(ResponseDecodeError, match="GET /users/me"):
            await gm.users.me()
