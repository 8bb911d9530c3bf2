"""Your own account: ``/users``, directories, sharing, SMS mode, v2 profile."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any, Final, Literal

from .._convert import structure
from .._envelope import NO_CONTENT, expect_dict, expect_list
from .._ids import check_id
from ..models import DirectoryMembership, Profile, ShareUrls, User
from ._base import Resource


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()
_VISIBILITIES = ("hidden", "graduation_year", "major", "visible")


def _given(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class Users(Resource):
    __slots__ = ()

    async def me(self) -> User:
        """The authenticated user."""
        data = await self._t.request("GET", "v3", "/users/me", endpoint="GET /users/me")
        return structure(data, User, "GET /users/me")

    async def update(
        self,
        *,
        avatar_url: str | None = None,
        name: str | None = None,
        email: str | None = None,
        zip_code: str | None = None,
    ) -> User:
        """Change your name, avatar, email or zip code (only the ones given)."""
        body = _given(avatar_url=avatar_url, name=name, email=email, zip_code=zip_code)
        if not body:
            raise ValueError("give at least one of avatar_url, name, email, zip_code")
        endpoint = "POST /users/update"
        data = await self._t.request("POST", "v3", "/users/update", endpoint=endpoint, json=body)
        return structure(data, User, endpoint)

    async def update_profile(
        self,
        user_id: str | None = None,
        *,
        name: str | None = None,
        email: str | None = None,
        avatar_url: str | None = None,
        bio: str | None = None,
        song_url: str | None = None,
        photo_urls: Sequence[str] | None = None,
        interests: Sequence[int] | None = None,
        disable_favorite_notification: bool | None = None,
        group_notification_sound: str | None = None,
        dm_notification_sound: str | None = None,
    ) -> Profile:
        """The extended profile (v2 ``POST /users/:id``); ``user_id`` defaults to yours."""
        if photo_urls is not None and len(photo_urls) < 3:
            raise ValueError("GroupMe accepts photo_urls only with at least 3 photos")
        body = _given(
            name=name,
            email=email,
            avatar_url=avatar_url,
            bio=bio,
            song_url=song_url,
            photo_urls=list(photo_urls) if photo_urls is not None else None,
            # The v2 API spells this key "intrests" in requests (and
            # "interests" in responses).
            intrests=list(interests) if interests is not None else None,
            disable_favorite_notification=disable_favorite_notification,
            group_notification_sound=group_notification_sound,
            dm_notification_sound=dm_notification_sound,
        )
        if not body:
            raise ValueError("give at least one profile field to update")
        uid = check_id(user_id, "user_id") if user_id is not None else (await self.me()).id
        endpoint = "POST v2 /users/:id"
        data = await self._t.request(
            "POST", "v2", f"/users/{uid}", endpoint=endpoint, json={"user": body}
        )
        return structure(expect_dict(data, endpoint, "user"), Profile, endpoint)

    async def set_majors(self, codes: Sequence[str | int]) -> list[str]:
        """Set your campus major tags; returns the codes GroupMe stored."""
        checked = [check_id(c, "major code") for c in codes]
        endpoint = "PUT /directories/user/majors"
        data = await self._t.request(
            "PUT", "v3", "/directories/user/majors", endpoint=endpoint, json={"codes": checked}
        )
        return [str(c) for c in expect_list(data, endpoint)]

    async def set_directory_membership(
        self,
        *,
        graduation_year: int | _Unset | None = UNSET,
        campus_profile_visibility: str | _Unset = UNSET,
    ) -> DirectoryMembership:
        """Set your graduation year (``None`` clears it) and directory visibility."""
        body: dict[str, Any] = {}
        if not isinstance(graduation_year, _Unset):
            latest = _dt.date.today().year + 10
            if graduation_year is not None and (
                isinstance(graduation_year, bool)
                or not isinstance(graduation_year, int)
                or not 1900 <= graduation_year <= latest
            ):
                raise ValueError(f"graduation_year must be from 1900 to {latest}, or None")
            body["graduation_year"] = graduation_year
        if not isinstance(campus_profile_visibility, _Unset):
            if campus_profile_visibility not in _VISIBILITIES:
                raise ValueError(f"campus_profile_visibility must be one of {_VISIBILITIES}")
            body["campus_profile_visibility"] = campus_profile_visibility
        if not body:
            raise ValueError("give graduation_year, campus_profile_visibility, or both")
        endpoint = "PUT /directories/user/membership"
        data = await self._t.request(
            "PUT", "v3", "/directories/user/membership", endpoint=endpoint, json=body
        )
        return structure(data, DirectoryMembership, endpoint)

    async def set_sharing(self, enabled: bool) -> ShareUrls:
        """Turn your profile share link on (a new URL each time) or off."""
        if not isinstance(enabled, bool):
            raise ValueError("enabled must be True or False")
        endpoint = "POST /users/features/share"
        data = await self._t.request(
            "POST",
            "v3",
            "/users/features/share",
            endpoint=endpoint,
            json={"status": "enable" if enabled else "disable"},
        )
        return ShareUrls() if data is NO_CONTENT else structure(data, ShareUrls, endpoint)

    async def enable_sms_mode(
        self, duration: int | Literal["always"], registration_id: str | None = None
    ) -> None:
        """SMS instead of push for ``duration`` hours (1 to 48) or ``"always"``."""
        if duration != "always" and (
            isinstance(duration, bool) or not isinstance(duration, int) or not 1 <= duration <= 48
        ):
            raise ValueError("duration must be 1 to 48 hours, or 'always'")
        body: dict[str, Any] = {"duration": duration}
        if registration_id is not None:
            body["registration_id"] = registration_id
        await self._t.request(
            "POST", "v3", "/users/sms_mode", endpoint="POST /users/sms_mode", json=body
        )

    async def disable_sms_mode(self) -> None:
        """Back to push notifications."""
        await self._t.request(
            "POST", "v3", "/users/sms_mode/delete", endpoint="POST /users/sms_mode/delete"
        )
