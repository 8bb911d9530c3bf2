"""Your own account: ``/users``, directories, sharing, SMS mode, v2 profile."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any, Final, Literal

from .._ids import check_id
from .._routes import (
    USERS_DIRECTORY,
    USERS_GET,
    USERS_MAJORS,
    USERS_ME,
    USERS_PROFILE,
    USERS_SHARE,
    USERS_SMS_OFF,
    USERS_SMS_ON,
    USERS_UPDATE,
)
from ..models import DirectoryMembership, Profile, ShareUrls, User, UserDetails
from ._base import Resource, check_id_list


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()
_VISIBILITIES = ("hidden", "graduation_year", "major", "visible")


def _given(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class Users(Resource):
    """Your account (``/users``, directories, sharing, SMS mode)."""

    __slots__ = ()

    async def me(self) -> User:
        """The authenticated user."""
        return await self._r.call(USERS_ME)

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
        return await self._r.call(USERS_UPDATE, json=body)

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
        route = USERS_PROFILE.bind(user_id=user_id if user_id is not None else (await self.me()).id)
        return await self._r.call(route, json={"user": body})

    async def set_majors(self, codes: Sequence[str | int]) -> list[str]:
        """Set your campus major tags; returns the codes GroupMe stored."""
        checked = [check_id(c, "major code") for c in check_id_list(codes, "codes")]
        return await self._r.call(USERS_MAJORS, json={"codes": checked})

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
        return await self._r.call(USERS_DIRECTORY, json=body)

    async def set_sharing(self, enabled: bool) -> ShareUrls:
        """Turn your profile share link on (a new URL each time) or off."""
        if not isinstance(enabled, bool):
            raise ValueError("enabled must be True or False")
        return await self._r.call(USERS_SHARE, json={"status": "enable" if enabled else "disable"})

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
        await self._r.call(USERS_SMS_ON, json=body)

    async def disable_sms_mode(self) -> None:
        """Back to push notifications."""
        await self._r.call(USERS_SMS_OFF)

    async def get(self, user_id: str, *, include_shared_groups: bool = False) -> UserDetails:
        """Another user's public profile (v2 ``GET /users/:id``), with the
        groups you share when ``include_shared_groups``."""
        if not isinstance(include_shared_groups, bool):
            raise ValueError("include_shared_groups must be True or False")
        params = {"include_shared_groups": "true" if include_shared_groups else "false"}
        return await self._r.call(USERS_GET.bind(user_id=user_id), params=params)
