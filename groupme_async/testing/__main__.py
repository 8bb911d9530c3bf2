"""``python -m groupme_async.testing serve``: FakeGroupMe on a real socket.

The same as ``groupme-async serve``; uvicorn comes with the ``server`` extra.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._serve import add_serve_arguments, serve


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m groupme_async.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(
        commands.add_parser("serve", help="serve FakeGroupMe over HTTP until interrupted")
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m groupme_async.testing``."""
    return serve(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
