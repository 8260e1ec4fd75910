"""Who may see a study room: youths (or a group's members), peer supporters, and always the team.

There is no study room the team cannot enter: every room grants the staff roles view and moderation, and
an archived room stays readable to the team while it is read-only for everyone else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.guild_config import STAFF_ROLES, Access, GuildConfig, GuildRoles, RoleName

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
READ_MESSAGE_HISTORY = 1 << 16
CONNECT = 1 << 20
SPEAK = 1 << 21
MOVE_MEMBERS = 1 << 24

TAKE_PART = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | CONNECT | SPEAK
MODERATE = TAKE_PART | MANAGE_MESSAGES | MOVE_MEMBERS
SPEAKING = SEND_MESSAGES | CONNECT | SPEAK


@dataclass(frozen=True)
class Grant:
    """One permission overwrite: a role (or with ``member`` a member) and its allow/deny bits."""

    target: int
    allow: int
    deny: int = 0
    member: bool = False


def staff_grants(roles: GuildRoles) -> list[Grant]:
    return [Grant(role, MODERATE) for name in STAFF_ROLES if (role := getattr(roles, name.value)) is not None]


def room_grants(guild_id: int, roles: GuildRoles, members: Iterable[int] | None = None) -> list[Grant]:
    """A new room: hidden from @everyone; youths (or only ``members``) and peer supporters take part; staff moderate."""
    grants = [Grant(guild_id, 0, VIEW_CHANNEL)]
    if members is None:
        if roles.youth is not None:
            grants.append(Grant(roles.youth, TAKE_PART))
    else:
        grants.extend(Grant(user, TAKE_PART, member=True) for user in dict.fromkeys(members))
    if roles.peer_supporter is not None:
        grants.append(Grant(roles.peer_supporter, TAKE_PART))
    return [*grants, *staff_grants(roles)]


def archived(grant: Grant, roles: GuildRoles) -> Grant:
    """The same overwrite once the room is archived: read-only for all but the team."""
    if grant.target in {getattr(roles, name.value) for name in STAFF_ROLES} or not grant.allow:
        return grant
    return Grant(grant.target, grant.allow & ~SPEAKING, grant.deny | SPEAKING, grant.member)


def may_host(config: GuildConfig, role_ids: Iterable[int], is_admin: bool, permissions: Iterable[str] = ()) -> bool:
    """Outreachers, coordinators, moderators, peer supporters (and administrators) host study moments."""
    ids = frozenset(role_ids)
    perms = frozenset(permissions)
    return Access(config).is_staff(ids, is_admin, perms) or bool(config.role_ids((RoleName.peer_supporter,)) & ids)
