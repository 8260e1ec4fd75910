"""The scheduler keeps its work in the database: restarts lose nothing and nothing runs twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.clock import FakeClock, SystemClock
from bot.db.engine import Database
from bot.db.models import ScheduledAction
from bot.scheduling import Handler, Job, Scheduler


def recorder(ran: list[Job]) -> Handler:
    async def handler(job: Job) -> None:
        ran.append(job)

    return handler


async def test_due_action_runs_once_when_time_passes(db: Database, clock: FakeClock) -> None:
    ran: list[Job] = []
    sched = Scheduler(db, clock)
    sched.register("unlock", recorder(ran))
    await sched.start()
    await sched.schedule("unlock", clock.now() + timedelta(minutes=30), {"guild": 1}, key="unlock:1")
    await clock.advance(timedelta(minutes=29))
    assert ran == []
    await clock.advance(timedelta(minutes=1))
    assert [j.payload for j in ran] == [{"guild": 1}]
    await clock.advance(timedelta(hours=1))
    assert len(ran) == 1
    assert await sched.pending() == []
    await sched.shutdown()


async def test_crash_then_restart_after_due_time_runs_exactly_once(db: Database, clock: FakeClock) -> None:
    first: list[Job] = []
    crashed = Scheduler(db, clock)
    crashed.register("unlock", recorder(first))
    await crashed.start()
    await crashed.schedule("unlock", clock.now() + timedelta(minutes=30), key="unlock:7")
    # The process dies here: no shutdown(), the in-memory job is simply gone.
    crashed.detach()
    await clock.advance(timedelta(hours=2))
    assert first == []

    second: list[Job] = []
    restarted = Scheduler(db, clock)
    restarted.register("unlock", recorder(second))
    await restarted.start()
    assert [j.key for j in second] == ["unlock:7"]
    await clock.advance(timedelta(hours=1))
    await restarted.run_due()
    assert len(second) == 1
    await restarted.shutdown()


async def test_cancel_removes_row_and_job(db: Database, clock: FakeClock) -> None:
    ran: list[Job] = []
    sched = Scheduler(db, clock)
    sched.register("digest", recorder(ran))
    await sched.start()
    await sched.schedule("digest", clock.now() + timedelta(hours=1), key="digest:1")
    assert await sched.cancel(key="digest:1") is True
    assert await sched.cancel(key="digest:1") is False
    await clock.advance(timedelta(hours=2))
    assert ran == []
    async with db.session() as session:
        assert (await session.scalars(select(ScheduledAction))).all() == []
    await sched.shutdown()


async def test_same_key_replaces_pending_action(db: Database, clock: FakeClock) -> None:
    ran: list[Job] = []
    sched = Scheduler(db, clock)
    sched.register("unlock", recorder(ran))
    await sched.start()
    await sched.schedule("unlock", clock.now() + timedelta(minutes=10), {"n": 1}, key="unlock:1")
    await sched.schedule("unlock", clock.now() + timedelta(minutes=40), {"n": 2}, key="unlock:1")
    await clock.advance(timedelta(minutes=15))
    assert ran == []
    await clock.advance(timedelta(minutes=30))
    assert [j.payload for j in ran] == [{"n": 2}]
    await sched.shutdown()


async def test_failing_handler_is_retried_with_backoff(db: Database, clock: FakeClock) -> None:
    calls: list[int] = []

    async def flaky(job: Job) -> None:
        calls.append(job.id)
        if len(calls) == 1:
            raise RuntimeError("Discord said 503")

    sched = Scheduler(db, clock)
    sched.register("flaky", flaky)
    await sched.start()
    await sched.schedule("flaky", clock.now() + timedelta(minutes=1))
    await clock.advance(timedelta(minutes=1))
    assert len(calls) == 1
    [job] = await sched.pending()
    assert job.due_at == clock.now() + timedelta(seconds=30)
    await clock.advance(timedelta(seconds=30))
    assert len(calls) == 2
    assert await sched.pending() == []
    await sched.shutdown()


async def test_two_schedulers_on_one_database_never_run_a_row_twice(db: Database, clock: FakeClock) -> None:
    ran: list[Job] = []
    a, b = Scheduler(db, clock), Scheduler(db, clock)
    for s in (a, b):
        s.register("unlock", recorder(ran))
    await a.start()
    await b.start()
    for i in range(5):
        await a.schedule("unlock", clock.now() + timedelta(minutes=i + 1), key=f"u{i}")
    await asyncio.gather(a.run_due(), b.run_due())
    await clock.advance(timedelta(minutes=10))
    await asyncio.gather(a.run_due(), b.run_due())
    assert sorted(j.key or "" for j in ran) == [f"u{i}" for i in range(5)]
    await a.shutdown()
    await b.shutdown()


async def test_shard_filter_only_runs_own_guilds(db: Database, clock: FakeClock) -> None:
    ran: list[Job] = []
    sched = Scheduler(db, clock, owns=lambda guild_id: guild_id == 1)
    sched.register("unlock", recorder(ran))
    await sched.start()
    await sched.schedule("unlock", clock.now() + timedelta(minutes=1), guild_id=1)
    await sched.schedule("unlock", clock.now() + timedelta(minutes=1), guild_id=2)
    await clock.advance(timedelta(minutes=2))
    assert [j.guild_id for j in ran] == [1]
    assert [j.guild_id for j in await sched.pending()] == [2]
    await sched.shutdown()


async def test_real_clock_fires_through_apscheduler(db: Database) -> None:
    ran: list[Job] = []
    done = asyncio.Event()

    async def handler(job: Job) -> None:
        ran.append(job)
        done.set()

    sched = Scheduler(db, SystemClock())
    sched.register("ping", handler)
    await sched.start()
    await sched.schedule("ping", datetime.now(UTC) + timedelta(milliseconds=300))
    await asyncio.wait_for(done.wait(), 5)
    assert len(ran) == 1
    await sched.shutdown()


async def test_a_handler_may_reschedule_its_own_key(db: Database, clock: FakeClock) -> None:
    """A recurring action re-arms itself under the same key; the new row must survive the old one's end."""
    ran: list[datetime] = []
    sched = Scheduler(db, clock)

    async def daily(job: Job) -> None:
        ran.append(clock.now())
        await sched.schedule("daily", clock.now() + timedelta(days=1), key="daily")

    sched.register("daily", daily)
    await sched.start()
    await sched.schedule("daily", clock.now() + timedelta(hours=1), key="daily")
    for _ in range(3):
        await clock.advance(timedelta(days=1))
    assert len(ran) == 3
    [pending] = await sched.pending()
    assert pending.key == "daily" and pending.due_at > clock.now()
    await sched.shutdown()
