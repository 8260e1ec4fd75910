"""The wall clock's timer seam: APScheduler fires each armed callback at its real instant."""

from __future__ import annotations

from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.clock import Fire


class WallTimer:
    """Arms one APScheduler date job per name; real time needs no tick."""

    def __init__(self) -> None:
        self._aps: AsyncIOScheduler | None = None

    def start(self, on_tick: Fire) -> None:
        self._aps = AsyncIOScheduler(timezone="UTC")
        self._aps.start()

    def arm(self, name: str, when: datetime, fire: Fire) -> None:
        if self._aps is None:
            return

        async def run() -> None:  # APScheduler awaits only what is itself a coroutine function
            await fire()

        self._aps.add_job(
            run,
            DateTrigger(run_date=when),
            id=name,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )

    def disarm(self, name: str) -> None:
        if self._aps is not None and self._aps.get_job(name) is not None:
            self._aps.remove_job(name)

    def stop(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
