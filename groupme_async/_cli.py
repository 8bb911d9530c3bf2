"""``groupme-async``: ``export`` around :func:`export`, ``view`` around
:func:`groupme_async.viewer.render_site`, and ``serve`` for the fake.

Every failure a user can cause (no token, a rejected token, an unreachable
host, an unwritable folder, a missing extra, a taken port) is one line on
stderr and exit status 2.  rich (the ``cli`` extra) is imported only once
``export`` runs, so ``--version`` and ``serve`` work without it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from . import (
    APIConnectionError,
    AsyncGroupMe,
    AuthenticationError,
    GroupMeError,
    RetryPolicy,
    __version__,
)
from ._client import BASE_URL_ENV
from .export import ArchiveError, ExportSummary, MediaOptions, export
from .resources.media import MAX_MEDIA_BYTES

if TYPE_CHECKING:
    from ._cli_view import Console

TOKEN_ENV = "GROUPME_TOKEN"  # noqa: S105 - the variable's name, not a token

#: The demo world behind ``--sandbox``: the same seed gives the same
#: conversations every run, so a second run finds nothing new.
SANDBOX: dict[str, Any] = {"seed": 0, "dm_chats": 5, "groups": 4, "messages_per_conversation": 1500}

#: The ways to give a token, for the message that says none was given.
TOKEN_SOURCES = f"set {TOKEN_ENV}, pass --token-file PATH, or run in a terminal to be asked"


class CliError(Exception):
    """A failure the user can fix; its message is printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    # No abbreviations: "--token SECRET" must not be taken for "--token-file SECRET".
    parser = argparse.ArgumentParser(
        prog="groupme-async",
        description="Archive GroupMe conversations, and keep the archive current.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"groupme-async {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser(
        "export",
        help="archive every DM and group (rerun to fetch only what is new)",
        description="Archive every DM and group conversation. Rerun it to fetch only "
        "new messages; an interrupted run resumes where it stopped. The access token "
        f"comes from --token-file, else ${TOKEN_ENV}, else a hidden prompt in a terminal.",
        allow_abbrev=False,
    )
    ex.add_argument(
        "--sandbox",
        action="store_true",
        help="export from the built-in fake GroupMe with demo data (no token, no network)",
    )
    ex.add_argument(
        "--token-file",
        metavar="PATH",
        help=f"read the access token from this file (instead of ${TOKEN_ENV} or the prompt)",
    )
    # Gone: a token in argv lands in shell history and `ps`.  Still parsed, so
    # the refusal can say so without echoing the value.
    ex.add_argument("--token", dest="token_on_command_line", help=argparse.SUPPRESS)
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
        "--max-concurrency",
        type=int,
        default=32,
        metavar="N",
        help="at most this many conversations fetched at once; how many is learned from "
        "GroupMe's answers, fewer when it refuses or slows down (default: %(default)s)",
    )
    ex.add_argument(
        "--concurrency",
        type=int,
        default=None,
        metavar="N",
        help="fetch exactly N conversations (and N media files) at once, never adapting "
        "(prefer --max-concurrency)",
    )
    ex.add_argument(
        "--max-attempts",
        type=int,
        default=5,
        help="attempts per request before giving up on it (default: %(default)s)",
    )
    ex.add_argument(
        "--media",
        nargs="?",
        const="attachments",
        choices=("attachments", "avatars"),
        help="also download every attachment's pictures, videos and files into OUT/media; "
        "'--media avatars' adds the senders' avatars",
    )
    ex.add_argument(
        "--media-max-size",
        metavar="SIZE",
        type=parse_size,
        default=MAX_MEDIA_BYTES,
        help="skip (and report) media files larger than this, e.g. 20M or 1G (default: 100M)",
    )
    ex.add_argument(
        "--media-any-host",
        action="store_true",
        help="also fetch media URLs outside GroupMe's hosts (i.groupme.com, v.groupme.com)",
    )
    vw = sub.add_parser(
        "view",
        help="render an archive as a static site that opens offline (needs the view extra)",
        description="Render a JSON Lines or SQLite archive (with or without media) as a "
        "static HTML site: open SITE/index.html in a browser, no server or network needed. "
        "Rerun it after an export: only pages that change are rewritten.",
        allow_abbrev=False,
    )
    vw.add_argument("archive", metavar="ARCHIVE", help="the export's output folder")
    vw.add_argument("--out", required=True, metavar="SITE", help="the folder to write the site to")
    vw.add_argument(
        "--timezone",
        metavar="NAME",
        help="show times in this IANA time zone, e.g. Europe/Paris (default: this machine's)",
    )
    from ._serve_options import add_serve_arguments

    add_serve_arguments(
        sub.add_parser(
            "serve",
            help="serve the fake GroupMe over HTTP (needs the server extra)",
            allow_abbrev=False,
            description="Serve FakeGroupMe, the fake GroupMe with seeded data, until "
            "interrupted (the same as python -m groupme_async.testing serve).",
        )
    )
    return parser


_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}


def parse_size(text: str) -> int:
    """``123``, ``500K``, ``20M``, ``1G`` (powers of 1024) as a number of bytes."""
    number, unit = text.strip().upper().removesuffix("B"), ""
    if number[-1:] in _UNITS:
        number, unit = number[:-1], number[-1]
    try:
        value = float(number) * _UNITS[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 20M or 1G)") from None
    if not 1 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"a size must be at least 1 byte, got {text!r}")
    return int(value)


def _fail(message: str) -> int:
    # Plain print, not rich: one unwrapped line (even if a message from below
    # has a line break), and rich may be missing.
    print(f"error: {' '.join(message.splitlines())}", file=sys.stderr)
    return 2


def read_token(token_file: str | None) -> str:
    """The access token: ``--token-file``, else ``$GROUPME_TOKEN``, else a hidden prompt."""
    if token_file is not None:
        try:
            text = Path(token_file).read_text(encoding="utf-8")
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CliError(f"cannot read --token-file {token_file}: {reason}") from None
        except UnicodeDecodeError:
            raise CliError(f"--token-file {token_file} is not UTF-8 text") from None
        # One trailing newline is how editors and `echo` end a file; anything
        # else is part of what was saved, and the client rejects it.
        token = text.removesuffix("\n").removesuffix("\r")
        if not token.strip():
            raise CliError(f"--token-file {token_file} is empty")
        return token
    token = os.environ.get(TOKEN_ENV, "")
    if token:
        return token
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            token = getpass.getpass("GroupMe access token (input hidden): ")
        except EOFError:
            token = ""
        if token.strip():
            return token
        raise CliError("no access token entered")
    raise CliError(f"no access token: {TOKEN_SOURCES} (or try --sandbox)")


def check_out(out: str) -> None:
    """Refuse an output folder that cannot be created or written, before any request.

    Nothing is created here: the folder appears only once the export has
    something to write.
    """
    path = Path(out).absolute()
    try:
        if path.exists() and not path.is_dir():
            raise CliError(f"cannot write to {out}: it exists and is not a folder")
        existing = path
        while not existing.exists():
            existing = existing.parent
    except OSError as exc:  # a name too long, a loop of symlinks
        raise CliError(f"cannot write to {out}: {exc.strerror or exc}") from None
    if not existing.is_dir():
        raise CliError(f"cannot write to {out}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CliError(f"cannot write to {out}: {existing} is not writable")


def _explain(exc: BaseException, out: str, where: str) -> str | None:
    """The one line for an export failure the user can act on; None for a bug."""
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            line = _explain(inner, out, where)
            if line is not None:
                return line
        return None
    if isinstance(exc, ArchiveError):
        return str(exc)
    if isinstance(exc, AuthenticationError):
        return f"{where} rejected the access token (401)"
    if isinstance(exc, APIConnectionError):
        return f"cannot reach {where}: {exc}"
    if isinstance(exc, OSError):
        detail = exc.strerror or str(exc)
        if exc.filename and str(exc.filename) != out:
            detail += f": {exc.filename}"
        return f"cannot write to {out}: {detail}"
    if isinstance(exc, sqlite3.Error):
        return f"cannot write to {out}: {exc}"
    if isinstance(exc, ValueError | GroupMeError):
        return str(exc)
    return None


async def _run_export(args: argparse.Namespace, token: str | None, console: Console) -> int:
    from ._cli_view import RichProgress, media_lines, summary_line, summary_table

    client_kwargs: dict[str, Any] = {"retry": RetryPolicy(max_attempts=args.max_attempts)}
    if token is None:
        from .testing import FakeGroupMe

        gm = FakeGroupMe(**SANDBOX).client(**client_kwargs)
    else:
        try:
            gm = AsyncGroupMe(token, base_url=args.base_url, **client_kwargs)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    stop = anyio.Event()
    dms, groups = (True, True) if not (args.dms or args.groups) else (args.dms, args.groups)
    # Named as the client resolved it, so a GROUPME_BASE_URL is not blamed on GroupMe.
    where = (
        "the sandbox"
        if args.sandbox
        else args.base_url or os.environ.get(BASE_URL_ENV) or "api.groupme.com"
    )
    summary: ExportSummary | None = None
    try:
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
                        max_concurrency=args.max_concurrency,
                        concurrency=args.concurrency,
                        progress=progress,
                        stop=stop,
                        media=_media_options(args),
                    )
            finally:
                tg.cancel_scope.cancel()
    except Exception as exc:
        line = _explain(exc, args.out, where)
        if line is None:
            raise
        raise CliError(line) from None
    if summary is None:
        # A second Ctrl-C: pages already written are saved; the one in flight is not.
        console.print(
            "[yellow]stopped:[/] every page written is saved; run the same command to resume"
        )
        return 130
    console.print(summary_table(summary))
    console.print(summary_line(summary), highlight=False)
    if summary.media is not None:
        for line in media_lines(summary.media, args.out):
            console.print(line, highlight=False)
    if summary.interrupted:
        console.print("[yellow]interrupted:[/] progress saved; run the same command to resume")
        return 130
    console.print(f"archive: {args.out} ({args.format})", highlight=False)
    return 0 if summary.ok else 1


def _media_options(args: argparse.Namespace) -> MediaOptions | bool:
    if args.media is None:
        return False
    return MediaOptions(
        avatars=args.media == "avatars",
        max_bytes=args.media_max_size,
        other_hosts=args.media_any_host,
    )


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


def _export(args: argparse.Namespace) -> int:
    if args.token_on_command_line is not None:
        return _fail(
            "--token is not accepted (the command line is visible to other users and kept "
            f"in shell history): {TOKEN_SOURCES}"
        )
    if args.concurrency is not None and args.concurrency < 1:
        return _fail("--concurrency must be at least 1")
    if args.max_concurrency < 1:
        return _fail("--max-concurrency must be at least 1")
    if args.max_attempts < 1:
        return _fail("--max-attempts must be at least 1")
    try:
        from ._cli_view import Console
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] != "rich":
            raise
        return _fail("the export command needs rich: pip install 'groupme_async[cli]'")
    try:
        check_out(args.out)
        token = None if args.sandbox else read_token(args.token_file)
        return anyio.run(_run_export, args, token, Console())
    except CliError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")


def _view(args: argparse.Namespace) -> int:
    try:
        from .viewer import render_site
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] != "jinja2":
            raise
        return _fail("the view command needs Jinja2: pip install 'groupme_async[view]'")
    tz = None
    if args.timezone is not None:
        import zoneinfo

        try:
            tz = zoneinfo.ZoneInfo(args.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return _fail(f"unknown time zone {args.timezone!r} (try Europe/Paris or UTC)")
    try:
        check_out(args.out)
        summary = render_site(args.archive, args.out, tz=tz)
    except CliError as exc:
        return _fail(str(exc))
    except (ArchiveError, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write to {args.out}: {exc.strerror or exc}")
    print(
        f"site: {Path(args.out) / 'index.html'} ({summary.conversations} conversations, "
        f"{summary.messages:,} messages; {summary.written} files written, "
        f"{summary.unchanged} unchanged, {summary.media} media files added)"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        from .testing._serve import serve

        return serve(args)
    if args.command == "view":
        return _view(args)
    return _export(args)
