"""Bulk export: archive every conversation, then keep the archive current.

``await export(gm, "archive")`` is the library entry point; the CLI
(``groupme-async export``) wraps it with progress bars and a summary.
"""

from ._concurrency import AdaptiveConcurrency
from ._disk import StepHook
from ._jsonl import JsonlSink
from ._media import (
    MediaFailure,
    MediaOptions,
    MediaProgress,
    MediaSummary,
    download_media,
    read_manifest,
    sniff,
)
from ._model import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveLockedError,
    Conversation,
    ResumePoint,
    Sink,
)
from ._reader import ArchivedConversation, ArchiveReader, open_archive
from ._runner import (
    ConversationResult,
    ExportPace,
    ExportProgress,
    ExportSummary,
    discover,
    export,
    open_sink,
)
from ._sqlite import SqliteSink

__all__ = [
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
]
