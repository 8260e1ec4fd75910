"""Scheduled work with the database as the source of truth.

Every action is a ``scheduled_actions`` row. At start-up the in-memory timers are rebuilt from the rows;
rows that fell due while the bot was down run once, at once. ``schedule`` is one statement (an upsert on
the key), so any number of concurrent callers leave exactly one row per key.

A row is *claimed* with one conditional UPDATE before its handler runs: the claim names its owner (this
process) and holds a lease that the owner renews while the handler runs. Only a ``pending`` row, or a
``running`` row whose lease ran out (its owner died), can be claimed, so two triggers or two processes on
one PostgreSQL never run a row twice, also when one of them restarts while the other is running it. A
process only ever touches rows of its own shards (``owns``).

When the timers fire comes from the clock's timer seam (:meth:`bot.clock.Clock.timer`): the real clock fires
each row at its instant, a simulated clock (tests, ``happymood demo``) runs whatever fell due when time is
moved.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Insert, and_, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.clock import Clock, Timer
from bot.db.engine import Database
from bot.db.models import ScheduledAction

log = logging.getLogger("happymood.scheduler")

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=5)


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


def process_identity() -> str:
    """A name for this process's claims, unique across hosts and restarts."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Pending, or running under a lease that ran out (the process that claimed it is gone)."""
    lapsed = or_(ScheduledAction.lease_until.is_(None), ScheduledAction.lease_until <= now)
    return or_(ScheduledAction.status == "pending", and_(ScheduledAction.status == "running", lapsed))


class Scheduler:
    """Persisted one-shot actions, dispatched by ``kind`` to registered handlers."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        owns: Owns | None = None,
        owner: str | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self._db = db
        self._clock = clock
        self._owns = owns or (lambda _guild_id: True)
        self.owner = (owner or process_identity())[:64]
        self._lease = lease
        self._handlers: dict[str, Handler] = {}
        self._timer: Timer | None = None
        self._tasks: set[asyncio.Task[int]] = set()
        self._running: set[int] = set()  # rows this process is running right now
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
        """Rebuild from this process's rows: run what is overdue, arm the rest.

        A row another process is running keeps its claim; it is armed for the moment its lease runs out,
        so it is taken over only if that process died.
        """
        if self._armed:
            return
        self._armed = True
        async with self._db.session() as session:
            rows = (
                await session.scalars(select(ScheduledAction).where(ScheduledAction.status.in_(("pending", "running"))))
            ).all()
        now = self._clock.now()
        mine = [r for r in rows if self._owns(r.guild_id)]
        # When a row can next be claimed: its due time, or the end of a live lease held by another process.
        ready = {
            r.id: max(r.due_at, r.lease_until) if r.status == "running" and r.lease_until else r.due_at for r in mine
        }
        self._timer = self._clock.timer()
        self._timer.start(self._on_tick)
        overdue = sorted((r for r in mine if ready[r.id] <= now), key=lambda r: (r.due_at, r.id))
        for row in mine:
            if ready[row.id] > now:
                self._arm(row.id, ready[row.id])
        log.info("scheduler started", extra={"pending": len(mine), "overdue": len(overdue), "owner": self.owner})
        for row in overdue:
            await self._execute(row.id)
        self._started = True

    async def shutdown(self) -> None:
        self._stop_timer()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._armed = self._started = False

    def detach(self) -> None:
        """Drop every in-memory job without touching the rows — exactly what a crash does."""
        self._stop_timer()
        for task in self._tasks:
            task.cancel()
        self._running.clear()
        self._armed = self._started = False

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    async def schedule(
        self,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        guild_id: int | None = None,
    ) -> int:
        """Store an action (replacing the one with the same ``key``) in one statement, and arm it."""
        if kind not in self._handlers:
            raise KeyError(f"no handler registered for {kind!r}")
        if due_at.tzinfo is None:
            raise ValueError("due_at must be timezone-aware")
        values: dict[str, Any] = {
            "kind": kind,
            "key": key,
            "guild_id": guild_id,
            "due_at": due_at,
            "payload": payload or {},
            "status": "pending",
            "attempts": 0,
            "last_error": None,
            "created_at": self._clock.now(),
            "claimed_by": None,
            "lease_until": None,
        }
        async with self._db.session() as session:
            row_id = (await session.execute(self._upsert(values).returning(ScheduledAction.id))).scalar_one()
        if self._armed:
            if due_at <= self._clock.now():
                self._disarm(row_id)
                self._spawn(row_id)
            else:
                self._arm(row_id, due_at)
        return row_id

    def _upsert(self, values: dict[str, Any]) -> Insert:
        """INSERT, or with a key INSERT … ON CONFLICT (key) DO UPDATE: the row becomes the new action."""
        if values["key"] is None:
            return insert(ScheduledAction).values(**values)
        dialect_insert = postgresql.insert if self._db.dialect == "postgresql" else sqlite.insert
        stmt = dialect_insert(ScheduledAction).values(**values)
        return stmt.on_conflict_do_update(
            index_elements=[ScheduledAction.key],
            set_={name: stmt.excluded[name] for name in values if name != "key"},
        )

    async def cancel(self, *, key: str | None = None, id: int | None = None) -> bool:
        """Remove an action (row and in-memory job). Returns whether one existed."""
        if (key is None) == (id is None):
            raise ValueError("give exactly one of key or id")
        cond = ScheduledAction.key == key if key is not None else ScheduledAction.id == id
        async with self._db.session() as session:
            ids = (await session.scalars(delete(ScheduledAction).where(cond).returning(ScheduledAction.id))).all()
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
        """Run every owned action that is due now (or left behind by a dead process); returns how many ran."""
        now = self._clock.now()
        async with self._db.session() as session:
            rows = (
                await session.execute(
                    select(ScheduledAction.id, ScheduledAction.guild_id)
                    .where(_claimable(now), ScheduledAction.due_at <= now)
                    .order_by(ScheduledAction.due_at, ScheduledAction.id)
                )
            ).all()
        due_ids = [row_id for row_id, guild_id in rows if self._owns(guild_id)]
        ran = 0
        for row_id in due_ids:
            ran += await self._execute(row_id)
        return ran

    async def _on_tick(self) -> None:
        await self.run_due()

    def _arm(self, row_id: int, due_at: datetime) -> None:
        if self._timer is not None:
            self._timer.arm(str(row_id), due_at, lambda: self._fire(row_id))

    def _disarm(self, row_id: int) -> None:
        if self._timer is not None:
            self._timer.disarm(str(row_id))

    def _spawn(self, row_id: int) -> asyncio.Task[int]:
        """Run a row in a task that :meth:`shutdown` waits for."""
        task = asyncio.create_task(self._execute(row_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _fire(self, row_id: int) -> None:
        await asyncio.shield(self._spawn(row_id))

    def _mine(self, row_id: int) -> tuple[ColumnElement[bool], ...]:
        """The row as this process claimed it (a handler may have replaced it with a new pending action)."""
        return (
            ScheduledAction.id == row_id,
            ScheduledAction.status == "running",
            ScheduledAction.claimed_by == self.owner,
        )

    async def _claim(self, row_id: int) -> ScheduledAction | None:
        now = self._clock.now()
        async with self._db.session() as session:
            result = await session.execute(
                update(ScheduledAction)
                .where(ScheduledAction.id == row_id, _claimable(now))
                .values(
                    status="running",
                    attempts=ScheduledAction.attempts + 1,
                    claimed_by=self.owner,
                    lease_until=now + self._lease,
                )
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return await session.get(ScheduledAction, row_id)

    async def _keep_lease(self, row_id: int) -> None:
        """Renew the claim while its handler runs, so no other process takes it over."""
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            async with self._db.session() as session:
                await session.execute(
                    update(ScheduledAction)
                    .where(*self._mine(row_id))
                    .values(lease_until=self._clock.now() + self._lease)
                )

    async def _execute(self, row_id: int) -> int:
        """Claim, run and retire one row. Returns 1 if this call ran it, else 0."""
        if row_id in self._running:  # even if its lease lapsed: this process is still at it
            return 0
        self._running.add(row_id)
        try:
            return await self._claim_and_run(row_id)
        finally:
            self._running.discard(row_id)

    async def _claim_and_run(self, row_id: int) -> int:
        row = await self._claim(row_id)
        if row is None:
            return 0
        handler = self._handlers.get(row.kind)
        job = _job(row)
        lease = asyncio.create_task(self._keep_lease(row_id))
        try:
            if handler is None:
                raise LookupError(f"no handler for {row.kind!r}")
            await handler(job)
        except Exception as exc:
            log.exception("scheduled action failed", extra={"kind": row.kind, "action_id": row_id})
            lease.cancel()
            if row.attempts >= MAX_ATTEMPTS:
                await self._finish(row_id, failed=repr(exc))
            else:
                retry = self._clock.now() + timedelta(seconds=30 * 2 ** (row.attempts - 1))
                await self._release(row_id, retry, repr(exc))
                self._arm(row_id, retry)
            return 1
        finally:
            lease.cancel()
        await self._finish(row_id)
        log.info("scheduled action done", extra={"kind": row.kind, "action_id": row_id})
        return 1

    async def _release(self, row_id: int, due_at: datetime, error: str | None) -> None:
        async with self._db.session() as session:
            await session.execute(
                update(ScheduledAction)
                .where(*self._mine(row_id))
                .values(status="pending", due_at=due_at, last_error=error, claimed_by=None, lease_until=None)
            )

    async def _finish(self, row_id: int, *, failed: str | None = None) -> None:
        async with self._db.session() as session:
            # Only the row as this run claimed it: a handler may have replaced it (same key) with a new
            # pending action, and a claim that lapsed may since belong to another process.
            if failed is None:
                await session.execute(delete(ScheduledAction).where(*self._mine(row_id)))
            else:
                await session.execute(
                    update(ScheduledAction).where(*self._mine(row_id)).values(status="failed", last_error=failed)
                )
