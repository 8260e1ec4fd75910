"""Join floods quarantined before they post, one incident and one alert per attack, and records that expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.db.models.antispam import AntispamIncident, AntispamLockdown, AntispamOffender
from bot.domain.spam import JoinEvent, Reason, Verdict, VerdictKind
from bot.services.antispam import LOCK_BITS
from bot.services.antispam import alerts as alerts_module
from bot.services.antispam import service as service_module

from .fakes import GUILD, MIDNIGHT, FakeGuild, FakePort, event, make_runtime, make_service, member_verdict, mid

AFTERNOON = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # 15:00 in Brussels: the day profile
BURST = Reason("join_burst", 10, 10, 60)


async def rows(db: Database, model: Any) -> list[Any]:
    async with db.session() as session:
        return list((await session.scalars(select(model).order_by(model.id))).all())


def join(user_id: int, at: datetime) -> JoinEvent:
    return JoinEvent(at, GUILD, user_id, at - timedelta(hours=3), has_avatar=False)


def burst(users: list[int], *, new: bool = True) -> Verdict:
    return Verdict(VerdictKind.JOIN_BURST, (BURST,), frozenset(users), is_new_raid=new)


async def test_a_join_flood_by_day_pauses_invites_and_times_out_the_joiners_without_locking(db: Database) -> None:
    clock = FakeClock(AFTERNOON)
    g = FakeGuild()
    before = g.snapshot()
    port = FakePort(g)
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    await service.handle_join(join(6009, AFTERNOON), burst(list(range(6000, 6010))))
    await service.handle_join(join(6010, AFTERNOON), burst([6010], new=False))
    await service.drain()

    [incident] = await rows(db, AntispamIncident)
    assert incident.kind == "raid" and incident.reasons[0]["code"] == "join_burst"
    [lock] = await rows(db, AntispamLockdown)
    assert lock.removed_permissions == 0 and (lock.pause_invites, lock.pause_dms) == (True, False)
    assert g.everyone & LOCK_BITS == before[0] & LOCK_BITS  # not locked
    assert port.named("role") == [] and g.invites_until is not None and g.dms_until is None
    assert set(g.timeouts) == set(range(6000, 6011))
    assert {o.user_id for o in await rows(db, AntispamOffender)} == set(range(6000, 6011))
    [(alert, _)] = port.posts  # one alert for the whole flood, saying what was done
    assert alert.title.startswith("🚪") and any("<@6010>" in value for _, value in alert.lines)


async def test_a_join_flood_at_night_or_when_configured_locks_the_guild(db: Database) -> None:
    clock = FakeClock(MIDNIGHT)
    g = FakeGuild()
    port = FakePort(g)
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    await service.handle_join(join(6005, MIDNIGHT), burst(list(range(6000, 6006))))
    await service.drain()
    assert g.everyone & LOCK_BITS == 0 and g.invites_until is not None and set(g.timeouts) == set(range(6000, 6006))


async def test_lockdown_on_join_burst_locks_by_day_too(db: Database) -> None:
    clock = FakeClock(AFTERNOON)
    g = FakeGuild()
    port = FakePort(g)
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    await service.update_settings(GUILD, {"lockdown_on_join_burst": True})
    await service.handle_join(join(7005, AFTERNOON), burst(list(range(7000, 7006))))
    await service.drain()
    assert g.everyone & LOCK_BITS == 0


async def test_per_account_alerts_of_an_attack_fold_into_its_one_incident(db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # long enough for the four verdicts below to be recorded first, also on a busy machine with PostgreSQL
    monkeypatch.setattr(service_module, "ALERT_FOLD_SECONDS", 0.5)
    monkeypatch.setattr(alerts_module, "ALERT_REFRESH_SECONDS", 0.05)
    clock = FakeClock(MIDNIGHT)
    g = FakeGuild()
    port = FakePort(g)
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    # Two young accounts spam on their own, then the raid is declared: their alerts never go out alone.
    await service.handle(event(5000, MIDNIGHT, 1), member_verdict(5000, {11: [mid(1)]}))
    await service.handle(event(5001, MIDNIGHT, 2), member_verdict(5001, {11: [mid(2)]}))
    raid = Verdict(VerdictKind.RAID, (Reason("coordinated", 3, 3, 30),), frozenset({5000, 5001, 5002}),
                   {11: [mid(3)]}, is_new_raid=True)  # fmt: skip
    await service.handle(event(5002, MIDNIGHT, 3), raid)
    # An account breaking a rule during the raid goes into it too.
    await service.handle(event(5003, MIDNIGHT, 4), member_verdict(5003, {11: [mid(4)]}))
    await service.drain()
    await service.drain()

    incidents = await rows(db, AntispamIncident)
    assert [i.kind for i in incidents] == ["raid"]
    assert {o.user_id for o in await rows(db, AntispamOffender)} == {5000, 5001, 5002, 5003}
    assert incidents[0].deleted_count == 4
    assert len(port.posts) == 1  # one alert …
    # … edited as it grows, when it went out before the last accounts were folded in (the order of the two
    # depends on timing; either way every edit is of that one alert)
    assert all(w.message_id == incidents[0].alert_message_id for w, _ in port.edits)


async def test_an_established_members_own_alert_still_goes_out_at_once(db: Database) -> None:
    clock = FakeClock(MIDNIGHT)
    port = FakePort(FakeGuild())
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    await service.handle(event(100, MIDNIGHT, 1, young=False), member_verdict(100, {11: [mid(1)]}))
    await service.drain()
    assert [i.kind for i in await rows(db, AntispamIncident)] == ["member"] and len(port.posts) == 1


async def test_offender_rows_expire_after_the_retention_period(db: Database) -> None:
    clock = FakeClock(MIDNIGHT)
    port = FakePort(FakeGuild())
    runtime = await make_runtime(db, clock)
    service = await make_service(runtime, port)
    await service.handle(event(100, MIDNIGHT, 1, young=False), member_verdict(100, {11: [mid(1)]}))
    await service.drain()
    await service.schedule_purge(first=True)
    assert len(await rows(db, AntispamOffender)) == 1
    days = runtime.settings.antispam.record_retention_days
    assert days == 90
    await clock.set(MIDNIGHT + timedelta(days=days - 1))
    await service.drain()
    assert len(await rows(db, AntispamOffender)) == 1  # still within the retention period
    for extra in range(1, 3):
        await clock.set(MIDNIGHT + timedelta(days=days + extra))
        await service.drain()
    assert await rows(db, AntispamOffender) == []
    assert len(await rows(db, AntispamIncident)) == 1  # the incident's counts stay, without user IDs
