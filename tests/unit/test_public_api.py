"""``groupme_async.__all__`` is exactly the public API the design promises."""

from __future__ import annotations

import types

import groupme_async
from groupme_async import errors, models

EXPECTED = {
    # the client
    "AsyncGroupMe",
    "AsyncPaginator",
    "RetryPolicy",
    "RateLimiter",
    "AdaptiveRateLimiter",
    "InsecureTransportWarning",
    # the error ladder
    "GroupMeError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "ServerError",
    "APIConnectionError",
    "APITimeoutError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "SendOutcomeUnknownError",
    "MembersResultsExpiredError",
    # models
    "ConversationKind",
    "Attachment",
    "Block",
    "Chat",
    "ChatUser",
    "DirectoryMembership",
    "EmojiAttachment",
    "EventAttachment",
    "FileAttachment",
    "Group",
    "GroupMessagesSummary",
    "ImageAttachment",
    "LocationAttachment",
    "Member",
    "MentionsAttachment",
    "Message",
    "MessagePage",
    "PollAttachment",
    "Profile",
    "Reaction",
    "ReadReceipt",
    "ReplyAttachment",
    "ShareUrls",
    "SplitAttachment",
    "UnknownAttachment",
    "User",
    "VideoAttachment",
    # groups beyond the seeds, members, users, contacts, bots (issue 12)
    "ApprovalResult",
    "Bot",
    "Contact",
    "GroupMembershipState",
    "MemberAddResult",
    "MyMembership",
    "NewMember",
    "OwnerChangeResult",
    "PendingMember",
    "SharedGroup",
    "UserDetails",
    # messages beyond the seeds, polls, events, subgroups
    "EmojiReaction",
    "Event",
    "EventLocation",
    "LikedMessage",
    "Poll",
    "PollOption",
    "Subgroup",
    # media services
    "ExternalImageWarning",
    "FileDownload",
    "MediaDownload",
    "FileInfo",
    "UploadFailedError",
    "UploadedImage",
    # realtime
    "RealtimeStream",
    "RealtimeEvent",
    "MessageCreated",
    "MessageUpdated",
    "MessageDeleted",
    "MessageReacted",
    "Typing",
    "MembershipCreated",
    "UnknownEvent",
    "__version__",
}


def test_all_is_exactly_the_public_api() -> None:
    assert len(groupme_async.__all__) == len(set(groupme_async.__all__)), "duplicates in __all__"
    assert set(groupme_async.__all__) == EXPECTED


def test_every_exported_name_resolves() -> None:
    for name in groupme_async.__all__:
        assert getattr(groupme_async, name, None) is not None, name
    namespace: dict[str, object] = {}
    exec("from groupme_async import *", namespace)
    assert set(namespace) - {"__builtins__"} == EXPECTED


def test_nothing_public_is_missing_from_all() -> None:
    public = {
        name
        for name, value in vars(groupme_async).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public <= set(groupme_async.__all__), sorted(public - set(groupme_async.__all__))
    # every error and model is reachable from the top level
    assert set(errors.__all__) <= set(groupme_async.__all__)
    assert set(models.__all__) <= set(groupme_async.__all__)
    for name in errors.__all__:
        assert getattr(groupme_async, name) is getattr(errors, name)
    assert isinstance(groupme_async.__version__, str)


SUBPACKAGES = {
    "groupme_async.bots": {"BotApp", "Context", "Handler"},
    "groupme_async.export": {
        "AdaptiveConcurrency",
        "ArchiveCorruptError",
        "ArchiveError",
        "ArchiveLockedError",
        "ArchiveReader",
        "ArchivedConversation",
        "Conversation",
        "ConversationResult",
        "ExportPace",
        "ExportProgress",
        "ExportSummary",
        "JsonlSink",
        "MediaFailure",
        "MediaOptions",
        "MediaProgress",
        "MediaSummary",
        "ResumePoint",
        "Sink",
        "SqliteSink",
        "StepHook",
        "discover",
        "download_media",
        "export",
        "open_archive",
        "open_sink",
        "read_manifest",
        "sniff",
    },
    "groupme_async.testing": {
        "ALL_FAULTS",
        "FAKE_BASE_URL",
        "SANDBOX_TOKEN",
        "CallbackDelivery",
        "ConversationKind",
        "Endpoint",
        "FakeConversation",
        "FakeGroupMe",
        "FakeStats",
        "PushStats",
        "endpoints_markdown",
        "implemented_endpoints",
    },
}


def test_export_and_testing_all_are_exactly_their_public_api() -> None:
    import importlib

    for module_name, expected in SUBPACKAGES.items():
        module = importlib.import_module(module_name)
        assert set(module.__all__) == expected, module_name
        public = {
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and not isinstance(value, types.ModuleType)
        }
        assert public == expected, (module_name, sorted(public ^ expected))
