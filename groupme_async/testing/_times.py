"""ISO 8601 times as GroupMe's newer endpoints send and take them."""

from __future__ import annotations

from datetime import UTC, datetime

from ._http import HTTPError


def iso_z(seconds: int, micro: int | None = None) -> str:
    """Unix ``seconds`` as ``2025-05-14T14:33:17Z`` (``.ffffff`` with ``micro``)."""
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}Z" if micro is None else f"{text}.{micro:06d}Z"


def parse_iso(value: object, name: str) -> datetime:
    """A client's ISO 8601 time (no zone means UTC), or a 400."""
    if not isinstance(value, str) or not value:
        raise HTTPError(400, f"{name} must be an ISO 8601 time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise HTTPError(400, f"{name} must be an ISO 8601 time") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
