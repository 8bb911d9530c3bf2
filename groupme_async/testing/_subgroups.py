"""Topics (subgroups) of a group: list, show, create, update, delete, mute."""

from __future__ import annotations

from typing import Any

from ._http import HTTPError, Reply, Request, empty, not_found, ok
from ._routes import Route
from ._state import FakeState
from ._store import ConversationStore

TYPES = ("private", "announcement")
#: GroupMe's "until unmuted": the last second of the year 9999.
FOREVER = 253402300800


def list_subgroups(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """The group's topics, oldest first (`page`, `per_page`)."""
    state.group(group_id)
    page, per_page = r.page(10)
    topics = list(state.subgroups.by_group.get(group_id, {}).values())
    chosen = topics[(page - 1) * per_page : page * per_page]
    return ok([_json(state, t) for t in chosen])


def create_subgroup(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Create a topic (`topic`, `group_type`, `description`, `avatar_url`): group admins only."""
    store = state.group(group_id)
    if not _is_admin(state, store):
        raise HTTPError(403, "Only admins can create topics")
    body = r.json_object()
    if not isinstance(body.get("topic"), str) or not body["topic"].strip():
        raise HTTPError(400, "topic is required")
    now = state.wall_now()
    state.subgroups.serial += 1
    topic: dict[str, Any] = {
        "id": str(int(group_id) + state.subgroups.serial),
        "parent_id": group_id,
        "type": "private",
        "description": None,
        "avatar_url": None,
        "creator_user_id": state.me_id,
        "created_at": now,
        "updated_at": now,
        "like_icon": None,
    }
    _apply(topic, body)
    state.subgroups.by_group.setdefault(group_id, {})[topic["id"]] = topic
    return ok(_json(state, topic), 201)


def show_subgroup(state: FakeState, r: Request, *, group_id: str, subgroup_id: str) -> Reply:
    """One topic."""
    return ok(_json(state, _topic(state, group_id, subgroup_id)))


def update_subgroup(state: FakeState, r: Request, *, group_id: str, subgroup_id: str) -> Reply:
    """Change a topic's `topic`, `group_type`, `description`, `avatar_url` or `like_icon`."""
    topic = _topic(state, group_id, subgroup_id)
    changed = dict(topic)  # a 400 half way through changes nothing
    _apply(changed, r.json_object())
    topic.update(changed, updated_at=state.wall_now())
    return ok(_json(state, topic))


def delete_subgroup(state: FakeState, r: Request, *, group_id: str, subgroup_id: str) -> Reply:
    """Delete a topic."""
    _topic(state, group_id, subgroup_id)
    del state.subgroups.by_group[group_id][subgroup_id]
    state.subgroups.muted.pop(subgroup_id, None)
    return empty(200)


def mute_subgroup(state: FakeState, r: Request, *, group_id: str, subgroup_id: str) -> Reply:
    """Mute a topic for `duration` minutes (`null`: until unmuted); answers "me"'s membership."""
    _topic(state, group_id, subgroup_id)
    duration = r.json_object().get("duration")
    if duration is None:
        until = FOREVER
    elif isinstance(duration, int) and not isinstance(duration, bool) and duration > 0:
        until = state.wall_now() + 60 * duration
    else:
        raise HTTPError(400, "duration must be a number of minutes or null")
    state.subgroups.muted[subgroup_id] = until
    return ok({"membership": _membership(state, group_id)})


def unmute_subgroup(state: FakeState, r: Request, *, group_id: str, subgroup_id: str) -> Reply:
    """Unmute a topic; answers "me"'s membership."""
    _topic(state, group_id, subgroup_id)
    state.subgroups.muted.pop(subgroup_id, None)
    return ok({"membership": _membership(state, group_id)})


def _apply(topic: dict[str, Any], body: dict[str, Any]) -> None:
    if "topic" in body:
        if not isinstance(body["topic"], str) or not body["topic"].strip():
            raise HTTPError(400, "topic must be a non-empty string")
        topic["topic"] = body["topic"]
    if "group_type" in body:
        if body["group_type"] not in TYPES:
            raise HTTPError(400, "group_type must be private or announcement")
        topic["type"] = body["group_type"]
    for key in ("description", "avatar_url"):
        if key in body:
            if body[key] is not None and not isinstance(body[key], str):
                raise HTTPError(400, f"{key} must be a string")
            topic[key] = body[key]
    if "like_icon" in body:
        icon = body["like_icon"]
        if icon is not None and not (
            isinstance(icon, dict)
            and icon.get("type") == "emoji"
            and all(isinstance(icon.get(k), int) for k in ("pack_id", "pack_index"))
        ):
            raise HTTPError(400, "like_icon must be a PowerUp emoji")
        topic["like_icon"] = icon


def _topic(state: FakeState, group_id: str, subgroup_id: str) -> dict[str, Any]:
    state.group(group_id)
    topic = state.subgroups.by_group.get(group_id, {}).get(subgroup_id)
    if topic is None:
        raise not_found()
    return topic


def _is_admin(state: FakeState, store: ConversationStore) -> bool:
    return any(
        m.user.id == state.me_id and ({"admin", "owner"} & set(m.roles)) for m in store.spec.members
    )


def _json(state: FakeState, topic: dict[str, Any]) -> dict[str, Any]:
    until = state.subgroups.muted.get(topic["id"])
    return {
        **topic,
        "muted_until": until,
        "unread_count": None,
        "last_read_message_id": None,
        "last_read_at": None,
        "messages": {
            "count": 0,
            "last_message_id": None,
            "last_message_created_at": None,
            "last_message_updated_at": None,
            "preview": {"nickname": None, "text": None, "image_url": None, "attachments": []},
        },
    }


def _membership(state: FakeState, group_id: str) -> dict[str, Any]:
    me = next(m for m in state.group(group_id).spec.members if m.user.id == state.me_id)
    muted = {
        sid: until
        for sid, until in state.subgroups.muted.items()
        if sid in state.subgroups.by_group.get(group_id, {})
    }
    return {**me.to_json(), "muted_until": None, "muted_children": muted}


_TOPIC = "/groups/:group_id/subgroups/:subgroup_id"

ROUTES = [
    Route("GET", "v3", "/groups/:group_id/subgroups", list_subgroups),
    Route("POST", "v3", "/groups/:group_id/subgroups", create_subgroup),
    Route("GET", "v3", _TOPIC, show_subgroup),
    Route("PUT", "v3", _TOPIC, update_subgroup),
    Route("DELETE", "v3", _TOPIC, delete_subgroup),
    Route("POST", "v3", _TOPIC + "/mute", mute_subgroup),
    Route("POST", "v3", _TOPIC + "/unmute", unmute_subgroup),
]
