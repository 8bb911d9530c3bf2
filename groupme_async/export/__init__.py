"""Bulk export: archive every conversation, then keep the archive current.

``await export(gm, "archive")`` is the library entry point; the CLI
(``groupme-async export``) wraps it with progress bars and a summary.
"""

from ._concurrency import AdaptiveConcurrency
from ._disk import StepHook
from ._jsonl import JsonlSink
from ._model import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveLockedError,
    Conversation,
    ResumePoint,
    Sink,
)
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
    "Conversation",
    "ConversationResult",
    "ExportPace",
    "ExportProgress",
    "ExportSummary",
    "JsonlSink",
    "ResumePoint",
    "Sink",
    "SqliteSink",
    "StepHook",
    "discover",
    "export",
    "open_sink",
]
