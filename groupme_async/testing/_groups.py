"""Groups: the list and one group, with members and the latest-message preview."""

from __future__ import annotations

from typing import Any

from ._http import Reply, Request, ok
from ._routes import Route
from ._state import FakeState
from ._store import ConversationStore


def list_groups(state: FakeState, r: Request) -> Reply:
    """The groups "me" is in, most recently active first (`page`, `per_page`, `omit`)."""
    page, per_page = r.page(10)
    omit = r.query.get("omit") == "memberships"
    stores = sorted(state.groups.values(), key=_updated_at, reverse=True)
    chosen = stores[(page - 1) * per_page : page * per_page]
    return ok([group_json(state, s, members=not omit) for s in chosen])


def show_group(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """One group."""
    return ok(group_json(state, state.group(group_id)))


def group_json(
    state: FakeState, store: ConversationStore, *, members: bool = True
) -> dict[str, Any]:
    spec = store.spec
    last = store.newest()
    owner = next((m.user.id for m in spec.members if "owner" in m.roles), state.me_id)
    preview: dict[str, Any] = {
        "nickname": None,
        "text": None,
        "image_url": None,
        "attachments": [],
    }
    if last is not None:
        preview = {
            "nickname": last["name"],
            "text": last["text"],
            "image_url": last["avatar_url"],
            "attachments": last["attachments"],
        }
    return {
        "id": spec.id,
        "group_id": spec.id,
        "name": spec.name,
        "phone_number": "+1 5555550100",
        "type": "private",
        "description": spec.description,
        "image_url": spec.image_url,
        "creator_user_id": owner,
        "created_at": spec.created_at,
        "updated_at": last["created_at"] if last else spec.created_at,
        "muted_until": None,
        "office_mode": False,
        "share_url": None,
        "share_qr_code_url": None,
        "members": [m.to_json() for m in spec.members] if members else [],
        "messages": {
            "count": store.alive,
            "last_message_id": last["id"] if last else None,
            "last_message_created_at": last["created_at"] if last else None,
            "preview": preview,
        },
        "max_members": 5000,
        "theme_name": None,
        "like_icon": None,
        "requires_approval": False,
        "show_join_question": False,
        "join_question": None,
        "message_deletion_period": 2147483647,
        "message_deletion_mode": ["admin", "sender"],
    }


def _updated_at(store: ConversationStore) -> int:
    last = store.newest()
    return int(last["created_at"]) if last else store.spec.created_at


ROUTES = [
    Route("GET", "v3", "/groups", list_groups),
    Route("GET", "v3", "/groups/:group_id", show_group),
]
