"""The route table: matching, the "does not implement" 404, and the testing guide's list."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from groupme_async.testing import FakeGroupMe, endpoints_markdown, implemented_endpoints
from groupme_async.testing.__main__ import main
from groupme_async.testing._endpoints import MARKDOWN_COMMAND, TABLE
from groupme_async.testing._http import Reply, Request, ok
from groupme_async.testing._routes import CAPTURES, Route, RouteTable
from groupme_async.testing._state import FakeState

from .test_endpoints import error, first

ROOT = Path(__file__).resolve().parents[2]
#: The generated list lives in the testing guide (it was the README's).
ENDPOINTS_PAGE = ROOT / "docs" / "guides" / "testing.md"
ENDPOINTS_BLOCK = re.compile(
    r"<!-- BEGIN FakeGroupMe endpoints \(generated: (?P<command>[^)]*)\) -->\n"
    r"(?P<body>.*?)"
    r"<!-- END FakeGroupMe endpoints -->",
    re.S,
)


def gap(method: str, path: str) -> list[str]:
    return [f"FakeGroupMe does not implement {method} {path}"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v3/foo"),
        ("GET", "/v3/nothing/here"),
        ("GET", "/v9/groups"),
        ("GET", "/"),
        ("DELETE", "/v3/users/me/extra"),
        # Known paths, methods the fake does not serve on them.
        ("POST", "/v3/users/me"),
        ("PUT", "/v3/groups"),
        ("DELETE", "/v4/pinned_conversations"),
        ("PUT", "/v3/blocks"),
    ],
)
async def test_an_endpoint_the_fake_lacks_is_a_404_that_says_so(
    http: httpx.AsyncClient, method: str, path: str
) -> None:
    assert error(await http.request(method, path), 404) == gap(method, path)


async def test_the_gap_404_names_the_actual_path(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    gid = first(fake, "group")
    path = f"/v3/groups/{gid}/not_an_endpoint"
    assert error(await http.get(path, params={"limit": 1}), 404) == gap("GET", path)
    assert error(await http.put(f"/v3/groups/{gid}"), 404) == gap("PUT", f"/v3/groups/{gid}")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v3/groups/999"),
        ("GET", "/v3/groups/not-an-id"),
        ("GET", "/v3/groups/999/messages"),
        ("GET", "/v3/chats/not-a-chat"),
        ("GET", "/v3/chats/1+2"),
        ("DELETE", "/v3/conversations/999/messages/1"),
        ("DELETE", "/v3/conversations/1+2/messages/1"),
        ("POST", "/v2/users/1"),
        ("POST", "/v2/users/abc"),
    ],
)
async def test_an_unknown_id_on_an_implemented_endpoint_stays_a_plain_not_found(
    http: httpx.AsyncClient, method: str, path: str
) -> None:
    assert error(await http.request(method, path, json={}), 404) == ["Not Found"]


async def test_a_malformed_message_id_is_not_found_too(
    fake: FakeGroupMe, http: httpx.AsyncClient
) -> None:
    path = f"/v3/conversations/{first(fake, 'group')}/messages/12x"
    assert error(await http.delete(path), 404) == ["Not Found"]


async def test_every_listed_endpoint_is_served(fake: FakeGroupMe, http: httpx.AsyncClient) -> None:
    gid = first(fake, "group")
    dm = next(c for c in fake.conversations() if c.kind == "direct")
    samples = {
        ":group_id": gid,
        ":chat_id": dm.conversation_id,
        ":user_id": fake.me_id,
        ":conversation_id": gid,
        ":message_id": next(fake.messages("group", gid))["id"],
        ":membership_id": "123456789",
        ":results_id": "0f1e2d3c",
        ":share_token": "AbC-12_x",
        ":poll_id": "1",
        ":option_id": "1",
        ":subgroup_id": "1",
        ":file_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        ":media_host": "i.groupme.com",
        ":media_path": "640x480.png.0f1e2d3c4b5a6978",
        ":media_file": "0f1e2d3c4b5a6978.jpg",
    }
    endpoints = implemented_endpoints()
    assert {(e.method, e.path) for e in endpoints} >= {
        ("GET", "/v3/groups/:group_id/messages"),
        ("POST", "/v3/direct_messages"),
        ("POST", "/image/pictures"),
    }
    for endpoint in endpoints:
        path = endpoint.path
        for capture, value in samples.items():
            path = path.replace(capture, value)
        assert ":" not in path, endpoint
        response = await http.request(endpoint.method, path, json={})
        assert response.status_code < 500, (endpoint, response.text)
        if response.status_code == 404:
            assert response.json()["meta"]["errors"] != gap(endpoint.method, path)


def test_the_testing_guide_lists_exactly_the_implemented_endpoints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = ENDPOINTS_BLOCK.search(ENDPOINTS_PAGE.read_text())
    assert found is not None, f"{ENDPOINTS_PAGE} lost the generated FakeGroupMe endpoints block"
    assert found["command"] == MARKDOWN_COMMAND
    assert main(["endpoints", "--markdown"]) == 0
    generated = capsys.readouterr().out
    assert generated == endpoints_markdown() + "\n"
    assert found["body"] == generated, (
        f"The FakeGroupMe endpoint list in {ENDPOINTS_PAGE} is stale: replace the text "
        f"between its BEGIN/END markers with the output of `{MARKDOWN_COMMAND}`."
    )


def test_endpoints_command_lists_method_and_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["endpoints"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split() for line in lines] == [[e.method, e.path] for e in implemented_endpoints()]


def test_the_endpoint_list_comes_from_the_table() -> None:
    endpoints = implemented_endpoints()
    assert [(e.method, e.path) for e in endpoints] == [(r.method, r.path) for r in TABLE.routes]
    assert len(set(endpoints)) == len(endpoints)
    assert all(e.summary and "\n" not in e.summary for e in endpoints)
    markdown = endpoints_markdown().splitlines()
    assert markdown == [f"- `{e.method} {e.path}`: {e.summary}" for e in endpoints]


# --- the matcher -------------------------------------------------------------


def _show(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Show."""
    return ok(group_id)


def _mine(state: FakeState, r: Request) -> Reply:
    """Mine."""
    return ok("mine")


def _messages(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Messages."""
    return ok(group_id)


SMALL = RouteTable(
    [
        Route("GET", "v3", "/groups/:group_id", _show),
        Route("GET", "v3", "/groups/mine", _mine),
        Route("GET", "v3", "/groups/:group_id/messages", _messages),
    ]
)


def test_a_literal_segment_wins_over_a_capture() -> None:
    found = SMALL.match("GET", "/v3/groups/mine")
    assert found is not None and found.route.handler is _mine and found.captures == {}
    found = SMALL.match("GET", "/v3/groups/12")
    assert found is not None and found.route.handler is _show
    assert found.captures == {"group_id": "12"}


def test_the_matcher_backtracks_from_a_literal_dead_end() -> None:
    # "mine" is a literal, but only the capture continues to /messages; its
    # value is no group id, so the route is found with no captures (a 404).
    found = SMALL.match("GET", "/v3/groups/mine/messages")
    assert found is not None and found.route.handler is _messages and found.captures is None


def test_unmatched_methods_and_paths_and_empty_segments() -> None:
    assert SMALL.match("POST", "/v3/groups/12") is None
    assert SMALL.match("GET", "/v3/groups/12/members") is None
    assert SMALL.match("GET", "/v2/groups/12") is None
    assert SMALL.match("GET", "/v3") is None
    found = SMALL.match("GET", "//v3//groups/12/")
    assert found is not None and found.captures == {"group_id": "12"}
    found = SMALL.match("GET", "/v3/groups/12x")
    assert found is not None and found.route.handler is _show and found.captures is None


_CAPTURE_VALUES = {name: st.from_regex(p, fullmatch=True) for name, p in CAPTURES.items()}


@st.composite
def _requests(draw: st.DrawFn) -> tuple[Route, dict[str, str], str]:
    route = draw(st.sampled_from(TABLE.routes))
    captures: dict[str, str] = {}
    path = route.path
    for name in re.findall(r":(\w+)", route.path):
        captures[name] = draw(_CAPTURE_VALUES[name])
        path = path.replace(f":{name}", captures[name], 1)
    return route, captures, path


@given(_requests())
def test_every_route_matches_its_own_paths(case: tuple[Route, dict[str, str], str]) -> None:
    route, captures, path = case
    found = TABLE.match(route.method, path)
    assert found is not None
    assert found.route == route and found.captures == captures


# --- building the table ------------------------------------------------------


def _no_doc(state: FakeState, r: Request) -> Reply:
    return ok(None)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Route("GET", "v3", "/groups/:gid", _show), "add a pattern"),
        (lambda: Route("GET", "v3", "/groups/:group_id", _mine), "must be (state, request"),
        (lambda: Route("GET", "v3", "/groups", _show), "must be (state, request"),
        (lambda: Route("GET", "v3", "/groups", _no_doc), "needs a docstring"),
        (lambda: Route("GET", "v3", "groups", _mine), "template"),
        (lambda: Route("GET", "v3", "/groups//x", _mine), "template"),
        (lambda: Route("PATCH", "v3", "/groups", _mine), "unknown method"),
        (lambda: Route("GET", "v5", "/groups", _mine), "unknown family"),
        (
            lambda: RouteTable([Route("GET", "v3", "/groups", _mine)] * 2),
            "in the table twice",
        ),
        (
            lambda: RouteTable(
                [
                    Route("GET", "v3", "/groups/:group_id", _show),
                    Route("GET", "v3", "/groups/:user_id/x", _user_x),
                ]
            ),
            "where others say :group_id",
        ),
    ],
)
def test_a_malformed_row_is_refused_when_the_table_is_built(
    make: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def _user_x(state: FakeState, r: Request, *, user_id: str) -> Reply:
    """User x."""
    return ok(user_id)
