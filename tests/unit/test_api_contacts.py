"""gm.contacts (v4, a `since` time cursor), gm.users.get (v2) and gm.chats.delete."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupme_async import (
    AsyncGroupMe,
    Contact,
    ResponseDecodeError,
    SharedGroup,
    UserDetails,
)

from . import api_examples as ex
from .api_cases import WHERE, Case, check_case, sends_nothing
from .conftest import TOKEN, ok

CONTACTS = "https://api.groupme.com/v4/relationships"
START = datetime(2022, 7, 22, 21, 46, 11, 637999, tzinfo=UTC)


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def book(n: int, *, same_second: bool = False) -> list[dict[str, Any]]:
    """``n`` contacts, oldest first, each a little (or a microsecond) later."""
    out = []
    for k in range(n):
        when = START + (timedelta(microseconds=k) if same_second else timedelta(hours=k))
        out.append(ex.contact(str(30000100 + k), iso(when), int(when.timestamp())))
    return out


class Server:
    """A ``/relationships`` that pages ``contacts`` by ``since``, ``size`` a page.

    With ``overlap``, each page after the first starts again with the contact
    ``since`` names (as a server with an inclusive ``since`` would), but an
    empty page still ends the book, as documented.
    """

    def __init__(self, contacts: list[dict[str, Any]], size: int, *, overlap: bool) -> None:
        self.contacts = contacts
        self.size = size
        self.overlap = overlap
        self.seen: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.seen.append(params)
        since = params.get("since")
        if since is None:
            return ok(self.contacts[: self.size])
        bound = datetime.fromisoformat(since)
        newer = [c for c in self.contacts if made(c) > bound]
        if not newer or not self.overlap:
            return ok(newer[: self.size])
        at_bound = [c for c in self.contacts if made(c) == bound]
        return ok((at_bound[-1:] + newer)[: self.size])


def made(contact: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(contact["created_at_iso8601"])


async def walk(gm: AsyncGroupMe, server: Server, **kwargs: Any) -> list[Contact]:
    with respx.mock(assert_all_called=True) as mock:
        mock.get(CONTACTS).mock(side_effect=server)
        return [c async for c in gm.contacts.iter(**kwargs)]


async def test_pages_continue_from_the_last_contacts_time(gm: AsyncGroupMe) -> None:
    contacts = book(5)
    server = Server(contacts, 2, overlap=False)
    got = await walk(gm, server)
    assert [c.id for c in got] == [c["id"] for c in contacts]
    assert all(isinstance(c, Contact) for c in got)
    # The exact string GroupMe sent (microseconds and the Z) goes back as `since`.
    assert server.seen == [
        {"include_blocked": "false"},
        {"include_blocked": "false", "since": contacts[1]["created_at_iso8601"]},
        {"include_blocked": "false", "since": contacts[3]["created_at_iso8601"]},
        {"include_blocked": "false", "since": contacts[4]["created_at_iso8601"]},
    ]


async def test_a_page_that_repeats_the_cursors_contact_does_not_repeat_it(
    gm: AsyncGroupMe,
) -> None:
    contacts = book(5)
    server = Server(contacts, 3, overlap=True)
    got = await walk(gm, server)
    assert [c.id for c in got] == [c["id"] for c in contacts]


async def test_a_cursor_that_does_not_move_ends_the_walk_with_an_error(
    gm: AsyncGroupMe,
) -> None:
    # A server that ignores `since` answers the first page again.
    contacts = book(3)
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(CONTACTS).mock(return_value=ok(contacts[:2]))
        with pytest.raises(ResponseDecodeError, match="did not move"):
            [c async for c in gm.contacts.iter()]
    assert route.call_count == 2


async def test_a_server_that_goes_back_in_time_cannot_loop(gm: AsyncGroupMe) -> None:
    contacts = book(3)
    pages = [contacts, contacts[0:2], contacts, contacts[0:2]]
    with respx.mock(assert_all_called=False) as mock:
        route = mock.get(CONTACTS).mock(side_effect=[ok(p) for p in pages])
        with pytest.raises(ResponseDecodeError, match="did not move"):
            [c async for c in gm.contacts.iter()]
    assert route.call_count == 2


async def test_a_last_contact_without_a_time_is_a_decode_error(gm: AsyncGroupMe) -> None:
    contacts = book(2)
    del contacts[1]["created_at_iso8601"]
    with respx.mock(assert_all_called=True) as mock:
        mock.get(CONTACTS).mock(return_value=ok(contacts))
        with pytest.raises(ResponseDecodeError, match="no time"):
            [c async for c in gm.contacts.iter()]


async def test_include_blocked_and_max_items(gm: AsyncGroupMe) -> None:
    contacts = book(6)
    contacts[2]["blocked"] = True
    server = Server(contacts, 4, overlap=False)
    got = await walk(gm, server, include_blocked=True, max_items=3)
    assert [c.id for c in got] == [c["id"] for c in contacts[:3]]
    assert got[2].blocked is True
    assert server.seen[0] == {"include_blocked": "true"}


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(0, 25),
    # A page of one that repeats the cursor's contact can never move on.
    size=st.integers(2, 7),
    overlap=st.booleans(),
    same_second=st.booleans(),
)
async def test_every_contact_once_in_order(
    n: int, size: int, overlap: bool, same_second: bool, gm: AsyncGroupMe
) -> None:
    contacts = book(n, same_second=same_second)
    got = await walk(gm, Server(contacts, size, overlap=overlap))
    assert [c.id for c in got] == [c["id"] for c in contacts]


CALLS = [
    Case(
        "POST v4 /relationships/create",
        lambda gm: gm.contacts.create("30000002", "njLqSwBU"),
        "POST",
        "v4",
        "/relationships/create",
        body={"user_id": "30000002", "token": "njLqSwBU"},
        status=201,
        response={},
    ),
    Case(
        "DELETE v4 /relationships/:user_id",
        lambda gm: gm.contacts.delete("30000002"),
        "DELETE",
        "v4",
        "/relationships/30000002",
        status=202,
    ),
    Case(
        "GET v2 /users/:user_id",
        lambda gm: gm.users.get("30000002", include_shared_groups=True),
        "GET",
        "v2",
        "/users/30000002",
        {"include_shared_groups": "true"},
        response=ex.USER_DETAILS,
        check=lambda r: (
            isinstance(r, UserDetails)
            and r.user.id == "30000002"
            and r.user.bio == "likes trains"
            and r.shared_groups
            == (
                SharedGroup(
                    group_id="27317261",
                    group_name="Board Games",
                    group_avatar="https://i.groupme.com/60x60.jpeg.bg",
                ),
            )
            and r.major_codes == (2102,)
            and r.relationship is None
        ),
    ),
    Case(
        "GET v2 /users/:user_id without shared groups",
        lambda gm: gm.users.get("30000002"),
        "GET",
        "v2",
        "/users/30000002",
        {"include_shared_groups": "false"},
        response={**ex.USER_DETAILS, "shared_groups": None},
        check=lambda r: r.shared_groups == (),
    ),
    Case(
        "DELETE /chats/:chat_id",
        lambda gm: gm.chats.delete("12345+67890"),
        "DELETE",
        "v3",
        "/chats/12345+67890",
    ),
]


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("case", CALLS, ids=[c.name for c in CALLS])
async def test_call(case: Case, where: str, make_client: Callable[..., AsyncGroupMe]) -> None:
    await check_case(case, where, make_client)


async def test_contacts_on_base_url(make_client: Callable[..., AsyncGroupMe]) -> None:
    contacts = book(1)
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get("http://127.0.0.1:8000/v4/relationships").mock(
            side_effect=[ok(contacts), ok([])]
        )
        async with make_client(base_url="http://127.0.0.1:8000") as gm:
            got = [c async for c in gm.contacts.iter()]
    assert [c.id for c in got] == [contacts[0]["id"]]
    assert route.calls.last.request.headers["x-access-token"] == TOKEN


@pytest.mark.parametrize(
    "call",
    [
        lambda gm: gm.contacts.create("30000002", "tok/../en"),
        lambda gm: gm.contacts.create("abc", "tok"),
        lambda gm: gm.contacts.delete("../30000002"),
        lambda gm: gm.users.get("me"),
        lambda gm: gm.users.get("1", include_shared_groups="yes"),
        lambda gm: gm.chats.delete("12345"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    call: Callable[[AsyncGroupMe], Awaitable[Any]], gm: AsyncGroupMe
) -> None:
    await sends_nothing(call, gm, ValueError)


async def test_include_blocked_is_checked_when_iter_is_called(gm: AsyncGroupMe) -> None:
    with pytest.raises(ValueError):
        gm.contacts.iter(include_blocked="yes")  # type: ignore[arg-type]
