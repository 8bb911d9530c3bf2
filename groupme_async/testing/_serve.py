"""FakeGroupMe on a real socket: ``groupme-async serve`` (or ``-m groupme_async.testing serve``).

For benchmarks and for clients in other languages.  uvicorn is imported only
here, when serving starts (install the ``server`` extra).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import socket
import sys

from .._serve_options import ALL_FAULTS, add_serve_arguments
from ._app import SANDBOX_TOKEN, FakeGroupMe

__all__ = ["add_serve_arguments", "serve"]


class _QuietAborts(logging.Filter):
    """Hide uvicorn's error line for responses the fake cuts short on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _listen(host: str, port: int) -> socket.socket:
    """A bound socket; binding here, not in uvicorn, turns a taken port into one line."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


async def _serve(fake: FakeGroupMe, sock: socket.socket) -> None:
    """Run uvicorn on ``sock`` until cancelled; print the URL and token once listening."""
    import uvicorn

    config = uvicorn.Config(fake, lifespan="on", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    logging.getLogger("uvicorn.error").addFilter(_QuietAborts())
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            await task  # startup failed: surface uvicorn's error
            raise SystemExit(1)
        await asyncio.sleep(0.01)
    host, port = sock.getsockname()[:2]
    host = f"[{host}]" if ":" in host else host  # an IPv6 address, as a URL writes it
    print(f"FakeGroupMe on http://{host}:{port} token={SANDBOX_TOKEN}", flush=True)
    await task


def serve(args: argparse.Namespace) -> int:
    """Serve FakeGroupMe until interrupted; every failure to start is one line, exit 2."""
    unknown = set(args.faults.split(",")) - set(ALL_FAULTS) - {""}
    if unknown:
        return _fail(f"unknown faults: {', '.join(sorted(unknown))}")
    try:
        import uvicorn  # noqa: F401 - only to say which extra is missing, before binding
    except ImportError:
        return _fail("serving needs uvicorn: pip install 'groupme_async[server]'")
    try:
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
            latency=args.latency / 1000.0,
            jitter=args.jitter / 1000.0,
        )
        fake.allow_callback_hosts(*args.callback_host)
    except ValueError as exc:
        return _fail(str(exc))
    try:
        sock = _listen(args.host, args.port)
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    # uvicorn re-raises the Ctrl-C it handled once it has shut down.
    with sock, contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(fake, sock))
    return 0
