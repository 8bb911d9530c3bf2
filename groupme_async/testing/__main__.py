"""``python -m groupme_async.testing``: FakeGroupMe on a real socket, and its endpoints.

``serve`` is for benchmarks and for clients in other languages; uvicorn is
imported only there (install the ``server`` extra).  ``endpoints`` lists what
the fake implements (``--markdown`` prints the README's list).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from ._app import ALL_FAULTS, SANDBOX_TOKEN, FakeGroupMe
from ._endpoints import endpoints_markdown, implemented_endpoints


class _QuietAborts(logging.Filter):
    """Hide uvicorn's error line for responses the fake cuts short on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m groupme_async.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve FakeGroupMe over HTTP until interrupted")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument("--seed", type=int, default=0)
    serve.add_argument("--dm-chats", type=int, default=4)
    serve.add_argument("--groups", type=int, default=3)
    serve.add_argument("--messages-per-conversation", type=int, default=300)
    serve.add_argument(
        "--exact-counts",
        action="store_true",
        help="every conversation has exactly --messages-per-conversation messages",
    )
    serve.add_argument("--rate-limit", type=float, default=None, help="requests per second")
    serve.add_argument("--burst", type=int, default=None)
    serve.add_argument("--fault-rate", type=float, default=0.0)
    serve.add_argument(
        "--faults", default=",".join(ALL_FAULTS), help="comma-separated subset of the faults"
    )
    serve.add_argument("--slow-seconds", type=float, default=0.05)
    serve.add_argument(
        "--cache-messages",
        type=int,
        default=0,
        help="generated messages kept per conversation for reuse (default: none)",
    )
    serve.add_argument(
        "--members-results-delay",
        type=float,
        default=1.0,
        help="seconds a members/add answers 503 before its results are ready",
    )
    endpoints = commands.add_parser("endpoints", help="list the endpoints FakeGroupMe implements")
    endpoints.add_argument(
        "--markdown", action="store_true", help="as the markdown list in the README"
    )
    return parser


def print_endpoints(markdown: bool) -> None:
    if markdown:
        print(endpoints_markdown())
        return
    for endpoint in implemented_endpoints():
        print(f"{endpoint.method:<7} {endpoint.path}")


async def serve(args: argparse.Namespace) -> None:
    """Run uvicorn until cancelled; print the URL and token once listening."""
    import uvicorn

    fake = FakeGroupMe(
        args.seed,
        dm_chats=args.dm_chats,
        groups=args.groups,
        messages_per_conversation=args.messages_per_conversation,
        exact_counts=args.exact_counts,
        rate_limit=args.rate_limit,
        burst=args.burst,
        fault_rate=args.fault_rate,
        faults=[f for f in args.faults.split(",") if f],
        slow_seconds=args.slow_seconds,
        cache_messages=args.cache_messages,
        members_results_delay=args.members_results_delay,
    )
    config = uvicorn.Config(
        fake,
        host=args.host,
        port=args.port,
        lifespan="on",
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    logging.getLogger("uvicorn.error").addFilter(_QuietAborts())
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task  # startup failed: surface uvicorn's error
            raise SystemExit(1)
        await asyncio.sleep(0.01)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    print(f"FakeGroupMe on http://{host}:{port} token={SANDBOX_TOKEN}", flush=True)
    await task


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m groupme_async.testing``."""
    args = build_parser().parse_args(argv)
    if args.command == "endpoints":
        print_endpoints(args.markdown)
        return 0
    try:
        # Refuse bad fault names before binding a port.
        unknown = set(args.faults.split(",")) - set(ALL_FAULTS) - {""}
        if unknown:
            print(f"unknown faults: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
