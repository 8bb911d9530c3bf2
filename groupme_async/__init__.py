"""groupme_async: a typed asyncio client for the GroupMe API."""

import sys as _sys

if "httpx" not in _sys.modules:
    # httpx imports its own command line (click, rich, pygments: ~120 ms and
    # tens of modules) whenever those happen to be installed.  A library
    # user pays for none of it: make that optional import fail once, while
    # httpx is first imported, then let httpx's CLI import normally again.
    _sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx as _httpx  # noqa: F401
    finally:
        del _sys.modules["httpx._main"]

from . import errors as _errors
from . import models as _models
from . import realtime as _push_events
from ._client import AsyncGroupMe
from ._limiter import AdaptiveRateLimiter
from ._messages import ExternalImageWarning
from ._pagination import AsyncPaginator
from ._realtime import RealtimeStream
from ._requester import InsecureTransportWarning, RateLimiter
from ._retry import RetryPolicy
from ._version import __version__
from .errors import *  # noqa: F403 - every error, listed in errors.__all__
from .models import *  # noqa: F403 - every model, listed in models.__all__
from .realtime import *  # noqa: F403 - every push event, listed in realtime.__all__
from .resources import FileDownload, MediaDownload

__all__ = [
    "AdaptiveRateLimiter",
    "AsyncGroupMe",
    "AsyncPaginator",
    "ExternalImageWarning",
    "FileDownload",
    "InsecureTransportWarning",
    "MediaDownload",
    "RateLimiter",
    "RealtimeStream",
    "RetryPolicy",
    "__version__",
]
__all__ += _errors.__all__
__all__ += _models.__all__
__all__ += _push_events.__all__
