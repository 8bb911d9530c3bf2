"""JSON in and out, exactly: what GroupMe sent comes back digit for digit.

orjson is two to three times faster than the stdlib, but it turns an
integer wider than 64 bits into a float on the way in (``10**30`` becomes
``1e+30``), refuses one on the way out, refuses strings holding lone
surrogates, and nests at most 254 levels when writing.  The stdlib parser
and encoder take every one of those exactly, so they are the fallback.  The
client's envelope decoding and the export's archives share these two
functions.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_DIGITS_AS_NINES = bytes.maketrans(b"0123456789", b"9" * 10)
#: The shortest run of digits that orjson may round.
_WIDE_NUMBER = b"9" * 19


def loads(data: bytes) -> Any:
    """Parse JSON; ``ValueError`` for anything that is not (too deep included).

    A body with a run of 19 or more digits anywhere goes to the stdlib
    parser, which keeps every integer exact; so does anything orjson refuses.
    """
    if _WIDE_NUMBER not in data.translate(_DIGITS_AS_NINES):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def dumps(value: Any) -> bytes:
    """Compact JSON that :func:`loads` reads back to exactly ``value``.

    Integers wider than 64 bits are written whole, lone surrogates escaped,
    and nesting deeper than orjson writes (254 levels) goes to the stdlib;
    nesting deeper than Python's recursion limit (about 990 levels, which
    no real message comes near) is a ``ValueError``, never a crash.
    """
    try:
        return orjson.dumps(value)
    except TypeError:
        pass
    try:
        return json.dumps(value, separators=(",", ":")).encode()
    except RecursionError:
        raise ValueError("JSON nested too deeply to write") from None
