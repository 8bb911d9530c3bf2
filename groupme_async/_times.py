"""ISO 8601 times a caller passes to GroupMe (event times, time cursors).

Checked before any request: a naive datetime would be read in some server's
local zone, and a string that is not a time would only fail remotely.
"""

from __future__ import annotations

from datetime import UTC, datetime

#: Longer than any ISO 8601 timestamp GroupMe sends or takes.
_MAX_LENGTH = 64


def parse_time(value: str) -> datetime:
    """An ISO 8601 string as an aware datetime (no zone means UTC);
    ``ValueError`` if it is not one."""
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def iso_time(value: object, name: str, *, utc: bool = False) -> str:
    """``value`` (an aware datetime, or an ISO 8601 string with a zone) as
    the string to send.

    ``utc=True`` writes a datetime in UTC with a ``Z`` (for query strings,
    where ``+`` would need escaping); otherwise its own offset is kept (an
    event's local time).  A string is sent as given once it parses, so a
    cursor GroupMe sent comes back to it byte for byte.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be a timezone-aware datetime")
        if not utc:
            return value.isoformat()
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, str):
        if len(value) > _MAX_LENGTH or not value.isascii() or not value.isprintable():
            raise ValueError(f"{name} must be an ISO 8601 time, got {value[:_MAX_LENGTH]!r}")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name} must be an ISO 8601 time, got {value!r}") from None
        if parsed.tzinfo is None:
            raise ValueError(f"{name} must say its timezone (e.g. end with Z), got {value!r}")
        return value
    raise ValueError(f"{name} must be a datetime or an ISO 8601 string, got {type(value).__name__}")


def now_utc() -> datetime:
    """The current wall-clock time, aware."""
    return datetime.now(UTC)
