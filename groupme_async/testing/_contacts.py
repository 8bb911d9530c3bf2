"""Contacts (v4, paged by a `since` time), other users' profiles (v2), deleting DM chats."""

from __future__ import annotations

from typing import Any

from ._data import EPOCH, User, derive
from ._http import DIGITS, HTTPError, Reply, Request, empty, not_found, ok
from ._routes import Route
from ._social import ContactRecord, iso_time, parse_iso_micros
from ._state import FakeState

#: The server, not the client, picks the page size of ``/relationships``.
CONTACTS_PAGE_SIZE = 10


def list_contacts(state: FakeState, r: Request) -> Reply:
    """A page of contacts made after `since` (an ISO time), oldest first; `include_blocked`."""
    since = r.query.get("since")
    after = -1
    if since:
        try:
            after = parse_iso_micros(since)
        except ValueError:
            raise HTTPError(400, "since must be an ISO 8601 time") from None
    include_blocked = r.query.get("include_blocked") == "true"
    page = []
    for contact in state.contacts.ordered():
        if contact.created_us <= after:
            continue
        if contact.user.id in state.blocks and not include_blocked:
            continue
        page.append(_contact_json(state, contact))
        if len(page) == CONTACTS_PAGE_SIZE:
            break
    return ok(page)


def create_contact(state: FakeState, r: Request) -> Reply:
    """Add a contact by `user_id` and the `token` of their share URL: 201 `{}`."""
    body = r.json_object()
    user = _user(state, body.get("user_id"))
    token = body.get("token")
    if not isinstance(token, str) or not token:
        raise HTTPError(400, "token is required")
    if user.id == state.me_id:
        raise HTTPError(400, "You cannot add yourself")
    book = state.contacts.contacts
    if user.id not in book:
        micros = int((state.wall_offset + state.clock()) * 1_000_000)
        taken = {c.created_us for c in book.values()}
        while micros in taken:
            micros += 1
        book[user.id] = ContactRecord(user, micros, reason=1)
    return ok({}, 201)


def delete_contact(state: FakeState, r: Request, *, user_id: str) -> Reply:
    """Remove a contact: 202, no body."""
    if state.contacts.contacts.pop(user_id, None) is None:
        raise not_found()
    return empty(202)


def show_user(state: FakeState, r: Request, *, user_id: str) -> Reply:
    """A user's public profile; the groups shared with "me" if `include_shared_groups`."""
    user = _user(state, user_id)
    shared = None
    if r.query.get("include_shared_groups") == "true":
        shared = [
            {"group_id": g.id, "group_name": g.name, "group_avatar": g.image_url}
            for g in state.rosters.groups.values()
            if g.member(state.me_id) is not None and g.member(user.id) is not None
        ]
    contact = state.contacts.contacts.get(user.id)
    is_me = user.id == state.me_id
    me = state.me
    return ok(
        {
            "user": {
                "app_installed": True,
                "avatar_url": me["image_url"] if is_me else user.avatar_url,
                "created_at": state.world.me_created_at if is_me else _joined(state, user),
                "direct_message_capable": not is_me,
                "id": user.id,
                "name": me["name"] if is_me else user.name,
                "bio": me["bio"] if is_me else "",
                "directories": [],
                "photo_urls": list(me["photo_urls"]) if is_me else [],
            },
            "relationship": None if contact is None else _contact_json(state, contact),
            "shared_groups": shared,
            "major_codes": list(me["major_codes"]) if is_me else [],
            "graduation_year": me["graduation_year"] if is_me else "",
            "campus_profile_visibility": me["campus_profile_visibility"] if is_me else "hidden",
        }
    )


def delete_chat(state: FakeState, r: Request, *, chat_id: str) -> Reply:
    """Delete a DM chat and its history from "me"'s chats (a later DM starts afresh)."""
    store = state.chat(chat_id)
    del state.dms[store.spec.id]
    return ok(None)


# --- internals ---------------------------------------------------------------


def _user(state: FakeState, user_id: Any) -> User:
    if not isinstance(user_id, str | int) or not DIGITS.fullmatch(str(user_id)):
        raise HTTPError(400, "user_id is required")
    user = state.world.users.get(str(user_id))
    if user is None:
        raise not_found()
    return user


def _joined(state: FakeState, user: User) -> int:
    return EPOCH - derive(state.seed, "user joined", user.id) % (5 * 365 * 86_400)


def _contact_json(state: FakeState, contact: ContactRecord) -> dict[str, Any]:
    created = contact.created_us // 1_000_000
    user = contact.user
    return {
        "id": user.id,
        "created_at": created,
        "created_at_iso8601": contact.created_iso,
        "updated_at": created,
        "updated_at_iso8601": iso_time(contact.created_us),
        "user_id": user.id,
        "name": user.name,
        "avatar_url": user.avatar_url,
        "reason": contact.reason,
        "hidden": False,
        "app_installed": True,
        "mri": f"8:gid:{derive(state.seed, 'mri', user.id):016x}",
        "blocked": user.id in state.blocks,
    }


ROUTES = [
    Route("GET", "v4", "/relationships", list_contacts),
    Route("POST", "v4", "/relationships/create", create_contact),
    Route("DELETE", "v4", "/relationships/:user_id", delete_contact),
    Route("GET", "v2", "/users/:user_id", show_user),
    Route("DELETE", "v3", "/chats/:chat_id", delete_chat),
]
