"""What a lockdown changes and how it is undone exactly: plan (from the state before), apply, restore.

* ONE role edit takes the lock permissions from @everyone;
* channels whose @everyone overwrite explicitly *allows* one of them get that allow made neutral;
* invites and DMs are paused through Discord's security actions (at most 24 h ahead, renewed while locked);
* slowmode is raised where the guild configured it.

Restoring gives back exactly the bits that were taken, on top of whatever the guild holds now, so an
untouched guild ends up bit-for-bit as before and a change a moderator made meanwhile is kept.
Every step is tried; a refused one is returned as :class:`Blocked` and the others still happen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.antispam.port import LOCK_BITS, Blocked, GuildPort, GuildState
from bot.services.antispam.settings import AntispamSettings

PAUSE_AHEAD = timedelta(hours=24) - timedelta(minutes=1)
"""Discord accepts a security-action pause at most 24 h ahead; a minute's margin for clock skew."""
RENEW_EVERY = timedelta(hours=6)


@dataclass(frozen=True)
class ChannelPlan:
    channel_id: int
    allow: int | None = None
    """The @everyone overwrite's allow before (None: the overwrite is not touched)."""
    deny: int | None = None
    removed: int = 0
    slowmode_before: int | None = None
    """Slowmode before (None: slowmode is not touched)."""
    slowmode_set: int | None = None


@dataclass(frozen=True)
class LockPlan:
    everyone_permissions: int
    removed: int
    invites_until: datetime | None
    dms_until: datetime | None
    pause_invites: bool
    pause_dms: bool
    paused_until: datetime | None
    channels: tuple[ChannelPlan, ...]


def plan(state: GuildState, settings: AntispamSettings, now: datetime) -> LockPlan:
    """The lockdown for a guild in ``state``, with everything needed to undo it."""
    channels: dict[int, ChannelPlan] = {}
    for channel_id, (allow, deny) in sorted(state.overwrites.items()):
        if allow & LOCK_BITS:
            channels[channel_id] = ChannelPlan(channel_id, allow, deny, allow & LOCK_BITS)
    if settings.slowmode_seconds:
        for channel_id in sorted(settings.slowmode_channel_ids):
            before = state.slowmode.get(channel_id)
            if before is None or before >= settings.slowmode_seconds:
                continue
            base = channels.get(channel_id, ChannelPlan(channel_id))
            channels[channel_id] = ChannelPlan(
                channel_id, base.allow, base.deny, base.removed, before, settings.slowmode_seconds
            )
    pausing = settings.pause_invites or settings.pause_dms
    return LockPlan(
        everyone_permissions=state.everyone_permissions,
        removed=state.everyone_permissions & LOCK_BITS,
        invites_until=state.invites_disabled_until,
        dms_until=state.dms_disabled_until,
        pause_invites=settings.pause_invites,
        pause_dms=settings.pause_dms,
        paused_until=now + PAUSE_AHEAD if pausing else None,
        channels=tuple(channels.values()),
    )


def pause_plan(state: GuildState, settings: AntispamSettings, now: datetime) -> LockPlan:
    """A join flood by day: only invites are paused (nothing else is taken, so nothing else is restored)."""
    return LockPlan(
        everyone_permissions=state.everyone_permissions,
        removed=0,
        invites_until=state.invites_disabled_until,
        dms_until=state.dms_disabled_until,
        pause_invites=True,
        pause_dms=False,
        paused_until=now + PAUSE_AHEAD,
        channels=(),
    )


async def _steps(*calls: Awaitable[None]) -> list[Blocked]:
    results = await asyncio.gather(*calls, return_exceptions=True)
    blocked: list[Blocked] = []
    for result in results:
        if isinstance(result, Blocked):
            blocked.append(result)
        elif isinstance(result, BaseException):
            raise result
    return blocked


def _pause_values(lock: LockPlan, until: datetime) -> tuple[datetime | None, datetime | None]:
    """Incident-action values while locked: a PUT replaces both, so an unpaused one keeps its old value."""
    return (until if lock.pause_invites else lock.invites_until, until if lock.pause_dms else lock.dms_until)


async def apply(port: GuildPort, lock: LockPlan, state: GuildState, reason: str) -> list[Blocked]:
    """Lock: the role edit first (it is what stops the flood), then overwrites, pauses and slowmode together."""
    blocked: list[Blocked] = []
    if lock.removed and state.everyone_permissions & LOCK_BITS:
        blocked += await _steps(port.set_everyone_permissions(state.everyone_permissions & ~LOCK_BITS, reason))
    calls: list[Awaitable[None]] = []
    for ch in lock.channels:
        current = state.overwrites.get(ch.channel_id)
        if ch.allow is not None and current is not None and current[0] & LOCK_BITS:
            calls.append(port.set_everyone_overwrite(ch.channel_id, current[0] & ~LOCK_BITS, current[1], reason))
        if ch.slowmode_set is not None and state.slowmode.get(ch.channel_id, ch.slowmode_set) < ch.slowmode_set:
            calls.append(port.set_slowmode(ch.channel_id, ch.slowmode_set, reason))
    if lock.paused_until is not None:
        calls.append(port.set_incident_actions(*_pause_values(lock, lock.paused_until), reason))
    return blocked + await _steps(*calls)


async def renew(port: GuildPort, lock: LockPlan, until: datetime, reason: str) -> list[Blocked]:
    """Push the invite/DM pause forward while the lockdown lasts."""
    return await _steps(port.set_incident_actions(*_pause_values(lock, until), reason))


def _still(value: datetime | None, now: datetime) -> datetime | None:
    return value if value is not None and value > now else None


async def restore(port: GuildPort, lock: LockPlan, state: GuildState, now: datetime, reason: str) -> list[Blocked]:
    """Undo exactly what :func:`apply` did, judged against ``state`` (read fresh from Discord)."""
    calls: list[Awaitable[None]] = []
    for ch in lock.channels:
        if ch.allow is not None and ch.deny is not None:
            current = state.overwrites.get(ch.channel_id)
            target = (ch.allow, ch.deny) if current is None else (current[0] | ch.removed, current[1] & ~ch.removed)
            if target != current:
                calls.append(port.set_everyone_overwrite(ch.channel_id, *target, reason))
        touched = ch.slowmode_set is not None and ch.slowmode_before is not None
        if touched and state.slowmode.get(ch.channel_id) == ch.slowmode_set:
            calls.append(port.set_slowmode(ch.channel_id, ch.slowmode_before or 0, reason))
    if lock.paused_until is not None:
        calls.append(port.set_incident_actions(_still(lock.invites_until, now), _still(lock.dms_until, now), reason))
    blocked = await _steps(*calls)
    everyone = state.everyone_permissions | lock.removed
    if everyone != state.everyone_permissions:
        blocked += await _steps(port.set_everyone_permissions(everyone, reason))
    return blocked
