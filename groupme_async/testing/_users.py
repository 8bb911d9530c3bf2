""" "Me": the user, the v2 profile, the campus directory, SMS mode, pinned conversations."""

from __future__ import annotations

import re
import time
from typing import Any

from ._http import CHAT_ID, DIGITS, HTTPError, Reply, Request, empty, not_found, ok
from ._routes import Route
from ._state import FakeState

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_VISIBILITIES = ("hidden", "graduation_year", "major", "visible")


def show_me(state: FakeState, r: Request) -> Reply:
    """The signed-in user."""
    return ok(me_json(state))


def update_me(state: FakeState, r: Request) -> Reply:
    """Change `name`, `email`, `avatar_url` or `zip_code`."""
    body = r.json_object()
    updates: dict[str, Any] = {}
    for key, target in (
        ("name", "name"),
        ("email", "email"),
        ("avatar_url", "image_url"),
        ("zip_code", "zip_code"),
    ):
        if key in body:
            value = body[key]
            if not isinstance(value, str) or not value.strip():
                raise HTTPError(400, f"{key} must be a non-empty string")
            updates[target] = value
    if "email" in updates and not _EMAIL.fullmatch(updates["email"]):
        raise HTTPError(400, "Email is invalid")
    state.me.update(updates)
    _touch(state)
    return ok(me_json(state))


def set_sharing(state: FakeState, r: Request) -> Reply:
    """Enable (a new share URL each time) or disable the contact share URL."""
    status = r.json_object().get("status")
    if status not in ("enable", "disable"):
        raise HTTPError(400, "status must be enable or disable")
    state.me["share_serial"] = state.me["share_serial"] + 1 if status == "enable" else 0
    me = me_json(state)
    return ok({"share_url": me["share_url"], "share_qr_code_url": me["share_qr_code_url"]})


def enable_sms(state: FakeState, r: Request) -> Reply:
    """Turn SMS mode on for `duration` hours (1 to 48) or `"always"`: 201, empty body."""
    duration = r.json_object().get("duration")
    valid = duration == "always" or (
        isinstance(duration, int) and not isinstance(duration, bool) and 1 <= duration <= 48
    )
    if not valid:
        raise HTTPError(400, "duration must be 1 to 48 hours or 'always'")
    state.me["sms"] = True
    return empty(201)


def disable_sms(state: FakeState, r: Request) -> Reply:
    """Turn SMS mode off."""
    state.me["sms"] = False
    return ok(None)


def set_majors(state: FakeState, r: Request) -> Reply:
    """Set the campus directory major `codes` (201)."""
    codes = r.json_object().get("codes")
    if not isinstance(codes, list) or not all(
        isinstance(c, str | int) and not isinstance(c, bool) and DIGITS.fullmatch(str(c))
        for c in codes
    ):
        raise HTTPError(400, "codes must be a list of major codes")
    state.me["major_codes"] = [int(c) for c in codes]
    return ok([str(c) for c in codes], 201)


def set_membership(state: FakeState, r: Request) -> Reply:
    """Set the directory `graduation_year` and `campus_profile_visibility`."""
    body = r.json_object()
    me = state.me
    if "graduation_year" in body:
        year = body["graduation_year"]
        latest = time.gmtime(state.wall_offset + state.clock()).tm_year + 10
        if year is not None and (
            isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= latest
        ):
            raise HTTPError(400, f"graduation_year must be from 1900 to {latest}")
        me["graduation_year"] = "" if year is None else str(year)
    if "campus_profile_visibility" in body:
        visibility = body["campus_profile_visibility"]
        if visibility not in _VISIBILITIES:
            raise HTTPError(400, "campus_profile_visibility is invalid")
        if visibility == "graduation_year" and not me["graduation_year"]:
            raise HTTPError(400, "set a graduation year first")
        if visibility == "major" and not me["major_codes"]:
            raise HTTPError(400, "set a major first")
        me["campus_profile_visibility"] = visibility
    return ok(
        {
            "id": 1_000_000 + int(state.me_id) % 1_000_000,
            "user_id": int(state.me_id),
            "directory_id": 1000 + state.seed % 9000,
            "campus_profile_visibility": me["campus_profile_visibility"],
            "graduation_year": me["graduation_year"],
            "major_ids": list(me["major_codes"]),
        }
    )


def update_profile(state: FakeState, r: Request, *, user_id: str) -> Reply:
    """Update "me"'s profile (bio, photos, song, interests; 403 for anyone else)."""
    if user_id not in state.world.users:
        raise not_found()
    if user_id != state.me_id:
        raise HTTPError(403, "You can only update your own profile")
    body = r.json_object("user")
    me = state.me
    photos = body.get("photo_urls")
    if photos is not None and (not isinstance(photos, list) or len(photos) < 3):
        raise HTTPError(400, "photo_urls needs at least 3 photos")
    for key in (
        "name",
        "email",
        "bio",
        "song_url",
        "group_notification_sound",
        "dm_notification_sound",
    ):
        if key in body:
            me[key] = body[key]
    if "avatar_url" in body:
        me["image_url"] = body["avatar_url"]
    if photos is not None:
        me["photo_urls"] = list(photos)
    # Requests spell it "intrests", responses "interests".
    if "intrests" in body:
        me["interests"] = list(body["intrests"])
    if "disable_favorite_notification" in body:
        me["disable_favorite_notification"] = bool(body["disable_favorite_notification"])
    _touch(state)
    world = state.world
    return ok(
        {
            "user": {
                "id": world.me.id,
                "created_at": world.me_created_at,
                "updated_at": me["updated_at"],
                "name": me["name"],
                "phone_number": world.me.phone_number,
                "email": me["email"],
                "avatar_url": me["image_url"],
                "locale": "en_us",
                "disable_favorite_notification": me["disable_favorite_notification"],
                "group_notification_sound": me["group_notification_sound"],
                "dm_notification_sound": me["dm_notification_sound"],
                "bio": me["bio"],
                "photo_urls": list(me["photo_urls"]),
                "song_url": me["song_url"],
                "interests": list(me["interests"]),
            }
        }
    )


def list_pinned(state: FakeState, r: Request) -> Reply:
    """The pinned conversation ids (group ids and DM chat ids)."""
    return ok({"pinned_conversation_ids": list(state.pinned)})


def set_pinned(state: FakeState, r: Request) -> Reply:
    """Replace the pinned conversation ids."""
    ids = r.json_object().get("pinned_conversation_ids")
    if not isinstance(ids, list) or not all(
        isinstance(i, str) and (DIGITS.fullmatch(i) or CHAT_ID.fullmatch(i)) for i in ids
    ):
        raise HTTPError(400, "pinned_conversation_ids must be a list of conversation ids")
    state.pinned = list(ids)
    return ok(None)


def me_json(state: FakeState) -> dict[str, Any]:
    world, me = state.world, state.me
    uid = world.me.id
    serial = me["share_serial"]
    share = f"https://groupme.com/contact/{uid}/s{serial:07d}" if serial else None
    return {
        "created_at": world.me_created_at,
        "email": me["email"],
        "email_verified": True,
        "facebook_connected": False,
        "id": uid,
        "image_url": me["image_url"],
        "locale": "en_us",
        "microsoft_connected": False,
        "name": me["name"],
        "bio": me["bio"],
        "phone_number": world.me.phone_number,
        "sms": me["sms"],
        "twitter_connected": False,
        "updated_at": me["updated_at"],
        "user_id": uid,
        "zip_code": me["zip_code"],
        "share_url": share,
        "share_qr_code_url": f"https://image.groupme.com/qr/contact/{uid}/s{serial:07d}/preview"
        if share
        else None,
        "mfa": {"enabled": False, "channels": None},
        "tags": ["phone-us"],
        "prompt_for_survey": False,
        "show_age_gate": False,
        "birth_date_set": True,
        "major_codes": list(me["major_codes"]),
        "graduation_year": me["graduation_year"],
        "campus_profile_visibility": me["campus_profile_visibility"],
        "photo_urls": list(me["photo_urls"]),
        "song_url": me["song_url"],
        "interests": list(me["interests"]),
    }


def _touch(state: FakeState) -> None:
    state.me["updated_at"] = state.wall_now()


ROUTES = [
    Route("GET", "v3", "/users/me", show_me),
    Route("POST", "v3", "/users/update", update_me),
    Route("POST", "v3", "/users/features/share", set_sharing),
    Route("POST", "v3", "/users/sms_mode", enable_sms),
    Route("POST", "v3", "/users/sms_mode/delete", disable_sms),
    Route("PUT", "v3", "/directories/user/majors", set_majors),
    Route("PUT", "v3", "/directories/user/membership", set_membership),
    Route("POST", "v2", "/users/:user_id", update_profile),
    Route("GET", "v4", "/pinned_conversations", list_pinned),
    Route("PUT", "v4", "/pinned_conversations", set_pinned),
]
