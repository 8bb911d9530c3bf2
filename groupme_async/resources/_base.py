from __future__ import annotations

from .._transport import Transport


class Resource:
    """A family of endpoints; methods name a path, params and a model."""

    __slots__ = ("_t",)

    def __init__(self, transport: Transport) -> None:
        self._t = transport


def check_page(page: int, per_page: int) -> None:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise ValueError(f"page must be an integer >= 1, got {page!r}")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= 100:
        raise ValueError(f"per_page must be an integer from 1 to 100, got {per_page!r}")
