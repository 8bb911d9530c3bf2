"""Suite-wide: no log record of any test ever contains an access token, and the
recorded corpus for the tests that read it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from groupme_async.testing import SANDBOX_TOKEN

from .cli import serve_fake
from .recorded import RecordedCorpus, locate_recorded
from .unit.conftest import TOKEN as UNIT_TOKEN

SECRETS = (SANDBOX_TOKEN, UNIT_TOKEN)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.texts.append(text)


@pytest.fixture(autouse=True)
def _no_token_in_any_log_record(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("token_in_url_on_purpose"):
        # A test of the fake's GroupMe-compatible ?token= support, made with
        # plain httpx (whose own log shows that URL), not with our client.
        yield
        return
    collector = _Collector()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(collector)
        root.setLevel(previous)
    leaked = [i for i, text in enumerate(collector.texts) if any(s in text for s in SECRETS)]
    assert not leaked, f"{len(leaked)} log record(s) contained an access token"


@pytest.fixture(scope="session")
def recorded() -> RecordedCorpus:
    """The recorded GroupMe corpus; skips the test when there is none (see ``recorded.py``)."""
    return RecordedCorpus(locate_recorded(os.environ))


@pytest.fixture(scope="module")
def served_fake() -> Iterator[str]:
    """The URL of a FakeGroupMe (seed 1) on a socket, one per test module: the
    README's and the guides' examples run against it as a reader's would."""
    with serve_fake("--seed", "1") as url:
        yield url
