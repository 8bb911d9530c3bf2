"""The one JSON codec the client and the export share: exact both ways."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groupme_async._json import dumps, loads

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**200), max_value=2**200)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON)
def test_what_is_written_reads_back_exactly(value: Any) -> None:
    assert loads(dumps(value)) == value
    # and any JSON encoder's output reads back exactly too
    assert loads(json.dumps(value).encode()) == value


@pytest.mark.parametrize("number", [2**63, 2**64, 10**30, -(2**63) - 1, 10**19])
def test_wide_integers_keep_every_digit(number: int) -> None:
    text = b'{"id": %d, "user_ids": [%d]}' % (number, number)
    value = loads(text)
    assert value == {"id": number, "user_ids": [number]}
    assert isinstance(value["id"], int)
    assert loads(dumps(value)) == value


def test_lone_surrogates_and_deep_nesting_are_written_and_read_back() -> None:
    lone = {"text": "\ud800 alone"}
    assert loads(dumps(lone)) == lone
    deep: Any = "bottom"
    for _ in range(600):  # deeper than orjson writes (254), within reach
        deep = [deep]
    assert loads(dumps(deep)) == deep


def test_nesting_beyond_reach_is_a_value_error_never_a_crash() -> None:
    with pytest.raises(ValueError):
        loads(b"[" * 100_000 + b"]" * 100_000)
    deep: Any = 1
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError):
        dumps(deep)
