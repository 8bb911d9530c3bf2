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
    MembersResultsExpiredError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    SendOutcomeUnknownError,
    ServerError,
)
from .models import (
    ApprovalResult,
    Attachment,
    Block,
    Bot,
    Chat,
    ChatUser,
    Contact,
    DirectoryMembership,
    EmojiAttachment,
    EventAttachment,
    FileAttachment,
    Group,
    GroupMembershipState,
    GroupMessagesSummary,
    ImageAttachment,
    LocationAttachment,
    Member,
    MemberAddResult,
    MentionsAttachment,
    Message,
    MessagePage,
    MyMembership,
    NewMember,
    OwnerChangeResult,
    PendingMember,
    PollAttachment,
    Profile,
    Reaction,
    ReadReceipt,
    ReplyAttachment,
    SharedGroup,
    ShareUrls,
    SplitAttachment,
    UnknownAttachment,
    User,
    UserDetails,
    VideoAttachment,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AdaptiveRateLimiter",
    "ApprovalResult",
    "AsyncGroupMe",
    "AsyncPaginator",
    "Attachment",
    "AuthenticationError",
    "BadRequestError",
    "Block",
    "Bot",
    "Chat",
    "ChatUser",
    "ConflictError",
    "Contact",
    "DirectoryMembership",
    "EmojiAttachment",
    "EventAttachment",
    "FileAttachment",
    "Group",
    "GroupMeError",
    "GroupMembershipState",
    "GroupMessagesSummary",
    "ImageAttachment",
    "InsecureTransportWarning",
    "LocationAttachment",
    "Member",
    "MemberAddResult",
    "MembersResultsExpiredError",
    "MentionsAttachment",
    "Message",
    "MessagePage",
    "MyMembership",
    "NewMember",
    "NotFoundError",
    "OwnerChangeResult",
    "PendingMember",
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
    "SharedGroup",
    "SplitAttachment",
    "UnknownAttachment",
    "User",
    "UserDetails",
    "VideoAttachment",
    "__version__",
]
