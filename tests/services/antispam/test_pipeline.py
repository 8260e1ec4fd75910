"""The response pipeline on a real database (SQLite and PostgreSQL) against an in-memory guild."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.db.models.antispam import AntispamIncident, AntispamLockdown, AntispamOffender
from bot.domain.spam import Verdict, VerdictKind
from bot.services.antispam import LOCK_BITS, MORNING, QUIET, RENEW
from bot.services.antispam.lockdown import PAUSE_AHEAD, plan
from bot.services.antispam.port import SEND_MESSAGES

from .fakes import (
    CHILL,
    GENERAL,
    GUILD,
    MIDNIGHT,
    MOD_LOG,
    MODERATOR_ROLE,
    STAFF,
    STUDY,
    FakeGuild,
    FakePort,
    event,
    make_runtime,
    make_service,
    member_verdict,
    mid,
    raid_verdict,
)

S = timedelta(seconds=1)


async def rows(db: Database, model: Any) -> list[Any]:
    async with db.session() as session:
        return list((await session.scalars(select(model).order_by(model.id))).all())


async def test_raid_is_locked_cleaned_alerted_and_unlocked_exactly_after_the_quiet_period(db: Database) -> None:
    clock = FakeClock(MIDNIGHT)
    g = FakeGuild(overwrites={CHILL: (SEND_MESSAGES, 0)})
    before = g.snapshot()
    port = FakePort(g)
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)

    old = mid(0) - (20 * 86_400_000 << 22)  # three weeks old: too old for a bulk delete
    first = {GENERAL: [mid(i) for i in range(1, 151)], STUDY: [old]}
    await service.handle(event(5000, MIDNIGHT, 151), raid_verdict([5000, 5001, 5002, 5003], first))
    await service.handle(
        event(5004, MIDNIGHT + S, 152, channel=CHILL), raid_verdict([5004], {CHILL: [mid(152)]}, new=False)
    )
    await service.handle(event(5000, MIDNIGHT + 2 * S, 153), Verdict(VerdictKind.RAID, delete={GENERAL: [mid(153)]}))
    await service.drain()

    # Recorded, locked (one role edit), cleaned (bulk ≤ 100 per call, single delete for one message).
    [incident] = await rows(db, AntispamIncident)
    assert (incident.kind, incident.status, incident.night, incident.deleted_count) == ("raid", "active", True, 153)
    assert incident.reasons == [{"code": "cross_account", "count": 4, "limit": 4, "seconds": 15.0}]
    [lock_row] = await rows(db, AntispamLockdown)
    assert (lock_row.status, lock_row.everyone_permissions, lock_row.removed_permissions) == (
        "locked",
        before[0],
        LOCK_BITS,
    )
    assert port.named("role") == [before[0] & ~LOCK_BITS]
    assert g.overwrites[CHILL] == (0, 0) and g.invites_until == g.dms_until == MIDNIGHT + PAUSE_AHEAD
    assert sorted(len(ids) for _, ids in port.named("bulk")) == [50, 100]
    assert sorted(port.named("delete")) == sorted([(GENERAL, [mid(153)]), (STUDY, [old]), (CHILL, [mid(152)])])
    assert port.deleted() == {mid(i) for i in range(1, 151)} | {mid(152), mid(153), old}
    offenders = await rows(db, AntispamOffender)
    assert [(o.user_id, o.action, o.status, o.until) for o in offenders] == [
        (uid, "timeout", "applied", MIDNIGHT + timedelta(hours=12)) for uid in range(5000, 5005)
    ]
    assert set(g.timeouts) == set(range(5000, 5005))

    # One alert in the mod log, with the four persistent buttons; no ping at night.
    [(alert, target)] = port.posts
    assert target == MOD_LOG and alert.incident_id == incident.id and alert.ping_role_id is None
    assert [b for b, _ in alert.buttons] == ["unlock", "keep", "ban", "undo"]
    assert "5 accounts" not in alert.content
    assert any("<@5004>" in value for _, value in alert.lines)
    assert {j.kind for j in await runtime.scheduler.pending()} == {QUIET, RENEW, MORNING}

    # 30 minutes after the first message the last one is only 29:58 ago: not yet.
    await clock.set(MIDNIGHT + timedelta(minutes=30))
    await service.drain()
    assert g.everyone & LOCK_BITS == 0
    await clock.set(MIDNIGHT + timedelta(minutes=30, seconds=2))
    await service.drain()
    assert g.snapshot() == before
    [incident] = await rows(db, AntispamIncident)
    assert (incident.status, incident.ended_by) == ("ended", "quiet")
    *_, (_, final) = port.edits  # the one alert, edited as the raid grew and when it ended
    assert {w.message_id for w, _ in port.edits} == {incident.alert_message_id}
    assert [b for b, _ in final.buttons] == ["ban", "undo"]
    assert "✅" in final.title
    assert {j.kind for j in await runtime.scheduler.pending()} == {MORNING}

    # The morning summary lands in the staff channel at 08:00 local, once.
    await clock.set(MIDNIGHT + timedelta(hours=8))
    await service.drain()
    summary, target = port.posts[-1]
    assert target == STAFF and "☀️" in summary.title and len(summary.lines) == 1
    assert "153" in summary.lines[0][1]
    [incident] = await rows(db, AntispamIncident)
    assert incident.summarized
    await runtime.scheduler.shutdown()


async def test_a_restart_in_the_middle_of_a_lockdown_still_unlocks_on_time_from_the_stored_state(
    db: Database,
) -> None:
    clock = FakeClock(MIDNIGHT)
    g = FakeGuild(overwrites={CHILL: (SEND_MESSAGES, 1 << 15)})
    before = g.snapshot()
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, FakePort(g))
    await service.handle(event(5000, MIDNIGHT, 1), raid_verdict([5000, 5001, 5002, 5003], {GENERAL: [1]}))
    await service.drain()
    assert g.everyone & LOCK_BITS == 0
    runtime.scheduler.detach()  # the process dies: memory gone, rows stay

    again = await make_runtime(db, clock)
    await make_service(again, FakePort(g))
    await clock.set(MIDNIGHT + timedelta(minutes=31))
    assert g.snapshot() == before
    await again.scheduler.shutdown()


async def test_a_crash_between_recording_and_acting_is_completed_then_undone_exactly(db: Database) -> None:
    clock = FakeClock(MIDNIGHT)
    g = FakeGuild(overwrites={CHILL: (SEND_MESSAGES, 0)})
    before = g.snapshot()
    runtime = await make_runtime(db, clock)
    port = FakePort(g)
    first = await make_service(runtime, port, start=False)
    settings = await first.settings(GUILD)
    lock = plan(await port.read_state(fresh=False), settings, MIDNIGHT)
    await first.store.open_incident(GUILD, "raid", MIDNIGHT, night=True, lock=lock)  # ...and then the crash

    again = await make_runtime(db, clock)
    service = await make_service(again, FakePort(g))
    await service.drain()
    assert g.everyone & LOCK_BITS == 0 and g.overwrites[CHILL] == (0, 0)  # the lockdown was completed
    [row] = await rows(db, AntispamLockdown)
    assert row.status == "locked"
    await clock.set(MIDNIGHT + timedelta(minutes=31))
    await service.drain()
    assert g.snapshot() == before
    await again.scheduler.shutdown()


async def test_missing_permissions_are_named_and_everything_else_is_done(db: Database) -> None:
    clock = FakeClock(MIDNIGHT)
    g = FakeGuild()
    port = FakePort(g)
    port.forbid = {"invites_dms", "timeout"}
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    await service.handle(event(5000, MIDNIGHT, 1), raid_verdict([5000, 5001], {GENERAL: [mid(1), mid(2)]}))
    await service.drain()
    assert g.everyone & LOCK_BITS == 0 and port.deleted() == {mid(1), mid(2)}
    [incident] = await rows(db, AntispamIncident)
    assert sorted((b["step"], b["permission"]) for b in incident.blocked) == [
        ("invites_dms", "manage_guild"),
        ("timeout", "moderate_members"),
    ]
    assert {o.status for o in await rows(db, AntispamOffender)} == {"blocked"}
    [(alert, _)] = port.posts
    blocked = dict(alert.lines)["Wat niet lukte"]
    assert "**Server beheren**" in blocked and "**Leden een time-out geven**" in blocked  # Discord's words
    await runtime.scheduler.shutdown()


async def test_one_over_eager_youth_gets_a_short_timeout_and_no_lockdown(db: Database) -> None:
    clock = FakeClock(MIDNIGHT)
    g = FakeGuild()
    port = FakePort(g)
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    await service.handle(event(300, MIDNIGHT, 1, young=False), member_verdict(300, {GENERAL: [mid(1), mid(2)]}))
    await service.handle(event(300, MIDNIGHT + S, 4, young=False), Verdict(delete={GENERAL: [mid(3), mid(4)]}))
    await service.handle(event(301, MIDNIGHT, 5), member_verdict(301, {GENERAL: [mid(5)]}))  # a fresh account alone
    await service.drain()
    assert port.named("role") == [] and g.invites_until is None
    assert g.timeouts == {300: MIDNIGHT + timedelta(minutes=10), 301: MIDNIGHT + timedelta(hours=12)}
    incidents = await rows(db, AntispamIncident)
    assert [(i.kind, i.deleted_count) for i in incidents] == [("member", 4), ("member", 1)]
    assert [[b for b, _ in a.buttons] for a, _ in port.posts] == [["ban", "undo"], ["ban", "undo"]]
    assert {a.ping_role_id for a, _ in port.posts} == {None}
    assert [j.kind for j in await runtime.scheduler.pending()] == [MORNING]
    await runtime.scheduler.shutdown()


async def test_keep_locked_ban_and_undo_and_the_renewed_pause(db: Database) -> None:
    day = MIDNIGHT + timedelta(hours=13)  # 14:00 local: the moderator role is pinged
    clock = FakeClock(day)
    g = FakeGuild()
    before = g.snapshot()
    port = FakePort(g)
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    await service.handle(event(5000, day, 1), raid_verdict([5000, 5001, 5002], {GENERAL: [1]}))
    await service.drain()
    [incident] = await rows(db, AntispamIncident)
    assert port.posts[0][0].ping_role_id == MODERATOR_ROLE and not incident.night
    assert await service.keep_locked(incident.id)
    await clock.set(day + timedelta(hours=6))
    await service.drain()
    assert g.everyone & LOCK_BITS == 0  # kept locked past the quiet period
    assert g.invites_until == g.dms_until == day + timedelta(hours=6) + PAUSE_AHEAD  # renewed after 6 h
    assert await service.undo_timeouts(incident.id) == 3
    assert all(until is None for until in g.timeouts.values())
    assert await service.ban_flagged(incident.id) == 3
    assert port.named("ban") == [[5000, 5001, 5002]]  # one bulk call
    assert await service.unlock(GUILD, by="moderator", user_id=1) == incident.id
    assert g.snapshot() == before
    assert await service.unlock(GUILD, by="moderator", user_id=1) is None
    assert await runtime.scheduler.pending() == []
    await runtime.scheduler.shutdown()


async def test_manual_lockdown_stays_until_unlocked_and_is_not_doubled(db: Database) -> None:
    clock = FakeClock(MIDNIGHT)
    g = FakeGuild()
    before = g.snapshot()
    port = FakePort(g)
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    incident_id, created = await service.manual_lockdown(GUILD, 9)
    assert created and g.everyone & LOCK_BITS == 0
    assert await service.manual_lockdown(GUILD, 9) == (incident_id, False)
    view = await service.status(GUILD)
    assert view is not None and view.incident.started_by == 9 and view.incident.keep_locked
    await clock.set(MIDNIGHT + timedelta(hours=2))
    assert g.everyone & LOCK_BITS == 0
    assert await service.unlock(GUILD, by="moderator", user_id=9) == incident_id
    assert g.snapshot() == before
    assert len(port.named("role")) == 2
    await runtime.scheduler.shutdown()


async def test_deletions_arriving_together_become_few_bulk_calls(db: Database) -> None:
    clock = FakeClock(MIDNIGHT)
    port = FakePort(FakeGuild())
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    for i in range(1, 121):  # 120 single deletions in two channels, handed over one by one
        channel = GENERAL if i % 2 else CHILL
        await service.handle(event(5000, MIDNIGHT, i, channel=channel), Verdict(delete={channel: [mid(i)]}))
    await service.drain()
    calls = port.named("bulk") + port.named("delete")
    assert len(calls) <= 4
    assert port.deleted() == {mid(i) for i in range(1, 121)}
    await runtime.scheduler.shutdown()
