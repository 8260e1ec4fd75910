"""Forget-me re-keys a youth's rows, retention rolls up and destroys keys, the pepper stays outside the DB."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.db.models import LedgerDaily, LedgerKey
from bot.domain.ledger import (
    CellState,
    ContactKind,
    iso_week_range,
    month_range,
    new_key,
    pseudonym,
    retention_cutoff_day,
)
from bot.scheduling import Scheduler
from bot.services.ledger import RETENTION_KIND, LedgerService

from .conftest import GUILD, MakeLedger, count, local, rows, youth

K = ContactKind


async def _keys(db: Database) -> dict[str, bytes]:
    async with db.session() as session:
        return {k.period_id: k.secret for k in (await session.scalars(select(LedgerKey))).all()}


async def test_forget_me_rekeys_the_youth_and_keeps_the_counts(ledger: LedgerService, db: Database) -> None:
    forgotten: list[tuple[int, int]] = []

    async def desk_forget(guild_id: int, user_id: int) -> None:
        forgotten.append((guild_id, user_id))

    async def broken_forget(guild_id: int, user_id: int) -> None:
        raise RuntimeError("boom")

    ledger.forget_registry.register("desk", desk_forget)
    ledger.forget_registry.register("broken", broken_forget)
    for at in ("2026-03-02 10:00", "2026-11-25 10:00", "2027-01-05 10:00"):
        await ledger.record(GUILD, youth(1), K.DESK, at=local(at))
        await ledger.record(GUILD, youth(2), K.DESK, at=local(at))
    await ledger.flush()
    await ledger.record(GUILD, youth(1), K.CHECKIN_REPLY, at=local("2026-11-26 10:00"))  # still buffered
    keys = await _keys(db)
    mine = {pseudonym(1, secret) for secret in keys.values()}
    before = await ledger.figures(GUILD, iso_week_range(2026, 48))  # flushes the buffered check-in too
    assert before.online_moments == 3

    await ledger.record(GUILD, youth(1), K.STUDY, at=local("2026-11-30 11:00"))  # buffered, never written
    result = await ledger.forget(GUILD, 1)
    assert (result.rows_rekeyed, result.buffered_dropped, result.failed_features) == (4, 1, ["broken"])
    assert forgotten == [(GUILD, 1)]

    stored = await rows(db)
    assert len(stored) == 7
    assert not mine & {r.pseudonym for r in stored}
    assert all(r.moment_key.startswith(r.pseudonym + "|") for r in stored)
    others = {pseudonym(2, secret) for secret in keys.values()}
    assert sum(r.pseudonym in others for r in stored) == 3  # youth 2 untouched
    after = await ledger.figures(GUILD, iso_week_range(2026, 48))
    assert (after.online_moments, after.unique_youths) == (before.online_moments, before.unique_youths)


async def test_retention_rolls_up_and_destroys_ended_keys(ledger: LedgerService, db: Database) -> None:
    await ledger.record(GUILD, youth(1), K.DESK, tags={"theme": "school"}, at=local("2026-03-02 10:00"))
    await ledger.record(GUILD, youth(2), K.DESK, tags={"theme": "school"}, at=local("2026-03-03 10:00"))
    await ledger.record(GUILD, youth(1), K.JOIN, at=local("2026-03-04 10:00"))
    await ledger.record(GUILD, youth(1), K.DESK, at=local("2027-01-05 10:00"))  # before the cutoff week
    await ledger.record(GUILD, youth(1), K.DESK, at=local("2027-01-12 10:00"))  # after it
    await ledger.flush()
    keys = await _keys(db)
    assert sorted(keys) == ["2026", "2027"]
    linkable = {pseudonym(1, keys["2026"]), pseudonym(2, keys["2026"])}

    # 2029-01-10 minus 730 days is 2027-01-11 (a Monday): rows before it are past retention
    result = await ledger.retention.run(datetime(2029, 1, 10, 12, tzinfo=UTC))
    assert (result.rows_rolled_up, result.keys_destroyed) == (4, 1)
    assert sorted(await _keys(db)) == ["2027"]  # the 2026 key is gone for good
    remaining = await rows(db)
    assert [r.hour_bucket for r in remaining] == [local("2027-01-12 10:00")]
    async with db.session() as session:
        daily = sorted(
            (d.day.isoformat(), d.kind, d.theme, d.moments) for d in (await session.scalars(select(LedgerDaily))).all()
        )
    assert daily == [  # per local day: no week or month total moves when these rows leave
        ("2026-03-02", "desk", "school", 1),
        ("2026-03-03", "desk", "school", 1),
        ("2026-03-04", "join", "", 1),
        ("2027-01-05", "desk", "", 1),
    ]
    # nothing left in the database can recompute a 2026 pseudonym
    assert not linkable & {pseudonym(u, k) for u in (1, 2) for k in (await _keys(db)).values()}

    report = await ledger.figures(GUILD, iso_week_range(2026, 10))
    assert (report.online_moments, report.rollup_moments, report.unique_youths) == (2, 2, 0)  # a join is reach
    assert "rollup_no_uniques" in report.footnotes
    # a second run adds nothing twice
    await ledger.retention.run(datetime(2029, 1, 10, 12, tzinfo=UTC))
    assert (await ledger.figures(GUILD, iso_week_range(2026, 10))).online_moments == 2


async def test_pseudonyms_need_the_key_and_the_pepper(make_ledger: MakeLedger, db: Database, tmp_path: Path) -> None:
    pepper_file = tmp_path / "pepper"
    pepper_file.write_bytes(b"0123456789abcdef-pepper\n")
    ledger = make_ledger(pepper_file=pepper_file, flush_interval_seconds=60)
    user_id = 340282366920938463
    await ledger.record(GUILD, youth(user_id), K.JOIN, at=local("2026-11-30 10:00"))
    await ledger.flush()
    [row] = await rows(db)
    [secret] = (await _keys(db)).values()
    text = str(user_id).encode()
    guesses = {
        hashlib.sha256(text).hexdigest()[:32],
        hmac.new(secret, b"user:" + text, hashlib.sha256).hexdigest()[:32],  # the key without the pepper
        pseudonym(user_id, new_key(), b"0123456789abcdef-pepper"),  # the pepper without the key
        pseudonym(user_id, secret),
    }
    assert row.pseudonym not in guesses
    assert row.pseudonym == pseudonym(user_id, secret, b"0123456789abcdef-pepper")


async def test_retention_is_a_daily_scheduled_action_that_rearms(
    db: Database, clock: FakeClock, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger(flush_interval_seconds=60)
    await ledger.record(GUILD, youth(1), K.JOIN, at=local("2024-01-10 10:00"))  # long past retention
    await ledger.flush()
    scheduler = Scheduler(db, clock)
    ledger.retention.install(scheduler)
    await scheduler.start()
    try:
        await ledger.retention.ensure_scheduled(scheduler)
        await ledger.retention.ensure_scheduled(scheduler)  # idempotent
        [job] = await scheduler.pending(RETENTION_KIND)
        assert job.due_at == local("2026-12-01 03:30")  # clock: 2026-11-30 10:00 Brussels
        await clock.set(local("2026-12-01 03:31"))
        [job] = await scheduler.pending(RETENTION_KIND)
        assert job.due_at == local("2026-12-02 03:30")
        assert await count(db) == 0
    finally:
        await scheduler.shutdown()


async def test_a_raid_account_flagged_soon_after_joining_is_removed(
    ledger: LedgerService, db: Database, clock: FakeClock
) -> None:
    joined = clock.now()
    await ledger.record(GUILD, youth(1), K.JOIN, at=local("2026-11-02 10:00"))  # an earlier, real contact
    await ledger.record(GUILD, youth(1), K.JOIN)
    await ledger.record(GUILD, youth(2), K.JOIN)
    await ledger.flush()
    await ledger.record(GUILD, youth(1), K.PUBLIC_EXCHANGE)  # still buffered
    await clock.advance(timedelta(hours=2))
    assert await ledger.discard_newcomer(GUILD, 1, joined) == 2  # the buffered one and the stored join
    assert await count(db) == 2
    assert await ledger.discard_newcomer(GUILD, 2, joined - timedelta(days=2)) == 0  # not a newcomer
    assert await count(db) == 2


async def test_retention_changes_no_week_or_month_total_and_its_cutoff_is_exact(ledger: LedgerService) -> None:
    """November's total stayed 522 → 493 when a rolled-up week landed in its Thursday's month: no more."""
    for day, who in (("2026-10-27", 1), ("2026-10-31", 2), ("2026-11-01", 3), ("2026-11-02", 4), ("2026-11-03", 5)):
        await ledger.record(GUILD, youth(who), K.DESK, tags={"theme": "school"}, at=local(f"{day} 10:00"))
        await ledger.record(GUILD, youth(who + 10), K.SAFE_SPACE, at=local(f"{day} 23:30"))  # late: UTC is 22:30
    await ledger.record(GUILD, youth(9), K.DESK, at=local("2026-11-04 00:30"))  # right after the cut-off
    await ledger.flush()
    november, week44 = month_range(2026, 11), iso_week_range(2026, 44)  # week 44: 26/10 – 01/11
    before = [await ledger.figures(GUILD, span) for span in (november, week44)]
    now = datetime(2028, 11, 3, 12, tzinfo=UTC)
    assert retention_cutoff_day(now, ledger.config.retention_days, ledger.default_tz) == local("2026-11-04 00:00")
    result = await ledger.retention.run(now)
    assert result.rows_rolled_up == 10  # exactly the rows before local midnight of 4 November
    after = [await ledger.figures(GUILD, span) for span in (november, week44)]
    for old, new in zip(before, after, strict=True):
        assert (new.online_moments, new.by_kind, new.by_theme) == (old.online_moments, old.by_kind, old.by_theme)
        assert "unique_youths" in new.unknown
    assert (before[0].online_moments, before[1].online_moments) == (7, 6)
    assert (await ledger.report(GUILD, november)).figure("unique_youths").state is CellState.UNKNOWN
