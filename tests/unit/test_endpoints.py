"""Every endpoint: method, host, path, query and JSON body, on the real hosts and on base_url."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx
import pytest
import respx

from groupme_async import (
    AsyncGroupMe,
    Block,
    Chat,
    DirectoryMembership,
    EmojiAttachment,
    Group,
    ImageAttachment,
    LocationAttachment,
    Message,
    MessagePage,
    Profile,
    ReadReceipt,
    ShareUrls,
    SplitAttachment,
    User,
)

from . import seed_examples as seeds
from .conftest import TOKEN, envelope

IMG = ImageAttachment(url="https://i.groupme.com/123456789")
LOC = LocationAttachment(lat="40.738206", lng="-73.993285", name="GroupMe HQ")
SPLIT = SplitAttachment(token="SPLIT_TOKEN")
EMOJI = EmojiAttachment(placeholder="", charmap=[(1, 42), (2, 34)])

REAL = {
    "v3": ("api.groupme.com", "/v3"),
    "v4": ("api.groupme.com", "/v4"),
    "v2": ("v2.groupme.com", ""),
}
LOCAL = {family: ("127.0.0.1", f"/{family}") for family in ("v3", "v4", "v2")}


@attrs.frozen
class Case:
    name: str
    call: Callable[[AsyncGroupMe], Awaitable[Any]]
    method: str
    family: str
    path: str
    params: dict[str, str] = attrs.field(factory=dict)
    body: Any = None
    status: int = 200
    response: Any = None
    check: Callable[[Any], bool] = lambda result: result is None
    token: bool = True
    """Whether the endpoint needs the access token (a bot post does not, and
    so never gets it)."""


def _first_message(result: MessagePage) -> bool:
    return isinstance(result, MessagePage) and all(isinstance(m, Message) for m in result.messages)


CASES = [
    Case(
        "GET /chats",
        lambda gm: gm.chats.list(page=2, per_page=5),
        "GET",
        "v3",
        "/chats",
        {"page": "2", "per_page": "5"},
        response=seeds.CHATS_INDEX,
        check=lambda r: isinstance(r[0], Chat) and r[0].other_user.id == "12345",
    ),
    Case(
        "GET /chats defaults",
        lambda gm: gm.chats.list(),
        "GET",
        "v3",
        "/chats",
        {"page": "1", "per_page": "20"},
        response=[],
        check=lambda r: r == [],
    ),
    Case(
        "GET /chats/:chat_id",
        lambda gm: gm.chats.get("56366372+93645911"),
        "GET",
        "v3",
        "/chats/56366372+93645911",
        response=seeds.CHAT_SHOW,
        check=lambda r: isinstance(r, Chat) and r.messages_count == 742,
    ),
    Case(
        "GET /direct_messages before_id",
        lambda gm: gm.direct_messages.list("56366372", before_id="99", limit=50),
        "GET",
        "v3",
        "/direct_messages",
        {"other_user_id": "56366372", "before_id": "99", "limit": "50", "acceptFiles": "1"},
        response=seeds.DM_INDEX_NEW,
        check=lambda r: (
            _first_message(r)
            and r.count == 123
            and isinstance(r.read_receipt, ReadReceipt)
            and r.read_receipt.message_id == "174777858990222590"
        ),
    ),
    Case(
        "GET /direct_messages since_id",
        lambda gm: gm.direct_messages.list("20", since_id="7"),
        "GET",
        "v3",
        "/direct_messages",
        {"other_user_id": "20", "since_id": "7", "limit": "20", "acceptFiles": "1"},
        response=seeds.DM_INDEX_OLD,
        check=lambda r: _first_message(r) and r.read_receipt is None,
    ),
    Case(
        "GET /direct_messages after_id",
        lambda gm: gm.direct_messages.list("20", after_id="7", limit=100),
        "GET",
        "v3",
        "/direct_messages",
        {"other_user_id": "20", "after_id": "7", "limit": "100", "acceptFiles": "1"},
        status=304,
        check=lambda r: isinstance(r, MessagePage) and r.messages == (),
    ),
    Case(
        "POST /direct_messages",
        lambda gm: gm.direct_messages.send(
            "20", "Hello world ", attachments=[IMG, IMG, LOC, EMOJI], source_guid="GUID"
        ),
        "POST",
        "v3",
        "/direct_messages",
        body=seeds.DM_SEND_REQUEST,
        status=201,
        response=seeds.DM_CREATE,
        check=lambda r: isinstance(r, Message) and r.source_guid == "GUID",
    ),
    Case(
        "POST v2 /read_receipts",
        lambda gm: gm.direct_messages.mark_read("74938777+93645911", "174769395496126372"),
        "POST",
        "v2",
        "/read_receipts",
        body={"read_receipt": {"chat_id": "74938777+93645911", "message_id": "174769395496126372"}},
        response=seeds.READ_RECEIPT,
        check=lambda r: (
            isinstance(r, ReadReceipt) and r.read_at == datetime.fromtimestamp(1747694449, UTC)
        ),
    ),
    Case(
        "DELETE /conversations/:group_id/messages/:message_id",
        lambda gm: gm.messages.delete("1234567", "98765"),
        "DELETE",
        "v3",
        "/conversations/1234567/messages/98765",
        status=204,
    ),
    Case(
        "DELETE /conversations/:chat_id/messages/:message_id",
        lambda gm: gm.messages.delete("12345+67890", "98765"),
        "DELETE",
        "v3",
        "/conversations/12345+67890/messages/98765",
        status=204,
    ),
    Case(
        "GET /blocks",
        lambda gm: gm.blocks.list("1234567890"),
        "GET",
        "v3",
        "/blocks",
        {"user": "1234567890"},
        response=seeds.BLOCKS_INDEX,
        check=lambda r: len(r) == 1 and isinstance(r[0], Block),
    ),
    Case(
        "GET /blocks/between",
        lambda gm: gm.blocks.between("11", "22"),
        "GET",
        "v3",
        "/blocks/between",
        {"user": "11", "otherUser": "22"},
        response=seeds.BLOCKS_BETWEEN,
        check=lambda r: r is True,
    ),
    Case(
        "POST /blocks",
        lambda gm: gm.blocks.create("11", "22"),
        "POST",
        "v3",
        "/blocks",
        {"user": "11", "otherUser": "22"},
        status=201,
        response=seeds.BLOCK_CREATE,
        check=lambda r: isinstance(r, Block) and r.blocked_user_id == "1234567890",
    ),
    Case(
        "DELETE /blocks",
        lambda gm: gm.blocks.delete("11", "22"),
        "DELETE",
        "v3",
        "/blocks",
        {"user": "11", "otherUser": "22"},
    ),
    Case(
        "POST /blocks/delete",
        lambda gm: gm.blocks.delete("11", "22", via_post=True),
        "POST",
        "v3",
        "/blocks/delete",
        {"user": "11", "otherUser": "22"},
    ),
    Case(
        "GET /users/me",
        lambda gm: gm.users.me(),
        "GET",
        "v3",
        "/users/me",
        response=seeds.USERS_ME,
        check=lambda r: (
            isinstance(r, User) and r.id == "93645911" and r.major_codes == (3702, 5506)
        ),
    ),
    Case(
        "POST /users/update",
        lambda gm: gm.users.update(**seeds.USERS_UPDATE_REQUEST),
        "POST",
        "v3",
        "/users/update",
        body=seeds.USERS_UPDATE_REQUEST,
        response=seeds.USERS_UPDATE,
        check=lambda r: isinstance(r, User) and r.name == "Ronald Swanson",
    ),
    Case(
        "POST /users/update one field",
        lambda gm: gm.users.update(zip_code="92145"),
        "POST",
        "v3",
        "/users/update",
        body={"zip_code": "92145"},
        response=seeds.USERS_UPDATE,
        check=lambda r: isinstance(r, User),
    ),
    Case(
        "POST v2 /users/:id",
        lambda gm: gm.users.update_profile(
            "131245991",
            name="Bilbo Baggins",
            bio="Hello World!",
            photo_urls=[
                "https://i.groupme.com/a",
                "https://i.groupme.com/b",
                "https://i.groupme.com/c",
            ],
            interests=[1005, 1017, 1026],
            disable_favorite_notification=True,
            group_notification_sound="gm6.wav",
        ),
        "POST",
        "v2",
        "/users/131245991",
        body={
            "user": {
                "name": "Bilbo Baggins",
                "bio": "Hello World!",
                "photo_urls": [
                    "https://i.groupme.com/a",
                    "https://i.groupme.com/b",
                    "https://i.groupme.com/c",
                ],
                "intrests": [1005, 1017, 1026],
                "disable_favorite_notification": True,
                "group_notification_sound": "gm6.wav",
            }
        },
        response=seeds.USERS_V2_UPDATE,
        check=lambda r: isinstance(r, Profile) and r.interests == (1005, 1017, 1026),
    ),
    Case(
        "PUT /directories/user/majors",
        lambda gm: gm.users.set_majors(["3702", 5506]),
        "PUT",
        "v3",
        "/directories/user/majors",
        body={"codes": ["3702", "5506"]},
        status=201,
        response=seeds.MAJORS,
        check=lambda r: r == ["3702", "5506"],
    ),
    Case(
        "PUT /directories/user/membership",
        lambda gm: gm.users.set_directory_membership(
            graduation_year=2025, campus_profile_visibility="major"
        ),
        "PUT",
        "v3",
        "/directories/user/membership",
        body={"graduation_year": 2025, "campus_profile_visibility": "major"},
        response=seeds.MEMBERSHIP,
        check=lambda r: isinstance(r, DirectoryMembership) and r.user_id == "93645911",
    ),
    Case(
        "PUT /directories/user/membership clears the year",
        lambda gm: gm.users.set_directory_membership(graduation_year=None),
        "PUT",
        "v3",
        "/directories/user/membership",
        body={"graduation_year": None},
        response=seeds.MEMBERSHIP,
        check=lambda r: isinstance(r, DirectoryMembership),
    ),
    Case(
        "POST /users/features/share enable",
        lambda gm: gm.users.set_sharing(True),
        "POST",
        "v3",
        "/users/features/share",
        body={"status": "enable"},
        response=seeds.SHARE,
        check=lambda r: isinstance(r, ShareUrls) and r.share_url == seeds.SHARE["share_url"],
    ),
    Case(
        "POST /users/features/share disable",
        lambda gm: gm.users.set_sharing(False),
        "POST",
        "v3",
        "/users/features/share",
        body={"status": "disable"},
        check=lambda r: r == ShareUrls(),
    ),
    Case(
        "POST /users/sms_mode",
        lambda gm: gm.users.enable_sms_mode(4, "TOKEN"),
        "POST",
        "v3",
        "/users/sms_mode",
        body={"duration": 4, "registration_id": "TOKEN"},
        status=201,
    ),
    Case(
        "POST /users/sms_mode always",
        lambda gm: gm.users.enable_sms_mode("always"),
        "POST",
        "v3",
        "/users/sms_mode",
        body={"duration": "always"},
        status=201,
    ),
    Case(
        "POST /users/sms_mode/delete",
        lambda gm: gm.users.disable_sms_mode(),
        "POST",
        "v3",
        "/users/sms_mode/delete",
    ),
    Case(
        "GET v4 /pinned_conversations",
        lambda gm: gm.pinned_conversations.list(),
        "GET",
        "v4",
        "/pinned_conversations",
        response=seeds.PINNED,
        check=lambda r: r == seeds.PINNED["pinned_conversation_ids"],
    ),
    Case(
        "PUT v4 /pinned_conversations",
        lambda gm: gm.pinned_conversations.set(seeds.PINNED["pinned_conversation_ids"]),
        "PUT",
        "v4",
        "/pinned_conversations",
        body=seeds.PINNED,
    ),
    Case(
        "GET /groups/:id/messages",
        lambda gm: gm.group_messages.list("1234567890", before_id="55", limit=100),
        "GET",
        "v3",
        "/groups/1234567890/messages",
        {"before_id": "55", "limit": "100", "acceptFiles": "1"},
        response=seeds.GROUP_MESSAGES_INDEX,
        check=lambda r: _first_message(r) and r.count == 123 and r.messages[0].system is True,
    ),
    Case(
        "GET /groups/:id/messages defaults",
        lambda gm: gm.group_messages.list("1234567890"),
        "GET",
        "v3",
        "/groups/1234567890/messages",
        {"limit": "20", "acceptFiles": "1"},
        response=seeds.GROUP_MESSAGES_INDEX,
        check=_first_message,
    ),
    Case(
        "POST /groups/:id/messages",
        lambda gm: gm.group_messages.send(
            "1234567890",
            "Hello world ",
            attachments=[IMG, IMG, LOC, SPLIT, EMOJI],
            source_guid="GUID",
        ),
        "POST",
        "v3",
        "/groups/1234567890/messages",
        body=seeds.GROUP_SEND_REQUEST,
        status=201,
        response=seeds.GROUP_MESSAGE_CREATE,
        check=lambda r: isinstance(r, Message) and r.group_id == "1234567890",
    ),
    Case(
        "GET /groups",
        lambda gm: gm.groups.list(page=3, per_page=100, omit_memberships=True),
        "GET",
        "v3",
        "/groups",
        {"page": "3", "per_page": "100", "omit": "memberships"},
        response=[seeds.GROUP],
        check=lambda r: isinstance(r[0], Group) and r[0].members[0].id == "42",
    ),
    Case(
        "GET /groups defaults",
        lambda gm: gm.groups.list(),
        "GET",
        "v3",
        "/groups",
        {"page": "1", "per_page": "10"},
        response=[seeds.GROUP],
        check=lambda r: len(r) == 1,
    ),
    Case(
        "GET /groups/:id",
        lambda gm: gm.groups.get("1234567"),
        "GET",
        "v3",
        "/groups/1234567",
        response=seeds.GROUP,
        check=lambda r: isinstance(r, Group) and r.messages is not None,
    ),
]


@pytest.mark.parametrize("where", ["real hosts", "base_url"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_endpoint(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    await check_case(case, where, make_client)


async def check_case(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    """``case.call`` sends exactly the request described, once, and ``case.check``
    holds for what it returns (``where``: "real hosts" or "base_url")."""
    hosts = REAL if where == "real hosts" else LOCAL
    host, prefix = hosts[case.family]
    base_url = None if where == "real hosts" else "http://127.0.0.1:8000"
    if case.response is None and case.status in (200, 201):
        reply = httpx.Response(case.status)  # an empty body (a bare 200/201)
    elif case.status in (204, 304):
        reply = httpx.Response(case.status)
    else:
        reply = httpx.Response(case.status, json=envelope(case.response, case.status))
    with respx.mock(assert_all_called=True) as mock:
        route = mock.route(method=case.method, host=host, path=prefix + case.path).mock(
            return_value=reply
        )
        async with make_client(base_url=base_url) as gm:
            result = await case.call(gm)
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.url.scheme == ("https" if base_url is None else "http")
    assert request.url.raw_path.split(b"?")[0] == (prefix + case.path).encode()
    assert sorted(request.url.params.multi_items()) == sorted(case.params.items())
    if case.body is None:
        assert request.content == b""
    else:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == case.body
    if case.token:
        assert request.headers["x-access-token"] == TOKEN
    else:
        assert "x-access-token" not in request.headers
    assert case.check(result), f"unexpected result type {type(result).__name__}"


def uncovered(wanted: set[tuple[str, str, str]], cases: list[Case]) -> list[tuple[str, str, str]]:
    """The ``(method, family, path with ids as ':')`` rows no case calls."""
    covered = {(c.method, c.family, re.sub(r"[0-9+]+", ":", c.path)) for c in cases}
    return sorted(wanted - covered)


def test_every_listed_endpoint_is_covered() -> None:
    wanted = {
        ("GET", "v3", "/chats"),
        ("GET", "v3", "/chats/:"),
        ("GET", "v3", "/direct_messages"),
        ("POST", "v3", "/direct_messages"),
        ("POST", "v2", "/read_receipts"),
        ("DELETE", "v3", "/conversations/:/messages/:"),
        ("GET", "v3", "/blocks"),
        ("GET", "v3", "/blocks/between"),
        ("POST", "v3", "/blocks"),
        ("DELETE", "v3", "/blocks"),
        ("POST", "v3", "/blocks/delete"),
        ("GET", "v3", "/users/me"),
        ("POST", "v3", "/users/update"),
        ("POST", "v2", "/users/:"),
        ("PUT", "v3", "/directories/user/majors"),
        ("PUT", "v3", "/directories/user/membership"),
        ("POST", "v3", "/users/features/share"),
        ("POST", "v3", "/users/sms_mode"),
        ("POST", "v3", "/users/sms_mode/delete"),
        ("GET", "v4", "/pinned_conversations"),
        ("PUT", "v4", "/pinned_conversations"),
        ("GET", "v3", "/groups/:/messages"),
        ("POST", "v3", "/groups/:/messages"),
        ("GET", "v3", "/groups"),
        ("GET", "v3", "/groups/:"),
    }
    assert not uncovered(wanted, CASES)


async def test_update_profile_defaults_to_my_id(gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=True) as mock:
        mock.get("https://api.groupme.com/v3/users/me").mock(
            return_value=httpx.Response(200, json=envelope(seeds.USERS_ME))
        )
        update = mock.post("https://v2.groupme.com/users/93645911").mock(
            return_value=httpx.Response(200, json=envelope(seeds.USERS_V2_UPDATE))
        )
        profile = await gm.users.update_profile(bio="Hello World!")
    assert json.loads(update.calls.last.request.content) == {"user": {"bio": "Hello World!"}}
    assert profile.id == "131245991"


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.users.update(),
        lambda gm: gm.users.update_profile("1"),
        lambda gm: gm.users.update_profile("1", photo_urls=["a", "b"]),
        lambda gm: gm.users.set_directory_membership(),
        lambda gm: gm.users.set_directory_membership(graduation_year=1800),
        lambda gm: gm.users.set_directory_membership(campus_profile_visibility="everyone"),
        lambda gm: gm.users.enable_sms_mode(49),
        lambda gm: gm.users.enable_sms_mode(0),
        lambda gm: gm.users.set_sharing("yes"),
        lambda gm: gm.chats.list(page=0),
        lambda gm: gm.groups.list(per_page=101),
        lambda gm: gm.group_messages.list("1", limit=101),
        lambda gm: gm.group_messages.list("1", before_id="2", after_id="3"),
        lambda gm: gm.direct_messages.list("1", since_id="2", after_id="3"),
    ],
)
async def test_invalid_arguments_send_nothing(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(200))
        with pytest.raises(ValueError):
            await call(gm)
    assert route.call_count == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.pinned_conversations.set("123"),
        lambda gm: gm.users.set_majors("123"),
        lambda gm: gm.group_messages.send("1", "x", attachments="abc"),
    ],
)
async def test_one_string_where_a_list_belongs_is_a_type_error(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    # Iterated, "123" would become the ids "1", "2", "3": refused before sending.
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(200))
        with pytest.raises(TypeError, match="list"):
            await call(gm)
    assert route.call_count == 0
