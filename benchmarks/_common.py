"""Helpers the measurements share: GroupyAPI wiring, the raw loop, timing."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from typing import Any

import httpx


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def groupy_messages(origin: str, token: str, group_id: str) -> Any:
    """GroupyAPI's message manager for one group, pointed at ``origin``.

    GroupyAPI builds every URL from the class attribute
    ``groupy.api.base.Manager.base_url`` (``https://api.groupme.com/v3/``);
    the fake serves v3 under ``<origin>/v3``, so the attribute is replaced
    before the manager is made (a manager keeps the URL it was built with).
    """
    from groupy.api import base
    from groupy.api.messages import Messages
    from groupy.session import Session

    base.Manager.base_url = f"{origin}/v3/"
    return Messages(Session(token), group_id)


def groupy_walk(origin: str, token: str, group_id: str, *, page: int = 100) -> int:
    """Every message of a group with GroupyAPI, newest first.

    ``list(limit=100).autopage()`` is GroupyAPI at its best: its own
    ``list_all()`` ignores its ``limit`` argument and pages 20 at a time.
    """
    manager = groupy_messages(origin, token, group_id)
    messages: Iterator[Any] = (
        manager.list(limit=page).autopage() if page != 20 else manager.list_all()
    )
    n = 0
    for _message in messages:
        n += 1
    return n


def list_group_ids(origin: str, token: str, expected: int) -> list[str]:
    """The served fake's group ids (one page of up to 100), checked to be ``expected``."""
    groups = httpx.get(
        f"{origin}/v3/groups",
        params={"per_page": 100, "omit": "memberships"},
        headers={"X-Access-Token": token},
    ).json()["response"]
    group_ids = [str(g["id"]) for g in groups]
    if len(group_ids) != expected:
        raise RuntimeError(f"the fake lists {len(group_ids)} groups, expected {expected}")
    return group_ids


async def raw_walk(client: httpx.AsyncClient, url: str, token: str) -> int:
    """The same before_id paging with nothing but httpx and json."""
    n = 0
    headers = {"X-Access-Token": token}
    before: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 100}
        if before is not None:
            params["before_id"] = before
        r = await client.get(url, params=params, headers=headers)
        if r.status_code == 304:
            break
        r.raise_for_status()
        messages: list[dict[str, Any]] = json.loads(r.content)["response"]["messages"]
        if not messages:
            break
        n += len(messages)
        before = messages[-1]["id"]
    return n
