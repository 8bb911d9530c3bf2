"""Bulk export: archive every conversation, then keep the archive current.

``await export(gm, "archive")`` is the library entry point; the CLI
(``groupme-async export``) wraps it with progress bars and a summary.
"""

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
    ExportProgress,
    ExportSummary,
    discover,
    export,
    open_sink,
)
from ._sqlite import SqliteSink

__all__ = [
    "ArchiveCorruptError",
    "ArchiveError",
    "ArchiveLockedError",
    "Conversation",
    "ConversationResult",
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
