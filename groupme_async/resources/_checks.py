"""Argument checks shared by the polls, events and subgroups resources."""

from __future__ import annotations

from collections.abc import Collection


def check_label(value: object, name: str) -> str:
    """A non-empty string (a poll subject, an event or topic name)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def check_choice(value: object, name: str, choices: Collection[str]) -> str:
    """One of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def check_optional(value: object, name: str) -> str | None:
    """``None`` or a string (an empty one clears a field)."""
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    return value
