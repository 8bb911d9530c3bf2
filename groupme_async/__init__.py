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

from ._client import AsyncGroupMe
from ._limiter import AdaptiveRateLimiter
from ._pagination import AsyncPaginator
from ._requester import InsecureTransportWarning, RateLimiter
from ._retry import RetryPolicy
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GroupMeError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    SendOutcomeUnknownError,
    ServerError,
)
from .models import (
    Attachment,
    Block,
    Chat,
    ChatUser,
    DirectoryMembership,
    EmojiAttachment,
    EventAttachment,
    FileAttachment,
    Group,
    GroupMessagesSummary,
    ImageAttachment,
    LocationAttachment,
    Member,
    MentionsAttachment,
    Message,
    MessagePage,
    PollAttachment,
    Profile,
    Reaction,
    ReadReceipt,
    ReplyAttachment,
    ShareUrls,
    SplitAttachment,
    UnknownAttachment,
    User,
    VideoAttachment,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AdaptiveRateLimiter",
    "AsyncGroupMe",
    "AsyncPaginator",
    "Attachment",
    "AuthenticationError",
    "BadRequestError",
    "Block",
    "Chat",
    "ChatUser",
    "ConflictError",
    "DirectoryMembership",
    "EmojiAttachment",
    "EventAttachment",
    "FileAttachment",
    "Group",
    "GroupMeError",
    "GroupMessagesSummary",
    "ImageAttachment",
    "InsecureTransportWarning",
    "LocationAttachment",
    "Member",
    "MentionsAttachment",
    "Message",
    "MessagePage",
    "NotFoundError",
    "PermissionDeniedError",
    "PollAttachment",
    "Profile",
    "RateLimitError",
    "RateLimiter",
    "Reaction",
    "ReadReceipt",
    "ReplyAttachment",
    "ResponseDecodeError",
    "RetryPolicy",
    "SendOutcomeUnknownError",
    "ServerError",
    "ShareUrls",
    "SplitAttachment",
    "UnknownAttachment",
    "User",
    "VideoAttachment",
    "__version__",
]
