"""Per-guild core settings (roles, channels, language, time zone) and who counts as staff."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, field_validator


class RoleName(StrEnum):
    outreacher = "outreacher"
    moderator = "moderator"
    coordinator = "coordinator"
    peer_supporter = "peer_supporter"
    expert_guest = "expert_guest"
    youth = "youth"
    age_12_14 = "age_12_14"
    age_15_17 = "age_15_17"
    age_18_22 = "age_18_22"


class ChannelName(StrEnum):
    mod_log = "mod_log"
    staff_desk = "staff_desk"
    welcome = "welcome"
    announcements = "announcements"
    safe_space_category = "safe_space_category"
    study_category = "study_category"


STAFF_ROLES = (RoleName.outreacher, RoleName.moderator, RoleName.coordinator)
NEVER_YOUTH = (*STAFF_ROLES, RoleName.peer_supporter, RoleName.expert_guest)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GuildRoles(_Strict):
    outreacher: int | None = None
    moderator: int | None = None
    coordinator: int | None = None
    peer_supporter: int | None = None
    expert_guest: int | None = None
    youth: int | None = None
    # Self-chosen age bands (no age is ever stored); youngest first, see bot/domain/sessions/bands.py.
    age_12_14: int | None = None
    age_15_17: int | None = None
    age_18_22: int | None = None


class GuildChannels(_Strict):
    mod_log: int | None = None
    staff_desk: int | None = None
    welcome: int | None = None
    announcements: int | None = None
    safe_space_category: int | None = None
    study_category: int | None = None


class GuildConfig(_Strict):
    """The ``core`` settings section of a guild; ``None`` means "use the deployment default"."""

    language: str | None = None
    timezone: str | None = None
    roles: GuildRoles = GuildRoles()
    channels: GuildChannels = GuildChannels()

    @field_validator("language")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        if value is not None and value not in ("nl", "en"):
            raise ValueError("language must be nl or en")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not an IANA time zone such as Europe/Brussels") from None
        return value

    def role_ids(self, names: Iterable[RoleName]) -> set[int]:
        return {rid for name in names if (rid := getattr(self.roles, name.value)) is not None}


class Access:
    """Who may do what, decided from a member's role ids and administrator flag (checked server-side)."""

    def __init__(self, config: GuildConfig) -> None:
        self.config = config

    def _has(self, role_ids: Iterable[int], names: Iterable[RoleName]) -> bool:
        return not self.config.role_ids(names).isdisjoint(role_ids)

    def can_configure(self, role_ids: Iterable[int], is_admin: bool) -> bool:
        return is_admin or self._has(role_ids, (RoleName.coordinator,))

    def is_coordinator(self, role_ids: Iterable[int], is_admin: bool) -> bool:
        return is_admin or self._has(role_ids, (RoleName.coordinator,))

    def is_moderator(self, role_ids: Iterable[int], is_admin: bool) -> bool:
        return is_admin or self._has(role_ids, (RoleName.moderator, RoleName.coordinator))

    def is_staff(self, role_ids: Iterable[int], is_admin: bool) -> bool:
        return is_admin or self._has(role_ids, STAFF_ROLES)

    def is_youth(self, role_ids: Iterable[int], is_admin: bool, is_bot: bool) -> bool:
        """Everyone who is not a bot, an administrator or in a staff/guest role counts as a youth."""
        return not (is_bot or is_admin or self._has(role_ids, NEVER_YOUTH))
