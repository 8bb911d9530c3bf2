"""The exception hierarchy.

Every error the client raises on purpose is a :class:`GroupMeError`.  API
errors are picked by HTTP status from one table (``_STATUS_ERRORS`` in
``_envelope``), so the ladder stays flat and a caller can catch at the level
it cares about.  No message here ever contains the access token: errors are
built from the status, the endpoint name and the server's ``meta.errors``.
"""

from __future__ import annotations

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "GroupMeError",
    "MembersResultsExpiredError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "SendOutcomeUnknownError",
    "ServerError",
    "UploadFailedError",
]


class GroupMeError(Exception):
    """Base class of every error this library raises on purpose."""


class APIError(GroupMeError):
    """GroupMe answered with an error status.

    ``errors`` is ``meta.errors`` from the envelope (empty when the body had
    none, e.g. an HTML page from a proxy).
    """

    def __init__(
        self,
        status_code: int,
        errors: list[str] | None = None,
        *,
        endpoint: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.status_code = status_code
        self.errors: list[str] = list(errors or [])
        self.endpoint = endpoint
        self.retry_after = retry_after
        detail = "; ".join(self.errors) if self.errors else "no error detail"
        where = f" from {endpoint}" if endpoint else ""
        super().__init__(f"HTTP {status_code}{where}: {detail}")


class BadRequestError(APIError):
    """400: the request had invalid format or data."""


class AuthenticationError(APIError):
    """401: the token is missing, wrong or revoked."""


class PermissionDeniedError(APIError):
    """403: understood but refused (for example an auto-banned sender)."""


class NotFoundError(APIError):
    """404: the path or the resource does not exist."""


class MembersResultsExpiredError(NotFoundError):
    """404 while fetching the results of ``gm.members.add``: GroupMe keeps
    them for one hour only.  Whether the members were added is unknown; look
    at the group's members instead of adding them again blindly."""


class ConflictError(APIError):
    """409: for sends, a ``source_guid`` reused within a minute."""


class RateLimitError(APIError):
    """420 Enhance Your Calm (or 429): slow down.

    ``retry_after`` holds the server's ``Retry-After`` in seconds when it sent one.
    """


class ServerError(APIError):
    """5xx: GroupMe (or a proxy in front of it) failed."""


class APIConnectionError(GroupMeError):
    """The request never got an HTTP answer (DNS, refused, reset, ...).

    ``sent`` is ``False`` when the request certainly never reached the
    server (the connection was refused or never made), so it cannot have
    been acted on.
    """

    def __init__(self, message: str, *, sent: bool = True) -> None:
        super().__init__(message)
        self.sent = sent


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class ResponseDecodeError(GroupMeError):
    """A response body was not the documented shape: not JSON, too large,
    nested too deeply, missing a key, or carrying an id that is not an id."""

    def __init__(self, endpoint: str, reason: str) -> None:
        self.endpoint = endpoint
        self.reason = reason
        super().__init__(f"unexpected response from {endpoint}: {reason}")


class ResponseTooLargeError(ResponseDecodeError):
    """A body passed ``max_response_bytes`` (counted after decompression) and
    was not read further.  Asking again would only fetch it again: raise the
    cap with ``AsyncGroupMe(max_response_bytes=...)`` if it is legitimate."""

    def __init__(self, endpoint: str, limit: int) -> None:
        super().__init__(endpoint, f"the body is larger than max_response_bytes ({limit})")
        self.limit = limit
        """The cap that was passed, in bytes."""


class SendOutcomeUnknownError(GroupMeError):
    """A send's window closed without knowing whether the message landed.

    An attempt may have reached GroupMe (its answer was lost, timed out, was
    a 5xx, or arrived but could not be read), and retrying later than
    GroupMe's one-minute duplicate window could post the message twice, so
    the client stopped.  Look the message
    up by its ``source_guid`` among the conversation's newest messages
    (``await gm.group_messages.find_sent(group_id, err.source_guid)`` or the
    ``direct_messages`` twin) before sending it again.
    """

    def __init__(self, message: str, *, source_guid: str, conversation_id: str) -> None:
        super().__init__(message)
        self.source_guid = source_guid
        self.conversation_id = conversation_id
        """The group id, or the other user's id for a DM."""


class UploadFailedError(GroupMeError):
    """A file or video upload arrived but GroupMe could not process it: its
    status turned ``"failed"`` (a video the transcoder refused, say).

    ``service`` is ``"file"`` or ``"video"``; ``status`` is the status
    GroupMe reported.  Uploading the same data again will fail again.
    """

    def __init__(self, message: str, *, service: str, status: str) -> None:
        super().__init__(message)
        self.service = service
        self.status = status
