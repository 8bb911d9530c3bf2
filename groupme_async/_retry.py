"""The retry policy: how many attempts, and how long to wait between them."""

from __future__ import annotations

import random

import attrs

from ._constants import (
    DEFAULT_BASE_DELAY,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_DELAY,
    MAX_RETRY_AFTER,
)


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value!r}")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Exponential backoff with full jitter; ``Retry-After`` wins when sent.

    Attempt ``n`` (1-based) that failed waits a random time in
    ``[0, min(max_delay, base_delay * 2 ** (n - 1))]`` before the next one.
    ``RetryPolicy(max_attempts=1)`` turns retries off.
    """

    max_attempts: int = attrs.field(default=DEFAULT_MAX_ATTEMPTS)
    """Attempts in all, the first included."""
    base_delay: float = attrs.field(default=DEFAULT_BASE_DELAY, validator=_positive)
    """Upper bound of the first wait, in seconds."""
    max_delay: float = attrs.field(default=DEFAULT_MAX_DELAY, validator=_positive)
    """No single wait is longer than this (except a server's ``Retry-After``)."""

    @max_attempts.validator
    def _check_attempts(self, _: attrs.Attribute[int], value: int) -> None:
        if value < 1:
            raise ValueError(f"max_attempts must be at least 1, got {value!r}")

    def delay(
        self, attempt: int, retry_after: float | None = None, *, rng: random.Random | None = None
    ) -> float | None:
        """Seconds to wait after failed attempt ``attempt``, or ``None`` to give up."""
        if attempt >= self.max_attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= MAX_RETRY_AFTER else None
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return (rng or random).uniform(0.0, ceiling)
