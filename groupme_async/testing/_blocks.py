"""Blocks: "me" blocking and unblocking other users (`?user=` and `?otherUser=`)."""

from __future__ import annotations

from typing import Any

from ._http import HTTPError, Reply, Request, not_found, ok
from ._routes import Route
from ._state import FakeState


def list_blocks(state: FakeState, r: Request) -> Reply:
    """The users "me" has blocked."""
    _check_user(state, r)
    return ok({"blocks": [_block_json(state, o, t) for o, t in state.blocks.items()]})


def block_between(state: FakeState, r: Request) -> Reply:
    """Whether "me" has blocked `otherUser`."""
    _check_user(state, r)
    return ok({"between": _other_user(r) in state.blocks})


def block(state: FakeState, r: Request) -> Reply:
    """Block `otherUser` (201; blocking again keeps the first time)."""
    other = _blockable(state, r)
    created = state.blocks.setdefault(other, state.wall_now())
    return ok({"block": _block_json(state, other, created)}, 201)


def unblock(state: FakeState, r: Request) -> Reply:
    """Unblock `otherUser`."""
    state.blocks.pop(_blockable(state, r), None)
    return ok(None)


def _check_user(state: FakeState, r: Request) -> None:
    user = r.query.get("user")
    if not user:
        raise HTTPError(400, "user is required")
    if user != state.me_id:
        raise HTTPError(403, "You can only manage your own blocks")


def _other_user(r: Request) -> str:
    other = r.query.get("otherUser")
    if not other:
        raise HTTPError(400, "otherUser is required")
    return other


def _blockable(state: FakeState, r: Request) -> str:
    _check_user(state, r)
    other = _other_user(r)
    if other not in state.world.users:
        raise not_found()
    if other == state.me_id:
        raise HTTPError(400, "You cannot block yourself")
    return other


def _block_json(state: FakeState, other: str, created: int) -> dict[str, Any]:
    return {"user_id": state.me_id, "blocked_user_id": other, "created_at": created}


ROUTES = [
    Route("GET", "v3", "/blocks", list_blocks),
    Route("POST", "v3", "/blocks", block),
    Route("DELETE", "v3", "/blocks", unblock),
    # GroupMe's clients unblock with a POST too.
    Route("POST", "v3", "/blocks/delete", unblock),
    Route("GET", "v3", "/blocks/between", block_between),
]
