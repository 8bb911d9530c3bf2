"""The retry policy: how many attempts, how long to wait, and when to stop."""

from __future__ import annotations

import math
import random

import attrs

from ._constants import (
    DEFAULT_BASE_DELAY,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_DELAY,
    DEFAULT_SEND_WINDOW,
    DUPLICATE_WINDOW,
    MAX_RETRY_AFTER,
)


def check_seconds(value: object, name: str, *, allow_zero: bool = True) -> float:
    """``value`` as a finite, non-negative number of seconds, or ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number of seconds, got {value!r}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a finite, {kind} number of seconds, got {value!r}")
    return float(value)


def _seconds(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    check_seconds(value, attribute.name)


def _positive_seconds(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    check_seconds(value, attribute.name, allow_zero=False)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Exponential backoff with full jitter; ``Retry-After`` wins when sent.

    Attempt ``n`` (1-based) that failed waits a random time in
    ``[0, min(max_delay, base_delay * 2 ** (n - 1))]`` before the next one.
    ``RetryPolicy(max_attempts=1)`` turns retries off.  Every number is
    checked when the policy is made: NaN, infinity or a negative value is a
    ``ValueError``.
    """

    max_attempts: int = attrs.field(default=DEFAULT_MAX_ATTEMPTS)
    """Attempts in all, the first included."""
    base_delay: float = attrs.field(default=DEFAULT_BASE_DELAY, validator=_seconds)
    """Upper bound of the first wait, in seconds."""
    max_delay: float = attrs.field(default=DEFAULT_MAX_DELAY, validator=_seconds)
    """No single wait is longer than this (except a server's ``Retry-After``)."""
    deadline: float = attrs.field(default=DEFAULT_DEADLINE, validator=_positive_seconds)
    """Seconds a whole call may take: every attempt, wait and body read.
    Past it the call raises :class:`~groupme_async.APITimeoutError`."""
    send_window: float = attrs.field(default=DEFAULT_SEND_WINDOW, validator=_positive_seconds)
    """A send makes no attempt later than this many seconds after its first
    attempt began.  GroupMe refuses a repeated ``source_guid`` for only one
    minute, so this must be under 60: a later retry could post twice."""

    @max_attempts.validator
    def _check_attempts(self, _: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"max_attempts must be an integer of at least 1, got {value!r}")

    @send_window.validator
    def _check_window(self, _: attrs.Attribute[float], value: float) -> None:
        if value >= DUPLICATE_WINDOW:
            raise ValueError(
                f"send_window must be under {DUPLICATE_WINDOW:g} seconds (GroupMe's duplicate "
                f"window); a retry after it could post the message twice. Got {value!r}"
            )

    def delay(
        self, attempt: int, retry_after: float | None = None, *, rng: random.Random | None = None
    ) -> float | None:
        """Seconds to wait after failed attempt ``attempt``, or ``None`` to give up."""
        if attempt >= self.max_attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= MAX_RETRY_AFTER else None
        # min() before the power would overflow: 2 ** 1100 is not a float.
        ceiling = self.max_delay if attempt > 64 else self.base_delay * 2 ** (attempt - 1)
        return (rng or random).uniform(0.0, min(self.max_delay, ceiling))
