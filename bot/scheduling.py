"""Scheduled work with the database as the source of truth.

Every action is a ``scheduled_actions`` row. At start-up the in-memory scheduler is rebuilt from the rows;
rows that fell due while the bot was down run once, at once. A row is *claimed* with a conditional UPDATE
before its handler runs, so two triggers (or two processes on one PostgreSQL) never run it twice. With the
real clock APScheduler fires each row at its instant; with a simulated clock (tests, ``happymood demo``)
the clock's listeners run whatever fell due when time is moved.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import delete, select, update

from bot.clock import Clock, FakeClock
from bot.db.engine import Database
from bot.db.models import ScheduledAction

log = logging.getLogger("happymood.scheduler")

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Job:
    """What a handler receives: the row's identity and its payload."""

    id: int
    kind: str
    key: str | None
    guild_id: int | None
    due_at: datetime
    payload: dict[str, Any]


Handler = Callable[[Job], Awaitable[None]]
Owns = Callable[[int | None], bool]


def _job(row: ScheduledAction) -> Job:
    return Job(row.id, row.kind, row.key, row.guild_id, row.due_at, dict(row.payload or {}))


class Scheduler:
    """Persisted one-shot actions, dispatched by ``kind`` to registered handlers."""

    def __init__(self, db: Database, clock: Clock, *, owns: Owns | None = None) -> None:
        self._db = db
        self._clock = clock
        self._owns = owns or (lambda _guild_id: True)
        self._handlers: dict[str, Handler] = {}
        self._aps: AsyncIOScheduler | None = None
        self._tasks: set[asyncio.Task[int]] = set()
        self._armed = False  # new rows are armed from now on
        self._started = False  # ... and everything overdue at start-up has run

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self._handlers:
            raise ValueError(f"a handler for {kind!r} is already registered")
        self._handlers[kind] = handler

    @property
    def started(self) -> bool:
        """True once the stored work has been rebuilt and what was overdue at start-up has run."""
        return self._started

    async def start(self) -> None:
        """Rebuild from the rows: requeue interrupted work, run what is overdue, arm the rest."""
        if self._armed:
            return
        self._armed = True
        async with self._db.session() as session:
            await session.execute(
                update(ScheduledAction).where(ScheduledAction.status == "running").values(status="pending")
            )
            rows = (await session.scalars(select(ScheduledAction).where(ScheduledAction.status == "pending"))).all()
        jobs = [_job(r) for r in rows if self._owns(r.guild_id)]
        if isinstance(self._clock, FakeClock):
            self._clock.subscribe(self._on_clock)
        else:
            self._aps = AsyncIOScheduler(timezone="UTC")
            self._aps.start()
        now = self._clock.now()
        overdue = sorted((j for j in jobs if j.due_at <= now), key=lambda j: j.due_at)
        for job in jobs:
            if job.due_at > now:
                self._arm(job.id, job.due_at)
        log.info("scheduler started", extra={"pending": len(jobs), "overdue": len(overdue)})
        for job in overdue:
            await self._execute(job.id)
        self._started = True

    async def shutdown(self) -> None:
        if isinstance(self._clock, FakeClock):
            self._clock.unsubscribe(self._on_clock)
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._armed = self._started = False

    def detach(self) -> None:
        """Drop every in-memory job without touching the rows — exactly what a crash does."""
        if isinstance(self._clock, FakeClock):
            self._clock.unsubscribe(self._on_clock)
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        for task in self._tasks:
            task.cancel()
        self._armed = self._started = False

    async def schedule(
        self,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        guild_id: int | None = None,
    ) -> int:
        """Store an action (replacing a pending one with the same ``key``) and arm it."""
        if kind not in self._handlers:
            raise KeyError(f"no handler registered for {kind!r}")
        if due_at.tzinfo is None:
            raise ValueError("due_at must be timezone-aware")
        if key is not None:
            await self.cancel(key=key)
        row = ScheduledAction(
            kind=kind,
            key=key,
            guild_id=guild_id,
            due_at=due_at,
            payload=payload or {},
            status="pending",
            attempts=0,
            created_at=self._clock.now(),
        )
        async with self._db.session() as session:
            session.add(row)
            await session.flush()
            row_id = row.id
        if self._armed:
            if due_at <= self._clock.now():
                self._spawn(row_id)
            else:
                self._arm(row_id, due_at)
        return row_id

    async def cancel(self, *, key: str | None = None, id: int | None = None) -> bool:
        """Remove a pending action (row and in-memory job). Returns whether one existed."""
        if (key is None) == (id is None):
            raise ValueError("give exactly one of key or id")
        cond = ScheduledAction.key == key if key is not None else ScheduledAction.id == id
        async with self._db.session() as session:
            ids = (await session.scalars(select(ScheduledAction.id).where(cond))).all()
            if ids:
                await session.execute(delete(ScheduledAction).where(ScheduledAction.id.in_(ids)))
        for row_id in ids:
            self._disarm(row_id)
        return bool(ids)

    async def pending(self, kind: str | None = None, *, guild_id: int | None = None) -> list[Job]:
        query = select(ScheduledAction).where(ScheduledAction.status.in_(("pending", "running")))
        if kind is not None:
            query = query.where(ScheduledAction.kind == kind)
        if guild_id is not None:
            query = query.where(ScheduledAction.guild_id == guild_id)
        async with self._db.session() as session:
            rows = (await session.scalars(query.order_by(ScheduledAction.due_at))).all()
        return [_job(r) for r in rows]

    async def run_due(self) -> int:
        """Run every owned pending action that is due now; returns how many ran."""
        now = self._clock.now()
        async with self._db.session() as session:
            rows = (
                await session.execute(
                    select(ScheduledAction.id, ScheduledAction.guild_id)
                    .where(ScheduledAction.status == "pending", ScheduledAction.due_at <= now)
                    .order_by(ScheduledAction.due_at, ScheduledAction.id)
                )
            ).all()
        due_ids = [row_id for row_id, guild_id in rows if self._owns(guild_id)]
        ran = 0
        for row_id in due_ids:
            ran += await self._execute(row_id)
        return ran

    async def _on_clock(self, _now: datetime) -> None:
        await self.run_due()

    def _arm(self, row_id: int, due_at: datetime) -> None:
        if self._aps is None:
            return
        self._aps.add_job(
            self._fire,
            DateTrigger(run_date=due_at),
            args=[row_id],
            id=str(row_id),
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )

    def _disarm(self, row_id: int) -> None:
        if self._aps is not None and self._aps.get_job(str(row_id)) is not None:
            self._aps.remove_job(str(row_id))

    def _spawn(self, row_id: int) -> asyncio.Task[int]:
        """Run a row in a task that :meth:`shutdown` waits for."""
        task = asyncio.create_task(self._execute(row_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _fire(self, row_id: int) -> None:
        await asyncio.shield(self._spawn(row_id))

    async def _claim(self, row_id: int) -> ScheduledAction | None:
        async with self._db.session() as session:
            result = await session.execute(
                update(ScheduledAction)
                .where(ScheduledAction.id == row_id, ScheduledAction.status == "pending")
                .values(status="running", attempts=ScheduledAction.attempts + 1)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return await session.get(ScheduledAction, row_id)

    async def _execute(self, row_id: int) -> int:
        """Claim, run and retire one row. Returns 1 if this call ran it, else 0."""
        row = await self._claim(row_id)
        if row is None:
            return 0
        handler = self._handlers.get(row.kind)
        job = _job(row)
        try:
            if handler is None:
                raise LookupError(f"no handler for {row.kind!r}")
            await handler(job)
        except Exception as exc:
            log.exception("scheduled action failed", extra={"kind": row.kind, "action_id": row_id})
            if row.attempts >= MAX_ATTEMPTS:
                await self._finish(row_id, failed=repr(exc))
            else:
                retry = self._clock.now() + timedelta(seconds=30 * 2 ** (row.attempts - 1))
                await self._release(row_id, retry, repr(exc))
                self._arm(row_id, retry)
            return 1
        await self._finish(row_id)
        log.info("scheduled action done", extra={"kind": row.kind, "action_id": row_id})
        return 1

    async def _release(self, row_id: int, due_at: datetime, error: str | None) -> None:
        async with self._db.session() as session:
            await session.execute(
                update(ScheduledAction)
                .where(ScheduledAction.id == row_id, ScheduledAction.status == "running")
                .values(status="pending", due_at=due_at, last_error=error)
            )

    async def _finish(self, row_id: int, *, failed: str | None = None) -> None:
        async with self._db.session() as session:
            # Only the row this run claimed: a handler may have replaced it (same key) with a new pending row,
            # and SQLite can even give that row the same id.
            mine = (ScheduledAction.id == row_id, ScheduledAction.status == "running")
            if failed is None:
                await session.execute(delete(ScheduledAction).where(*mine))
            else:
                await session.execute(update(ScheduledAction).where(*mine).values(status="failed", last_error=failed))
