"""Inputs the caller gets wrong, and the limiter left alone for minutes.

``test_client_options.py`` already refuses NaN, infinities and negatives in
``AsyncGroupMe(timeout=...)`` and in each ``RetryPolicy`` number; this
fills the gaps: the same numbers through ``with_options``, zero where only
a positive number makes sense, values of the wrong type, the body cap and
the attempt count, and a single id string where a list of ids belongs.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from groupme_async import AdaptiveRateLimiter, AsyncGroupMe, RetryPolicy

from ..clock import VirtualClock
from .conftest import TOKEN

NOT_SECONDS = [math.nan, math.inf, -math.inf, -1.0, "5", True, None]


@pytest.mark.parametrize("bad", [*NOT_SECONDS, 0, 0.0])
def test_with_options_refuses_a_timeout_that_is_not_a_positive_finite_number(bad: Any) -> None:
    gm = AsyncGroupMe(TOKEN)
    with pytest.raises(ValueError, match="timeout"):
        gm.with_options(timeout=bad)
    with pytest.raises(ValueError, match="timeout"):
        AsyncGroupMe(TOKEN, timeout=bad)


@pytest.mark.parametrize("field", ["base_delay", "max_delay", "deadline", "send_window"])
@pytest.mark.parametrize("bad", ["1", True, None, [1.0]])
def test_retry_numbers_of_the_wrong_type_are_value_errors(field: str, bad: Any) -> None:
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**{field: bad})


@pytest.mark.parametrize("field", ["deadline", "send_window"])
def test_a_zero_deadline_or_send_window_is_refused(field: str) -> None:
    # Zero waits are fine (base_delay=0 retries at once); a zero window or
    # deadline would forbid the first attempt.
    with pytest.raises(ValueError, match=f"{field}.*positive"):
        RetryPolicy(**{field: 0})
    assert RetryPolicy(base_delay=0, max_delay=0).delay(1, rng=None) == 0.0


@pytest.mark.parametrize("bad", [1.0, 2.5, True, math.nan, math.inf, "3", -1, None])
def test_max_attempts_must_be_a_whole_number_of_at_least_one(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=bad)


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, math.nan, math.inf, "16", None])
def test_max_response_bytes_must_be_a_positive_integer(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        AsyncGroupMe(TOKEN, max_response_bytes=bad)
    with pytest.raises(ValueError, match="max_response_bytes"):
        AsyncGroupMe(TOKEN).with_options(max_response_bytes=bad)


ID_LISTS: list[Callable[[AsyncGroupMe, Any], Awaitable[Any]]] = [
    lambda gm, v: gm.users.set_majors(v),
    lambda gm, v: gm.pinned_conversations.set(v),
]


@pytest.mark.parametrize("call", ID_LISTS, ids=["set_majors", "pinned_conversations.set"])
@pytest.mark.parametrize(
    "value", ["123", b"123", "12+34", {"123"}, (c for c in "123"), {"123": 1}, 123]
)
async def test_one_id_where_a_list_of_ids_belongs_is_a_type_error(
    call: Callable[[AsyncGroupMe, Any], Awaitable[Any]], value: Any
) -> None:
    # A string is iterable: unchecked, "123" would be sent as ["1", "2", "3"].
    async with AsyncGroupMe(TOKEN) as gm:
        with respx.mock(assert_all_called=False) as mock:
            route = mock.route().mock(return_value=httpx.Response(204))
            with pytest.raises(TypeError, match="list of ids"):
                await call(gm, value)
    assert route.call_count == 0


# --- the adaptive limiter after a long silence ---------------------------------------


@pytest.mark.parametrize("silence", [511.0, 513.0, 600.0, 86_400.0, 1e9])
async def test_fast_growth_after_a_long_silence_does_not_overflow(silence: float) -> None:
    # After the first refusal the rate grows x4 per second until the next
    # one; 4 ** 512 s is past the largest float, which used to raise
    # OverflowError from report() and kill the export's task.
    clock = VirtualClock(start=0.0)
    limiter = AdaptiveRateLimiter(clock=clock, sleep=clock.sleep)
    for _ in range(10):
        clock.now += 0.1
        limiter.report(200)
    limiter.report(420)
    assert limiter.rate is not None
    clock.now += silence
    limiter.report(200)
    assert 0 < limiter.rate <= 1e6
    # Still a working gate: the next slots are close together, not never.
    start = clock.now
    for _ in range(3):
        await limiter.acquire()
        limiter.report(200)
    assert clock.now - start < 1.0
