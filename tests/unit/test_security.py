"""Security: ids cannot change the path, and the token goes nowhere but its header."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from groupme_async import AsyncGroupMe, GroupMeError, RetryPolicy

from .conftest import TOKEN, V3, envelope, fail
from .test_endpoints import CASES

BAD_IDS = [
    "1/../users",
    "1?x=y",
    "1#frag",
    "../1",
    "",
    " 1",
    "1 ",
    "-1",
    "1.5",
    "\uff11\uff12",
    "\u00b2",
    "1%2F2",
]
BAD_CHAT_IDS = ["1+2/../x", "1+2?x=y", "1 + 2", "1+", "+2", "1+2+3", "12", "1%2B2"]

# (call, None is allowed because the argument is optional)
ID_CALLS: list[tuple[Callable[[AsyncGroupMe, Any], Awaitable[Any]], bool]] = [
    (lambda gm, v: gm.groups.get(v), False),
    (lambda gm, v: gm.group_messages.list(v), False),
    (lambda gm, v: gm.group_messages.list("1", before_id=v), True),
    (lambda gm, v: gm.group_messages.list("1", since_id=v), True),
    (lambda gm, v: gm.group_messages.list("1", after_id=v), True),
    (lambda gm, v: gm.group_messages.send(v, "hi"), False),
    (lambda gm, v: gm.direct_messages.list(v), False),
    (lambda gm, v: gm.direct_messages.send(v, "hi"), False),
    (lambda gm, v: gm.direct_messages.mark_read("1+2", v), False),
    (lambda gm, v: gm.messages.delete(v, "1"), False),
    (lambda gm, v: gm.messages.delete("1", v), False),
    (lambda gm, v: gm.blocks.list(v), False),
    (lambda gm, v: gm.blocks.between("1", v), False),
    (lambda gm, v: gm.blocks.create(v, "1"), False),
    (lambda gm, v: gm.blocks.delete("1", v), False),
    (lambda gm, v: gm.users.update_profile(v, bio="x"), True),
    (lambda gm, v: gm.users.set_majors([v]), False),
    (lambda gm, v: gm.pinned_conversations.set([v]), False),
]


async def _drain(iterator: Any) -> None:
    async for _ in iterator:
        pass


ITER_CALLS: list[tuple[Callable[[AsyncGroupMe, Any], Awaitable[Any]], bool]] = [
    (lambda gm, v: _drain(gm.group_messages.iter(v)), False),
    (lambda gm, v: _drain(gm.group_messages.iter("1", before_id=v)), True),
    (lambda gm, v: _drain(gm.group_messages.iter("1", after_id=v)), True),
    (lambda gm, v: _drain(gm.group_messages.since("1", v)), False),
    (lambda gm, v: _drain(gm.direct_messages.since(v, "1")), False),
    (lambda gm, v: _drain(gm.direct_messages.iter(v)), False),
]


@pytest.mark.parametrize("value", [*BAD_IDS, True, None, 1.5, -3, ["1"]])
async def test_caller_strings_cannot_change_the_path(value: Any, gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(304))
        for call, optional in ID_CALLS + ITER_CALLS:
            if value is None and optional:
                continue
            with pytest.raises(ValueError):
                await call(gm, value)
    assert route.call_count == 0


@pytest.mark.parametrize("value", [*BAD_CHAT_IDS, 12, None])
async def test_chat_ids_are_validated(value: Any, gm: AsyncGroupMe) -> None:
    calls: list[Callable[[AsyncGroupMe, Any], Awaitable[Any]]] = [
        lambda gm, v: gm.chats.get(v),
        lambda gm, v: gm.direct_messages.mark_read(v, "1"),
    ]
    if value not in ("12", 12):  # a group id is a valid conversation id for delete
        calls.append(lambda gm, v: gm.messages.delete(v, "1"))
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(200, json=envelope({})))
        for call in calls:
            with pytest.raises(ValueError):
                await call(gm, value)
    assert route.call_count == 0


def _texts_of(exc: BaseException) -> list[str]:
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return texts


FAILURES: list[Callable[[], Any]] = [
    lambda: fail(400, ["bad"]),
    lambda: fail(401, ["unauthorized"]),
    lambda: fail(403),
    lambda: fail(404),
    lambda: fail(409),
    lambda: fail(420, **{"Retry-After": "1"}),
    lambda: fail(429),
    lambda: fail(500),
    lambda: httpx.Response(502, content=b"<html>Bad Gateway</html>"),
    lambda: fail(503),
    lambda: httpx.Response(200, content=b"not json"),
    lambda: httpx.Response(200, json=envelope({"unexpected": True})),
    lambda: httpx.ConnectError("refused"),
    lambda: httpx.ReadTimeout("slow"),
    lambda: httpx.Response(302, headers={"Location": "https://evil.example/"}),
]


async def test_the_token_appears_only_in_its_header(
    make_client: Callable[..., AsyncGroupMe], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    requests: list[httpx.Request] = []
    texts: list[str] = []

    async def run(gm: AsyncGroupMe, call: Callable[[AsyncGroupMe], Awaitable[Any]]) -> None:
        try:
            await call(gm)
        except (GroupMeError, ValueError) as exc:
            texts.extend(_texts_of(exc))

    for where in (None, "http://127.0.0.1:8000"):
        async with make_client(base_url=where, retry=RetryPolicy(max_attempts=2)) as gm:
            texts += [repr(gm), str(gm)]
            for case in CASES:
                with respx.mock(assert_all_called=False) as mock:
                    mock.route().mock(
                        return_value=httpx.Response(200, json=envelope(case.response))
                    )
                    await run(gm, case.call)
                    requests += [call.request for call in mock.calls]
                for make in FAILURES:
                    with respx.mock(assert_all_called=False) as mock:
                        mock.route().mock(side_effect=[make(), make()])
                        await run(gm, case.call)
                        requests += [call.request for call in mock.calls]
            # a retried send that landed, and one whose landing cannot be found
            for listing in (httpx.Response(304), httpx.Response(500)):
                with respx.mock(assert_all_called=False) as mock:
                    mock.post(url__regex=r".*/groups/1/messages").mock(
                        side_effect=[fail(503), fail(409)]
                    )
                    mock.get(url__regex=r".*/groups/1/messages").mock(return_value=listing)
                    await run(gm, lambda g: g.group_messages.send("1", "hi"))
                    requests += [call.request for call in mock.calls]
    assert len(requests) > 2 * len(CASES) * len(FAILURES)
    for request in requests:
        assert request.headers["x-access-token"] == TOKEN
        assert TOKEN not in str(request.url)
        assert "token" not in request.url.params
        assert TOKEN.encode() not in request.content
        others = [v for k, v in request.headers.items() if k.lower() != "x-access-token"]
        assert all(TOKEN not in v for v in others)
    assert len(texts) > len(CASES) * len(FAILURES)
    assert all(TOKEN not in t for t in texts)
    assert any(r.levelno == logging.WARNING for r in caplog.records)  # the retries were logged
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    for record in caplog.records:
        rendered = [
            record.getMessage(),
            repr(record.args),
            record.exc_text or "",
            repr(vars(record)),
        ]
        assert all(TOKEN not in text for text in rendered), f"token in a {record.name} log record"
    assert TOKEN not in caplog.text


async def test_redirect_to_another_host_does_not_carry_the_token(gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{V3}/groups/1").mock(
            return_value=httpx.Response(302, headers={"Location": "https://evil.example/x"})
        )
        evil = mock.route(host="evil.example").mock(return_value=httpx.Response(200))
        with pytest.raises(GroupMeError):
            await gm.groups.get("1")
        hosts = [call.request.url.host for call in mock.calls]
    assert evil.call_count == 0
    assert hosts == ["api.groupme.com"]


async def test_token_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROUPME_TOKEN", "env-token-123")
    with respx.mock:
        route = respx.get(f"{V3}/users/me").mock(
            return_value=httpx.Response(200, json=envelope({"id": "1"}))
        )
        async with AsyncGroupMe() as gm:
            await gm.users.me()
    assert route.calls.last.request.headers["x-access-token"] == "env-token-123"


@pytest.mark.parametrize("env", [None, ""])
def test_no_token_at_all_is_a_clear_error(env: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if env is None:
        monkeypatch.delenv("GROUPME_TOKEN", raising=False)
    else:
        monkeypatch.setenv("GROUPME_TOKEN", env)
    with pytest.raises(ValueError, match="GROUPME_TOKEN"):
        AsyncGroupMe()


@pytest.mark.parametrize("token", ["", "   ", "abc\r\nX-Evil: 1"])
def test_unusable_tokens_are_refused_without_echoing_them(token: str) -> None:
    with pytest.raises(ValueError) as info:
        AsyncGroupMe(token)
    assert "X-Evil" not in str(info.value)


@pytest.mark.parametrize("url", ["ftp://host", "host-only", "http://host/?token=x", "http://h/#x"])
def test_bad_base_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        AsyncGroupMe("t", base_url=url)
