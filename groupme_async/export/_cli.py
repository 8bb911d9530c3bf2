"""``groupme-async export``: the command line around :func:`export`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import anyio
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .. import (
    APIConnectionError,
    AsyncGroupMe,
    AuthenticationError,
    GroupMeError,
    RetryPolicy,
)
from ._model import Conversation
from ._runner import ConversationResult, ExportSummary, export

if TYPE_CHECKING:
    from rich.progress import Task
    from rich.text import Text


TOKEN_ENV = "GROUPME_TOKEN"  # noqa: S105 - the variable's name, not a token

#: The demo world behind ``--sandbox``: the same seed gives the same
#: conversations every run, so a second run finds nothing new.
SANDBOX: dict[str, Any] = {"seed": 0, "dm_chats": 5, "groups": 4, "messages_per_conversation": 1500}


class _RateColumn(TextColumn):
    """Messages per second, from rich's own speed estimate."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task: Task) -> Text:
        from rich.text import Text

        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} msg/s" if speed else "", style="cyan")


class RichProgress:
    """Draws an overall bar and one bar per active conversation."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}", justify="left"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._overall: TaskID | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._overall is not None:
            self.progress.stop()

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
        self.progress.advance(self._tasks[conversation.key], messages)
        if self._overall is not None:
            self.progress.advance(self._overall, messages)

    def finished(self, result: ConversationResult) -> None:
        task = self._tasks.pop(result.conversation.key, None)
        if task is not None:
            self.progress.remove_task(task)


def _summary_table(summary: ExportSummary) -> Table:
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
    table.caption = (
        f"{summary.new_messages:,} new messages, {summary.requests:,} requests "
        f"({summary.rate_limited:,} rate-limited) in {summary.seconds:.1f}s"
    )
    return table


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="groupme-async",
        description="Archive GroupMe conversations, and keep the archive current.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser(
        "export",
        help="archive every DM and group (rerun to fetch only what is new)",
        description="Archive every DM and group conversation. Rerun it to fetch only "
        "new messages; an interrupted run resumes where it stopped.",
    )
    ex.add_argument(
        "--sandbox",
        action="store_true",
        help="export from the built-in fake GroupMe with demo data (no token, no network)",
    )
    ex.add_argument("--token", help=f"access token (default: ${TOKEN_ENV})")
    ex.add_argument("--base-url", help="GroupMe origin (default: the real API)")
    ex.add_argument("--out", default="groupme-archive", help="output folder (default: %(default)s)")
    ex.add_argument("--format", choices=("jsonl", "sqlite"), default="jsonl")
    ex.add_argument("--dms", action="store_true", help="only DM conversations")
    ex.add_argument("--groups", action="store_true", help="only group conversations")
    ex.add_argument(
        "--only",
        nargs="+",
        metavar="ID",
        default=[],
        help="only these group ids, DM user ids or chat ids (a+b)",
    )
    ex.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help="conversations fetched at once (default: %(default)s)",
    )
    ex.add_argument(
        "--max-attempts",
        type=int,
        default=5,
        help="attempts per request before giving up on it (default: %(default)s)",
    )
    return parser


def _fail(console: Console, message: str) -> int:
    # One unwrapped line on stderr, whatever the terminal width.
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return 2


async def _run_export(args: argparse.Namespace, console: Console) -> int:
    client_kwargs: dict[str, Any] = {"retry": RetryPolicy(max_attempts=args.max_attempts)}
    if args.sandbox:
        from ..testing import FakeGroupMe

        gm = FakeGroupMe(**SANDBOX).client(**client_kwargs)
    else:
        token = args.token or os.environ.get(TOKEN_ENV)
        if not token:
            return _fail(
                console, f"no access token: pass --token or set {TOKEN_ENV} (or try --sandbox)"
            )
        try:
            gm = AsyncGroupMe(token, base_url=args.base_url, **client_kwargs)
        except ValueError as exc:
            return _fail(console, str(exc))
    stop = anyio.Event()
    dms, groups = (True, True) if not (args.dms or args.groups) else (args.dms, args.groups)
    where = args.base_url or ("the sandbox" if args.sandbox else "api.groupme.com")
    summary: ExportSummary | None = None
    async with gm, anyio.create_task_group() as tg:
        tg.start_soon(_watch_interrupts, stop, tg.cancel_scope, console)
        try:
            with RichProgress(console) as progress:
                summary = await export(
                    gm,
                    args.out,
                    format=args.format,
                    dms=dms,
                    groups=groups,
                    only=args.only,
                    concurrency=args.concurrency,
                    progress=progress,
                    stop=stop,
                )
        except AuthenticationError:
            return _fail(console, f"{where} rejected the access token (401)")
        except APIConnectionError as exc:
            return _fail(console, f"cannot reach {where}: {exc}")
        except OSError as exc:
            return _fail(console, f"cannot write to {args.out}: {exc.strerror or exc}")
        except (ValueError, GroupMeError) as exc:
            return _fail(console, str(exc))
        finally:
            tg.cancel_scope.cancel()
    if summary is None:
        # A second Ctrl-C: pages already written are safe; the one in flight is not.
        console.print(
            "[yellow]stopped:[/] every page written is saved; run the same command to resume"
        )
        return 130
    console.print(_summary_table(summary))
    if summary.interrupted:
        console.print("[yellow]interrupted:[/] progress saved; run the same command to resume")
        return 130
    console.print(f"archive: {args.out} ({args.format})", highlight=False)
    return 0 if summary.ok else 1


async def _watch_interrupts(stop: anyio.Event, scope: anyio.CancelScope, console: Console) -> None:
    if not hasattr(signal, "SIGINT") or sys.platform == "win32":
        return
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            if stop.is_set():
                scope.cancel()
                return
            stop.set()
            console.print("[yellow]stopping: finishing the current pages (Ctrl-C again to quit)")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(stderr=False)
    if args.concurrency < 1:
        return _fail(console, "--concurrency must be at least 1")
    if args.max_attempts < 1:
        return _fail(console, "--max-attempts must be at least 1")
    try:
        return anyio.run(_run_export, args, console)
    except KeyboardInterrupt:
        return _fail(console, "interrupted")
