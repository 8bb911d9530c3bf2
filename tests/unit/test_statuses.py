"""Every status of the overview's table, the error ladder, and the retry loop."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import httpx
import pytest
import respx

from groupme_async import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncGroupMe,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GroupMeError,
    MessagePage,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    User,
)

from . import seed_examples as seeds
from .conftest import V3, SleepRecorder, envelope, fail

ME = f"{V3}/users/me"
HTML_502 = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


def test_error_ladder() -> None:
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        RateLimitError,
        ServerError,
    ):
        assert issubclass(cls, APIError)
    assert issubclass(APIError, GroupMeError)
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIConnectionError, GroupMeError)
    assert not issubclass(APIConnectionError, APIError)


async def test_200_returns_the_model(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.get(ME).mock(return_value=httpx.Response(200, json=envelope(seeds.USERS_ME)))
        me = await gm.users.me()
    assert isinstance(me, User) and me.name == "Isaac"


async def test_201_returns_the_created_message(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.post(f"{V3}/groups/1/messages").mock(
            return_value=httpx.Response(201, json=envelope(seeds.GROUP_MESSAGE_CREATE, 201))
        )
        message = await gm.group_messages.send("1", "hi", source_guid="GUID")
    assert message.id == "1234567890"


async def test_204_is_none(gm: AsyncGroupMe) -> None:
    with respx.mock:
        respx.delete(f"{V3}/conversations/1/messages/2").mock(return_value=httpx.Response(204))
        assert await gm.messages.delete("1", "2") is None


async def test_304_is_an_empty_page_not_an_error(gm: AsyncGroupMe) -> None:
    with respx.mock:
        route = respx.get(f"{V3}/groups/1/messages").mock(return_value=httpx.Response(304))
        page = await gm.group_messages.list("1", before_id="5")
        assert page == MessagePage(messages=(), count=None, read_receipt=None)
        assert [m async for m in gm.group_messages.iter("1")] == []
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (418, APIError),
    ],
)
async def test_non_retryable_status_is_tried_once(
    status: int, cls: type[APIError], gm: AsyncGroupMe, sleeps: SleepRecorder
) -> None:
    errors = ["Name is required", f"code {status}"]
    with respx.mock:
        route = respx.get(ME).mock(return_value=fail(status, errors))
        with pytest.raises(cls) as info:
            await gm.users.me()
    assert type(info.value) is cls
    assert info.value.status_code == status
    assert info.value.errors == errors
    assert info.value.endpoint == "GET /users/me"
    assert "Name is required" in str(info.value)
    assert route.call_count == 1
    assert sleeps.delays == []


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (420, RateLimitError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (501, ServerError),
        (520, ServerError),  # a CDN in front of GroupMe
    ],
)
async def test_retryable_status_exhausts_the_policy_then_raises(
    status: int,
    cls: type[APIError],
    make_client: Callable[..., AsyncGroupMe],
    sleeps: SleepRecorder,
) -> None:
    policy = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=1.5)
    with respx.mock:
        route = respx.get(ME).mock(return_value=fail(status, ["busy"]))
        async with make_client(retry=policy) as gm:
            with pytest.raises(cls) as info:
                await gm.users.me()
    assert info.value.status_code == status
    assert info.value.errors == ["busy"]
    assert route.call_count == 4
    # Full-jitter exponential backoff: attempt n waits within [0, min(max, base * 2**(n-1))].
    assert len(sleeps.delays) == 3
    for n, delay in enumerate(sleeps.delays, start=1):
        assert 0.0 <= delay <= min(1.5, 0.5 * 2 ** (n - 1))


async def test_backoff_is_seeded_and_jittered(make_client: Callable[..., AsyncGroupMe]) -> None:
    runs: list[list[float]] = []
    for _ in range(2):
        recorder = SleepRecorder()
        with respx.mock:
            respx.get(ME).mock(return_value=fail(503))
            async with make_client(sleep=recorder) as gm:
                with pytest.raises(ServerError):
                    await gm.users.me()
        runs.append(recorder.delays)
    assert runs[0] == runs[1]  # rng=random.Random(0) makes the schedule reproducible
    assert len(runs[0]) == 4  # the default policy: 5 attempts
    assert len(set(runs[0])) == 4  # jittered, not a constant


async def test_html_502_page_is_a_server_error_without_detail(
    gm: AsyncGroupMe, sleeps: SleepRecorder
) -> None:
    page = httpx.Response(502, content=HTML_502, headers={"content-type": "text/html"})
    with respx.mock:
        route = respx.get(ME).mock(
            side_effect=[page, page, httpx.Response(200, json=envelope(seeds.USERS_ME))]
        )
        me = await gm.users.me()
    assert me.id == "93645911"
    assert route.call_count == 3
    assert len(sleeps.delays) == 2
    with respx.mock:
        respx.get(ME).mock(return_value=page)
        with pytest.raises(ServerError) as info:
            await gm.users.me()
    assert info.value.status_code == 502 and info.value.errors == []


@pytest.mark.parametrize("status", [420, 429])
async def test_retry_after_seconds_is_honoured(
    status: int, gm: AsyncGroupMe, sleeps: SleepRecorder
) -> None:
    with respx.mock:
        route = respx.get(ME).mock(
            side_effect=[
                fail(status, ["Enhance your calm"], **{"Retry-After": "7"}),
                fail(status, ["Enhance your calm"], **{"Retry-After": "2.5"}),
                httpx.Response(200, json=envelope(seeds.USERS_ME)),
            ]
        )
        await gm.users.me()
    assert route.call_count == 3
    assert sleeps.delays == [7.0, 2.5]


async def test_retry_after_http_date_is_honoured(gm: AsyncGroupMe, sleeps: SleepRecorder) -> None:
    when = email.utils.formatdate(time.time() + 60, usegmt=True)
    with respx.mock:
        respx.get(ME).mock(
            side_effect=[
                fail(420, **{"Retry-After": when}),
                httpx.Response(200, json=envelope(seeds.USERS_ME)),
            ]
        )
        await gm.users.me()
    assert len(sleeps.delays) == 1 and 55 <= sleeps.delays[0] <= 61


async def test_rate_limit_error_carries_retry_after(
    make_client: Callable[..., AsyncGroupMe],
) -> None:
    with respx.mock:
        respx.get(ME).mock(return_value=fail(429, **{"Retry-After": "3"}))
        async with make_client(retry=RetryPolicy(max_attempts=2)) as gm:
            with pytest.raises(RateLimitError) as info:
                await gm.users.me()
    assert info.value.retry_after == 3.0


async def test_very_long_retry_after_is_raised_not_slept(
    gm: AsyncGroupMe, sleeps: SleepRecorder
) -> None:
    with respx.mock:
        route = respx.get(ME).mock(return_value=fail(420, **{"Retry-After": "3600"}))
        with pytest.raises(RateLimitError) as info:
            await gm.users.me()
    assert info.value.retry_after == 3600.0
    assert route.call_count == 1 and sleeps.delays == []


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.ReadError("reset"), APIConnectionError),
        (httpx.RemoteProtocolError("truncated"), APIConnectionError),
        (httpx.ConnectTimeout("slow"), APITimeoutError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
    ],
)
async def test_connection_errors_and_timeouts_are_retried(
    exc: Exception, cls: type[APIConnectionError], gm: AsyncGroupMe, sleeps: SleepRecorder
) -> None:
    with respx.mock:
        route = respx.get(ME).mock(
            side_effect=[exc, exc, httpx.Response(200, json=envelope(seeds.USERS_ME))]
        )
        assert (await gm.users.me()).id == "93645911"
    assert route.call_count == 3 and len(sleeps.delays) == 2
    with respx.mock:
        route = respx.get(ME).mock(side_effect=exc)
        with pytest.raises(cls) as info:
            await gm.users.me()
    assert type(info.value) is cls
    assert route.call_count == 5
    assert "GET /users/me" in str(info.value)


async def test_max_attempts_one_turns_retries_off(
    make_client: Callable[..., AsyncGroupMe], sleeps: SleepRecorder
) -> None:
    with respx.mock:
        route = respx.get(ME).mock(return_value=fail(503))
        async with make_client(retry=RetryPolicy(max_attempts=1)) as gm:
            with pytest.raises(ServerError):
                await gm.users.me()
    assert route.call_count == 1 and sleeps.delays == []


async def test_redirect_is_not_followed(gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(ME).mock(
            return_value=httpx.Response(302, headers={"Location": "https://evil.example/steal"})
        )
        elsewhere = mock.get("https://evil.example/steal").mock(return_value=httpx.Response(200))
        with pytest.raises(APIError) as info:
            await gm.users.me()
    assert info.value.status_code == 302
    assert elsewhere.call_count == 0


def test_retry_policy_validation() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(base_delay=-1)
    assert RetryPolicy() == RetryPolicy(max_attempts=5, base_delay=0.5, max_delay=30.0)
    with pytest.raises(TypeError):
        AsyncGroupMe("t", retry=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        AsyncGroupMe("t", timeout=0)


async def test_a_body_corrupted_in_transit_is_a_retried_connection_error(
    make_client: Callable[..., AsyncGroupMe], sleeps: SleepRecorder
) -> None:
    answers = ["corrupt", "ok", "corrupt", "corrupt", "corrupt", "corrupt", "corrupt"]

    def handler(request: httpx.Request) -> httpx.Response:
        if answers.pop(0) == "corrupt":
            garbage = httpx.ByteStream(b"\x1f\x8b not gzip at all")
            return httpx.Response(200, headers={"content-encoding": "gzip"}, stream=garbage)
        return httpx.Response(200, json=envelope(seeds.USERS_ME))

    async with make_client(transport=httpx.MockTransport(handler)) as gm:
        assert (await gm.users.me()).id == "93645911"
        assert len(sleeps.delays) == 1
        with pytest.raises(APIConnectionError, match="GET /users/me"):
            await gm.users.me()
    assert answers == []
