"""``python -m groupme_async.testing``: FakeGroupMe on a real socket, and its endpoints.

``serve`` is the same as ``groupme-async serve`` (uvicorn comes with the
``server`` extra); ``endpoints`` lists what the fake implements
(``--markdown`` prints the README's list).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._endpoints import endpoints_markdown, implemented_endpoints
from ._serve import add_serve_arguments, serve


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m groupme_async.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(
        commands.add_parser("serve", help="serve FakeGroupMe over HTTP until interrupted")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m groupme_async.testing``."""
    args = build_parser().parse_args(argv)
    if args.command == "endpoints":
        print_endpoints(args.markdown)
        return 0
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
