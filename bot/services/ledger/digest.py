"""The report comes to the coordinators: every Monday 09:00 the previous week, on the first working day of
a month the previous month — text, CSV and PNG in the guild's ``coordinators`` channel (off until
``/setup kanaal functie:coordinators`` names one).

One scheduled action, ``ledger.digest``, ticks once per hour; its handler looks at the hour it was due
(not the wall clock), posts what :func:`bot.domain.ledger.digest.digests_due` says is due there for each
guild in that guild's zone and language, and stores the next hour's tick. The rows are the truth: after
a restart the missed ticks run once each, in order (at most :data:`CATCH_UP` back), so a Monday morning
spent offline still gets its report, and a tick already run is never posted twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.domain.guild_config import GuildConfig
from bot.domain.ledger.digest import digests_due
from bot.i18n import I18n
from bot.scheduling import Job, Scheduler
from bot.services.ledger.output import report_message
from bot.services.ledger.service import LedgerService

log = logging.getLogger("happymood.ledger")

DIGEST_KIND = "ledger.digest"
CATCH_UP = timedelta(days=8)


class ReportPoster(Protocol):
    """Discord side of the digest (implemented in ``cogs/ledger/_port.py``)."""

    async def post(self, guild_id: int, channel_id: int, content: str, files: list[tuple[str, bytes]]) -> None: ...


def _hour(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class Digest:
    def __init__(
        self,
        ledger: LedgerService,
        clock: Clock,
        i18n: I18n,
        poster: ReportPoster,
        *,
        guild_config: Callable[[int], Awaitable[GuildConfig]],
        default_lang: str = "nl",
        holidays_country: str | None = "BE",
    ) -> None:
        self._ledger = ledger
        self._clock = clock
        self._i18n = i18n
        self._poster = poster
        self._guild_config = guild_config
        self._default_lang = default_lang
        self._country = holidays_country

    async def tick(self, due_at: datetime) -> int:
        """Post every report due in the hour ``due_at``; returns how many were posted."""
        posted = 0
        for guild_id in await self._ledger.guilds():
            config = await self._guild_config(guild_id)
            channel = config.channels.coordinators
            if channel is None:
                continue
            lang = config.language or self._default_lang
            for kind, span in digests_due(due_at, self._ledger.tz_of(config), self._country):
                report = await self._ledger.report(guild_id, span)
                content, files = await report_message(
                    report,
                    self._i18n,
                    lang,
                    "ledger.digest.answer",
                    start=span.start.strftime("%d/%m/%Y"),
                    end=span.end.strftime("%d/%m/%Y"),
                    what=self._i18n.t(f"ledger.digest.{kind}", lang),
                )
                try:
                    await self._poster.post(guild_id, channel, content, files)
                except Exception:  # one guild's missing channel or rights never stops the others
                    log.exception("ledger digest not posted", extra={"guild_id": guild_id, "kind": kind})
                    continue
                posted += 1
        return posted

    def install(self, scheduler: Scheduler) -> None:
        async def handle(job: Job) -> None:
            await self.tick(job.due_at)
            await self._arm(scheduler, job.due_at + timedelta(hours=1))

        scheduler.register(DIGEST_KIND, handle)

    async def _arm(self, scheduler: Scheduler, due: datetime) -> None:
        due = max(_hour(due), _hour(self._clock.now()) - CATCH_UP)
        await scheduler.schedule(DIGEST_KIND, due, key=f"{DIGEST_KIND}:{due.isoformat()}")

    async def ensure_scheduled(self, scheduler: Scheduler) -> None:
        """Arm the next hour's tick unless one is stored already (start-up hook)."""
        if await scheduler.pending(DIGEST_KIND):
            return
        try:
            await self._arm(scheduler, self._clock.now() + timedelta(hours=1))
        except IntegrityError:
            log.info("ledger digest already armed by another process")
