"""Retention: the daily ``ledger.retention`` action rolls old rows up into daily counts and destroys keys.

Raw rows older than ``retention_days`` (cut at the exact local midnight, see
:func:`bot.domain.ledger.retention_cutoff_day`) become :class:`DailyCount` s per local day, kind and theme
and are deleted; the key of a period that ended before the cut-off is deleted, after which the remaining
pseudonyms of that period can never be linked to anyone again. The action re-arms itself for the next
day at 03:30 local time; the database row is the schedule's source of truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.db.engine import Database
from bot.domain.ledger import DailyCount, Granularity, retention_cutoff_day, rollup_daily
from bot.scheduling import Job, Scheduler
from bot.services.ledger import store
from bot.services.ledger.errors import LedgerUnavailable

if TYPE_CHECKING:
    from bot.services.ledger.service import LedgerService

log = logging.getLogger("happymood.ledger")

RETENTION_KIND = "ledger.retention"
RETENTION_LOCAL_TIME = time(3, 30)


@dataclass(frozen=True)
class RetentionResult:
    rows_rolled_up: int
    weekly_counts: int
    keys_destroyed: int


def _rollup(raw: list[store.RawContact], cutoff: datetime, tz: tzinfo, granularity: Granularity) -> list[DailyCount]:
    return rollup_daily(store.to_rows(raw), cutoff, tz, granularity)


class Retention:
    def __init__(self, ledger: LedgerService, db: Database, clock: Clock) -> None:
        self._ledger = ledger
        self._db = db
        self._clock = clock

    async def run(self, now: datetime | None = None) -> RetentionResult:
        """Roll raw rows past retention up into weekly counts, delete them, destroy ended periods' keys."""
        now = now or self._clock.now()
        ledger, config = self._ledger, self._ledger.config
        with contextlib.suppress(LedgerUnavailable):
            await ledger.flush()
        rolled = weekly = destroyed = 0
        for guild_id in await ledger.guilds():
            tz = await ledger.guild_tz(guild_id)
            cutoff = retention_cutoff_day(now, config.retention_days, tz)
            async with self._db.session() as session:
                old = await store.contacts_before(session, guild_id, cutoff)
                counts = await asyncio.to_thread(_rollup, old, cutoff, tz, config.moment_granularity)
                await store.add_daily(session, guild_id, counts)
                rolled += await store.delete_contacts_before(session, guild_id, cutoff)
                weekly += len(counts)
            destroyed += len(await ledger.keys.destroy_ended(guild_id, cutoff, tz))
        log.info("ledger retention", extra={"rolled_up": rolled, "weekly": weekly, "keys_destroyed": destroyed})
        return RetentionResult(rolled, weekly, destroyed)

    def next_run_at(self, after: datetime) -> datetime:
        """The first 03:30 (deployment time zone) after ``after``."""
        zone = self._ledger.default_tz
        local = after.astimezone(zone)
        due = datetime.combine(local.date(), RETENTION_LOCAL_TIME, tzinfo=zone)
        if due <= local:
            due = datetime.combine(local.date() + timedelta(days=1), RETENTION_LOCAL_TIME, tzinfo=zone)
        return due.astimezone(UTC)

    def install(self, scheduler: Scheduler) -> None:
        """Register the daily action's handler (from the cog's ``setup``); it re-arms itself after each run."""

        async def handle(_job: Job) -> None:
            await self.run()
            await self._arm(scheduler)

        scheduler.register(RETENTION_KIND, handle)

    async def _arm(self, scheduler: Scheduler) -> None:
        # one key per day: re-using the running action's key would cancel (delete) it from inside its handler
        due = self.next_run_at(self._clock.now())
        await scheduler.schedule(RETENTION_KIND, due, key=f"{RETENTION_KIND}:{due.date().isoformat()}")

    async def ensure_scheduled(self, scheduler: Scheduler) -> None:
        """Arm the daily action unless one is already stored (start-up hook)."""
        if await scheduler.pending(RETENTION_KIND):
            return
        try:
            await self._arm(scheduler)
        except IntegrityError:  # another shard armed it at the same moment
            log.info("ledger retention already armed by another process")
