"""The options of ``serve`` (FakeGroupMe on a socket), apart from the fake itself.

The command line builds its ``serve`` subcommand from these on every run;
keeping them out of ``groupme_async.testing`` means ``groupme-async export``
does not import the whole fake just to parse its arguments.
"""

from __future__ import annotations

import argparse

ALL_FAULTS: tuple[str, ...] = (
    "500",
    "503",
    "502html",
    "drop",
    "slow",
    "truncate",
    "lost_after_commit",
)
"""Every fault the fake can inject."""


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``serve``, shared by both command lines."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dm-chats", type=int, default=4)
    parser.add_argument("--groups", type=int, default=3)
    parser.add_argument("--messages-per-conversation", type=int, default=300)
    parser.add_argument(
        "--exact-counts",
        action="store_true",
        help="every conversation has exactly --messages-per-conversation messages",
    )
    parser.add_argument("--rate-limit", type=float, default=None, help="requests per second")
    parser.add_argument("--burst", type=int, default=None)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument(
        "--faults", default=",".join(ALL_FAULTS), help="comma-separated subset of the faults"
    )
    parser.add_argument("--slow-seconds", type=float, default=0.05)
    parser.add_argument(
        "--cache-messages",
        type=int,
        default=0,
        help="generated messages kept per conversation for reuse (default: none)",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="MS",
        help="delay every answer by this many milliseconds, as a wide-area network does",
    )
    parser.add_argument(
        "--jitter",
        type=float,
        default=0.0,
        metavar="MS",
        help="vary each answer's delay by up to this many milliseconds either way",
    )
    parser.add_argument(
        "--callback-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a host beyond loopback that bot callbacks may be POSTed to (repeatable)",
    )
    parser.add_argument(
        "--members-results-delay",
        type=float,
        default=1.0,
        help="seconds a members/add answers 503 before its results are ready",
    )
