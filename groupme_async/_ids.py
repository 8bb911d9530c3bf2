"""Validation of caller strings before they reach a URL path or a cursor.

Every path segment is an id GroupMe issued: digits, or for DM chats two
digit runs joined by ``+``.  Anything else is refused before a request is
built, so no caller string can change which endpoint is called.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_DIGITS = re.compile(r"[0-9]{1,40}")
_CHAT_ID = re.compile(r"([0-9]{1,40})\+([0-9]{1,40})")


def check_id(value: object, name: str) -> str:
    """``value`` as a string of digits, or ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a GroupMe id (digits), got a bool")
    if isinstance(value, int) and value >= 0:
        return str(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return value
    raise ValueError(f"{name} must be a GroupMe id (digits), got {value!r}")


def check_chat_id(value: object, name: str = "chat_id") -> str:
    """A DM chat id ``"<user id>+<user id>"``, or ``ValueError``."""
    if isinstance(value, str) and _CHAT_ID.fullmatch(value):
        return value
    raise ValueError(f"{name} must look like '12345+67890', got {value!r}")


def check_conversation_id(value: object, name: str = "conversation_id") -> str:
    """A group id (digits) or a DM chat id (``digits+digits``)."""
    if isinstance(value, str) and "+" in value:
        return check_chat_id(value, name)
    return check_id(value, name)


def chat_id(user_id: str, other_user_id: str) -> str:
    """The DM chat id of two users: ``"<lower id>+<higher id>"``, numerically."""
    return "+".join(sorted((user_id, other_user_id), key=lambda x: (len(x), x)))


def id_key(message_id: str) -> int:
    """Numeric order of message ids (they grow with time)."""
    # isdigit() alone accepts "²" and other non-ASCII digits that int() refuses.
    return int(message_id) if message_id.isascii() and message_id.isdigit() else -1


# Tokens GroupMe issues that are not digits.  Letters, digits and at most
# "-" / "_": never "/", ".", "%" or NUL, so none can leave its path segment.
_SHARE_TOKEN = re.compile(r"[0-9A-Za-z_-]{1,64}")
_RESULTS_ID = re.compile(r"[0-9A-Za-z-]{1,64}")
_BOT_ID = re.compile(r"[0-9A-Za-z]{1,64}")


def _token_check(pattern: re.Pattern[str], what: str) -> Callable[[object, str], str]:
    def check(value: object, name: str) -> str:
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        raise ValueError(f"{name} must be {what}, got {value!r}")

    return check


#: A group's share token (the last segment of its share URL).
check_share_token = _token_check(_SHARE_TOKEN, "a share token (letters, digits, - or _)")
#: The job id ``members/add`` answers with.
check_results_id = _token_check(_RESULTS_ID, "a results id (letters, digits or -)")
#: A bot id (GroupMe's are 26 hex digits); it travels in bodies, not paths.
check_bot_id = _token_check(_BOT_ID, "a bot id (letters and digits)")
#: A file service id: letters, digits, ``-`` and ``_`` (a UUID or a hash),
#: so never a dot, a slash or an escape.
_FILE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


def check_file_id(value: object, name: str = "file_id") -> str:
    """A file id from the file service, or ``ValueError``."""
    if isinstance(value, str) and _FILE_ID.fullmatch(value):
        return value
    raise ValueError(f"{name} must be a file id (letters, digits, '-' and '_'), got {value!r}")


#: Path placeholders that are not plain digit ids, and their checks.
_PATH_RULES = {
    "chat_id": check_chat_id,
    "conversation_id": check_conversation_id,
    # groups, members (issue 12)
    "share_token": check_share_token,
    "results_id": check_results_id,
    "file_id": check_file_id,
}


def check_path_param(name: str, value: object) -> str:
    """``value`` checked for the path placeholder ``name`` (default: digits)."""
    return _PATH_RULES.get(name, check_id)(value, name)
