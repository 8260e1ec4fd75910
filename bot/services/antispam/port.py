"""The small Discord port the anti-spam pipeline acts through (a discord.py one and a fake for tests).

Every call that Discord can refuse for lack of a permission raises :class:`Blocked` naming the step; the
pipeline catches it per step, carries on with the rest and reports exactly what was blocked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.domain.permissions_audit import STEP_PERMISSION

# The permissions a lockdown takes from @everyone (Discord's bit values).
CREATE_INSTANT_INVITE = 1 << 0
ADD_REACTIONS = 1 << 6
SEND_MESSAGES = 1 << 11
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
LOCK_BITS = (
    SEND_MESSAGES
    | SEND_MESSAGES_IN_THREADS
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | ADD_REACTIONS
    | CREATE_INSTANT_INVITE
)


class Blocked(Exception):
    """Discord refused a step: with status 403 ``permission`` is what the bot needs; else it failed (HTTP status)."""

    def __init__(self, step: str, target: int | None = None, *, status: int = 403) -> None:
        super().__init__(step)
        self.step, self.target, self.status = step, target, status
        self.permission = STEP_PERMISSION.get(step, step) if status == 403 else None


@dataclass(frozen=True)
class GuildState:
    """What a lockdown reads before it changes anything."""

    everyone_permissions: int
    overwrites: dict[int, tuple[int, int]]
    """Channel id → (allow, deny) of its @everyone overwrite, for channels that have one (threads excluded)."""
    slowmode: dict[int, int]
    """Text channel id → slowmode seconds."""
    invites_disabled_until: datetime | None = None
    dms_disabled_until: datetime | None = None


@dataclass
class AlertMessage:
    """Where an alert landed, so it can be edited later."""

    channel_id: int
    message_id: int


@dataclass
class Alert:
    """A rendered alert: plain text (with an optional ping), an embed's parts and which buttons to show."""

    content: str
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    buttons: Sequence[tuple[str, str]] = ()
    """(action, label) pairs: persistent buttons carrying ``incident_id``."""
    incident_id: int | None = None
    ping_role_id: int | None = None
    color: int = 0xE74C3C


class GuildPort(Protocol):
    """One guild as the pipeline sees it."""

    guild_id: int

    async def read_state(self, *, fresh: bool) -> GuildState:
        """The guild's current state; ``fresh`` asks Discord instead of trusting the cache."""
        ...

    async def set_everyone_permissions(self, value: int, reason: str) -> None: ...

    async def set_everyone_overwrite(self, channel_id: int, allow: int, deny: int, reason: str) -> None: ...

    async def set_slowmode(self, channel_id: int, seconds: int, reason: str) -> None: ...

    async def set_incident_actions(
        self, invites_until: datetime | None, dms_until: datetime | None, reason: str
    ) -> None: ...

    async def delete_messages(self, channel_id: int, message_ids: list[int], reason: str) -> int:
        """Delete up to 100 messages of one channel (bulk when more than one); returns how many calls."""
        ...

    async def timeout(self, user_id: int, until: datetime | None, reason: str) -> None:
        """Time a member out until ``until`` (None lifts a timeout)."""
        ...

    async def ban(self, user_ids: Iterable[int], reason: str) -> set[int]:
        """Ban accounts (one bulk call per 200); returns those banned."""
        ...

    async def post(self, alert: Alert, *, channel_id: int | None = None) -> AlertMessage | None:
        """Post to ``channel_id`` or, without one, to the alert target; None when nothing accepted it."""
        ...

    async def edit(self, where: AlertMessage, alert: Alert) -> None: ...

    def can_post(self, channel_id: int) -> bool: ...

    def joined_at(self, user_id: int) -> datetime | None:
        """When the member joined (from the cache); None when unknown."""
        ...


def blocked_entry(exc: Blocked) -> dict[str, Any]:
    """How a refused step is stored on the incident."""
    return {"step": exc.step, "permission": exc.permission, "target": exc.target, "status": exc.status}
