"""``ledger_first_contacts`` stays exactly what it is derived from (the earliest contact hour of each
pseudonym) through every way rows change: writing, an earlier hour for a stored moment, forget-me,
removing a raid account, retention. "New youths" is counted from it, so a drift would show there."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.db.models import LedgerContact, LedgerFirstContact
from bot.domain.ledger import ContactKind, DateRange, iso_week_range, month_range
from bot.services.ledger import LedgerService, store

from .conftest import GUILD, local, youth

K = ContactKind


async def _stored(db: Database) -> dict[str, datetime]:
    async with db.session() as session:
        rows = await session.execute(select(LedgerFirstContact.pseudonym, LedgerFirstContact.first_contact))
        return {pseudonym: first for pseudonym, first in rows.all()}


async def _derived(db: Database) -> dict[str, datetime]:
    C = LedgerContact
    async with db.session() as session:
        rows = await session.execute(
            select(C.pseudonym, func.min(C.hour_bucket)).where(store.is_contact(C.kind)).group_by(C.pseudonym)
        )
        return {pseudonym: first for pseudonym, first in rows.all()}


async def _assert_in_step(db: Database) -> None:
    derived = await _derived(db)
    assert derived, "nothing was counted"
    assert await _stored(db) == derived


async def test_first_contacts_follow_every_change_of_the_rows(
    ledger: LedgerService, db: Database, clock: FakeClock
) -> None:
    rnd = random.Random(7)
    kinds = [K.DESK, K.STUDY, K.PUBLIC_EXCHANGE, K.JOIN, K.CHECKIN_SENT, K.CHECKIN_REPLY]
    for _ in range(300):
        at = local("2026-09-01 00:00") + timedelta(hours=rnd.randrange(24 * 60), minutes=rnd.randrange(60))
        await ledger.record(GUILD, youth(rnd.randrange(30)), rnd.choice(kinds), at=at)
    await ledger.flush()
    await _assert_in_step(db)

    # the same moment again, an hour earlier: the moment (and so the first contact) moves back
    first = min((await _stored(db)).values())
    await ledger.record(GUILD, youth(999), K.DESK, at=local("2026-10-10 15:30"))
    await ledger.flush()
    await ledger.record(GUILD, youth(999), K.DESK, at=local("2026-10-10 09:10"))
    await ledger.flush()
    await _assert_in_step(db)
    assert min((await _stored(db)).values()) == first

    # a youth who only joined has no first contact; their first message gives them one
    await ledger.record(GUILD, youth(500), K.JOIN, at=local("2026-10-20 10:00"))
    await ledger.flush()
    before = set(await _stored(db))
    await ledger.record(GUILD, youth(500), K.DESK, at=local("2026-10-21 10:00"))
    await ledger.flush()
    assert len(set(await _stored(db)) - before) == 1
    await _assert_in_step(db)

    await ledger.forget(GUILD, 3)  # re-keyed: the first contact moves to the new pseudonym
    await _assert_in_step(db)

    # a raid account that joined and wrote is removed again: no first contact is left behind
    joined = clock.now() - timedelta(minutes=5)
    await ledger.record(GUILD, youth(777), K.JOIN, at=joined)
    await ledger.record(GUILD, youth(777), K.PUBLIC_EXCHANGE, at=joined + timedelta(minutes=1))
    await ledger.flush()
    count = len(await _stored(db))
    assert await ledger.discard_newcomer(GUILD, 777, joined) == 2
    assert len(await _stored(db)) == count - 1
    await _assert_in_step(db)

    # retention: first contacts before the cut-off are derived again from what is left
    await ledger.retention.run(datetime(2028, 10, 1, 12, tzinfo=UTC))  # cut-off 2026-10-01
    await _assert_in_step(db)


async def test_new_youths_of_a_range_are_the_first_contacts_inside_it(ledger: LedgerService) -> None:
    """Worked example: three youths, first seen in September, October and November."""
    await ledger.record(GUILD, youth(1), K.DESK, at=local("2026-09-14 16:00"))
    await ledger.record(GUILD, youth(1), K.DESK, at=local("2026-10-14 16:00"))
    await ledger.record(GUILD, youth(2), K.JOIN, at=local("2026-09-20 16:00"))  # joined in September...
    await ledger.record(GUILD, youth(2), K.STUDY, at=local("2026-10-15 16:00"))  # ...first contact in October
    await ledger.record(GUILD, youth(3), K.DESK, at=local("2026-11-02 16:00"))
    await ledger.flush()
    today = date(2026, 12, 1)
    months = [(await ledger.figures(GUILD, month_range(2026, m), today)).new_youths for m in (9, 10, 11)]
    assert months == [1, 1, 1]
    autumn = await ledger.figures(GUILD, DateRange(date(2026, 9, 1), date(2026, 11, 30)), today)
    assert autumn.new_youths == 3
    week = await ledger.figures(GUILD, iso_week_range(2026, 42), today)  # 12-18 Oct: youth 1 was seen before
    assert week.new_youths == 1
