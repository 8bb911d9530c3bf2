"""Pure tests of ``_envelope.decode``: captured bodies in, data or an error out, no HTTP."""

from __future__ import annotations

import json

import pytest

from groupme_async import (
    APIError,
    AuthenticationError,
    BadRequestError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
)
from groupme_async._envelope import NO_CONTENT, decode, parse_retry_after

from ..recorded import RecordedCorpus

EP = "GET /test"


def _body(obj: object) -> bytes:
    return json.dumps(obj).encode()


def test_success_unwraps_the_envelope() -> None:
    body = _body({"response": {"id": "12345", "name": "Family"}, "meta": {"code": 200}})
    assert decode(200, {}, body, endpoint=EP) == {"id": "12345", "name": "Family"}


def test_success_with_null_errors_and_list_response() -> None:
    body = _body({"response": [1, 2], "meta": {"code": 200, "errors": None}})
    assert decode(200, {}, body, endpoint=EP) == [1, 2]


def test_success_without_envelope_is_taken_as_is() -> None:
    assert decode(200, {}, _body({"user": {"id": "1"}}), endpoint=EP) == {"user": {"id": "1"}}


@pytest.mark.parametrize("status", [204, 304])
def test_no_content_statuses(status: int) -> None:
    assert decode(status, {}, b"", endpoint=EP) is NO_CONTENT


def test_empty_2xx_body_is_no_content() -> None:
    assert decode(200, {}, b"", endpoint=EP) is NO_CONTENT
    assert decode(201, {}, b"  \n", endpoint=EP) is NO_CONTENT


def test_recorded_bot_post_202_text_html_empty_body(recorded: RecordedCorpus) -> None:
    cassette = recorded.yaml("colin99d__GroupmeBot/test_send_message.yaml")
    response = cassette["interactions"][0]["response"]
    headers = {k.lower(): v[0] for k, v in response["headers"].items()}
    assert response["status"]["code"] == 202
    assert headers["content-type"].startswith("text/html")
    data = decode(202, headers, response["body"]["string"].encode(), endpoint="POST /bots/post")
    assert data is NO_CONTENT


def test_non_json_2xx_is_a_decode_error_naming_the_endpoint() -> None:
    result = decode(200, {}, b"<html>oops</html>", endpoint=EP)
    assert isinstance(result, ResponseDecodeError)
    assert result.endpoint == EP and EP in str(result)


def test_truncated_json_is_a_decode_error() -> None:
    result = decode(200, {}, b'{"response": {"id": "1"', endpoint=EP)
    assert isinstance(result, ResponseDecodeError)


def test_error_carries_meta_errors() -> None:
    body = _body({"response": None, "meta": {"code": 400, "errors": ["Name is required"]}})
    result = decode(400, {}, body, endpoint=EP)
    assert isinstance(result, BadRequestError)
    assert result.status_code == 400 and result.errors == ["Name is required"]
    assert result.endpoint == EP


def test_error_with_a_string_errors_field() -> None:
    body = _body({"meta": {"code": 401, "errors": "unauthorized"}})
    result = decode(401, {}, body, endpoint=EP)
    assert isinstance(result, AuthenticationError) and result.errors == ["unauthorized"]


@pytest.mark.parametrize(
    "body", [b"", b"<html><body>502 Bad Gateway</body></html>", b"null", b"[1]", b'{"meta": 3}']
)
def test_error_without_usable_detail(body: bytes) -> None:
    result = decode(502, {"content-type": "text/html"}, body, endpoint=EP)
    assert isinstance(result, ServerError)
    assert result.status_code == 502 and result.errors == []
    assert "no error detail" in str(result)


def test_unknown_status_is_a_plain_api_error() -> None:
    result = decode(418, {}, b"", endpoint=EP)
    assert type(result) is APIError and result.status_code == 418


@pytest.mark.parametrize("status", [420, 429])
def test_rate_limit_retry_after(status: int) -> None:
    result = decode(status, {"retry-after": "12"}, b"", endpoint=EP)
    assert isinstance(result, RateLimitError) and result.retry_after == 12.0


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0
    now = 784111777.0  # Sun, 06 Nov 1994 08:49:37 GMT
    assert parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now=now) == 60.0
    assert parse_retry_after("Sun, 06 Nov 1994 08:48:37 GMT", now=now) == 0.0
