"""The export coroutine: discover conversations, then archive them concurrently."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Literal, Protocol, TypeVar

import anyio
import attrs

from .. import (
    AdaptiveRateLimiter,
    AsyncGroupMe,
    AsyncPaginator,
    AuthenticationError,
    GroupMeError,
)
from ._concurrency import AdaptiveConcurrency, Priority, Slot
from ._disk import StepHook
from ._jsonl import JsonlSink
from ._media import MediaChoice, MediaOptions, MediaSummary, as_media_progress, download_media
from ._model import ArchiveError, Conversation, RawMessage, ResumePoint, Sink
from ._sqlite import SqliteSink

Format = Literal["jsonl", "sqlite"]
Status = Literal["complete", "interrupted", "failed"]
#: GroupMe's largest message page: the fewest requests per message.
PAGE_SIZE = 100
#: Media downloads at once unless ``concurrency`` fixes it: they go to CDN
#: hosts, whose latency the conversation controller never measured.
MEDIA_CONCURRENCY = 8
T = TypeVar("T")


@attrs.frozen(kw_only=True)
class ConversationResult:
    """How one conversation's export went."""

    conversation: Conversation
    new_messages: int
    """Messages written by this run."""
    stored: int
    """Messages in the archive after this run."""
    status: Status
    error: str | None = None


@attrs.frozen(kw_only=True)
class ExportSummary:
    """What a run did; ``ok`` is false when any conversation failed."""

    results: list[ConversationResult]
    requests: int
    rate_limited: int
    """Requests answered 420/429 (they were retried)."""
    seconds: float
    interrupted: bool
    media: MediaSummary | None = None
    """What the media step did (``export(..., media=...)``), else None."""
    peak_concurrency: int = 0
    """The most conversations the run allowed at once."""

    @property
    def new_messages(self) -> int:
        """Messages written by this run, in all conversations."""
        return sum(r.new_messages for r in self.results)

    @property
    def ok(self) -> bool:
        """False when any conversation failed."""
        return all(r.status != "failed" for r in self.results)


class ExportProgress(Protocol):
    """Receives progress events; the CLI draws them with rich.

    Any object with these four methods will do.  A subclass of this class
    may define only the events it watches: the others do nothing."""

    def discovered(self, conversations: Sequence[Conversation]) -> None:
        """The conversations this run will archive, in order."""
        return None

    def started(self, conversation: Conversation, stored: int) -> None:
        """Work on ``conversation`` began; ``stored`` messages were already archived."""
        return None

    def advanced(self, conversation: Conversation, messages: int) -> None:
        """A page of ``messages`` was written for ``conversation``."""
        return None

    def finished(self, result: ConversationResult) -> None:
        """A conversation is done (complete, interrupted or failed)."""
        return None


class ExportPace(Protocol):
    """An :class:`ExportProgress` may also have this method (it is called
    only if present, so progress objects written before it still work)."""

    def pace(self, concurrency: int, requests_per_second: float) -> None:
        """How many conversations are walked at once now, and the request
        rate over the last two seconds (called at most every half second)."""


#: Seconds between two ``pace`` reports.
_PACE_EVERY = 0.5


class _NoProgress(ExportProgress):
    """Ignores every event (the protocol's own methods do nothing)."""


def open_sink(
    format: Format, out: str | os.PathLike[str], *, on_step: StepHook | None = None
) -> Sink:
    """The archive writer for ``format``, holding the archive's lock until
    it is closed.

    Raises ``OSError`` if ``out`` is unwritable, :class:`ArchiveLockedError`
    if another export holds it, and :class:`ArchiveError` if it cannot be
    used as it stands.  ``on_step`` is a fault-injection hook for tests (see
    :data:`StepHook`).
    """
    if format == "jsonl":
        return JsonlSink(out, on_step=on_step)
    if format == "sqlite":
        return SqliteSink(out, on_step=on_step)
    raise ValueError(f"format must be 'jsonl' or 'sqlite', got {format!r}")


async def _dm_conversations(gm: AsyncGroupMe) -> list[Conversation]:
    found: list[Conversation] = []
    async for chat in gm.chats.iter():
        other = chat.other_user.id
        found.append(
            Conversation(
                kind="direct",
                id=other,
                name=chat.other_user.name or other,
                chat_id=chat.id,
                estimated_count=chat.messages_count,
            )
        )
    return found


async def _group_conversations(gm: AsyncGroupMe) -> list[Conversation]:
    found: list[Conversation] = []
    async for group in gm.groups.iter(per_page=100, omit_memberships=True):
        found.append(
            Conversation(
                kind="group",
                id=group.id,
                name=group.name or group.id,
                estimated_count=group.messages.count if group.messages else None,
            )
        )
    return found


def _not_found(missing: Sequence[str], left_out: Sequence[Conversation]) -> str:
    """Why ``missing`` matched nothing: the kind that was left out, or no such chat."""
    kinds = {c.id: c.kind for c in left_out} | {c.chat_id: c.kind for c in left_out if c.chat_id}
    reasons = [
        f"{m} is a group, but only DMs are being exported"
        if kinds[m] == "group"
        else f"{m} is a DM, but only groups are being exported"
        for m in missing
        if m in kinds
    ]
    unknown = [m for m in missing if m not in kinds]
    if unknown:
        reasons.append(f"not among your chats and groups: {', '.join(unknown)}")
    return "; ".join(reasons)


async def _listed(gm: AsyncGroupMe, *, dms: bool, groups: bool) -> list[Conversation]:
    """DM chats, then groups; both listings at once, since over a real
    network each page is a round trip."""
    if not (dms and groups):
        return await (_dm_conversations(gm) if dms else _group_conversations(gm))
    lists: dict[str, list[Conversation]] = {}

    async def listing(kind: str) -> None:
        lister = _dm_conversations if kind == "direct" else _group_conversations
        lists[kind] = await lister(gm)

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(listing, "direct")
            tg.start_soon(listing, "group")
    except BaseExceptionGroup as group:
        # Raised as if the listings had run one after the other (a rejected
        # token is an AuthenticationError, not a group of them).
        first = group.exceptions[0]
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from None
    return lists["direct"] + lists["group"]


async def discover(
    gm: AsyncGroupMe,
    *,
    dms: bool = True,
    groups: bool = True,
    only: Sequence[str] = (),
) -> list[Conversation]:
    """The conversations to export: every DM chat and group, or only ``only``.

    An id in ``only`` may be a group id, a DM partner's user id or a DM chat
    id (``a+b``); one that matches nothing is a ``ValueError``.
    """
    found = await _listed(gm, dms=dms, groups=groups)
    if not only:
        return found
    wanted = list(dict.fromkeys(only))
    chosen = [c for c in found if c.id in wanted or (c.chat_id is not None and c.chat_id in wanted)]
    matched = {c.id for c in chosen} | {c.chat_id for c in chosen if c.chat_id}
    missing = [w for w in wanted if w not in matched]
    if missing:
        # Only on this error path: list the kind that was left out, to say
        # "is a group" rather than "not found" for an id that exists.
        left_out: list[Conversation] = []
        if dms and not groups:
            left_out = await _group_conversations(gm)
        elif groups and not dms:
            left_out = await _dm_conversations(gm)
        raise ValueError(_not_found(missing, left_out))
    return chosen


class _Tally:
    __slots__ = ("messages",)

    def __init__(self) -> None:
        self.messages = 0


class _Run:
    def __init__(
        self,
        gm: AsyncGroupMe,
        sink: Sink,
        progress: ExportProgress,
        stop: anyio.Event,
        controller: AdaptiveConcurrency,
    ):
        self.gm = gm
        self.sink = sink
        self.progress = progress
        self.stop = stop
        self.controller = controller
        pace = getattr(progress, "pace", None)
        self._pace: Callable[[int, float], None] | None = pace if callable(pace) else None
        self._paced_at = -float("inf")
        # Sink calls run in a worker thread so file and SQLite I/O never block
        # the event loop; one lane keeps them ordered, and a thread call that
        # has started always completes, so cancellation cannot split a page
        # from its checkpoint.
        self._lane = anyio.CapacityLimiter(1)

    def _walks(self, slot: Slot) -> dict[str, Callable[..., AsyncPaginator[RawMessage]]]:
        # Each walk's requests go through its own lane, which times them for
        # the controller and is paced by the shared limiter.
        gm = self.gm.with_options(rate_limiter=slot.lane(self.gm.rate_limiter))
        return {"group": gm.group_messages.iter_raw, "direct": gm.direct_messages.iter_raw}

    def report_pace(self) -> None:
        ctl = self.controller
        now = ctl.clock()
        if self._pace is not None and now - self._paced_at >= _PACE_EVERY:
            self._paced_at = now
            self._pace(ctl.limit, ctl.requests_per_second())

    async def conversation(self, conv: Conversation, slot: Slot) -> ConversationResult:
        tally = _Tally()
        status: Status = "complete"
        error: str | None = None
        stored = 0
        try:
            point = await self._io(self.sink.resume_point, conv)
            stored = point.stored
            self.progress.started(conv, point.stored)
            if not await self._archive(conv, point, tally, slot):
                status = "interrupted"
        except AuthenticationError:
            raise
        except Exception as exc:
            # One conversation's failure (a server that misbehaves, a full
            # disk, a damaged file, a message nothing expected) is reported;
            # the others carry on, and its checkpoint stays where it was.
            status, error = "failed", _describe(exc)
        finally:
            with anyio.CancelScope(shield=True):
                try:
                    await self._io(self.sink.done, conv)
                except Exception as exc:
                    if error is None:
                        status, error = "failed", _describe(exc)
        return await self._result(conv, tally.messages, stored, status, error)

    async def _archive(
        self, conv: Conversation, point: ResumePoint, tally: _Tally, slot: Slot
    ) -> bool:
        """Walk back through what is missing of the history, then forward to
        the newest message; False if ``stop`` ended it early."""
        walk = self._walks(slot)[conv.kind]
        if point.phase == "backfill":
            history = walk(conv.id, before_id=point.cursor, limit=PAGE_SIZE)
            if not await self._copy(conv, history, self.sink.add_backfill_page, tally, slot):
                return False
            await self._io(self.sink.finish_backfill, conv)
            point = await self._io(self.sink.resume_point, conv)
        if point.newest_id is not None:
            newer = walk(conv.id, after_id=point.newest_id, limit=PAGE_SIZE)
            if not await self._copy(conv, newer, self.sink.add_forward_page, tally, slot):
                return False
        return True

    async def _copy(
        self,
        conv: Conversation,
        walk: AsyncPaginator[RawMessage],
        write: Callable[[Conversation, list[RawMessage]], None],
        tally: _Tally,
        slot: Slot,
    ) -> bool:
        """Write every page of a walk; False if ``stop`` ended it early."""
        async with walk:
            async for page in walk.pages():
                await self._io(write, conv, page)
                tally.messages += len(page)
                self.progress.advanced(conv, len(page))
                self.report_pace()
                if self.stop.is_set():
                    return False
                # The limit fell: the smallest walks wait here, between pages.
                await slot.yield_if_over()
                if self.stop.is_set():
                    return False
        return True

    async def _io(self, fn: Callable[..., T], *args: Any) -> T:
        # The lane orders sink calls; the thread comes from the default pool,
        # whose limiter shows the disk work in flight to whoever watches it
        # (a test's simulated clock waits for it before moving time on).
        async with self._lane:
            return await anyio.to_thread.run_sync(fn, *args)

    async def _result(
        self,
        conv: Conversation,
        written: int,
        before: int,
        status: Status,
        error: str | None = None,
    ) -> ConversationResult:
        try:
            stored = (await self._io(self.sink.resume_point, conv)).stored
        except Exception:
            stored = before + written  # the sink cannot say (it just failed)
        result = ConversationResult(
            conversation=conv, new_messages=written, stored=stored, status=status, error=error
        )
        self.progress.finished(result)
        return result


def _describe(exc: Exception) -> str:
    """One line for a failed conversation's summary row."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, GroupMeError | ArchiveError | OSError):
        return text
    return f"{type(exc).__name__}: {text}"


async def export(
    gm: AsyncGroupMe,
    out: str | os.PathLike[str],
    *,
    format: Format = "jsonl",
    dms: bool = True,
    groups: bool = True,
    only: Sequence[str] = (),
    max_concurrency: int = 32,
    concurrency: int | None = None,
    progress: ExportProgress | None = None,
    stop: anyio.Event | None = None,
    limiter: AdaptiveRateLimiter | None = None,
    controller: AdaptiveConcurrency | None = None,
    on_step: StepHook | None = None,
    media: MediaChoice | MediaOptions = False,
) -> ExportSummary:
    """Archive conversations into ``out``; run it again to fetch only what is new.

    Every page is written atomically with its checkpoint, so a run that is
    cancelled, interrupted (set ``stop``: the current page is finished first)
    or killed resumes where it stopped, with nothing lost or duplicated.
    Conversations are fetched several at a time, largest first, through
    one shared :class:`AdaptiveRateLimiter`; how many at a time is learned
    from the answers (:class:`AdaptiveConcurrency`: more while they come
    back quickly and unrefused, fewer on a 420/429 or on latency rising),
    between 1 and ``max_concurrency``.  ``concurrency=N`` fixes it at N
    instead; ``controller`` replaces the default controller (tuning, tests).

    A conversation that fails (the server misbehaves past the retries, the
    disk fills, its file is damaged) is reported with ``status="failed"``
    and the others finish; ``ExportSummary.ok`` is then false.  The run
    holds an exclusive lock on ``out``: a second run raises
    :class:`ArchiveLockedError` before any request.  An
    :class:`AuthenticationError` stops everything.  ``on_step`` is a
    fault-injection hook for tests (see :func:`open_sink`).

    ``media=True`` (or ``"attachments"``) then downloads every attachment's
    picture, video (and poster) and file into ``out/media``; ``"avatars"``
    adds the senders' avatars; a :class:`MediaOptions` sets the per-file
    cap and whether hosts outside GroupMe's are fetched.  Downloads share
    the limiter, ``concurrency`` (else up to 8) at a time; one that fails is recorded in
    ``ExportSummary.media`` and never fails the export (see
    :func:`download_media`).
    """
    for name, value in (("max_concurrency", max_concurrency), ("concurrency", concurrency)):
        if value is None and name == "concurrency":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not dms and not groups:
        raise ValueError("nothing to export: both dms and groups are off")
    if format not in ("jsonl", "sqlite"):
        raise ValueError(f"format must be 'jsonl' or 'sqlite', got {format!r}")
    media_options = MediaOptions.from_choice(media)

    # An existing archive is locked before any request, so a second run is
    # refused at once.  A new one is created only after discovery, so a
    # rejected token or an unreachable host leaves no folder behind (two
    # runs racing to create it still meet at the lock before writing).
    def open_existing() -> Sink | None:
        return open_sink(format, out, on_step=on_step) if os.path.lexists(out) else None

    sink = await anyio.to_thread.run_sync(open_existing)
    progress = progress or _NoProgress()
    stop = stop or anyio.Event()
    gate = limiter or AdaptiveRateLimiter()
    if controller is None:
        controller = (
            AdaptiveConcurrency(initial=min(4, max_concurrency), maximum=max_concurrency)
            if concurrency is None
            else AdaptiveConcurrency.fixed(concurrency)
        )
    # Paced through a derived client: calls made on ``gm`` itself elsewhere
    # meanwhile are not slowed by the export's limiter.
    paced = gm.with_options(rate_limiter=gate)
    started = time.monotonic()
    results: list[ConversationResult] = []
    try:
        conversations = await discover(paced, dms=dms, groups=groups, only=only)
        if sink is None:
            sink = await anyio.to_thread.run_sync(partial(open_sink, format, out, on_step=on_step))
        progress.discovered(conversations)
        run = _Run(paced, sink, progress, stop, controller)

        fatal: list[AuthenticationError] = []

        async def one(conv: Conversation, priority: Priority) -> None:
            async with controller.slot(priority) as slot:
                if stop.is_set() or fatal:
                    return
                try:
                    results.append(await run.conversation(conv, slot))
                except AuthenticationError as exc:
                    # A revoked token fails every conversation: stop them all
                    # and raise it once, not wrapped in an ExceptionGroup.
                    fatal.append(exc)
                    tg.cancel_scope.cancel()

        # Largest first: the run can end no sooner than its longest chain of
        # pages, so that chain starts at once (ties keep discovery order).
        ranked = sorted(
            enumerate(conversations), key=lambda item: (-(item[1].estimated_count or 0), item[0])
        )
        async with anyio.create_task_group() as tg:
            for index, conv in ranked:
                tg.start_soon(one, conv, (-float(conv.estimated_count or 0), index))
        if fatal:
            raise fatal[0]
        # Media last, still under the archive's lock: the messages are safe
        # on disk whatever happens to a download.
        media_summary = None
        if media_options is not None and not stop.is_set():
            media_summary = await download_media(
                paced,
                out,
                options=media_options,
                concurrency=min(MEDIA_CONCURRENCY, max_concurrency)
                if concurrency is None
                else concurrency,
                stop=stop,
                progress=as_media_progress(progress),
                on_step=on_step,
            )
    finally:
        if sink is not None:
            sink.close()
    order = {c.key: i for i, c in enumerate(conversations)}
    results.sort(key=lambda r: order[r.conversation.key])
    return ExportSummary(
        results=results,
        requests=gate.requests,
        rate_limited=gate.refused,
        seconds=time.monotonic() - started,
        interrupted=stop.is_set(),
        media=media_summary,
        peak_concurrency=controller.peak,
    )
