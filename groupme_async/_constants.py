"""Every number the requester and the retry loop use, in one place."""

from __future__ import annotations

from ._version import __version__

#: The real hosts, by API family.  ``base_url=`` replaces all of them with one
#: origin and the prefixes in ``FAMILY_PREFIXES``.
DEFAULT_BASES: dict[str, str] = {
    "v3": "https://api.groupme.com/v3",
    "v4": "https://api.groupme.com/v4",
    "v2": "https://v2.groupme.com",
    "image": "https://image.groupme.com",
    "file": "https://file.groupme.com/v1",
    "video": "https://video.groupme.com",
    "push": "https://push.groupme.com/faye",
}
FAMILY_PREFIXES: dict[str, str] = {
    "v3": "/v3",
    "v4": "/v4",
    "v2": "/v2",
    "image": "/image",
    "file": "/file",
    "video": "/video",
    "push": "/push/faye",
}

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BASE_DELAY = 0.5
DEFAULT_MAX_DELAY = 30.0
#: A whole call (every attempt, wait and body read) ends by then.
DEFAULT_DEADLINE = 300.0
#: GroupMe refuses a repeated ``source_guid`` for one minute.  A send makes
#: no attempt later than this after its first began, so a retry can never
#: arrive after the window has closed and post the message a second time.
DUPLICATE_WINDOW = 60.0
DEFAULT_SEND_WINDOW = 50.0
#: A ``Retry-After`` longer than this is not slept through: the error is raised
#: so the caller can decide (GroupMe has been seen asking for minutes).
MAX_RETRY_AFTER = 300.0

#: Response bodies are read up to this many bytes (after decompression).
DEFAULT_MAX_RESPONSE_BYTES = 16 * 2**20

# --- media services ----------------------------------------------------------------

#: The file service takes files under 50 MB.
MAX_FILE_BYTES = 50 * 2**20
#: Polling an upload's status: the first wait, and the longest (doubling between).
POLL_FIRST_DELAY = 0.5
POLL_MAX_DELAY = 5.0
#: The one host whose image URLs GroupMe accepts in attachments.
IMAGE_HOST = "i.groupme.com"

#: Rate-limit statuses; every 5xx is retried too (a proxy in front of
#: GroupMe answers 502/520-524 as often as GroupMe answers 500/503).
RATE_LIMIT_STATUSES = frozenset({420, 429})

#: GroupMe caps every message page at 100.
MAX_PAGE_LIMIT = 100
MAX_TEXT_LENGTH = 1000

#: How far back ``send`` looks for a message that landed although its
#: response was lost (the 409 window is one minute; allow for clock skew).
LANDED_LOOKBACK_SECONDS = 300
LANDED_LOOKBACK_PAGES = 10

USER_AGENT = f"groupme_async/{__version__}"
