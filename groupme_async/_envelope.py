"""Pure decoding of GroupMe responses: ``(status, headers, body) -> data | error``.

No I/O happens here, so every branch is tested on captured bodies without
HTTP.  The transport raises or retries what these functions return.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from typing import Any

from ._json import loads
from .errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
)

_STATUS_ERRORS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    420: RateLimitError,
    429: RateLimitError,
}

#: Marker for "the server had nothing to say": 204 No Content, 304 Not
#: Modified (an empty page, never an error) and empty 2xx bodies such as the
#: bots endpoint's 202 with a ``text/html`` nothing.
NO_CONTENT: Any = None


def error_class(status: int) -> type[APIError]:
    if status in _STATUS_ERRORS:
        return _STATUS_ERRORS[status]
    if status >= 500:
        return ServerError
    return APIError


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        current = time.time() if now is None else now
        seconds = when.timestamp() - current
    return max(0.0, seconds)


#: Server text copied into an exception: at most this many errors, each cut
#: to this many characters.
MAX_ERRORS = 10
MAX_ERROR_CHARS = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean_text(text: str, secret: str | None = None) -> str:
    """Server-sent ``text`` made safe for an exception message or a log line:
    ``secret`` (the token, if the server echoes it) redacted, control
    characters escaped (no forged log lines, no terminal escapes), and the
    length capped."""
    if secret:
        text = text.replace(secret, "[REDACTED]")
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    if len(text) > MAX_ERROR_CHARS:
        text = text[:MAX_ERROR_CHARS] + "..."
    return text


def _errors_from(payload: Any, secret: str | None) -> list[str]:
    if not isinstance(payload, Mapping):
        return []
    meta = payload.get("meta")
    if not isinstance(meta, Mapping):
        return []
    errors = meta.get("errors")
    if isinstance(errors, str):
        errors = [errors]
    if not isinstance(errors, list):
        return []
    return [clean_text(str(e), secret) for e in errors[:MAX_ERRORS]]


def decode(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    endpoint: str,
    secret: str | None = None,
) -> Any:
    """Return the unwrapped ``response`` data, or an exception instance to raise.

    Successful bodies may come with the envelope (``{"response", "meta"}``) or
    without it (some v2 answers and recordings); both are accepted.  Error
    text from the server is cleaned by :func:`clean_text` (``secret`` is
    redacted from it).
    """
    if status in (204, 304):
        return NO_CONTENT
    if 200 <= status < 300:
        if not body.strip():
            return NO_CONTENT
        try:
            payload = loads(body)
        except ValueError as exc:
            return ResponseDecodeError(endpoint, f"body is not JSON ({exc.__class__.__name__})")
        if isinstance(payload, dict) and "meta" in payload and "response" in payload:
            return payload["response"]
        return payload
    payload = None
    if body.strip():
        try:
            payload = loads(body)
        except ValueError:
            payload = None  # an HTML page from a proxy: keep the status, drop the body
    retry_after = parse_retry_after(headers.get("retry-after"))
    return error_class(status)(
        status, _errors_from(payload, secret), endpoint=endpoint, retry_after=retry_after
    )


def expect_dict(data: Any, endpoint: str, key: str | None = None) -> Any:
    """``data`` (or ``data[key]``) checked to be a JSON object."""
    if not isinstance(data, dict):
        raise ResponseDecodeError(endpoint, f"expected an object, got {type(data).__name__}")
    if key is None:
        return data
    if key not in data:
        raise ResponseDecodeError(endpoint, f"missing key {key!r}")
    return data[key]


def expect_list(data: Any, endpoint: str) -> list[Any]:
    if data is NO_CONTENT:
        return []
    if not isinstance(data, list):
        raise ResponseDecodeError(endpoint, f"expected a list, got {type(data).__name__}")
    return data
