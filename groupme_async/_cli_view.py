"""What ``groupme-async export`` draws: progress bars and the summary (rich, the ``cli`` extra).

Imported only by the command line, so the library never imports rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from .export import Conversation, ConversationResult, ExportSummary, MediaSummary

if TYPE_CHECKING:
    from rich.progress import Task

__all__ = ["Console", "RichProgress", "media_lines", "summary_line", "summary_table"]


class _RateColumn(TextColumn):
    """Messages per second fetched by this run.

    The bars start at what the archive already holds; counting only what was
    fetched keeps a rerun that found nothing new from showing a huge rate.
    """

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task: Task) -> Text:
        fetched = int(task.fields.get("fetched", 0))
        elapsed = task.finished_time if task.finished else task.elapsed
        if not fetched or not elapsed:
            return Text("")
        return Text(f"{fetched / elapsed:,.0f} msg/s", style="cyan")


class _PaceColumn(TextColumn):
    """On the overall bar: conversations fetched at once, and requests per second."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task: Task) -> Text:
        concurrency = task.fields.get("concurrency")
        if concurrency is None:
            return Text("")
        rate = float(task.fields.get("requests_per_second", 0.0))
        return Text(f"x{concurrency} {rate:,.0f} req/s", style="magenta")


class RichProgress:
    """Draws an overall bar and one bar per active conversation; the overall
    bar also shows the current concurrency and request rate."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}", justify="left"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            _PaceColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._overall: TaskID | None = None
        self._tasks: dict[str, TaskID] = {}
        self._fetched: dict[TaskID, int] = {}
        self._media: TaskID | None = None

    def __enter__(self) -> RichProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._overall is not None or self._media is not None:
            self.progress.stop()

    def _add(self, task: TaskID, messages: int) -> None:
        self._fetched[task] = self._fetched.get(task, 0) + messages
        self.progress.update(task, advance=messages, fetched=self._fetched[task])

    def discovered(self, conversations: Sequence[Conversation]) -> None:
        # Drawn only once there is something to show, so an early error is
        # a single line.
        self.progress.start()
        total = sum(c.estimated_count or 0 for c in conversations) or None
        self._overall = self.progress.add_task(
            f"[bold]all {len(conversations)} conversations", total=total
        )

    def started(self, conversation: Conversation, stored: int) -> None:
        label = ("DM " if conversation.kind == "direct" else "") + conversation.name
        total = conversation.estimated_count
        self._tasks[conversation.key] = self.progress.add_task(
            f"  {label[:28]}", total=total, completed=min(stored, total or stored)
        )
        if self._overall is not None:
            self.progress.advance(self._overall, stored)

    def advanced(self, conversation: Conversation, messages: int) -> None:
        self._add(self._tasks[conversation.key], messages)
        if self._overall is not None:
            self._add(self._overall, messages)

    def pace(self, concurrency: int, requests_per_second: float) -> None:
        if self._overall is not None:
            self.progress.update(
                self._overall, concurrency=concurrency, requests_per_second=requests_per_second
            )

    def finished(self, result: ConversationResult) -> None:
        task = self._tasks.pop(result.conversation.key, None)
        if task is not None:
            self.progress.remove_task(task)

    def media_started(self, total: int) -> None:
        if total:
            self.progress.start()
            self._media = self.progress.add_task("[bold]media", total=total)

    def media_advanced(self, done: int) -> None:
        if self._media is not None:
            self.progress.advance(self._media, done)


def summary_table(summary: ExportSummary) -> Table:
    """One row per conversation."""
    table = Table(title="Export summary", show_lines=False)
    table.add_column("conversation")
    table.add_column("kind")
    table.add_column("new", justify="right")
    table.add_column("stored", justify="right")
    table.add_column("status")
    for r in summary.results:
        status = r.status if r.error is None else f"{r.status}: {r.error}"
        style = {"complete": "green", "interrupted": "yellow", "failed": "red"}[r.status]
        table.add_row(
            r.conversation.name,
            "DM" if r.conversation.kind == "direct" else "group",
            f"{r.new_messages:,}",
            f"{r.stored:,}",
            f"[{style}]{status}[/]",
        )
    return table


def summary_line(summary: ExportSummary) -> str:
    """What the run fetched, and what it cost; a rerun that found nothing is "up to date"."""
    fetched = f"{summary.new_messages:,} new messages"
    if summary.new_messages == 0 and summary.ok and not summary.interrupted:
        fetched = f"up to date, {fetched}"
    return (
        f"{fetched}, {summary.requests:,} requests "
        f"({summary.rate_limited:,} rate-limited, up to {summary.peak_concurrency} at once) "
        f"in {summary.seconds:.1f}s"
    )


def media_lines(media: MediaSummary, out: str) -> list[str]:
    """What the media step fetched, and each failure (at most ten of them)."""
    size = f"{media.bytes / 2**20:,.1f} MiB" if media.bytes >= 2**20 else f"{media.bytes:,} bytes"
    where = escape(f"{out}/media")
    line = f"media: {media.downloaded:,} downloaded ({size}), {media.already:,} already in {where}"
    if media.skipped:
        line += f", {media.skipped:,} on other hosts skipped (--media-any-host fetches them)"
    lines = [line]
    if media.failures:
        lines.append(
            f"[yellow]media: {len(media.failures):,} failed[/] (listed in "
            f"{where}/manifest.json; the next run tries them again):"
        )
        # URLs and errors are the server's text: never rich markup.
        lines += [escape(f"  {f.kind} {f.key}: {f.error}") for f in media.failures[:10]]
    return lines
