"""Discord permission bits and the effective-permission algorithm (guild base, overwrites, timeouts)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_AUDIT_LOG = 1 << 7
PRIORITY_SPEAKER = 1 << 8
STREAM = 1 << 9
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
SEND_TTS_MESSAGES = 1 << 12
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
VIEW_GUILD_INSIGHTS = 1 << 19
CONNECT = 1 << 20
SPEAK = 1 << 21
MUTE_MEMBERS = 1 << 22
DEAFEN_MEMBERS = 1 << 23
MOVE_MEMBERS = 1 << 24
USE_VAD = 1 << 25
CHANGE_NICKNAME = 1 << 26
MANAGE_NICKNAMES = 1 << 27
MANAGE_ROLES = 1 << 28
MANAGE_WEBHOOKS = 1 << 29
MANAGE_GUILD_EXPRESSIONS = 1 << 30
USE_APPLICATION_COMMANDS = 1 << 31
REQUEST_TO_SPEAK = 1 << 32
MANAGE_EVENTS = 1 << 33
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
USE_EXTERNAL_STICKERS = 1 << 37
SEND_MESSAGES_IN_THREADS = 1 << 38
USE_EMBEDDED_ACTIVITIES = 1 << 39
MODERATE_MEMBERS = 1 << 40
VIEW_CREATOR_MONETIZATION_ANALYTICS = 1 << 41
USE_SOUNDBOARD = 1 << 42
CREATE_GUILD_EXPRESSIONS = 1 << 43
CREATE_EVENTS = 1 << 44
USE_EXTERNAL_SOUNDS = 1 << 45
SEND_VOICE_MESSAGES = 1 << 46
SET_VOICE_CHANNEL_STATUS = 1 << 48
SEND_POLLS = 1 << 49
USE_EXTERNAL_APPS = 1 << 50
PIN_MESSAGES = 1 << 51
BYPASS_SLOWMODE = 1 << 52

ALL_PERMISSIONS = sum(1 << bit for bit in range(53) if bit != 47)

#: What Discord gives @everyone in a freshly created guild.
DEFAULT_EVERYONE_PERMISSIONS = 2248473465835073

#: A timed-out member keeps only these (unless owner or administrator).
TIMEOUT_ALLOWED = VIEW_CHANNEL | READ_MESSAGE_HISTORY

#: Lost implicitly in a text channel where the member cannot send messages.
_NEEDS_SEND = SEND_TTS_MESSAGES | MENTION_EVERYONE | EMBED_LINKS | ATTACH_FILES

ROLE_OVERWRITE = 0
MEMBER_OVERWRITE = 1


@dataclass
class Overwrite:
    """A channel permission overwrite for a role (type 0) or a member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, object]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


class RoleLike(Protocol):
    id: int
    position: int
    permissions: int


def role_rank(role: RoleLike, guild_id: int) -> tuple[int, int, int]:
    """Sort key, higher is higher in the hierarchy (same position: the older role wins, like Discord)."""
    if role.id == guild_id:
        return (0, 0, 0)
    return (1, role.position, -role.id)


def top_role(roles: Mapping[int, RoleLike], member_role_ids: Iterable[int], guild_id: int) -> RoleLike:
    """The member's highest role (@everyone if it has none)."""
    best = roles[guild_id]
    for rid in member_role_ids:
        role = roles.get(rid)
        if role is not None and role_rank(role, guild_id) > role_rank(best, guild_id):
            best = role
    return best


def base_permissions(
    roles: Mapping[int, RoleLike], member_role_ids: Iterable[int], *, guild_id: int, is_owner: bool
) -> int:
    """Guild-level permissions: @everyone OR the member's roles; owner and ADMINISTRATOR get everything."""
    if is_owner:
        return ALL_PERMISSIONS
    perms = roles[guild_id].permissions
    for rid in member_role_ids:
        role = roles.get(rid)
        if role is not None:
            perms |= role.permissions
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def apply_overwrites(
    base: int, overwrites: Mapping[int, Overwrite], member_role_ids: Iterable[int], *, guild_id: int, member_id: int
) -> int:
    """Discord's order: @everyone overwrite, then all role overwrites combined, then the member overwrite."""
    perms = base
    everyone = overwrites.get(guild_id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for rid in member_role_ids:
        ow = overwrites.get(rid)
        if ow is not None and ow.type == ROLE_OVERWRITE:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    member = overwrites.get(member_id)
    if member is not None and member.type == MEMBER_OVERWRITE:
        perms = (perms & ~member.deny) | member.allow
    return perms


def effective_permissions(
    roles: Mapping[int, RoleLike],
    member_role_ids: Iterable[int],
    *,
    guild_id: int,
    member_id: int,
    is_owner: bool,
    overwrites: Mapping[int, Overwrite] | None = None,
    timed_out_until: datetime | None = None,
    now: datetime | None = None,
    text_channel: bool = True,
) -> int:
    """Full computation for a member, optionally in a channel (``overwrites`` given)."""
    role_ids = list(member_role_ids)
    base = base_permissions(roles, role_ids, guild_id=guild_id, is_owner=is_owner)
    if base == ALL_PERMISSIONS:
        return ALL_PERMISSIONS
    perms = base
    if overwrites is not None:
        perms = apply_overwrites(base, overwrites, role_ids, guild_id=guild_id, member_id=member_id)
        if not perms & VIEW_CHANNEL:
            return 0
        if text_channel and not perms & SEND_MESSAGES:
            perms &= ~_NEEDS_SEND
    if timed_out_until is not None and now is not None and timed_out_until > now:
        perms &= TIMEOUT_ALLOWED
    return perms


_NOT_PERMISSIONS = {
    "ALL_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "TIMEOUT_ALLOWED",
    "ROLE_OVERWRITE",
    "MEMBER_OVERWRITE",
}
_BIT_NAMES: dict[int, str] = {
    value: name
    for name, value in list(globals().items())
    if name.isupper() and not name.startswith("_") and name not in _NOT_PERMISSIONS and isinstance(value, int)
}


def names(perms: int) -> list[str]:
    """Readable names of the set bits (for error messages and logs)."""
    return [name for bit, name in _BIT_NAMES.items() if perms & bit]
