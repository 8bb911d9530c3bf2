"""Messages that try to run script in the viewer, and the flag they would set."""

from __future__ import annotations

from typing import Any

from groupme_async.testing import FakeGroupMe

#: Every payload sets this global (or opens a dialog) if it ever runs.
FLAG = "__gm_pwned"

HOSTILE_TEXTS = [
    f"<script>window.{FLAG}=1</script>",
    f'<img src=x onerror="window.{FLAG}=2">',
    f"javascript:window.{FLAG}=3",
    f'"><svg onload="window.{FLAG}=4"> \' onmouseover="window.{FLAG}=5"',
    f"</script><script>window.{FLAG}=6;alert(6)</script>",
    f'see http://example.com/"onmouseover=window.{FLAG}=7 and https://ok.example/path?a=1&b=<2>',
    "\u2028\u2029 line separators </SCRIPT> <!-- -->",
]
#: A text that only a working search finds.
NEEDLE = "zebracornflakes rendezvous"


def post_hostile(fake: FakeGroupMe) -> dict[str, Any]:
    """Post the hostile messages (and the needle) into the first group, with
    hostile names, URLs and attachments; returns the group."""
    group = next(c for c in fake.conversations() if c.kind == "group")
    for text in HOSTILE_TEXTS:
        fake.post("group", group.id, text)
    fake.post("group", group.id, NEEDLE)
    fake.post(
        "group",
        group.id,
        "a picture that lies",
        attachments=[
            {"type": "image", "url": f'https://evil.example/x.png"onerror="window.{FLAG}=8'}
        ],
    )
    return {"id": group.id, "name": group.name}


def hostile_message(mid: int, text: str, **extra: Any) -> dict[str, Any]:
    """A raw archived message, for archives written by hand."""
    return {
        "id": str(mid),
        "created_at": 1_600_000_000 + mid,
        "name": extra.pop("name", "Mallory"),
        "user_id": "7",
        "sender_id": "7",
        "sender_type": "user",
        "text": text,
        "attachments": extra.pop("attachments", []),
        "favorited_by": [],
        "avatar_url": extra.pop("avatar_url", None),
        **extra,
    }
