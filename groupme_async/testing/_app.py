"""FakeGroupMe: a stateful GroupMe API as a raw ASGI application."""

from __future__ import annotations

import json
import math
import random
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import anyio
import orjson

from ._asgi import IN_PROCESS_KEY, NetworkFault, Receive, Scope, Send
from ._data import ConversationKind, ConversationSpec, User, derive
from ._store import ConversationStore
from ._world import World, build_world

if TYPE_CHECKING:
    import httpx

    from .._client import AsyncGroupMe

#: The access token of the seeded "me" user (the same for every seed).
SANDBOX_TOKEN = "sandbox0groupme0async0fake0token0000000"  # noqa: S105 - a public test token

#: Every fault the fake can inject.
ALL_FAULTS: tuple[str, ...] = (
    "500",
    "503",
    "502html",
    "drop",
    "slow",
    "truncate",
    "lost_after_commit",
)

#: The origin ``client()`` points at; any host works, this one says "not real".
FAKE_BASE_URL = "http://fake.groupme.test"

MAX_PAGE_LIMIT = 100
MAX_TEXT_LENGTH = 1000
MAX_BODY_BYTES = 8 * 1024 * 1024

_DIGITS = re.compile(r"[0-9]{1,40}")
_CHAT_ID = re.compile(r"([0-9]{1,40})\+([0-9]{1,40})")
_VISIBILITIES = ("hidden", "graduation_year", "major", "visible")
_JSON = b"application/json; charset=utf-8"
_HTML = b"text/html; charset=utf-8"
_BAD_GATEWAY_HTML = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><center><h1>502 Bad Gateway</h1></center></body></html>"
)


class _HTTPError(Exception):
    """Ends a handler with an error envelope."""

    def __init__(self, status: int, *errors: str) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = list(errors)


@dataclass(frozen=True)
class FakeConversation:
    """A conversation the fake serves (ground truth for tests)."""

    kind: ConversationKind
    id: str
    """The group id, or the other user's id for a DM."""
    conversation_id: str
    """The group id, or the DM chat id ``"<lower>+<higher>"``."""
    name: str
    """The group name, or the other user's name."""
    message_count: int
    """Messages not deleted, at the time of the call."""


@dataclass
class FakeStats:
    """Counters of what the fake has seen and done."""

    requests: int = 0
    """HTTP requests received."""
    responses: Counter[int] = field(default_factory=Counter)
    """Responses sent, by status (dropped connections are not responses)."""
    faults: Counter[str] = field(default_factory=Counter)
    """Faults injected, by kind."""


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    content_type: bytes = _JSON


def _encode(data: Any) -> bytes:
    # The same bytes as json.dumps(..., ensure_ascii=False, separators=(",", ":")).
    return orjson.dumps(data)


def _ok(data: Any, status: int = 200) -> _Reply:
    return _Reply(status, _encode({"response": data, "meta": {"code": status}}))


def _error(status: int, errors: Sequence[str]) -> _Reply:
    return _Reply(
        status, _encode({"response": None, "meta": {"code": status, "errors": list(errors)}})
    )


def _empty(status: int) -> _Reply:
    return _Reply(status)


@dataclass
class _Request:
    method: str
    parts: list[str]
    query: dict[str, str]
    body: bytes

    def json(self) -> Any:
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body)
        except ValueError:
            raise _HTTPError(400, "Request body is not valid JSON") from None

    def json_object(self, key: str | None = None) -> dict[str, Any]:
        data = self.json()
        if key is not None:
            data = data.get(key) if isinstance(data, dict) else None
        if not isinstance(data, dict):
            raise _HTTPError(400, f"{key or 'body'} must be a JSON object")
        return data

    def int_param(self, name: str, default: int) -> int:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        if not raw.isdigit():
            raise _HTTPError(400, f"{name} must be an integer")
        return int(raw)


class FakeGroupMe:
    """A faithful, stateful fake of the GroupMe API, as an ASGI application.

    The world (users, DM chats, groups, messages) is generated from ``seed``:
    the same seed gives the same bytes in every process.  ``dm_chats`` and
    ``groups`` say how many conversations "me" has.  Each has
    ``messages_per_conversation`` messages varied deterministically by up to
    50% either way, or exactly that many with ``exact_counts=True`` (use it
    for a conversation of exactly 1,000,000 messages: messages are generated
    on demand and cost no memory).

    ``rate_limit`` (requests per second) and ``burst`` enable a token bucket
    per access token; past it the answer is 420 Enhance Your Calm.
    ``fault_rate`` is the chance that a request gets one of ``faults`` (drawn
    from a RNG seeded by ``seed``); ``cache_messages`` keeps that many
    generated messages per conversation for reuse (0, the default, keeps
    none: memory stays flat however long the history); ``slow_seconds`` is the delay of the
    "slow" fault.  ``fault_rate`` may be changed between requests (e.g. set
    to 0 to check what a faulted write left behind).  ``clock`` (default
    ``time.monotonic``) drives the rate limit and the 60 s ``source_guid``
    window, so tests need not sleep;
    ``sleep`` (default ``anyio.sleep``) is what the "slow" fault awaits.

    Serve it in process with :meth:`transport` / :meth:`client`, or on a
    socket with ``python -m groupme_async.testing serve``.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        dm_chats: int = 4,
        groups: int = 3,
        messages_per_conversation: int = 300,
        exact_counts: bool = False,
        rate_limit: float | None = None,
        burst: int | None = None,
        fault_rate: float = 0.0,
        faults: Sequence[str] = ALL_FAULTS,
        slow_seconds: float = 0.05,
        cache_messages: int = 0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        unknown = sorted(set(faults) - set(ALL_FAULTS))
        if unknown:
            raise ValueError(f"unknown faults {unknown}; choose from {ALL_FAULTS}")
        if not 0.0 <= fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if rate_limit is not None and rate_limit <= 0:
            raise ValueError("rate_limit must be a positive number of requests per second")
        if burst is not None and burst < 1:
            raise ValueError("burst must be at least 1")
        self.seed = seed
        self._world: World = build_world(
            seed,
            dm_chats=dm_chats,
            groups=groups,
            messages_per_conversation=messages_per_conversation,
            exact_counts=exact_counts,
        )
        self._clock = clock or time.monotonic
        self._sleep = sleep or anyio.sleep
        # Message timestamps are wall-clock seconds; the injected clock only
        # says how much time has passed since the fake was made.
        self._wall_offset = time.time() - self._clock()
        self.rate_limit = rate_limit
        self.burst = burst if burst is not None else max(1, math.ceil(rate_limit or 1))
        self._buckets: dict[str, tuple[float, float]] = {}
        self.fault_rate = fault_rate
        self.faults = tuple(faults)
        self.slow_seconds = slow_seconds
        self._fault_rng = random.Random(derive(seed, "faults"))
        self.stats = FakeStats()
        self._tokens = {SANDBOX_TOKEN}
        self._groups: dict[str, ConversationStore] = {}
        self._dms: dict[str, ConversationStore] = {}
        for spec in self._world.conversations:
            target = self._groups if spec.kind == "group" else self._dms
            target[spec.id] = ConversationStore(spec, cache_messages)
        me = self._world.me
        self._me: dict[str, Any] = {
            "name": me.name,
            "email": me.email,
            "image_url": me.avatar_url,
            "zip_code": None,
            "bio": "",
            "song_url": None,
            "photo_urls": [],
            "interests": [],
            "major_codes": [],
            "graduation_year": "",
            "campus_profile_visibility": "hidden",
            "updated_at": self._world.me_created_at,
            "share_serial": 0,
            "disable_favorite_notification": False,
            "group_notification_sound": None,
            "dm_notification_sound": None,
            "sms": False,
        }
        self._blocks: dict[str, int] = {}
        pinned = [s.chat_id for s in self._world.conversations[:1]]
        self._pinned: list[str] = pinned

    # --- ground truth ----------------------------------------------------------

    @property
    def token(self) -> str:
        """The sandbox access token (:data:`SANDBOX_TOKEN`)."""
        return SANDBOX_TOKEN

    @property
    def me_id(self) -> str:
        """The user id of "me", the owner of :data:`SANDBOX_TOKEN`."""
        return self._world.me.id

    def user_ids(self) -> list[str]:
        """Every generated user id ("me" first)."""
        return list(self._world.users)

    def conversations(self) -> list[FakeConversation]:
        """Every conversation: DM chats first, then groups, in generation order."""
        stores = [*self._dms.values(), *self._groups.values()]
        return [
            FakeConversation(
                kind=s.spec.kind,
                id=s.spec.id,
                conversation_id=s.spec.chat_id,
                name=s.spec.name,
                message_count=s.alive,
            )
            for s in stores
            if s.total
        ]

    def messages(self, kind: ConversationKind, id: str) -> Iterator[dict[str, Any]]:
        """Every live message of a conversation, oldest first, as the API returns them.

        ``id`` is the group id or the other user's id.  Messages written by
        clients or :meth:`post` are included; deleted ones are not.
        """
        return self._store(kind, id).iter_all()

    def message_count(self, kind: ConversationKind, id: str) -> int:
        """The conversation's ``count`` (live messages)."""
        return self._store(kind, id).alive

    def post(
        self,
        kind: ConversationKind,
        id: str,
        text: str | None = None,
        *,
        user_id: str | None = None,
        attachments: Sequence[dict[str, Any]] = (),
        source_guid: str | None = None,
    ) -> dict[str, Any]:
        """Store a message as if someone posted it now; returns it.

        ``user_id`` defaults to the other side of a DM, or the first group
        member who is not "me".  The message gets the newest id.
        """
        store = self._store(kind, id)
        senders = store.spec.senders
        if user_id is None:
            user_id = next((u.id for u in senders if u.id != self.me_id), self.me_id)
        sender = next((u for u in senders if u.id == user_id), None)
        if sender is None:
            raise ValueError(f"user {user_id} is not in that conversation")
        if not text and not attachments:
            raise ValueError("a message needs text or attachments")
        guid = source_guid or f"fake-{derive(self.seed, 'post', kind, id, store.total):016x}"
        return self._store_message(store, sender, text, list(attachments), guid, self._clock())

    def _store(self, kind: str, id: str) -> ConversationStore:
        table = self._groups if kind == "group" else self._dms if kind == "direct" else None
        if table is None:
            raise ValueError(f"kind must be 'group' or 'direct', not {kind!r}")
        store = table.get(id)
        if store is None:
            raise KeyError(f"no {kind} conversation {id!r}")
        return store

    # --- in-process use ------------------------------------------------------

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that serves this fake in process.

        Dropped and truncated connections surface as ``httpx.RemoteProtocolError``,
        exactly as on a real socket.
        """
        from ._transport import FakeTransport

        return FakeTransport(self)

    def client(self, **kwargs: Any) -> AsyncGroupMe:
        """An :class:`~groupme_async.AsyncGroupMe` for "me", wired to this fake."""
        from .._client import AsyncGroupMe

        return AsyncGroupMe(
            SANDBOX_TOKEN, base_url=FAKE_BASE_URL, transport=self.transport(), **kwargs
        )

    # --- ASGI ----------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        self.stats.requests += 1
        in_process = bool(scope.get(IN_PROCESS_KEY))
        token = _token(scope)
        query = dict(
            parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        )
        if token is None:
            token = query.get("token")
        method: str = scope["method"]
        parts = [p for p in scope["path"].split("/") if p]
        if token not in self._tokens:
            await self._send(send, _error(401, ["unauthorized"]))
            return
        if self.rate_limit is not None and not self._take_token(token):
            await self._send(send, _error(420, ["Enhance Your Calm"]))
            return
        fault = self._draw_fault(method, parts)
        if fault is not None:
            self.stats.faults[fault] += 1
            if fault in ("500", "503"):
                await self._send(
                    send,
                    _error(
                        int(fault),
                        ["Internal Server Error" if fault == "500" else "Service Unavailable"],
                    ),
                )
                return
            if fault == "502html":
                await self._send(send, _Reply(502, _BAD_GATEWAY_HTML, _HTML))
                return
            if fault == "drop":
                await _abort(send, in_process, "drop", 200, b"", expected=64)
                return
            if fault == "slow":
                await self._sleep(self.slow_seconds)
        request = _Request(method, parts, query, body)
        try:
            reply = self._route(request)
        except _HTTPError as exc:
            reply = _error(exc.status, exc.errors)
        if fault == "lost_after_commit":
            await _abort(send, in_process, fault, reply.status, b"", expected=len(reply.body) or 64)
            return
        if fault == "truncate":
            cut = reply.body[: len(reply.body) // 2]
            await _abort(send, in_process, fault, reply.status, cut, expected=len(reply.body) or 64)
            return
        await self._send(send, reply)

    async def _send(self, send: Send, reply: _Reply) -> None:
        self.stats.responses[reply.status] += 1
        headers = [(b"content-length", str(len(reply.body)).encode())]
        if reply.body or reply.status not in (204, 304):
            headers.append((b"content-type", reply.content_type))
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    def _take_token(self, token: str) -> bool:
        rate = self.rate_limit
        assert rate is not None
        now = self._clock()
        level, last = self._buckets.get(token, (float(self.burst), now))
        level = min(float(self.burst), level + (now - last) * rate)
        if level < 1.0:
            self._buckets[token] = (level, now)
            return False
        self._buckets[token] = (level - 1.0, now)
        return True

    def _draw_fault(self, method: str, parts: list[str]) -> str | None:
        if self.fault_rate <= 0.0 or not self.faults:
            return None
        if self._fault_rng.random() >= self.fault_rate:
            return None
        is_send = method == "POST" and (
            (parts[-1:] == ["messages"] and parts[:2] == ["v3", "groups"])
            or parts == ["v3", "direct_messages"]
        )
        kinds = [f for f in self.faults if f != "lost_after_commit" or is_send]
        return self._fault_rng.choice(kinds) if kinds else None

    # --- routing ---------------------------------------------------------------

    def _route(self, r: _Request) -> _Reply:
        parts = r.parts
        family = parts[0] if parts else ""
        rest = parts[1:]
        method = r.method
        n = len(rest)
        if family == "v3" and n:
            head = rest[0]
            if head == "groups":
                if n == 1 and method == "GET":
                    return self._list_groups(r)
                if n == 2 and method == "GET":
                    return _ok(self._group_json(self._group(rest[1])))
                if n == 3 and rest[2] == "messages":
                    if method == "GET":
                        return self._list_messages(r, self._group(rest[1]), "messages")
                    if method == "POST":
                        return self._create_message(self._group(rest[1]), r.json_object("message"))
            elif head == "direct_messages" and n == 1:
                if method == "GET":
                    other = r.query.get("other_user_id")
                    if not other:
                        raise _HTTPError(400, "other_user_id is required")
                    return self._list_messages(r, self._dm(other), "direct_messages")
                if method == "POST":
                    payload = r.json_object("direct_message")
                    recipient = payload.get("recipient_id")
                    if not isinstance(recipient, str | int) or not str(recipient):
                        raise _HTTPError(400, "recipient_id is required")
                    return self._create_message(self._dm(str(recipient), create=True), payload)
            elif head == "chats" and method == "GET":
                if n == 1:
                    return self._list_chats(r)
                if n == 2:
                    return _ok(self._chat_json(self._chat(rest[1])))
            elif (
                head == "conversations" and n == 4 and rest[2] == "messages" and method == "DELETE"
            ):
                return self._delete_message(rest[1], rest[3])
            elif head == "users":
                return self._users(r, rest[1:])
            elif head == "directories" and rest[1:2] == ["user"] and n == 3 and method == "PUT":
                if rest[2] == "majors":
                    return self._set_majors(r)
                if rest[2] == "membership":
                    return self._set_membership(r)
            elif head == "blocks":
                return self._blocks_route(r, rest[1:])
        elif family == "v4" and rest == ["pinned_conversations"]:
            if method == "GET":
                return _ok({"pinned_conversation_ids": list(self._pinned)})
            if method == "PUT":
                return self._set_pinned(r)
        elif family == "v2" and method == "POST":
            if rest == ["read_receipts"]:
                return self._read_receipt(r)
            if n == 2 and rest[0] == "users":
                return self._update_profile(r, rest[1])
        elif family == "image" and rest == ["pictures"] and method == "POST":
            return self._upload_picture(r)
        raise _HTTPError(404, "Not Found")

    # --- lookups ---------------------------------------------------------------

    def _group(self, group_id: str) -> ConversationStore:
        store = self._groups.get(group_id)
        if store is None:
            raise _HTTPError(404, "Not Found")
        return store

    def _dm(self, other_id: str, *, create: bool = False) -> ConversationStore:
        if not _DIGITS.fullmatch(other_id):
            raise _HTTPError(400, "other_user_id is invalid")
        store = self._dms.get(other_id)
        if store is not None:
            return store
        other = self._world.users.get(other_id)
        if other is None:
            raise _HTTPError(404, "Not Found")
        if other.id == self.me_id:
            raise _HTTPError(400, "You cannot message yourself")
        store = ConversationStore(self._empty_dm_spec(other))
        if create:
            self._dms[other_id] = store
        return store

    def _empty_dm_spec(self, other: User) -> ConversationSpec:
        me = self._world.me
        lo, hi = sorted((me.id, other.id), key=int)
        now = int(self._wall_offset + self._clock())
        return ConversationSpec(
            kind="direct", id=other.id, chat_id=f"{lo}+{hi}", name=other.name,
            slot=len(self._dms) + len(self._groups) + 1, key=derive(self.seed, "dm", other.id),
            count=0, start=now, step=1, me=me, senders=(me, other),
            nicknames=(me.name, other.name), created_at=now,
        )  # fmt: skip

    def _chat(self, chat_id: str) -> ConversationStore:
        match = _CHAT_ID.fullmatch(chat_id)
        if match is None:
            raise _HTTPError(404, "Not Found")
        a, b = match.groups()
        other = b if a == self.me_id else a if b == self.me_id else None
        store = self._dms.get(other) if other is not None else None
        if store is None or store.spec.chat_id != chat_id:
            raise _HTTPError(404, "Not Found")
        return store

    def _conversation(self, conversation_id: str) -> ConversationStore:
        if "+" in conversation_id:
            return self._chat(conversation_id)
        return self._group(conversation_id)

    # --- messages --------------------------------------------------------------

    def _list_messages(self, r: _Request, store: ConversationStore, key: str) -> _Reply:
        raw_limit = r.query.get("limit")
        if raw_limit is None or raw_limit == "":
            limit = 20
        else:
            try:
                limit = int(raw_limit)
            except ValueError:
                raise _HTTPError(400, "limit must be an integer") from None
            if limit < 1:
                raise _HTTPError(400, "limit must be at least 1")
            limit = min(limit, MAX_PAGE_LIMIT)
        cursors: dict[str, int] = {}
        for name in ("before_id", "since_id", "after_id"):
            value = r.query.get(name)
            if value is None or value == "":
                continue
            if not _DIGITS.fullmatch(value):
                raise _HTTPError(400, f"{name} must be a message id")
            cursors[name] = int(value)
        # With several cursors, the documented order decides (before, since, after).
        if "before_id" in cursors:
            messages = store.descending(store.lower_bound(cursors["before_id"]), 0, limit)
        elif "since_id" in cursors:
            floor = store.lower_bound(cursors["since_id"] + 1)
            messages = store.descending(store.total, floor, limit)
        elif "after_id" in cursors:
            messages = store.ascending(store.lower_bound(cursors["after_id"] + 1), limit)
            # An after_id at or past the newest message answers 200 with an
            # empty list on the real API, not 304.
        else:
            messages = store.descending(store.total, 0, limit)
        if not messages and "after_id" not in cursors:
            return _empty(304)
        body: dict[str, Any] = {"count": store.alive, key: messages}
        if key == "direct_messages" and store.read_receipt is not None:
            body["read_receipt"] = store.read_receipt
        return _ok(body)

    def _create_message(self, store: ConversationStore, payload: dict[str, Any]) -> _Reply:
        guid = payload.get("source_guid")
        if not isinstance(guid, str) or not guid:
            raise _HTTPError(400, "source_guid is required")
        text = payload.get("text")
        if text is not None and not isinstance(text, str):
            raise _HTTPError(400, "text must be a string")
        if text is not None and len(text) > MAX_TEXT_LENGTH:
            raise _HTTPError(400, f"text is too long (maximum is {MAX_TEXT_LENGTH} characters)")
        attachments = payload.get("attachments", [])
        if attachments is None:
            attachments = []
        if not isinstance(attachments, list) or not all(
            isinstance(a, dict) and isinstance(a.get("type"), str) for a in attachments
        ):
            raise _HTTPError(400, "attachments must be a list of objects with a type")
        if not (text or "").strip() and not attachments:
            raise _HTTPError(400, "text is required unless there are attachments")
        now = self._clock()
        if store.guid_seen(guid, now):
            raise _HTTPError(409, "Message with this source_guid already exists")
        if store.spec.kind == "direct" and store.spec.id in self._blocks:
            raise _HTTPError(403, "You have blocked this user")
        message = self._store_message(store, self._world.me, text, attachments, guid, now)
        return _ok({"message": message}, 201)

    def _store_message(
        self,
        store: ConversationStore,
        sender: User,
        text: str | None,
        attachments: list[dict[str, Any]],
        guid: str,
        now: float,
    ) -> dict[str, Any]:
        newest = store.newest_id()
        created_at = max(int(self._wall_offset + now), newest // 10**8)
        spec = store.spec
        message: dict[str, Any] = {
            "attachments": attachments,
            "avatar_url": sender.avatar_url,
            "created_at": created_at,
            "favorited_by": [],
        }
        if spec.kind == "group":
            message["group_id"] = spec.id
        else:
            message["conversation_id"] = spec.chat_id
        message["id"] = str(store.next_id(created_at))
        index = next(k for k, u in enumerate(spec.senders) if u.id == sender.id)
        message["name"] = spec.nicknames[index]
        if spec.kind == "direct":
            message["recipient_id"] = spec.senders[1 - index].id
        message["sender_id"] = sender.id
        message["sender_type"] = "user"
        message["source_guid"] = guid
        if spec.kind == "group":
            message["system"] = False
        message["text"] = text
        message["user_id"] = sender.id
        message["pinned_at"] = None
        message["pinned_by"] = ""
        store.append(message)
        store.remember_guid(guid, now)
        return message

    def _delete_message(self, conversation_id: str, message_id: str) -> _Reply:
        store = self._conversation(conversation_id)
        if not _DIGITS.fullmatch(message_id):
            raise _HTTPError(404, "Not Found")
        slot = store.find(int(message_id))
        if slot is None:
            raise _HTTPError(404, "Not Found")
        # DM deletion mode is "sender": only your own DMs; in groups the fake
        # treats "me" as an admin.
        if store.spec.kind == "direct" and store.slot_message(slot).get("user_id") != self.me_id:
            raise _HTTPError(403, "You can only delete your own messages")
        store.delete(slot)
        return _empty(204)

    def _read_receipt(self, r: _Request) -> _Reply:
        payload = r.json_object("read_receipt")
        chat_id, message_id = payload.get("chat_id"), payload.get("message_id")
        if not isinstance(chat_id, str) or not isinstance(message_id, str | int):
            raise _HTTPError(400, "chat_id and message_id are required")
        store = self._chat(chat_id)
        if not _DIGITS.fullmatch(str(message_id)) or store.find(int(message_id)) is None:
            raise _HTTPError(404, "Not Found")
        receipt = {
            "id": str(message_id),
            "chat_id": chat_id,
            "message_id": str(message_id),
            "user_id": self.me_id,
            "read_at": int(self._wall_offset + self._clock()),
        }
        store.read_receipt = receipt
        return _ok({"read_receipt": receipt})

    # --- chats and groups ------------------------------------------------------

    def _page(self, r: _Request, default_per_page: int) -> tuple[int, int]:
        page = r.int_param("page", 1)
        per_page = r.int_param("per_page", default_per_page)
        if page < 1 or per_page < 1:
            raise _HTTPError(400, "page and per_page must be at least 1")
        return page, per_page

    def _list_chats(self, r: _Request) -> _Reply:
        page, per_page = self._page(r, 20)
        chats = [self._chat_json(s) for s in self._dms.values() if s.alive]
        chats.sort(key=lambda c: c["updated_at"], reverse=True)
        return _ok(chats[(page - 1) * per_page : page * per_page])

    def _chat_json(self, store: ConversationStore) -> dict[str, Any]:
        spec = store.spec
        last = store.newest()
        other = spec.senders[1]
        return {
            "created_at": spec.created_at,
            "last_message": last,
            "messages_count": store.alive,
            "other_user": other.chat_user(),
            "updated_at": last["created_at"] if last else spec.created_at,
            "message_deletion_period": 2147483647,
            "message_deletion_mode": ["sender"],
            "requires_approval": False,
            "unread_count": None,
            "last_read_message_id": store.read_receipt["message_id"]
            if store.read_receipt
            else None,
            "last_read_at": store.read_receipt["read_at"] if store.read_receipt else None,
            "message_edit_period": 15,
        }

    def _list_groups(self, r: _Request) -> _Reply:
        page, per_page = self._page(r, 10)
        omit = r.query.get("omit") == "memberships"
        stores = sorted(self._groups.values(), key=self._group_updated, reverse=True)
        chosen = stores[(page - 1) * per_page : page * per_page]
        return _ok([self._group_json(s, members=not omit) for s in chosen])

    def _group_updated(self, store: ConversationStore) -> int:
        last = store.newest()
        return int(last["created_at"]) if last else store.spec.created_at

    def _group_json(self, store: ConversationStore, *, members: bool = True) -> dict[str, Any]:
        spec = store.spec
        last = store.newest()
        owner = next((m.user.id for m in spec.members if "owner" in m.roles), self.me_id)
        preview: dict[str, Any] = {
            "nickname": None,
            "text": None,
            "image_url": None,
            "attachments": [],
        }
        if last is not None:
            preview = {
                "nickname": last["name"],
                "text": last["text"],
                "image_url": last["avatar_url"],
                "attachments": last["attachments"],
            }
        return {
            "id": spec.id,
            "group_id": spec.id,
            "name": spec.name,
            "phone_number": "+1 5555550100",
            "type": "private",
            "description": spec.description,
            "image_url": spec.image_url,
            "creator_user_id": owner,
            "created_at": spec.created_at,
            "updated_at": last["created_at"] if last else spec.created_at,
            "muted_until": None,
            "office_mode": False,
            "share_url": None,
            "share_qr_code_url": None,
            "members": [m.to_json() for m in spec.members] if members else [],
            "messages": {
                "count": store.alive,
                "last_message_id": last["id"] if last else None,
                "last_message_created_at": last["created_at"] if last else None,
                "preview": preview,
            },
            "max_members": 5000,
            "theme_name": None,
            "like_icon": None,
            "requires_approval": False,
            "show_join_question": False,
            "join_question": None,
            "message_deletion_period": 2147483647,
            "message_deletion_mode": ["admin", "sender"],
        }

    # --- users -----------------------------------------------------------------

    def _me_json(self) -> dict[str, Any]:
        world, me = self._world, self._me
        uid = world.me.id
        serial = me["share_serial"]
        share = f"https://groupme.com/contact/{uid}/s{serial:07d}" if serial else None
        return {
            "created_at": world.me_created_at,
            "email": me["email"],
            "email_verified": True,
            "facebook_connected": False,
            "id": uid,
            "image_url": me["image_url"],
            "locale": "en_us",
            "microsoft_connected": False,
            "name": me["name"],
            "bio": me["bio"],
            "phone_number": world.me.phone_number,
            "sms": me["sms"],
            "twitter_connected": False,
            "updated_at": me["updated_at"],
            "user_id": uid,
            "zip_code": me["zip_code"],
            "share_url": share,
            "share_qr_code_url": f"https://image.groupme.com/qr/contact/{uid}/s{serial:07d}/preview"
            if share
            else None,
            "mfa": {"enabled": False, "channels": None},
            "tags": ["phone-us"],
            "prompt_for_survey": False,
            "show_age_gate": False,
            "birth_date_set": True,
            "major_codes": list(me["major_codes"]),
            "graduation_year": me["graduation_year"],
            "campus_profile_visibility": me["campus_profile_visibility"],
            "photo_urls": list(me["photo_urls"]),
            "song_url": me["song_url"],
            "interests": list(me["interests"]),
        }

    def _touch(self) -> None:
        self._me["updated_at"] = int(self._wall_offset + self._clock())

    def _users(self, r: _Request, rest: list[str]) -> _Reply:
        method = r.method
        if rest == ["me"] and method == "GET":
            return _ok(self._me_json())
        if rest == ["update"] and method == "POST":
            body = r.json_object()
            updates: dict[str, Any] = {}
            for key, target in (
                ("name", "name"),
                ("email", "email"),
                ("avatar_url", "image_url"),
                ("zip_code", "zip_code"),
            ):
                if key in body:
                    value = body[key]
                    if not isinstance(value, str) or not value.strip():
                        raise _HTTPError(400, f"{key} must be a non-empty string")
                    updates[target] = value
            if "email" in updates and not re.fullmatch(
                r"[^@\s]+@[^@\s]+\.[^@\s]+", updates["email"]
            ):
                raise _HTTPError(400, "Email is invalid")
            self._me.update(updates)
            self._touch()
            return _ok(self._me_json())
        if rest == ["features", "share"] and method == "POST":
            status = r.json_object().get("status")
            if status not in ("enable", "disable"):
                raise _HTTPError(400, "status must be enable or disable")
            self._me["share_serial"] = self._me["share_serial"] + 1 if status == "enable" else 0
            me = self._me_json()
            return _ok({"share_url": me["share_url"], "share_qr_code_url": me["share_qr_code_url"]})
        if rest == ["sms_mode"] and method == "POST":
            duration = r.json_object().get("duration")
            valid = duration == "always" or (
                isinstance(duration, int) and not isinstance(duration, bool) and 1 <= duration <= 48
            )
            if not valid:
                raise _HTTPError(400, "duration must be 1 to 48 hours or 'always'")
            self._me["sms"] = True
            return _empty(201)
        if rest == ["sms_mode", "delete"] and method == "POST":
            self._me["sms"] = False
            return _ok(None)
        raise _HTTPError(404, "Not Found")

    def _set_majors(self, r: _Request) -> _Reply:
        codes = r.json_object().get("codes")
        if not isinstance(codes, list) or not all(
            isinstance(c, str | int) and not isinstance(c, bool) and _DIGITS.fullmatch(str(c))
            for c in codes
        ):
            raise _HTTPError(400, "codes must be a list of major codes")
        self._me["major_codes"] = [int(c) for c in codes]
        return _ok([str(c) for c in codes], 201)

    def _set_membership(self, r: _Request) -> _Reply:
        body = r.json_object()
        me = self._me
        if "graduation_year" in body:
            year = body["graduation_year"]
            latest = time.gmtime(self._wall_offset + self._clock()).tm_year + 10
            if year is not None and (
                isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= latest
            ):
                raise _HTTPError(400, f"graduation_year must be from 1900 to {latest}")
            me["graduation_year"] = "" if year is None else str(year)
        if "campus_profile_visibility" in body:
            visibility = body["campus_profile_visibility"]
            if visibility not in _VISIBILITIES:
                raise _HTTPError(400, "campus_profile_visibility is invalid")
            if visibility == "graduation_year" and not me["graduation_year"]:
                raise _HTTPError(400, "set a graduation year first")
            if visibility == "major" and not me["major_codes"]:
                raise _HTTPError(400, "set a major first")
            me["campus_profile_visibility"] = visibility
        return _ok(
            {
                "id": 1_000_000 + int(self.me_id) % 1_000_000,
                "user_id": int(self.me_id),
                "directory_id": 1000 + self.seed % 9000,
                "campus_profile_visibility": me["campus_profile_visibility"],
                "graduation_year": me["graduation_year"],
                "major_ids": list(me["major_codes"]),
            }
        )

    def _update_profile(self, r: _Request, user_id: str) -> _Reply:
        if user_id not in self._world.users:
            raise _HTTPError(404, "Not Found")
        if user_id != self.me_id:
            raise _HTTPError(403, "You can only update your own profile")
        body = r.json_object("user")
        me = self._me
        photos = body.get("photo_urls")
        if photos is not None and (not isinstance(photos, list) or len(photos) < 3):
            raise _HTTPError(400, "photo_urls needs at least 3 photos")
        for key in (
            "name",
            "email",
            "bio",
            "song_url",
            "group_notification_sound",
            "dm_notification_sound",
        ):
            if key in body:
                me[key] = body[key]
        if "avatar_url" in body:
            me["image_url"] = body["avatar_url"]
        if photos is not None:
            me["photo_urls"] = list(photos)
        # Requests spell it "intrests", responses "interests".
        if "intrests" in body:
            me["interests"] = list(body["intrests"])
        if "disable_favorite_notification" in body:
            me["disable_favorite_notification"] = bool(body["disable_favorite_notification"])
        self._touch()
        world = self._world
        return _ok(
            {
                "user": {
                    "id": world.me.id,
                    "created_at": world.me_created_at,
                    "updated_at": me["updated_at"],
                    "name": me["name"],
                    "phone_number": world.me.phone_number,
                    "email": me["email"],
                    "avatar_url": me["image_url"],
                    "locale": "en_us",
                    "disable_favorite_notification": me["disable_favorite_notification"],
                    "group_notification_sound": me["group_notification_sound"],
                    "dm_notification_sound": me["dm_notification_sound"],
                    "bio": me["bio"],
                    "photo_urls": list(me["photo_urls"]),
                    "song_url": me["song_url"],
                    "interests": list(me["interests"]),
                }
            }
        )

    # --- blocks, pins, images ---------------------------------------------------

    def _blocks_route(self, r: _Request, rest: list[str]) -> _Reply:
        user = r.query.get("user")
        if not user:
            raise _HTTPError(400, "user is required")
        if user != self.me_id:
            raise _HTTPError(403, "You can only manage your own blocks")
        method = r.method
        if not rest and method == "GET":
            return _ok({"blocks": [self._block_json(o, t) for o, t in self._blocks.items()]})
        other = r.query.get("otherUser")
        if not other:
            raise _HTTPError(400, "otherUser is required")
        if rest == ["between"] and method == "GET":
            return _ok({"between": other in self._blocks})
        if other not in self._world.users:
            raise _HTTPError(404, "Not Found")
        if other == self.me_id:
            raise _HTTPError(400, "You cannot block yourself")
        if not rest and method == "POST":
            created = self._blocks.setdefault(other, int(self._wall_offset + self._clock()))
            return _ok({"block": self._block_json(other, created)}, 201)
        if (not rest and method == "DELETE") or (rest == ["delete"] and method == "POST"):
            self._blocks.pop(other, None)
            return _ok(None)
        raise _HTTPError(404, "Not Found")

    def _block_json(self, other: str, created: int) -> dict[str, Any]:
        return {"user_id": self.me_id, "blocked_user_id": other, "created_at": created}

    def _set_pinned(self, r: _Request) -> _Reply:
        ids = r.json_object().get("pinned_conversation_ids")
        if not isinstance(ids, list) or not all(
            isinstance(i, str) and (_DIGITS.fullmatch(i) or _CHAT_ID.fullmatch(i)) for i in ids
        ):
            raise _HTTPError(400, "pinned_conversation_ids must be a list of conversation ids")
        self._pinned = list(ids)
        return _ok(None)

    def _upload_picture(self, r: _Request) -> _Reply:
        if not r.body:
            raise _HTTPError(400, "no image data")
        import hashlib

        digest = hashlib.sha256(r.body).hexdigest()[:32]
        url = f"https://i.groupme.com/1024x768.jpeg.{digest}"
        # The image service answers without the usual envelope.
        return _Reply(200, _encode({"payload": {"url": url, "picture_url": url}}))


def _token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-access-token":
            token: str = value.decode("latin-1")
            return token
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY_BYTES:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _abort(
    send: Send, in_process: bool, kind: str, status: int, partial: bytes, *, expected: int
) -> None:
    """End the exchange as a broken connection would."""
    if in_process:
        raise NetworkFault(kind, received=len(partial), expected=expected)
    # ASGI has no "close the socket": promise a body and stop short.  The
    # server then closes the connection and the client sees an incomplete
    # response, which is what a dropped connection looks like on the wire.
    headers = [(b"content-length", str(expected).encode()), (b"content-type", _JSON)]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if partial:
        await send({"type": "http.response.body", "body": partial, "more_body": True})
