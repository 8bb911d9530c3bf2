"""The installed version: pyproject.toml is the one place it is written."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("groupme_async")
    """The installed version of groupme_async."""
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
