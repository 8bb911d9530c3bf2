"""The invented fixtures (``tests/fixtures/``) through the decoder and the client.

Each ``test_recorded_*`` test in ``test_decoding.py`` and ``test_envelope.py``
has a twin here that always runs, so a fresh clone without the recorded corpus
still tests every shape the corpus exercises, with exact typed values.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from groupme_async import (
    AsyncGroupMe,
    Block,
    Chat,
    EmojiAttachment,
    EventAttachment,
    FileAttachment,
    Group,
    ImageAttachment,
    LocationAttachment,
    MentionsAttachment,
    Message,
    MessagePage,
    PollAttachment,
    Reaction,
    ReadReceipt,
    ReplyAttachment,
    SplitAttachment,
    UnknownAttachment,
    User,
    VideoAttachment,
)
from groupme_async._convert import structure, structure_list
from groupme_async._envelope import NO_CONTENT, decode

from .checks import assert_well_typed, serve
from .conftest import INVENTED, MESSAGE_PAGES, V3, invented_json

GROUP = "40000001"
ADA, BROOK, CYD, DEE = "30000001", "30000002", "30000003", "30000004"


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _response(name: str) -> Any:
    return invented_json(name)["response"]


def _by_id(messages: Any) -> dict[str, Message]:
    return {m.id: m for m in messages}


# --- group message pages -------------------------------------------------------


async def test_group_message_pages(gm: AsyncGroupMe) -> None:
    newest = await serve(
        lambda g: g.group_messages.list(GROUP, limit=100), invented_json("group_messages.json"), gm
    )
    older = await serve(
        lambda g: g.group_messages.list(GROUP, before_id="171700000000000001", limit=100),
        invented_json("group_messages_before.json"),
        gm,
    )
    for page, name in ((newest, "group_messages.json"), (older, "group_messages_before.json")):
        assert isinstance(page, MessagePage)
        assert page.count == 57  # the conversation's total on every page, not the page size
        assert [m.id for m in page.messages] == [m["id"] for m in _response(name)["messages"]]
        assert_well_typed(page)
    assert {m.sender_type for m in newest.messages} == {"user", "bot", "system"}
    system = next(m for m in newest.messages if m.sender_type == "system")
    assert system.event is not None and system.event["type"] == "bot.add"


async def test_after_id_past_the_newest_is_an_empty_page(gm: AsyncGroupMe) -> None:
    newest_id = "171700000000000010"
    with respx.mock:
        route = respx.get(f"{V3}/groups/{GROUP}/messages").mock(
            return_value=httpx.Response(200, json=invented_json("group_messages_after_newest.json"))
        )
        page = await gm.group_messages.list(GROUP, after_id=newest_id)
        walked = [m async for m in gm.group_messages.since(GROUP, newest_id)]
    assert tuple(page.messages) == () and page.count == 57
    assert walked == []  # a 200 with no messages ends the walk, like a 304
    assert [c.request.url.params["after_id"] for c in route.calls] == [newest_id, newest_id]


def test_message_show_and_create() -> None:
    shown = structure(_response("group_message_show.json")["message"], Message, "x")
    assert shown.platform is None  # the show endpoint omits the key
    assert tuple(shown.favorited_by) == (BROOK, CYD)
    created = structure(_response("group_message_create.json")["message"], Message, "x")
    assert created.source_guid == "2024-05-29 16:36:40.123456"
    assert_well_typed([shown, created])


async def test_send_response_through_the_client(gm: AsyncGroupMe) -> None:
    body = invented_json("group_message_create.json")
    guid = body["response"]["message"]["source_guid"]
    message = await serve(
        lambda g: g.group_messages.send(GROUP, "Boat leaves at 6:15", source_guid=guid),
        body,
        gm,
        status=201,
    )
    assert message.source_guid == guid  # a non-GUID guid is kept as sent
    assert message.id == "171700100000000001" and message.created_at == _at(1717001000)


# --- direct messages and chats ------------------------------------------------------


async def test_direct_message_page(gm: AsyncGroupMe) -> None:
    with respx.mock:
        route = respx.get(f"{V3}/direct_messages").mock(
            return_value=httpx.Response(200, json=invented_json("direct_messages.json"))
        )
        page = await gm.direct_messages.list(BROOK)
    assert route.calls.last.request.url.params["other_user_id"] == BROOK
    assert page.count == 12
    assert [m.conversation_id for m in page.messages] == [f"{ADA}+{BROOK}"] * 2
    photo, question = page.messages
    assert photo.text is None and photo.recipient_id == ADA and photo.pinned_by == ""
    assert isinstance(photo.attachments[0], ImageAttachment)
    assert question.avatar_url is None and question.group_id is None
    assert page.read_receipt == ReadReceipt(
        id="171700210000000000",
        chat_id=f"{ADA}+{BROOK}",
        message_id="171700200000000002",
        user_id=ADA,
        read_at=_at(1717002100),
    )
    assert_well_typed(page)


async def test_chats(gm: AsyncGroupMe) -> None:
    chats = await serve(lambda g: g.chats.list(), invented_json("chats.json"), gm)
    assert [type(c) for c in chats] == [Chat, Chat]
    brook, cyd = chats
    assert (brook.other_user.id, cyd.other_user.id) == (BROOK, CYD)  # an int id becomes a str
    assert brook.last_message is not None and cyd.last_message is not None
    assert brook.last_message.conversation_id == f"{ADA}+{BROOK}"
    assert brook.last_message.text is None
    assert brook.unread_count is None and cyd.unread_count == 0
    assert cyd.last_read_message_id == "171650000000000001" and cyd.message_edit_period == 15
    assert cyd.requires_approval is False and brook.messages_count == 12
    assert_well_typed(chats)


# --- users and blocks ---------------------------------------------------------


async def test_users(gm: AsyncGroupMe) -> None:
    me = await serve(lambda g: g.users.me(), invented_json("users_me.json"), gm)
    assert isinstance(me, User)
    assert (me.id, me.name, me.zip_code, me.share_url) == (ADA, "Ada Example", None, None)
    assert tuple(me.tags) == ("example_tag",) and me.created_at == _at(1600000000)
    assert_well_typed(me)
    updated = await serve(
        lambda g: g.users.update(zip_code="1"), invented_json("users_update.json"), gm
    )
    assert updated.id == ADA and tuple(updated.tags) == ()  # the update answer has no tags
    assert updated.updated_at == _at(1717003000)


async def test_blocks(gm: AsyncGroupMe) -> None:
    blocks = await serve(lambda g: g.blocks.list(ADA), invented_json("blocks.json"), gm)
    assert list(blocks) == [
        Block(user_id=ADA, blocked_user_id="30000009"),
        Block(user_id=ADA, blocked_user_id="30000008"),
    ]
    between = await serve(
        lambda g: g.blocks.between(ADA, "30000009"), invented_json("blocks_between.json"), gm
    )
    assert between is True


# --- groups -------------------------------------------------------------------------


async def test_groups(gm: AsyncGroupMe) -> None:
    groups = await serve(lambda g: g.groups.list(per_page=100), invented_json("groups.json"), gm)
    club, empty = groups
    assert [m.user_id for m in club.members] == [ADA, BROOK, CYD]
    assert [tuple(m.roles) for m in club.members] == [("admin", "owner"), ("admin",), ("user",)]
    assert [m.image_url for m in club.members] == [
        "https://i.groupme.com/200x200.jpeg.ada0example0avatar",
        "",  # an empty string, kept: not turned into None
        None,
    ]
    assert club.members[1].muted is True and club.members[1].id == "50000002"
    assert club.messages is not None and club.messages.last_message_id == "171700000000000010"
    assert club.messages.last_message_created_at == _at(1717000900)
    # An empty group says "no message" as "" and 0, and both are decoded as sent.
    assert empty.messages is not None
    assert empty.messages.last_message_id == ""
    assert empty.messages.last_message_created_at == _at(0)
    assert (empty.type, empty.description, empty.image_url) == ("closed", "", None)
    assert_well_typed(groups)

    shown = await serve(lambda g: g.groups.get(GROUP), invented_json("group_show.json"), gm)
    assert shown.messages is not None and shown.messages.last_message_id == "171700000000000010"
    assert shown.messages.last_message_created_at == _at(0)  # set id, zero time: as recorded
    assert shown.members[1].image_url == ""

    created = structure(_response("group_create.json"), Group, "x")
    assert created.messages is not None
    assert (created.messages.last_message_id, created.messages.last_message_created_at) == (
        None,
        None,
    )
    assert created.description is None and created.id == "40000003"
    assert_well_typed([shown, created])


# --- raw HTTP exchanges (headers and all) -----------------------------------------------


def _exchange(name: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and raw body bytes of an invented exchange in ``http/``."""
    exchange = invented_json(f"http/{name}")
    if "body_file" in exchange:
        body = (INVENTED / exchange["body_file"]).read_bytes()
    else:
        body = exchange["body"].encode()
    return exchange["status"], exchange["headers"], body


EXCHANGES: list[tuple[str, Callable[[AsyncGroupMe], Awaitable[Any]], type]] = [
    ("groups.json", lambda g: g.groups.list(), list),
    ("users_me.json", lambda g: g.users.me(), User),
    ("group_show.json", lambda g: g.groups.get(GROUP), Group),
]


@pytest.mark.parametrize(("name", "call", "expected"), EXCHANGES, ids=[e[0] for e in EXCHANGES])
async def test_exchanges_decode_through_the_client(
    name: str, call: Callable[[AsyncGroupMe], Awaitable[Any]], expected: type, gm: AsyncGroupMe
) -> None:
    status, headers, body = _exchange(name)
    with respx.mock:
        respx.route(host="api.groupme.com").mock(
            return_value=httpx.Response(status, content=body, headers=headers)
        )
        result = await call(gm)
    assert isinstance(result, expected)
    if isinstance(result, list):
        assert [g.id for g in result] == [GROUP, "40000002"]
        assert all(isinstance(g, Group) for g in result)
    assert_well_typed(result)


def test_bot_post_202_text_html_empty_body() -> None:
    status, headers, body = _exchange("bot_post_202.json")
    lowered = {k.lower(): v for k, v in headers.items()}
    assert status == 202 and lowered["content-type"].startswith("text/html") and body == b""
    assert decode(status, lowered, body, endpoint="POST /bots/post") is NO_CONTENT


# --- message dumps and the quirks in them ----------------------------------------------


@pytest.mark.parametrize("name", MESSAGE_PAGES)
def test_message_dumps_decode(name: str) -> None:
    raw = _response(name)["messages"]
    messages = structure_list(raw, Message, name)
    assert [m.id for m in messages] == [r["id"] for r in raw]
    assert all(m.created_at == _at(r["created_at"]) for m, r in zip(messages, raw, strict=True))
    assert_well_typed(messages)


def _newest_page() -> dict[str, Message]:
    return _by_id(structure_list(_response("group_messages.json")["messages"], Message, "x"))


def test_every_attachment_type_decodes_into_its_typed_value() -> None:
    raw = {m["id"]: m for m in _response("group_messages.json")["messages"]}
    page = _newest_page()
    (mentions,) = page["171700000000000010"].attachments
    assert isinstance(mentions, MentionsAttachment)
    assert tuple(mentions.user_ids) == (BROOK, CYD)  # the int 30000002 becomes "30000002"
    assert tuple(map(tuple, mentions.loci)) == ((0, 6), (11, 4))
    blurred, imported = page["171700000000000009"].attachments
    assert blurred == ImageAttachment(
        url="https://m.groupme.com/uploads/0a1b2c3d4e5f60718293a4b5c6d7e8f9/1024x768.original.jpeg",
        blur_hash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    )
    assert imported == ImageAttachment(
        url="https://i.groupme.com/640x480.jpeg.example0imported0image",
        source_url="https://media.example.org/shell-at-dawn.jpg",
    )
    (reply,) = page["171700000000000006"].attachments
    assert reply == ReplyAttachment(
        reply_id="171700000000000004", base_reply_id="171700000000000004", user_id=ADA
    )
    video, location, split = page["171700000000000005"].attachments
    assert isinstance(video, VideoAttachment) and video.preview_url is not None
    assert video.preview_url.endswith("c0ffee00.1280x720r90.jpg")
    assert location == LocationAttachment(lat="51.4800", lng="-0.2200", name="Example Boathouse")
    assert split == SplitAttachment(token="SPLIT-EXAMPLE-TOKEN")
    (emoji,) = page["171700000000000004"].attachments
    assert isinstance(emoji, EmojiAttachment) and emoji.placeholder == "\ufffd"
    assert tuple(map(tuple, emoji.charmap)) == ((3, 11), (4, 6))  # the pack id "3" becomes 3
    file, event, postprocessing, unknown = page["171700000000000003"].attachments
    assert file == FileAttachment(file_id="0f1e2d3c-example-file-0001")
    assert event == EventAttachment(event_id="a1b2c3d4e5f6example", view="full")
    raw_attachments = raw["171700000000000003"]["attachments"]
    assert postprocessing == UnknownAttachment(type="postprocessing", data=raw_attachments[2])
    assert unknown == UnknownAttachment(type="hologram", data=raw_attachments[3])
    assert unknown.data["origin"] == {"x": 0.5, "y": 0.25}  # nested raw data kept whole
    (poll,) = page["171700000000000002"].attachments
    assert poll == PollAttachment(poll_id="1717000100000")


def test_message_quirks_decode_into_typed_values() -> None:
    page = _newest_page()
    edited = page["171700000000000010"]
    assert edited.updated_at == _at(1717000960) and edited.deleted_at is None
    assert all(isinstance(r, Reaction) for r in edited.reactions)
    assert [(r.type, r.code, tuple(r.user_ids)) for r in edited.reactions] == [
        ("unicode", "\u2764\ufe0f", (BROOK, CYD)),
        ("unicode", "\U0001f602", (DEE,)),
    ]
    assert tuple(edited.favorited_by) == (BROOK,)
    assert (edited.pinned_by, edited.pinned_at, edited.platform) == ("", None, "gm")
    image_only = page["171700000000000009"]
    assert image_only.text is None and image_only.avatar_url is None
    bot = page["171700000000000008"]
    assert (bot.sender_type, bot.sender_id, bot.system) == (
        "bot",
        "b0a1b2c3d4e5f60718293a4b5c",
        False,
    )
    system = page["171700000000000007"]
    assert (system.user_id, system.sender_id, system.name) == ("system", "system", "GroupMe")
    assert system.system is True and system.sender_type == "system"
    # The event is kept as sent: its integer user id stays an integer.
    assert system.event == {
        "type": "bot.add",
        "data": {"bot": "Example Bot", "user": {"id": 30000001, "nickname": "Ada Example"}},
    }
    pinned = page["171700000000000006"]
    assert (pinned.pinned_by, pinned.pinned_at) == (ADA, _at(1717000550))
    poll = page["171700000000000002"]
    assert poll.event is not None and poll.event["type"] == "poll.created"
    assert poll.event["data"]["poll"] == {"id": "1717000100000", "subject": "Which day suits?"}
    deleted = page["171700000000000001"]
    assert deleted.deleted_at == _at(1717000030) and deleted.text is None


def test_older_shapes_decode() -> None:
    old = _by_id(structure_list(_response("group_messages_2016.json")["messages"], Message, "x"))
    video = old["147005280000000003"]
    assert (video.platform, video.pinned_by, tuple(video.reactions)) == (None, None, ())
    assert isinstance(video.attachments[0], VideoAttachment)
    assert video.text == video.attachments[0].url  # 2016 repeats the URL in the text
    assert old["147004920000000002"].text == ""  # an empty text is not a missing one
    assert [m.source_guid for m in old.values()] == [
        "android-0e1d2c3b-4a59-4687-8796-a5b4c3d2e1f0",
        "E1D2C3B4-A596-4788-9796-A5B4C3D2E1F0",
        "00112233445566778899aabbccddeeff",
    ]
    liked = _by_id(structure_list(_response("likes_mine.json")["messages"], Message, "x"))
    (mentions,) = liked["164270000000000006"].attachments
    assert isinstance(mentions, MentionsAttachment)
    assert tuple(mentions.user_ids) == (ADA, DEE)  # every id an int in this dump
    emoji, giphy = liked["164260000000000005"].attachments
    assert isinstance(emoji, EmojiAttachment) and tuple(map(tuple, emoji.charmap)) == ((1, 0),)
    assert isinstance(giphy, ImageAttachment) and giphy.source_url is not None
    reply, _video = liked["164250000000000004"].attachments
    assert isinstance(reply, ReplyAttachment) and reply.user_id == BROOK
    nickname = liked["164240000000000003"]
    assert nickname.user_id == "system" and nickname.event is not None
    assert nickname.event["data"]["user"]["id"] == 30000002
    finished = liked["164230000000000002"]
    assert finished.event is not None and finished.event["type"] == "poll.finished"
    assert tuple(finished.attachments) == (PollAttachment(poll_id="1642300000000"),)


def test_callback_payload_decodes() -> None:
    message = structure(invented_json("bot_callback.json"), Message, "x")
    assert message.created_at == _at(1717004000) and message.created_at.tzinfo is not None
    assert tuple(message.favorited_by) == ()  # callbacks carry no favorited_by
    assert (message.sender_type, message.user_id, message.text) == ("user", DEE, "!weather")
    assert tuple(message.attachments) == (
        ImageAttachment(url="https://i.groupme.com/640x640.jpeg.example0callback0photo"),
    )
