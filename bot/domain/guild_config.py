"""Per-guild core settings (roles, channels, language, time zone) and who counts as staff."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.values import Lang, TimeZone


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
    coordinators = "coordinators"


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
    coordinators: int | None = None  # the weekly and monthly KPI reports are posted here; none: not posted


class GuildConfig(_Strict):
    """The ``core`` settings section of a guild; ``None`` means "use the deployment default"."""

    language: Lang | None = None
    timezone: TimeZone | None = None
    roles: GuildRoles = GuildRoles()
    channels: GuildChannels = GuildChannels()

    def role_ids(self, names: Iterable[RoleName]) -> set[int]:
        return {rid for name in names if (rid := getattr(self.roles, name.value)) is not None}


class _RoleSets:
    """A config's role-id sets per group of role names, computed once (asked several times per message)."""

    __slots__ = ("_config", "_sets")

    def __init__(self, config: GuildConfig) -> None:
        self._config = config
        self._sets: dict[tuple[RoleName, ...], frozenset[int]] = {}

    def __call__(self, names: tuple[RoleName, ...]) -> frozenset[int]:
        found = self._sets.get(names)
        if found is None:
            found = self._sets[names] = frozenset(self._config.role_ids(names))
        return found


_ROLE_SETS: dict[int, _RoleSets] = {}
_ROLE_SETS_MAX = 1024


def _role_sets(config: GuildConfig) -> _RoleSets:
    """The cached role sets of this very config object (settings are immutable: a change is a new object)."""
    sets = _ROLE_SETS.get(id(config))
    if sets is None or sets._config is not config:
        if len(_ROLE_SETS) >= _ROLE_SETS_MAX:
            _ROLE_SETS.clear()
        sets = _ROLE_SETS[id(config)] = _RoleSets(config)
    return sets


#: Discord permissions that make a member a moderator (or coordinator) while the server has set up no such role.
MODERATOR_PERMISSIONS = frozenset({"manage_guild", "moderate_members"})
COORDINATOR_PERMISSIONS = frozenset({"manage_guild"})


class Access:
    """Who may do what, decided from a member's role ids, administrator flag and Discord permissions.

    Until the server configures a moderator or coordinator role (``/setup rol``), members whose Discord
    permissions include Manage Server or Moderate Members count as moderators, and Manage Server as
    coordinators, so the people who answer an alert are recognised from the first minute. Once such a role is
    configured, the configured roles and administrators decide. Checked server-side.
    """

    __slots__ = ("_roles", "config")

    def __init__(self, config: GuildConfig) -> None:
        self.config = config
        self._roles = _role_sets(config)

    def _has(self, role_ids: Iterable[int], names: tuple[RoleName, ...]) -> bool:
        return not self._roles(names).isdisjoint(role_ids)

    def _unset(self, *names: RoleName) -> bool:
        return not self._roles(names)

    def can_configure(self, role_ids: Iterable[int], is_admin: bool, permissions: Collection[str] = ()) -> bool:
        return self.is_coordinator(role_ids, is_admin, permissions)

    def is_coordinator(self, role_ids: Iterable[int], is_admin: bool, permissions: Collection[str] = ()) -> bool:
        if is_admin or self._has(role_ids, (RoleName.coordinator,)):
            return True
        return self._unset(RoleName.coordinator) and not COORDINATOR_PERMISSIONS.isdisjoint(permissions)

    def is_moderator(self, role_ids: Iterable[int], is_admin: bool, permissions: Collection[str] = ()) -> bool:
        if is_admin or self._has(role_ids, (RoleName.moderator, RoleName.coordinator)):
            return True
        if self._unset(RoleName.moderator, RoleName.coordinator) and not MODERATOR_PERMISSIONS.isdisjoint(permissions):
            return True
        return self.is_coordinator(role_ids, is_admin, permissions)

    def is_staff(self, role_ids: Iterable[int], is_admin: bool, permissions: Collection[str] = ()) -> bool:
        return self._has(role_ids, STAFF_ROLES) or self.is_moderator(role_ids, is_admin, permissions)

    def is_youth(
        self, role_ids: Iterable[int], is_admin: bool, is_bot: bool, permissions: Collection[str] = ()
    ) -> bool:
        """Everyone who is not a bot, an administrator, staff or in a guest role counts as a youth."""
        ids = frozenset(role_ids)
        return not (is_bot or self._has(ids, NEVER_YOUTH) or self.is_staff(ids, is_admin, permissions))
