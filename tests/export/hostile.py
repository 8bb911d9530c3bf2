"""Hostile conditions for export tests, injected only through public seams.

- :class:`CrashAt` is an ``on_step`` hook that "kills" a run at its n-th disk
  step: that step and every later one raise, so nothing more reaches the
  disk, exactly as if the process had died there.
- :class:`HostileServer` wraps ``FakeGroupMe.transport()`` and misbehaves
  where FakeGroupMe does not: it serves extra groups whose messages are raw
  JSON text we choose (poison), and answers chosen pages of a walk back
  empty or malformed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from typing import Any

import httpx

from groupme_async.testing import FakeGroupMe


class Crash(Exception):
    """Stands for the process dying at a disk step."""


class CrashAt:
    """Dies at step ``at`` (0-based); ``None`` never dies and just counts."""

    def __init__(self, at: int | None = None) -> None:
        self.at = at
        self.steps: list[tuple[str, str]] = []

    def __call__(self, step: str, name: str) -> None:
        self.steps.append((step, name))
        if self.at is not None and len(self.steps) > self.at:
            raise Crash(f"killed before step {self.at}")

    @property
    def crashed(self) -> bool:
        return self.at is not None and len(self.steps) > self.at


def message_text(message: dict[str, Any]) -> str:
    """A message as GroupMe-style JSON text: ASCII, so a lone surrogate
    travels as the escape ``\\ud800`` and wide integers as exact digits."""
    return json.dumps(message, separators=(",", ":"))


class ServedGroup:
    """A group the hostile server adds, with messages from raw JSON text."""

    def __init__(self, group_id: str, name: str, messages: Iterable[dict[str, Any]] = ()) -> None:
        self.id = group_id
        self.name = name
        self._messages: list[tuple[int, str]] = []
        self.add(messages)

    def add(self, messages: Iterable[dict[str, Any]]) -> None:
        """Post ``messages`` (their ids must grow)."""
        for m in messages:
            self._messages.append((int(str(m["id"])), message_text(m)))
        self._messages.sort()

    def add_at(self, key: int, message: dict[str, Any]) -> None:
        """Post ``message`` at position ``key``, whatever its id says (or lacks)."""
        self._messages.append((key, message_text(message)))
        self._messages.sort()

    def truth(self) -> list[dict[str, Any]]:
        """What a standard JSON parser makes of what was served, oldest first."""
        return [json.loads(text) for _, text in self._messages]

    def page(self, params: httpx.QueryParams) -> httpx.Response:
        limit = min(int(params.get("limit", 20)), 100)
        if "before_id" in params:
            bound = int(params["before_id"])
            chosen = [m for m in reversed(self._messages) if m[0] < bound][:limit]
        elif "after_id" in params:
            bound = int(params["after_id"])
            chosen = [m for m in self._messages if m[0] > bound][:limit]
            return _messages(chosen, len(self._messages))
        else:
            chosen = list(reversed(self._messages))[:limit]
        if not chosen:
            return httpx.Response(304)
        return _messages(chosen, len(self._messages))


def _messages(chosen: list[tuple[int, str]], count: int) -> httpx.Response:
    # Spliced as text: each message goes out exactly as written.
    messages = ",".join(text for _, text in chosen)
    body = f'{{"response":{{"count":{count},"messages":[{messages}]}},"meta":{{"code":200}}}}'
    return httpx.Response(200, content=body.encode(), headers={"content-type": "application/json"})


class HostileServer(httpx.AsyncBaseTransport):
    """``fake`` plus extra groups, broken pages and faults of its own."""

    def __init__(self, fake: FakeGroupMe, *, fault_rate: float = 0.0, seed: int = 0) -> None:
        self.fake = fake
        self._inner = fake.transport()
        self.groups: dict[str, ServedGroup] = {}
        self._broken: dict[tuple[str, str], str] = {}
        self.fault_rate = fault_rate
        self._rng = random.Random(seed)
        self.broken_answers = 0

    def serve(self, group: ServedGroup) -> ServedGroup:
        self.groups[group.id] = group
        return group

    def break_page(self, kind: str, conversation_id: str, before_id: str, how: str) -> None:
        """Answer the walk back's page ``before_id`` ``how`` ("empty": a 200
        with no messages and no end signal; "malformed": a message with no
        id) until :meth:`heal`."""
        self._broken[(_target(kind, conversation_id), before_id)] = how

    def heal(self) -> None:
        self._broken.clear()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path, params = request.url.path, request.url.params
        target = _request_target(path, params)
        broken = self._broken.get((target, params.get("before_id", ""))) if target else None
        if broken is not None:
            self.broken_answers += 1
            messages = "[]" if broken == "empty" else '[{"text":"a message without an id"}]'
            body = f'{{"response":{{"count":1000,"messages":{messages}}},"meta":{{"code":200}}}}'
            return httpx.Response(200, content=body.encode())
        parts = path.strip("/").split("/")
        served = len(parts) == 4 and parts[:2] == ["v3", "groups"] and parts[2] in self.groups
        ours = served or (parts == ["v3", "groups"] and bool(self.groups))
        if ours and self.fault_rate and self._rng.random() < self.fault_rate:
            body = b'{"response":null,"meta":{"code":503,"errors":["try again"]}}'
            return httpx.Response(503, content=body)
        if served and parts[3] == "messages":
            return self.groups[parts[2]].page(params)
        response = await self._inner.handle_async_request(request)
        if parts == ["v3", "groups"] and request.method == "GET" and self.groups:
            return await self._with_served_groups(response, int(params.get("page", 1)))
        return response

    async def _with_served_groups(self, response: httpx.Response, page: int) -> httpx.Response:
        raw = await response.aread()
        if response.status_code != 200 or page != 1:  # a fault, or a later page: as it is
            return httpx.Response(response.status_code, headers=response.headers, content=raw)
        body = json.loads(raw)
        groups = body["response"]
        template = groups[0]
        for served in self.groups.values():
            group = json.loads(json.dumps(template))
            group.update(id=served.id, group_id=served.id, name=served.name)
            group["messages"] = dict(group.get("messages") or {}, count=len(served.truth()))
            groups.append(group)
        return httpx.Response(200, content=json.dumps(body).encode())

    async def aclose(self) -> None:
        await self._inner.aclose()


def _target(kind: str, conversation_id: str) -> str:
    return f"group:{conversation_id}" if kind == "group" else f"direct:{conversation_id}"


def _request_target(path: str, params: httpx.QueryParams) -> str | None:
    parts = path.strip("/").split("/")
    if len(parts) == 4 and parts[:2] == ["v3", "groups"] and parts[3] == "messages":
        return _target("group", parts[2])
    if parts == ["v3", "direct_messages"] and "other_user_id" in params:
        return _target("direct", params["other_user_id"])
    return None
