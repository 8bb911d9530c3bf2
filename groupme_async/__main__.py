"""``python -m groupme_async export ...`` (the same as ``groupme-async``)."""

from __future__ import annotations

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
