"""Groups: listing, showing, creating, changing, destroying, joining and owners."""

from __future__ import annotations

from typing import Any

from ._data import ConversationSpec, derive
from ._http import DIGITS, HTTPError, Reply, Request, not_found, ok
from ._push import user_channel
from ._routes import Route
from ._social import ACTIVE, GroupRecord, Membership, hex_id
from ._state import FakeState
from ._store import ConversationStore

MAX_NAME = 140
MAX_DESCRIPTION = 255


def list_groups(state: FakeState, r: Request) -> Reply:
    """The groups "me" is in, most recently active first (`page`, `per_page`, `omit`)."""
    page, per_page = r.page(10)
    omit = r.query.get("omit") == "memberships"
    stores = sorted(state.groups.values(), key=lambda s: _updated_at(state, s), reverse=True)
    chosen = stores[(page - 1) * per_page : page * per_page]
    return ok([group_json(state, s, members=not omit) for s in chosen])


def show_group(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """One group."""
    return ok(group_json(state, state.group(group_id)))


def list_former(state: FakeState, r: Request) -> Reply:
    """The groups "me" left and may rejoin."""
    return ok(
        [
            group_json(state, store)
            for gid, store in state.rosters.parked.items()
            if _my_state(state, state.rosters.groups[gid]) == "exited"
        ]
    )


def membership_states(state: FakeState, r: Request) -> Reply:
    """Every group "me" was ever in, with `state` active, exited, removed or exited_removed."""
    out = []
    for record in state.rosters.groups.values():
        mine = _my_state(state, record)
        if mine in (ACTIVE, "exited", "removed", "exited_removed"):
            out.append({"group_id": record.id, "state": mine})
    return ok(out)


def create_group(state: FakeState, r: Request) -> Reply:
    """Create a group owned by "me" (`name` <= 140, `description` <= 255, `share`): 201."""
    body = r.json_object()
    name = _text(body, "name", MAX_NAME)
    if name is None or not name.strip():
        raise HTTPError(400, "name can't be blank")
    description = _text(body, "description", MAX_DESCRIPTION) or ""
    image_url = _text(body, "image_url", 2048)
    rosters = state.rosters
    gid = str(rosters.next_number())
    now = state.wall_now()
    me = state.world.me
    spec = ConversationSpec(
        kind="group", id=gid, chat_id=gid, name=name,
        slot=len(state.dms) + len(state.groups) + len(rosters.parked) + 1,
        key=derive(state.seed, "created group", gid), count=0, start=now, step=1, me=me,
        senders=(me,), nicknames=(state.me["name"],), created_at=now,
        description=description, image_url=image_url,
    )  # fmt: skip
    mine = Membership(
        id=str(rosters.next_number()),
        user=me,
        nickname=state.me["name"],
        image_url=state.me["image_url"] or "",
        roles=["admin", "owner"],
        created_at=now,
    )
    record = GroupRecord(
        id=gid, name=name, description=description, image_url=image_url, created_at=now,
        updated_at=now, creator_user_id=me.id, memberships={me.id: mine},
    )  # fmt: skip
    if _flag(body, "share"):
        record.share_token = _share_token(state, record)
    rosters.groups[gid] = record
    state.groups[gid] = ConversationStore(spec)
    return ok(group_json(state, state.groups[gid]), 201)


def update_group(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Change `name`, `description`, `image_url`, `share`, `office_mode`, `requires_approval`."""
    store = state.group(group_id)
    record = state.rosters.groups[group_id]
    body = r.json_object()
    # Keys sent as null are left alone, as clients send every key they know.
    if (name := _text(body, "name", MAX_NAME)) is not None:
        if not name.strip():
            raise HTTPError(400, "name can't be blank")
        record.name = name
    if (description := _text(body, "description", MAX_DESCRIPTION)) is not None:
        record.description = description
    if (image_url := _text(body, "image_url", 2048)) is not None:
        record.image_url = image_url
    share = _flag(body, "share")
    if share is not None:
        record.share_token = (record.share_token or _share_token(state, record)) if share else None
    for key in ("office_mode", "requires_approval"):
        if (value := _flag(body, key)) is not None:
            setattr(record, key, value)
    record.updated_at = state.wall_now()
    return ok(group_json(state, store))


def destroy_group(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Disband a group (its owner only: 403 for anyone else); its bots go with it."""
    state.group(group_id)
    record = state.rosters.groups[group_id]
    if "owner" not in _mine(state, record).roles:
        raise HTTPError(403, "Only the group's owner can destroy it")
    del state.groups[group_id]
    del state.rosters.groups[group_id]
    for bot_id in [b.bot_id for b in state.bots.bots.values() if b.group_id == group_id]:
        del state.bots.bots[bot_id]
    return ok(None)


def join_group(state: FakeState, r: Request, *, group_id: str, share_token: str) -> Reply:
    """Join by share token: `{"group": ...}` (404 for a wrong token; 403 if banned)."""
    record = state.rosters.groups.get(group_id)
    if record is None or record.share_token is None or record.share_token != share_token:
        raise not_found()
    if _my_state(state, record) == "exited_removed":
        raise HTTPError(403, "You have been removed from this group")
    if _my_state(state, record) != ACTIVE:
        enter(state, record, nickname=state.me["name"])
    return ok({"group": group_json(state, state.groups[group_id])})


def rejoin_group(state: FakeState, r: Request) -> Reply:
    """Rejoin a group "me" left (`group_id`); 403 if removed or banned, 404 if never in it."""
    group_id = r.json_object().get("group_id")
    if not isinstance(group_id, str | int) or not DIGITS.fullmatch(str(group_id)):
        raise HTTPError(400, "group_id is required")
    record = state.rosters.groups.get(str(group_id))
    mine = _my_state(state, record) if record is not None else None
    if record is None or mine is None:
        raise not_found()
    if mine == ACTIVE:
        raise HTTPError(400, "You are already a member of this group")
    if mine != "exited":
        raise HTTPError(403, "You were removed from this group and cannot rejoin")
    enter(state, record, nickname=None)
    return ok(group_json(state, state.groups[record.id]))


def change_owners(state: FakeState, r: Request) -> Reply:
    """Hand groups to other members: a status per request (200, 400, 403, 404, 405)."""
    requests = r.json_object().get("requests")
    if not isinstance(requests, list):
        raise HTTPError(400, "requests must be a list")
    return ok({"results": [_change_owner(state, item) for item in requests]})


# --- shared with the other group families --------------------------------------------


def group_json(
    state: FakeState, store: ConversationStore, *, members: bool = True
) -> dict[str, Any]:
    """A group as ``/groups`` shows it."""
    record = state.rosters.groups[store.spec.id]
    last = store.newest()
    now = state.wall_now()
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
    share_url = record.share_url()
    return {
        "id": record.id,
        "group_id": record.id,
        "name": record.name,
        "phone_number": "+1 5555550100",
        "type": "private",
        "description": record.description,
        "image_url": record.image_url,
        "creator_user_id": record.creator_user_id,
        "created_at": record.created_at,
        "updated_at": _updated_at(state, store),
        "muted_until": None,
        "office_mode": record.office_mode,
        "share_url": share_url,
        "share_qr_code_url": f"https://image.groupme.com/qr/join_group/{record.id}/"
        f"{record.share_token}/preview"
        if share_url
        else None,
        "members": [m.to_json(now) for m in record.active()] if members else [],
        "messages": {
            "count": store.alive,
            "last_message_id": last["id"] if last else None,
            "last_message_created_at": last["created_at"] if last else None,
            "preview": preview,
        },
        "max_members": 5000,
        "theme_name": None,
        "like_icon": None,
        "requires_approval": record.requires_approval,
        "show_join_question": False,
        "join_question": None,
        "message_deletion_period": 2147483647,
        "message_deletion_mode": ["admin", "sender"],
    }


def my_group(state: FakeState, group_id: str) -> tuple[GroupRecord, Membership]:
    """A group "me" is in, and "me"'s membership (404 otherwise)."""
    state.group(group_id)
    record = state.rosters.groups[group_id]
    return record, _mine(state, record)


def message_store(state: FakeState, group_id: str) -> ConversationStore:
    """A group's messages, whether or not "me" is in it now."""
    store = state.groups.get(group_id) or state.rosters.parked.get(group_id)
    if store is None:
        raise not_found()
    return store


def enter(state: FakeState, record: GroupRecord, *, nickname: str | None) -> None:
    """Make "me" an active member again (or for the first time)."""
    me = state.world.me
    mine = record.memberships.get(me.id)
    if mine is None:
        mine = record.memberships[me.id] = Membership(
            id=str(state.rosters.next_number()),
            user=me,
            nickname=nickname or state.me["name"],
            image_url=state.me["image_url"] or "",
            roles=["user"],
            created_at=state.wall_now(),
        )
    mine.state = ACTIVE
    parked = state.rosters.parked.pop(record.id, None)
    if parked is not None:
        state.groups[record.id] = parked
    # GroupMe tells "me"'s other sessions with a cut-down group: no members
    # or messages.
    group = group_json(state, state.groups[record.id], members=False)
    del group["members"], group["messages"]
    state.publish(user_channel(me.id), {"type": "membership.create", "subject": group})


def leave(state: FakeState, record: GroupRecord, how: str) -> None:
    """ "me" is out of the group (``exited`` or ``removed``): its messages go unread."""
    _mine(state, record).state = how
    state.rosters.parked[record.id] = state.groups.pop(record.id)


# --- internals ---------------------------------------------------------------


def _mine(state: FakeState, record: GroupRecord) -> Membership:
    mine = record.member(state.me_id)
    if mine is None:
        raise not_found()
    return mine


def _my_state(state: FakeState, record: GroupRecord) -> str | None:
    mine = record.memberships.get(state.me_id)
    return None if mine is None else mine.state


def _updated_at(state: FakeState, store: ConversationStore) -> int:
    last = store.newest()
    at = int(last["created_at"]) if last else store.spec.created_at
    return max(at, state.rosters.groups[store.spec.id].updated_at)


def _text(body: dict[str, Any], key: str, limit: int) -> str | None:
    value = body.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        raise HTTPError(400, f"{key} must be a string of at most {limit} characters")
    return value


def _flag(body: dict[str, Any], key: str) -> bool | None:
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise HTTPError(400, f"{key} must be true or false")
    return value


def _share_token(state: FakeState, record: GroupRecord) -> str:
    return hex_id(state.seed, 8, "share", record.id, state.rosters.next_number())


def _change_owner(state: FakeState, item: Any) -> dict[str, Any]:
    gid = item.get("group_id") if isinstance(item, dict) else None
    owner = item.get("owner_id") if isinstance(item, dict) else None
    result = {"group_id": gid, "owner_id": owner}
    if not all(isinstance(v, str | int) and DIGITS.fullmatch(str(v)) for v in (gid, owner)):
        return {**result, "status": "405"}
    record = state.rosters.groups.get(str(gid))
    if record is None:
        return {**result, "status": "404"}
    mine = record.member(state.me_id)
    if mine is None or "owner" not in mine.roles:
        return {**result, "status": "403"}
    if str(owner) == state.me_id:
        return {**result, "status": "400"}
    new = record.member(str(owner))
    if new is None:
        return {**result, "status": "404"}
    mine.roles = ["admin"]
    new.roles = ["admin", "owner"]
    record.creator_user_id = new.user.id
    record.updated_at = state.wall_now()
    return {**result, "status": "200"}


ROUTES = [
    Route("GET", "v3", "/groups", list_groups),
    Route("POST", "v3", "/groups", create_group),
    Route("GET", "v3", "/groups/former", list_former),
    Route("POST", "v3", "/groups/join", rejoin_group),
    Route("POST", "v3", "/groups/change_owners", change_owners),
    Route("GET", "v3", "/groups/:group_id", show_group),
    Route("POST", "v3", "/groups/:group_id/update", update_group),
    Route("POST", "v3", "/groups/:group_id/destroy", destroy_group),
    Route("POST", "v3", "/groups/:group_id/join/:share_token", join_group),
    Route("GET", "v3", "/memberships/states", membership_states),
]
