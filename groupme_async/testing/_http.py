"""Requests and replies as the fake's handlers see them, in GroupMe's envelope."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

DIGITS = re.compile(r"[0-9]{1,40}")
#: A DM chat id: the two user ids, lower first, joined by "+".
CHAT_ID = re.compile(r"([0-9]{1,40})\+([0-9]{1,40})")

JSON_TYPE = b"application/json; charset=utf-8"


class HTTPError(Exception):
    """Ends a handler with an error envelope."""

    def __init__(self, status: int, *errors: str) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = list(errors)


def not_found() -> HTTPError:
    """GroupMe's answer for an id it does not know (on an endpoint it has)."""
    return HTTPError(404, "Not Found")


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: bytes = JSON_TYPE
    headers: tuple[tuple[bytes, bytes], ...] = ()
    """Further response headers (a media host's ``Location``)."""


def encode(data: Any) -> bytes:
    # The same bytes as json.dumps(..., ensure_ascii=False, separators=(",", ":")).
    return orjson.dumps(data)


def ok(data: Any, status: int = 200) -> Reply:
    return Reply(status, encode({"response": data, "meta": {"code": status}}))


def error(status: int, errors: Sequence[str]) -> Reply:
    return Reply(
        status, encode({"response": None, "meta": {"code": status, "errors": list(errors)}})
    )


def empty(status: int) -> Reply:
    return Reply(status)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-case names (the last of repeated headers wins)."""
    origin: str = "http://fake"
    """``scheme://host[:port]`` the request was sent to, for absolute URLs
    the fake hands out (upload status URLs)."""

    def json(self) -> Any:
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body)
        except ValueError:
            raise HTTPError(400, "Request body is not valid JSON") from None

    def json_object(self, key: str | None = None) -> dict[str, Any]:
        data = self.json()
        if key is not None:
            data = data.get(key) if isinstance(data, dict) else None
        if not isinstance(data, dict):
            raise HTTPError(400, f"{key or 'body'} must be a JSON object")
        return data

    def int_param(self, name: str, default: int) -> int:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        if not raw.isdigit():
            raise HTTPError(400, f"{name} must be an integer")
        return int(raw)

    def page(self, default_per_page: int) -> tuple[int, int]:
        """``page`` and ``per_page``, both at least 1."""
        page = self.int_param("page", 1)
        per_page = self.int_param("per_page", default_per_page)
        if page < 1 or per_page < 1:
            raise HTTPError(400, "page and per_page must be at least 1")
        return page, per_page
