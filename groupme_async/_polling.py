"""Waiting for an upload job: the file and video services answer an upload
with a ``status_url`` and finish the work later.

The status URL comes from the server, so it is checked before anything is
sent to it: it must be on the very service the upload went to (same scheme,
host and port, under the service's path), with no user name or password.
Anything else is a :class:`ResponseDecodeError` and no request is made, so
the access token never follows a URL the server chose.

Polls back off from :data:`POLL_FIRST_DELAY` to :data:`POLL_MAX_DELAY` and
share one deadline with the upload that started the job.
"""

from __future__ import annotations

from typing import Any

import attrs
import httpx

from ._bodies import Body
from ._constants import POLL_FIRST_DELAY, POLL_MAX_DELAY
from ._envelope import clean_text, expect_dict
from ._requester import Params, Requester
from ._routes import Bound, Route
from .errors import APITimeoutError, ResponseDecodeError, UploadFailedError

#: Statuses that end a job without a result.
FAILED = frozenset({"failed", "error"})

#: Escapes that could smuggle a dot segment, separator or NUL past the path check.
_ENCODED_SEPARATORS = ("%2e", "%2f", "%5c", "%00", "\\")


def check_status_url(value: object, base: str, label: str) -> str:
    """``value`` as a URL on the service at ``base``, or :class:`ResponseDecodeError`.

    The URL returned is rebuilt from ``base`` and the checked path and query,
    so it starts with ``base`` exactly.
    """
    if not isinstance(value, str) or not value:
        raise ResponseDecodeError(label, "the answer has no status_url")
    if any(c.isspace() or not c.isprintable() for c in value):
        raise ResponseDecodeError(label, "status_url contains whitespace or control characters")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        raise ResponseDecodeError(label, "status_url is not a URL") from None
    service = httpx.URL(base)
    if url.userinfo:
        raise ResponseDecodeError(label, "status_url carries a user name or password")
    if (url.scheme, url.host, url.port) != (service.scheme, service.host, service.port):
        where = clean_text(f"{url.scheme}://{url.host}")
        raise ResponseDecodeError(
            label, f"status_url points at {where}, not at the service the upload went to"
        )
    prefix = service.path.rstrip("/")
    raw_path = url.raw_path.decode("ascii").partition("?")[0]
    if (
        not raw_path.startswith(prefix + "/")
        or url.fragment
        or any(s in (".", "..") for s in raw_path.split("/"))
        or any(bad in raw_path.lower() for bad in _ENCODED_SEPARATORS)
    ):
        raise ResponseDecodeError(label, "status_url is not a path on the upload's service")
    query = url.query.decode("ascii")
    return base.rstrip("/") + raw_path[len(prefix) :] + (f"?{query}" if query else "")


async def wait_for_job(
    requester: Requester,
    status_url: object,
    *,
    family: str,
    label: str,
    deadline_at: float,
) -> dict[str, Any]:
    """Poll ``status_url`` until its job is ``"complete"``; its last answer.

    A ``"failed"`` job is an :class:`UploadFailedError`; a job still running
    when the next poll would start after ``deadline_at`` is an
    :class:`APITimeoutError`.  Each poll is retried (5xx, 420, lost
    answers) under what is left of the deadline.
    """
    url = check_status_url(status_url, requester.bases[family], label)
    delay = POLL_FIRST_DELAY
    polls = 0
    status: object = None
    while True:
        remaining = deadline_at - requester.clock()
        if remaining <= 0:
            break
        data = await requester.request(
            "GET", url, label, retry=attrs.evolve(requester.retry, deadline=remaining)
        )
        polls += 1
        answer: dict[str, Any] = expect_dict(data, label)
        status = answer.get("status")
        if not isinstance(status, str):
            raise ResponseDecodeError(label, "the job status has no 'status' string")
        if status == "complete":
            return answer
        if status in FAILED:
            raise UploadFailedError(
                f"{label}: GroupMe could not process the upload (status {status!r})",
                service=family,
                status=status,
            )
        if requester.clock() + delay >= deadline_at:
            break
        await requester.sleep(delay)
        delay = min(POLL_MAX_DELAY, delay * 2)
    shown = clean_text(status) if isinstance(status, str) else "unknown"
    raise APITimeoutError(
        f"{label}: the upload was still {shown!r} after {polls} polls when the call's "
        f"{requester.retry.deadline:g} s deadline came"
    )


async def upload_and_wait(
    requester: Requester,
    target: Bound[Any],
    body: Body,
    *,
    family: str,
    status: Route[Any],
    params: Params | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Upload ``body`` to a job service and wait for the job: its final status.

    One deadline (the retry policy's) covers the upload and every poll.
    Uploads are not idempotent: a retry after a lost answer uploads the data
    again, which only leaves an unused copy on GroupMe's side (nothing is
    posted until a message carries the result), so they are retried like
    any other call.
    """
    deadline_at = requester.clock() + requester.retry.deadline
    try:
        answer = await requester.call(target, content=body, params=params, headers=headers)
    finally:
        await body.aclose()
    if answer is None:
        raise ResponseDecodeError(target.route.label, "the answer had no body")
    return await wait_for_job(
        requester,
        answer.get("status_url"),
        family=family,
        label=status.label,
        deadline_at=deadline_at,
    )
