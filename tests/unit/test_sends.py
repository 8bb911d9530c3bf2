"""Sends: one source_guid per logical send, reused on retries; a 409 on a retry means it landed."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from groupme_async import (
    AsyncGroupMe,
    ConflictError,
    ImageAttachment,
    RateLimitError,
    RetryPolicy,
    SendOutcomeUnknownError,
    ServerError,
)

from .conftest import V3, SleepRecorder, envelope, fail

GROUP_POST = f"{V3}/groups/42/messages"


def _guid(request: httpx.Request, key: str = "message") -> str:
    guid: str = json.loads(request.content)[key]["source_guid"]
    return guid


def _message(mid: str, guid: str, created_at: int = 2_000_000_000, **extra: Any) -> dict[str, Any]:
    return {
        "id": mid,
        "source_guid": guid,
        "created_at": created_at,
        "user_id": "7",
        "text": "hello",
        **extra,
    }


async def test_generated_source_guid_is_a_fresh_uuid_per_send(gm: AsyncGroupMe) -> None:
    with respx.mock:
        route = respx.post(GROUP_POST).mock(
            side_effect=lambda request: httpx.Response(
                201, json=envelope({"message": _message("1", _guid(request))}, 201)
            )
        )
        first = await gm.group_messages.send("42", "hello")
        second = await gm.group_messages.send("42", "hello")
    guids = [_guid(call.request) for call in route.calls]
    assert len(set(guids)) == 2
    assert all(uuid.UUID(g) for g in guids)
    assert [first.source_guid, second.source_guid] == guids


@pytest.mark.parametrize("given", [None, "my-guid-1"])
async def test_the_same_source_guid_is_reused_on_every_retry(
    given: str | None, gm: AsyncGroupMe, sleeps: SleepRecorder
) -> None:
    with respx.mock:
        route = respx.post(GROUP_POST).mock(
            side_effect=[
                fail(503),
                httpx.ConnectError("reset"),
                fail(420),
                httpx.ReadTimeout("slow"),
                httpx.Response(201, json=envelope({"message": _message("9", "x")}, 201)),
            ]
        )
        message = await gm.group_messages.send("42", "hello", source_guid=given)
    guids = {_guid(call.request) for call in route.calls}
    assert route.call_count == 5 and len(sleeps.delays) == 4
    assert len(guids) == 1
    if given is not None:
        assert guids == {given}
    assert message.id == "9"


async def test_409_on_a_retry_returns_the_landed_message(gm: AsyncGroupMe) -> None:
    posted: list[str] = []

    def post(request: httpx.Request) -> httpx.Response:
        posted.append(_guid(request))
        if len(posted) == 1:
            raise httpx.ReadTimeout("the answer was lost, the write was not")
        return fail(409, ["duplicate source_guid"])

    def listing(request: httpx.Request) -> httpx.Response:
        page = [_message("12", "other"), _message("11", posted[0]), _message("10", "older")]
        return httpx.Response(200, json=envelope({"count": 3, "messages": page}))

    with respx.mock:
        post_route = respx.post(GROUP_POST).mock(side_effect=post)
        list_route = respx.get(GROUP_POST).mock(side_effect=listing)
        message = await gm.group_messages.send("42", "hello")
    assert post_route.call_count == 2  # never a third post
    assert list_route.call_count >= 1
    assert message.id == "11" and message.source_guid == posted[0]


async def test_409_on_a_retried_dm_returns_the_landed_message(gm: AsyncGroupMe) -> None:
    with respx.mock:
        post_route = respx.post(f"{V3}/direct_messages").mock(side_effect=[fail(502), fail(409)])
        list_route = respx.get(f"{V3}/direct_messages", params={"other_user_id": "77"}).mock(
            return_value=httpx.Response(
                200,
                json=envelope(
                    {"count": 1, "direct_messages": [_message("5", "dm-guid", recipient_id="77")]}
                ),
            )
        )
        message = await gm.direct_messages.send("77", "hi", source_guid="dm-guid")
    assert (
        json.loads(post_route.calls.last.request.content)["direct_message"]["recipient_id"] == "77"
    )
    assert post_route.call_count == 2 and list_route.call_count == 1
    assert message.id == "5"


async def test_409_on_the_first_attempt_is_a_conflict(gm: AsyncGroupMe) -> None:
    with respx.mock(assert_all_called=False) as mock:
        post_route = mock.post(GROUP_POST).mock(return_value=fail(409, ["duplicate"]))
        list_route = mock.get(GROUP_POST).mock(return_value=httpx.Response(304))
        with pytest.raises(ConflictError) as info:
            await gm.group_messages.send("42", "hello", source_guid="g")
    assert info.value.status_code == 409 and info.value.errors == ["duplicate"]
    assert post_route.call_count == 1 and list_route.call_count == 0


async def test_409_on_a_retry_with_no_trace_of_the_message_is_a_conflict(
    gm: AsyncGroupMe,
) -> None:
    with respx.mock:
        post_route = respx.post(GROUP_POST).mock(side_effect=[fail(500), fail(409)])
        page = envelope({"count": 1, "messages": [_message("1", "someone-else")]})
        respx.get(GROUP_POST).mock(
            side_effect=lambda request: (
                httpx.Response(304)
                if "before_id" in request.url.params
                else httpx.Response(200, json=page)
            )
        )
        with pytest.raises(ConflictError) as info:
            await gm.group_messages.send("42", "hello", source_guid="mine")
    assert post_route.call_count == 2  # it did not post a duplicate to be sure
    assert "mine" in str(info.value)


async def test_a_send_that_may_have_landed_says_so_and_names_its_guid(
    make_client: Callable[..., AsyncGroupMe],
) -> None:
    # A 503 may come from a proxy after GroupMe stored the message: giving up
    # must not read as "not sent", or the caller would send it again.
    with respx.mock:
        route = respx.post(GROUP_POST).mock(return_value=fail(503))
        async with make_client(retry=RetryPolicy(max_attempts=3)) as gm:
            with pytest.raises(SendOutcomeUnknownError) as info:
                await gm.group_messages.send("42", "hello", source_guid="g-1")
    assert route.call_count == 3
    assert len({_guid(call.request) for call in route.calls}) == 1
    assert info.value.source_guid == "g-1" and info.value.conversation_id == "42"
    assert isinstance(info.value.__cause__, ServerError)


async def test_a_send_refused_every_time_is_that_refusal_not_an_unknown(
    make_client: Callable[..., AsyncGroupMe],
) -> None:
    # 420 means GroupMe did not take the message: nothing may have landed.
    with respx.mock:
        route = respx.post(GROUP_POST).mock(return_value=fail(420))
        async with make_client(retry=RetryPolicy(max_attempts=3)) as gm:
            with pytest.raises(RateLimitError):
                await gm.group_messages.send("42", "hello")
    assert route.call_count == 3


@pytest.mark.parametrize(
    ("text", "attachments"),
    [("x" * 1001, ()), (None, ()), ("", ()), ("x" * 1001, (ImageAttachment(url="u"),))],
)
@pytest.mark.parametrize("kind", ["group", "dm"])
async def test_invalid_sends_raise_before_any_request(
    text: str | None, attachments: tuple[ImageAttachment, ...], kind: str, gm: AsyncGroupMe
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().mock(return_value=httpx.Response(201))
        with pytest.raises(ValueError):
            if kind == "group":
                await gm.group_messages.send("42", text, attachments=attachments)
            else:
                await gm.direct_messages.send("42", text, attachments=attachments)
    assert route.call_count == 0


async def test_1000_characters_and_attachment_only_sends_are_allowed(gm: AsyncGroupMe) -> None:
    with respx.mock:
        route = respx.post(GROUP_POST).mock(
            return_value=httpx.Response(201, json=envelope({"message": _message("1", "g")}, 201))
        )
        await gm.group_messages.send("42", "é" * 1000)
        await gm.group_messages.send(
            "42", attachments=[ImageAttachment(url="https://i.groupme.com/1")]
        )
    first, second = (json.loads(call.request.content)["message"] for call in route.calls)
    assert first["text"] == "é" * 1000
    assert "text" not in second
    assert second["attachments"] == [{"type": "image", "url": "https://i.groupme.com/1"}]
