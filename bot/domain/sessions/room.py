"""Opening a session's room: which permission bits a participant gets, and how to undo it exactly."""

from __future__ import annotations

from typing import Literal

from bot.domain.guild_config import GuildRoles
from bot.domain.sessions.bands import qualifying

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
READ_MESSAGE_HISTORY = 1 << 16
CONNECT = 1 << 20
SPEAK = 1 << 21
OPEN_BITS = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | CONNECT | SPEAK

Overwrite = tuple[int, int] | None
"""A channel overwrite as ``(allow, deny)`` bits, or None when the channel has none for that target."""


def opened(before: Overwrite) -> tuple[int, int]:
    """The overwrite while the session runs: the open bits allowed (and no longer denied), the rest kept."""
    allow, deny = before or (0, 0)
    return allow | OPEN_BITS, deny & ~OPEN_BITS


def shut(before: Overwrite) -> tuple[int, int]:
    """The overwrite of those an age-gated session keeps out: the open bits denied, the rest kept."""
    allow, deny = before or (0, 0)
    return allow & ~OPEN_BITS, deny | OPEN_BITS


def room_access(
    guild_id: int, roles: GuildRoles, *, min_band: str | None, expert: bool, own_role: int | None = None
) -> dict[int, Literal["open", "shut"]]:
    """Which role overwrites a session changes while it runs (target id → open or shut).

    The team's roles always get in (a new room is hidden from everyone). Without a minimum band the youth
    role gets in; with one, only the qualifying band roles do, and @everyone and the youth role are shut
    (role allows win over role denies in Discord, so a qualifying youth still gets in). The bot's own role
    comes first and gets in too, so shutting @everyone never locks the bot out of the room it must restore.
    Apply in this order; restore in the reverse order.
    """
    access: dict[int, Literal["open", "shut"]] = {}
    if own_role is not None:
        access[own_role] = "open"
    if min_band is not None:
        access[guild_id] = "shut"
        if roles.youth is not None:
            access[roles.youth] = "shut"
        for band in qualifying(min_band):
            if (role := getattr(roles, band)) is not None:
                access[role] = "open"
    elif roles.youth is not None:
        access[roles.youth] = "open"
    team = [roles.outreacher, roles.coordinator, roles.moderator, roles.expert_guest if expert else None]
    access.update({role: "open" for role in team if role is not None})
    return access


def encode(saved: dict[int, Overwrite]) -> dict[str, list[int] | None]:
    """For the session row's JSON column (keys are strings there)."""
    return {str(target): (None if value is None else [value[0], value[1]]) for target, value in saved.items()}


def decode(stored: dict[str, list[int] | None] | None) -> dict[int, Overwrite]:
    return {int(target): (None if value is None else (value[0], value[1])) for target, value in (stored or {}).items()}
