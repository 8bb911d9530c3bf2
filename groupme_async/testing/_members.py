"""Members: who is in a group, adding (queued, polled), removing, join requests, mutes."""

from __future__ import annotations

from typing import Any

from ._data import User
from ._groups import leave, my_group
from ._http import HTTPError, Reply, Request, error, not_found, ok
from ._routes import Route
from ._social import (
    ACTIVE,
    FORMER,
    MUTED_FOREVER,
    RESULTS_TTL,
    AddJob,
    GroupRecord,
    Membership,
    hex_id,
)
from ._state import FakeState

MAX_NICKNAME = 50
_IDENTIFIERS = ("user_id", "phone_number", "email")


def list_members(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Current (`filter=active`) or former (`inactive`) members; owners and admins only (401)."""
    record, mine = my_group(state, group_id)
    _admin(mine)
    wanted = r.query.get("filter")
    if wanted not in ("active", "inactive"):
        raise HTTPError(400, "filter must be active or inactive")
    states = (ACTIVE,) if wanted == "active" else FORMER
    now = state.wall_now()
    chosen = [m for m in record.memberships.values() if m.state in states]
    return ok({"memberships": [{**m.to_json(now), "state": m.state} for m in chosen]})


def add_members(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Queue adds by `user_id`, `phone_number` or `email`: 202 with a `results_id`."""
    record, _ = my_group(state, group_id)
    people = r.json_object().get("members")
    if not isinstance(people, list) or not people:
        raise HTTPError(400, "members must be a non-empty list")
    wanted = [_wanted(state, person) for person in people]
    now = state.wall_now()
    added = []
    for user, nickname, guid in wanted:
        membership = None if user is None else _admit(state, record, user, nickname, now)
        if membership is not None:
            added.append({**membership.to_json(now), "app_installed": True, "guid": guid})
    results_id = hex_id(state.seed, 32, "results", state.rosters.next_number())
    state.rosters.jobs[results_id] = AddJob(group_id, state.clock(), added)
    return ok({"results_id": results_id}, 202)


def add_results(state: FakeState, r: Request, *, group_id: str, results_id: str) -> Reply:
    """The memberships an add made (503 until ready, 404 once an hour has passed)."""
    job = state.rosters.jobs.get(results_id)
    if job is None or job.group_id != group_id:
        raise not_found()
    age = state.clock() - job.created
    if age >= RESULTS_TTL:
        del state.rosters.jobs[results_id]
        raise not_found()
    if age < state.members_results_delay:
        return error(503, ["Results aren't ready. Try again in a little bit."])
    return ok({"members": job.members})


def remove_member(state: FakeState, r: Request, *, group_id: str, membership_id: str) -> Reply:
    """Remove a member, or "me" (who then leaves the group); the creator cannot go (400)."""
    record, _ = my_group(state, group_id)
    target = record.by_membership_id(membership_id)
    if target is None or target.state != ACTIVE:
        raise not_found()
    if target.user.id == record.creator_user_id:
        raise HTTPError(400, "The creator of the group cannot be removed or exit")
    if target.user.id == state.me_id:
        leave(state, record, "exited")
    else:
        target.state = "removed"
    record.updated_at = state.wall_now()
    return ok(None)


def ban_member(state: FakeState, r: Request, *, group_id: str, membership_id: str) -> Reply:
    """Stop a former member from rejoining (admins only; 400 for a current member)."""
    record, mine = my_group(state, group_id)
    _admin(mine)
    target = record.by_membership_id(membership_id)
    if target is None or target.state not in (*FORMER, ACTIVE):
        raise not_found()
    if target.state == ACTIVE:
        raise HTTPError(400, "Current members cannot be banned")
    target.state = "exited_removed"
    return ok(None)


def list_pending(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Requests to join that no admin has answered."""
    record, _ = my_group(state, group_id)
    return ok(
        [
            {
                "id": m.id,
                "user_id": m.user.id,
                "nickname": m.nickname,
                "image_url": m.image_url,
                "reason": m.reason,
                "timestamp": m.created_at,
                "state": "requested_pending",
            }
            for m in record.memberships.values()
            if m.state == "pending"
        ]
    )


def answer_request(state: FakeState, r: Request, *, group_id: str, membership_id: str) -> Reply:
    """Approve (`approval: true`) or deny a join request; owners and admins only (401)."""
    record, mine = my_group(state, group_id)
    _admin(mine)
    approval = r.json_object().get("approval")
    if not isinstance(approval, bool):
        raise HTTPError(400, "approval must be true or false")
    target = record.by_membership_id(membership_id)
    if target is None or target.state != "pending":
        raise not_found()
    target.state = ACTIVE if approval else "denied"
    target.created_at = state.wall_now()
    return ok({"membership_id": int(target.id), "state": target.state})


def update_nickname(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Change "me"'s nickname in a group (1 to 50 characters)."""
    _, mine = my_group(state, group_id)
    body = r.json_object()
    wrapped = body.get("membership", body)
    nickname = wrapped.get("nickname") if isinstance(wrapped, dict) else None
    if not isinstance(nickname, str) or not nickname.strip() or len(nickname) > MAX_NICKNAME:
        raise HTTPError(400, f"nickname must be 1 to {MAX_NICKNAME} characters")
    mine.nickname = nickname
    return ok({**mine.to_json(state.wall_now()), "app_installed": True})


def mute(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Mute the main chat for `duration` minutes, or until unmuted when null (v2)."""
    return _mute(state, r, group_id, v2=True)


def unmute(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Unmute the main chat (v2)."""
    return _unmute(state, group_id, v2=True)


def mute_all(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Mute the main chat and every topic for `duration` minutes (null: until unmuted)."""
    return _mute(state, r, group_id, v2=False)


def unmute_all(state: FakeState, r: Request, *, group_id: str) -> Reply:
    """Unmute the main chat and every topic."""
    return _unmute(state, group_id, v2=False)


def file_join_request(
    state: FakeState, group_id: str, user_id: str, answer: str | None = None
) -> str:
    """Ground truth: ``user_id`` asks to join a group; returns the pending membership id."""
    record = state.rosters.groups.get(group_id)
    user = state.world.users.get(user_id)
    if record is None or user is None:
        raise KeyError(f"no group {group_id!r} or user {user_id!r}")
    existing = record.memberships.get(user_id)
    if existing is not None and existing.state in (ACTIVE, "exited_removed"):
        raise ValueError(f"user {user_id} is already in group {group_id}, or banned from it")
    membership = _fresh(state, record, user, user.name, state.wall_now())
    membership.state = "pending"
    membership.reason = {
        "type": "join_reason/membership_join_reason",
        "question": {"type": "join_reason/questions/text", "text": "Why do you want to join?"},
        "answer": {"type": "join_reason/answers/text", "response": answer or ""},
        "method": "share_link",
    }
    return membership.id


# --- internals ---------------------------------------------------------------


def _admin(mine: Membership) -> None:
    if not mine.admin:
        raise HTTPError(401, "You are neither the Owner nor an Admin in this group")


def _wanted(state: FakeState, person: Any) -> tuple[User | None, str, str]:
    """Who one ``members`` entry names (None if nobody GroupMe knows), its nickname and guid."""
    if not isinstance(person, dict):
        raise HTTPError(400, "each member must be an object")
    nickname = person.get("nickname")
    if not isinstance(nickname, str) or not nickname.strip() or len(nickname) > MAX_NICKNAME:
        raise HTTPError(400, f"nickname must be 1 to {MAX_NICKNAME} characters")
    given = [k for k in _IDENTIFIERS if person.get(k) is not None]
    if len(given) != 1:
        raise HTTPError(400, "each member needs exactly one of user_id, phone_number, email")
    key = given[0]
    value = str(person[key])
    guid = person.get("guid")
    if guid is None:
        guid = hex_id(state.seed, 32, "guid", state.rosters.next_number())
    if not isinstance(guid, str) or not guid:
        raise HTTPError(400, "guid must be a string")
    users = state.world.users.values()
    found = next((u for u in users if getattr(u, key if key != "user_id" else "id") == value), None)
    return found, nickname, guid


def _admit(
    state: FakeState, record: GroupRecord, user: User, nickname: str, now: int
) -> Membership | None:
    """``user`` in the group (an existing membership if they are), or None if barred."""
    if user.id == state.me_id:
        return record.member(user.id)
    if user.id in state.blocks:
        return None
    membership = record.memberships.get(user.id)
    if membership is not None and membership.state == ACTIVE:
        return membership
    if membership is not None and membership.state == "exited_removed":
        return None
    return _fresh(state, record, user, nickname, now)


def _fresh(
    state: FakeState, record: GroupRecord, user: User, nickname: str, now: int
) -> Membership:
    membership = Membership(
        id=str(state.rosters.next_number()),
        user=user,
        nickname=nickname,
        image_url=user.avatar_url or "",
        roles=["user"],
        created_at=now,
    )
    # A fresh membership replaces a former one, and joins the end of the list.
    record.memberships.pop(user.id, None)
    record.memberships[user.id] = membership
    return membership


def _minutes(r: Request) -> int | None:
    duration = r.json_object().get("duration")
    if duration is None:
        return None
    if isinstance(duration, str) and duration.isdigit():
        duration = int(duration)
    if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
        raise HTTPError(400, "duration must be a number of minutes, or null")
    return duration


def _mute(state: FakeState, r: Request, group_id: str, *, v2: bool) -> Reply:
    _, mine = my_group(state, group_id)
    minutes = _minutes(r)
    now = state.wall_now()
    mine.muted_until = MUTED_FOREVER if minutes is None else now + minutes * 60
    return ok({"membership": _mine_json(state, mine, v2=v2)})


def _unmute(state: FakeState, group_id: str, *, v2: bool) -> Reply:
    _, mine = my_group(state, group_id)
    mine.muted_until = None
    return ok({"membership": _mine_json(state, mine, v2=v2)})


def _mine_json(state: FakeState, mine: Membership, *, v2: bool) -> dict[str, Any]:
    """ "me"'s membership as the mute calls answer it (v2 and v3 differ)."""
    now = state.wall_now()
    muted = mine.muted(now)
    common = {
        "id": mine.id,
        "user_id": mine.user.id,
        "nickname": mine.nickname,
        "avatar_url": mine.image_url or None,
        "muted_until": mine.muted_until,
        "has_sound_enabled": True,
    }
    if v2:
        return {
            **common,
            "state": "muted" if muted else "active",
            "created_at": mine.created_at,
            "updated_at": now,
            "autokicked": False,
        }
    return {**common, "muted": muted, "snoozed": False, "pending": False, "muted_children": {}}


ROUTES = [
    Route("GET", "v3", "/groups/:group_id/members", list_members),
    Route("POST", "v3", "/groups/:group_id/members/add", add_members),
    Route("GET", "v3", "/groups/:group_id/members/results/:results_id", add_results),
    Route("POST", "v3", "/groups/:group_id/members/:membership_id/remove", remove_member),
    Route("POST", "v3", "/groups/:group_id/members/:membership_id/approval", answer_request),
    Route("GET", "v3", "/groups/:group_id/pending_memberships", list_pending),
    Route("POST", "v3", "/groups/:group_id/memberships/update", update_nickname),
    Route("POST", "v3", "/groups/:group_id/memberships/mute_all", mute_all),
    Route("POST", "v3", "/groups/:group_id/memberships/unmute_all", unmute_all),
    Route("POST", "v2", "/groups/:group_id/memberships/mute", mute),
    Route("POST", "v2", "/groups/:group_id/memberships/unmute", unmute),
    Route("POST", "v2", "/groups/:group_id/memberships/:membership_id/destroy", ban_member),
]
