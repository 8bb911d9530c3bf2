"""Constructing the client: what it refuses, what it warns about, and
``with_options`` / ``rate_limiter``, the public ways to change a client."""

from __future__ import annotations

import ast
import math
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import groupme_async
from groupme_async import (
    AsyncGroupMe,
    InsecureTransportWarning,
    RetryPolicy,
)

from . import seed_examples as seeds
from .conftest import TOKEN, V3, envelope


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8000/v3",
        "https://api.groupme.com/v3",
        "http://127.0.0.1:8000/anything/",
    ],
)
def test_a_base_url_with_a_path_is_explained(base_url: str) -> None:
    with pytest.raises(ValueError, match=r"origin.*adds /v3"):
        AsyncGroupMe(TOKEN, base_url=base_url)


@pytest.mark.parametrize(
    ("base_url", "reason"),
    [
        ("http://user:hunter2@127.0.0.1:8000", "user name or password"),
        ("http://127.0.0.1:8000?x=1", "query or fragment"),
        ("http://127.0.0.1:8000#frag", "query or fragment"),
        ("http://127.0.0.1:8000\r\nX-Evil: 1", "whitespace or control"),
        ("http://127.0.0.1:8000\n", "whitespace or control"),
        ("ftp://127.0.0.1", "http"),
        ("127.0.0.1:8000", "http"),
    ],
)
def test_base_url_must_be_a_plain_origin(base_url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as info:
        AsyncGroupMe(TOKEN, base_url=base_url)
    assert "hunter2" not in str(info.value)


def test_plain_http_off_loopback_warns_that_the_token_travels_in_clear() -> None:
    with pytest.warns(InsecureTransportWarning, match="unencrypted"):
        AsyncGroupMe(TOKEN, base_url="http://groupme.example.org")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for origin in ("http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"):
            AsyncGroupMe(TOKEN, base_url=origin)
        AsyncGroupMe(TOKEN, base_url="https://groupme.example.org")
        # In process (a MockTransport, FakeGroupMe) nothing crosses a network.
        AsyncGroupMe(
            TOKEN,
            base_url="http://fake.groupme.test",
            transport=httpx.MockTransport(lambda r: httpx.Response(204)),
        )


@pytest.mark.parametrize(
    "token",
    ["tök-SECRET-1", "tok-SECRET\r\nX-Evil: 1", "tok SECRET", "tok\x00SECRET", "tok\tSECRET", ""],
)
def test_a_malformed_token_is_a_value_error_that_never_quotes_it(token: str) -> None:
    with pytest.raises(ValueError) as info:
        AsyncGroupMe(token)
    for text in (str(info.value), repr(info.value), repr(info.value.args)):
        assert "SECRET" not in text


def test_the_token_is_in_no_repr() -> None:
    gm = AsyncGroupMe(TOKEN)
    assert TOKEN not in repr(gm)
    assert TOKEN not in repr(vars(gm))
    assert TOKEN not in repr(gm.with_options(timeout=1.0))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -1.0, 0.0, "5", True])
def test_timeouts_that_are_not_finite_positive_numbers_are_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match="timeout"):
        AsyncGroupMe(TOKEN, timeout=bad)


@pytest.mark.parametrize("field", ["base_delay", "max_delay", "deadline", "send_window"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, -0.5])
def test_retry_numbers_that_are_nan_infinite_or_negative_are_refused(
    field: str, bad: float
) -> None:
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**{field: bad})


def test_send_window_must_close_before_groupmes_duplicate_window() -> None:
    assert RetryPolicy(send_window=59.9).send_window == 59.9
    for bad in (60, 61.0, 600):
        with pytest.raises(ValueError, match="under 60"):
            RetryPolicy(send_window=bad)
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


class CountingLimiter:
    def __init__(self) -> None:
        self.acquired = 0
        self.statuses: list[int | None] = []

    async def acquire(self) -> None:
        self.acquired += 1

    def report(self, status: int | None) -> None:
        self.statuses.append(status)


async def test_a_rate_limiter_sees_every_attempt_of_its_client_only() -> None:
    limiter = CountingLimiter()
    with respx.mock:
        respx.get(f"{V3}/users/me").mock(
            side_effect=[
                httpx.Response(420, json=envelope(None, 420, ["calm"])),
                httpx.Response(200, json=envelope(seeds.USERS_ME)),
                httpx.Response(200, json=envelope(seeds.USERS_ME)),
                httpx.Response(200, json=envelope(seeds.USERS_ME)),
            ]
        )

        async def no_wait(_: float) -> None:
            return None

        async with AsyncGroupMe(TOKEN, sleep=no_wait) as gm:
            paced = gm.with_options(rate_limiter=limiter)
            assert paced.rate_limiter is limiter and gm.rate_limiter is None
            await paced.users.me()
            await gm.users.me()  # the original client is not paced
            assert limiter.acquired == 2 and limiter.statuses == [420, 200]
            await paced.aclose()  # a derived client leaves the shared pool open
            await gm.users.me()


async def test_a_rate_limiter_given_at_construction_paces_every_call() -> None:
    limiter = CountingLimiter()
    with respx.mock:
        respx.get(f"{V3}/users/me").mock(
            return_value=httpx.Response(200, json=envelope(seeds.USERS_ME))
        )
        async with AsyncGroupMe(TOKEN, rate_limiter=limiter) as gm:
            await gm.users.me()
            await gm.with_options(timeout=5.0).users.me()  # inherited
    assert limiter.statuses == [200, 200]


def test_with_options_checks_what_it_is_given() -> None:
    gm = AsyncGroupMe(TOKEN)
    with pytest.raises(TypeError):
        gm.with_options(rate_limiter=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        gm.with_options(timeout=math.nan)
    with pytest.raises(TypeError):
        gm.with_options(retry=5)  # type: ignore[arg-type]
    assert gm.with_options(retry=RetryPolicy(max_attempts=1)).retry.max_attempts == 1
    assert gm.retry.max_attempts == 5


@pytest.mark.parametrize("key", ["message", "direct_message"])
async def test_a_sent_dm_is_decoded_under_either_key(key: str) -> None:
    body = {key: seeds.DM_CREATE["message"]}
    with respx.mock:
        respx.post(f"{V3}/direct_messages").mock(
            return_value=httpx.Response(201, json=envelope(body))
        )
        async with AsyncGroupMe(TOKEN) as gm:
            sent = await gm.direct_messages.send("20", "hi")
    assert sent.id == seeds.DM_CREATE["message"]["id"]


def test_base_url_comes_from_the_environment_when_not_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GROUPME_BASE_URL", "http://127.0.0.1:8123")
    assert "127.0.0.1:8123" in repr(AsyncGroupMe(TOKEN))
    monkeypatch.setenv("GROUPME_BASE_URL", "http://127.0.0.1:8123/v3")
    with pytest.raises(ValueError, match="origin"):
        AsyncGroupMe(TOKEN)


EXPORT = Path(groupme_async.__file__).parent / "export"
SHARED_UTILITIES = {"_json", "_sniff"}


def test_the_export_uses_only_public_api() -> None:
    """No private attribute of anything but its own objects, and imports of
    the library only through its public names (or the export's own modules)."""
    offences = []
    for path in sorted(EXPORT.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                owner = node.value
                own = isinstance(owner, ast.Name) and owner.id in ("self", "cls")
                if not own and not node.attr.startswith("__"):
                    offences.append(f"{path.name}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                module = node.module or ""
                # _json and _sniff are utilities both share, not parts of the client.
                private = module.startswith("_") or module.split(".")[-1].startswith("_")
                if private and module not in SHARED_UTILITIES:
                    offences.append(f"{path.name}:{node.lineno} from ..{module}")
    assert offences == []
