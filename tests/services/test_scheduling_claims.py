"""Claims with an owner and a lease: two processes on one database never run an action twice.

Each "process" is its own :class:`Database` (own engine and pool) and its own :class:`Scheduler` on the same
database: on PostgreSQL exactly what two bot processes sharing one server are, on SQLite two processes on one
file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.db.models import ScheduledAction
from bot.scheduling import LEASE, Handler, Job, Scheduler


@pytest.fixture
async def other(db: Database) -> AsyncIterator[Database]:
    """A second process's connection to the same database."""
    second = Database(db.url)
    try:
        yield second
    finally:
        await second.dispose()


class Gate:
    """A handler that records who ran which key and, while ``hold`` is set, blocks until released."""

    def __init__(self) -> None:
        self.ran: list[tuple[str, str | None]] = []
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.hold = True

    def handler(self, name: str) -> Handler:
        async def run(job: Job) -> None:
            self.ran.append((name, job.key))
            self.entered.set()
            if self.hold:
                await self.release.wait()

        return run


def scheduler(db: Database, clock: FakeClock, gate: Gate, name: str) -> Scheduler:
    sched = Scheduler(db, clock, owner=name)
    sched.register("unlock", gate.handler(name))
    return sched


async def rows(db: Database) -> list[ScheduledAction]:
    async with db.session() as session:
        return list((await session.scalars(select(ScheduledAction))).all())


async def test_many_concurrent_schedules_of_one_key_leave_one_row(db: Database, clock: FakeClock) -> None:
    sched = Scheduler(db, clock)
    sched.register("unlock", Gate().handler("a"))
    due = [clock.now() + timedelta(minutes=i + 1) for i in range(50)]
    ids = await asyncio.gather(*(sched.schedule("unlock", d, {"n": i}, key="open:1") for i, d in enumerate(due)))
    [row] = await rows(db)
    assert set(ids) == {row.id}
    assert row.due_at in due and row.payload == {"n": due.index(row.due_at)}


async def test_concurrent_first_messages_each_get_their_own_row(
    db: Database, other: Database, clock: FakeClock
) -> None:
    a, b = Scheduler(db, clock), Scheduler(other, clock)
    for s in (a, b):
        s.register("unlock", Gate().handler("x"))
    calls = [
        (a if i % 2 else b).schedule("unlock", clock.now() + timedelta(hours=1), key=f"k{i % 10}") for i in range(40)
    ]
    await asyncio.gather(*calls)
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(ScheduledAction)) == 10


async def test_a_restart_leaves_a_row_another_live_process_runs_alone(
    db: Database, other: Database, clock: FakeClock
) -> None:
    gate = Gate()
    a = scheduler(db, clock, gate, "a")
    await a.start()
    await a.schedule("unlock", clock.now() + timedelta(minutes=1), key="unlock:1")
    moving = asyncio.create_task(clock.advance(timedelta(minutes=1)))  # a claims it and is now running it
    await gate.entered.wait()
    [row] = await rows(db)
    assert (row.status, row.claimed_by) == ("running", "a")

    b = scheduler(other, clock, gate, "b")  # the other process (re)starts while a runs the action
    await b.start()
    assert await b.run_due() == 0
    gate.release.set()
    await moving
    await b.run_due()
    assert gate.ran == [("a", "unlock:1")]
    assert await rows(db) == []
    await a.shutdown()
    await b.shutdown()


async def test_a_row_left_running_by_a_dead_process_is_taken_over_once_its_lease_ends(
    db: Database, other: Database, clock: FakeClock
) -> None:
    gate = Gate()
    a = scheduler(db, clock, gate, "a")
    await a.start()
    await a.schedule("unlock", clock.now(), key="unlock:1")  # due now: a runs it at once
    await gate.entered.wait()
    a.detach()  # ...and dies in the middle of it
    await asyncio.sleep(0)

    gate.hold = False
    b = scheduler(other, clock, gate, "b")
    await b.start()
    assert gate.ran == [("a", "unlock:1")]  # the lease still holds: a might be alive, b waits
    await clock.advance(LEASE - timedelta(seconds=1))
    assert gate.ran == [("a", "unlock:1")]
    await clock.advance(timedelta(seconds=1))
    assert gate.ran == [("a", "unlock:1"), ("b", "unlock:1")]
    await clock.advance(LEASE * 2)
    assert len(gate.ran) == 2 and await rows(db) == []
    await b.shutdown()


async def test_a_late_finish_of_a_lapsed_claim_does_not_retire_the_new_owners_row(
    db: Database, other: Database, clock: FakeClock
) -> None:
    """a hangs past its lease, b takes over; a's finish must not delete the row b is running."""
    gate = Gate()
    a = scheduler(db, clock, gate, "a")
    await a.start()
    await a.schedule("unlock", clock.now(), key="unlock:1")
    await gate.entered.wait()
    b = scheduler(other, clock, gate, "b")
    await b.start()
    gate.entered.clear()
    taking_over = asyncio.create_task(clock.advance(LEASE))
    await gate.entered.wait()  # b runs it now
    [row] = await rows(db)
    assert row.claimed_by == "b"
    gate.release.set()
    await taking_over
    await a.shutdown()
    await b.shutdown()
    assert [name for name, _ in gate.ran] == ["a", "b"] and await rows(db) == []


async def test_start_touches_only_its_own_shards(db: Database, other: Database, clock: FakeClock) -> None:
    gate = Gate()
    gate.hold = False
    mine = Scheduler(db, clock, owner="a", owns=lambda guild_id: guild_id == 1)
    theirs = Scheduler(other, clock, owner="b", owns=lambda guild_id: guild_id == 2)
    for s in (mine, theirs):
        s.register("unlock", gate.handler(s.owner))
    await mine.schedule("unlock", clock.now() - timedelta(minutes=1), guild_id=1)
    await mine.schedule("unlock", clock.now() - timedelta(minutes=1), guild_id=2)
    await mine.start()
    assert gate.ran == [("a", None)]
    [row] = await rows(db)
    assert (row.guild_id, row.status) == (2, "pending")
    await theirs.start()
    assert gate.ran == [("a", None), ("b", None)]
    await mine.shutdown()
    await theirs.shutdown()


async def test_two_processes_racing_for_many_due_rows_run_each_once(
    db: Database, other: Database, clock: FakeClock
) -> None:
    gate = Gate()
    gate.hold = False
    a, b = scheduler(db, clock, gate, "a"), scheduler(other, clock, gate, "b")
    for i in range(20):
        await a.schedule("unlock", clock.now() + timedelta(seconds=i), key=f"u{i}")
    await asyncio.gather(a.start(), b.start())
    await clock.advance(timedelta(minutes=1))
    await asyncio.gather(a.run_due(), b.run_due(), a.run_due(), b.run_due())
    assert sorted(key or "" for _, key in gate.ran) == sorted(f"u{i}" for i in range(20))
    await a.shutdown()
    await b.shutdown()
