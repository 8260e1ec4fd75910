"""The clean-up acted on Discord: spam deleted in bulk, accounts timed out or banned, each outcome stored.

Every call goes through the guild's port with the bot's own permissions; a refused call is returned as a
:class:`Blocked` (what the alert tells the team to grant), never stopping the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.services.antispam.port import Blocked, GuildPort, blocked_entry
from bot.services.antispam.store import AntispamStore, OffenderAction

log = logging.getLogger("happymood.antispam")

BULK_MAX = 100
BULK_MAX_AGE = timedelta(days=14) - timedelta(minutes=5)
DISCORD_EPOCH_MS = 1_420_070_400_000
TIMEOUT_CONCURRENCY = 8

Reason = Callable[..., Awaitable[str]]
"""``reason(guild_id, key, **params)``: the audit-log reason, in the guild's language."""


def snowflake_at(at: datetime) -> int:
    """The smallest Discord id of a moment (message ids older than it are smaller)."""
    return max(0, int(at.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22


class CleanupActions:
    """Deletions and account actions for one batch (see :class:`~bot.services.antispam.batcher.Batcher`)."""

    def __init__(self, store: AntispamStore, clock: Clock, reason: Reason) -> None:
        self.store = store
        self.clock = clock
        self._reason = reason

    async def delete(self, port: GuildPort, deletes: dict[int, set[int]]) -> list[Blocked]:
        """Bulk delete per channel (≤ 100 a call); single deletes for one message or one too old to bulk."""
        oldest_bulk = snowflake_at(self.clock.now() - BULK_MAX_AGE)
        reason = await self._reason(port.guild_id, "spam")

        async def channel(channel_id: int, ids: list[int]) -> None:
            old = [i for i in ids if i < oldest_bulk]
            recent = [i for i in ids if i >= oldest_bulk]
            for start in range(0, len(recent), BULK_MAX):
                await port.delete_messages(channel_id, recent[start : start + BULK_MAX], reason)
            for message_id in old:
                await port.delete_messages(channel_id, [message_id], reason)

        results = await asyncio.gather(
            *(channel(cid, sorted(ids)) for cid, ids in deletes.items()), return_exceptions=True
        )
        blocked = [r for r in results if isinstance(r, Blocked)]
        for r in results:
            if isinstance(r, BaseException) and not isinstance(r, Blocked):
                log.error("anti-spam delete failed", exc_info=r)
        return blocked

    async def act(self, port: GuildPort, gid: int, actions: list[OffenderAction]) -> dict[int, list[dict[str, Any]]]:
        """Record the accounts as pending, time out or ban them, store the outcome; returns refusals."""
        fresh = await self.store.add_offenders(actions, self.clock.now())
        blocked: dict[int, list[dict[str, Any]]] = {}
        by_incident: dict[int, list[OffenderAction]] = {}
        for action in fresh:
            by_incident.setdefault(action.incident_id, []).append(action)
        gate = asyncio.Semaphore(TIMEOUT_CONCURRENCY)
        for incident_id, group in by_incident.items():
            statuses: dict[int, str] = {}
            reason = await self._reason(gid, "spam_account", id=incident_id)

            async def timeout(action: OffenderAction, reason: str = reason) -> None:
                async with gate:
                    await port.timeout(action.user_id, action.until, reason)

            timeouts = [a for a in group if a.action == "timeout"]
            results = await asyncio.gather(*(timeout(a) for a in timeouts), return_exceptions=True)
            for action, result in zip(timeouts, results, strict=True):
                statuses[action.user_id] = _outcome(result, blocked.setdefault(incident_id, []))
            bans = [a.user_id for a in group if a.action == "ban"]
            if bans:
                try:
                    banned = await port.ban(bans, reason)
                    statuses.update({uid: "applied" if uid in banned else "failed" for uid in bans})
                except Blocked as exc:
                    blocked.setdefault(incident_id, []).append(blocked_entry(exc))
                    statuses.update(dict.fromkeys(bans, "blocked" if exc.permission else "failed"))
            await self.store.set_offender_status(incident_id, statuses)
        return {k: v for k, v in blocked.items() if v}


def _outcome(result: Any, blocked: list[dict[str, Any]]) -> str:
    if isinstance(result, Blocked):
        blocked.append(blocked_entry(result))
        return "blocked" if result.permission else "failed"
    if isinstance(result, BaseException):
        log.error("anti-spam action failed", exc_info=result)
        return "failed"
    return "applied"
