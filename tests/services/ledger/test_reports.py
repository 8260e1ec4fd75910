"""Report figures through the service and the database, against hand-counted fixtures."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import LedgerKey
from bot.domain.ledger import (
    CellState,
    ContactKind,
    DateRange,
    PlaceType,
    Status,
    SuppressedReport,
    TargetName,
    build_report,
    iso_week_range,
    month_range,
    year_range,
)
from bot.i18n import I18n
from bot.services.ledger import LedgerService, render, store, translator

from .conftest import GUILD, MakeLedger, local, local_fold, youth

K = ContactKind
PLACES = ["atheneum", "jeugdhuis-x"]
BRUSSELS = ZoneInfo("Europe/Brussels")


async def _dst_week(ledger: LedgerService) -> None:
    r = ledger.record
    await r(GUILD, youth(1), K.CHECKIN_REPLY, at=local("2026-03-02 10:00"))  # seen long before: not new
    await r(GUILD, youth(6), K.DESK, at=local("2026-10-18 23:30"))  # Sunday before the week (21:30Z)
    await r(GUILD, youth(6), K.DESK, at=local("2026-10-26 00:30"))  # Monday after (23:30Z on the 25th)
    await r(GUILD, youth(1), K.DESK, tags={"theme": "school"}, at=local("2026-10-19 20:15"))
    await r(GUILD, youth(1), K.DESK, tags={"theme": "school"}, at=local("2026-10-19 21:40"), after_hours=True)
    await r(GUILD, youth(2), K.DESK, tags={"theme": "school"}, at=local("2026-10-19 10:00"))
    await r(GUILD, youth(2), K.PUBLIC_EXCHANGE, tags={"category": "public"}, at=local("2026-10-21 14:20"))
    for who, minute in ((3, "00"), (4, "30"), (1, "10")):
        await r(GUILD, youth(who), K.SAFE_SPACE, tags={"session": "ss-1"}, at=local(f"2026-10-22 19:{minute}"))
    # the repeated hour at the end of summer time: 02:30 CEST (00:30Z) and 02:30 CET (01:30Z), one moment
    await r(GUILD, youth(5), K.DESK, tags={"theme": "love"}, at=local("2026-10-25 02:30"))
    await r(GUILD, youth(5), K.DESK, tags={"theme": "love"}, at=local_fold("2026-10-25 02:30"))
    await r(GUILD, youth(3), K.HAPPY_MONDAY, at=local("2026-10-25 23:30"))  # 22:30Z, still Sunday
    await r(GUILD, youth(4), K.CHECKIN_REPLY, at=local("2026-10-24 12:00"))
    await ledger.log_offline(GUILD, PlaceType.SCHOOL, "atheneum", date(2026, 10, 23), 12)
    await ledger.log_offline(GUILD, PlaceType.EVENT, "jeugdhuis-x", date(2026, 10, 26), 40)  # next week


async def test_dst_week_hand_counted(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(places=PLACES, flush_interval_seconds=60)
    await _dst_week(ledger)
    report = await ledger.figures(GUILD, iso_week_range(2026, 43), today=date(2026, 11, 30))
    assert report.range.days == 7
    assert (report.online_moments, report.offline_moments, report.contact_moments) == (9, 12, 21)
    assert (report.unique_youths, report.new_youths) == (5, 4)
    assert (report.after_hours_youths, report.further_contact_youths) == (1, 3)
    assert dict(report.by_kind) == {
        "desk": 3,
        "safe_space": 3,
        "study": 0,
        "happy_monday": 1,
        "checkin_reply": 1,
        "public_exchange": 1,
    }
    assert dict(report.by_theme) == {"love": 1, "school": 2, "(none)": 6}
    assert dict(report.by_weekday) == {"mon": 2, "tue": 0, "wed": 1, "thu": 3, "fri": 0, "sat": 1, "sun": 2}
    assert {h: n for h, n in report.by_hour.items() if n} == {
        "02": 1,
        "10": 1,
        "12": 1,
        "14": 1,
        "19": 3,
        "20": 1,
        "23": 1,
    }
    assert (report.sessions_held, report.attendance_total, dict(report.sessions_by_kind)) == (1, 3, {"safe_space": 1})
    assert dict(report.offline_by_place_type) == {"school": 12, "youth_work": 0, "public_space": 0, "event": 0}
    assert report.happy_place_moments == 1
    targets = {t.name: (t.target, t.achieved, t.status) for t in report.targets}
    assert targets[TargetName.CONTACT_MOMENTS] == (19.23, 21, Status.REACHED)
    assert targets[TargetName.UNIQUE_YOUTHS] == (9.62, 5, Status.BEHIND)
    assert targets[TargetName.SESSIONS] == (0.58, 1, Status.REACHED)


async def test_week_across_the_new_year_counts_each_key_period(make_ledger: MakeLedger, db: Database) -> None:
    ledger = make_ledger(flush_interval_seconds=60)
    r = ledger.record
    await r(GUILD, youth(1), K.DESK, at=local("2026-03-02 10:00"))
    await r(GUILD, youth(1), K.DESK, at=local("2026-12-29 15:00"))  # same 2026 pseudonym: not new
    await r(GUILD, youth(1), K.DESK, at=local("2027-01-02 15:00"))  # 2027 pseudonym: new
    await r(GUILD, youth(2), K.CHECKIN_REPLY, at=local("2026-12-31 23:30"))  # 22:30Z, key period 2026
    await r(GUILD, youth(2), K.PUBLIC_EXCHANGE, at=local("2027-01-01 00:30"))  # 23:30Z on 31/12, period 2027
    await r(GUILD, youth(3), K.HAPPY_MONDAY, tags={"session": "hm-53"}, at=local("2026-12-28 16:00"))
    span = iso_week_range(2026, 53)
    assert (span.start, span.end) == (date(2026, 12, 28), date(2027, 1, 3))
    report = await ledger.figures(GUILD, span, today=date(2027, 1, 10))
    assert report.online_moments == 5
    assert (report.unique_youths, report.new_youths) == (5, 4)  # youths 1 and 2 once per key period
    assert {d: n for d, n in report.by_weekday.items() if n} == {"mon": 1, "tue": 1, "thu": 1, "fri": 1, "sat": 1}
    assert {h: n for h, n in report.by_hour.items() if n} == {"00": 1, "15": 2, "16": 1, "23": 1}
    assert (report.sessions_held, report.attendance_total) == (1, 1)
    assert "spans_key_periods" in report.footnotes
    async with db.session() as session:
        periods = sorted((await session.scalars(select(LedgerKey.period_id))).all())
    assert periods == ["2026", "2027"]


def _small_cells_shown(report: SuppressedReport) -> list[str]:
    cells = [(n, c) for n, c in report.summary] + [(f"{b.name}.{k}", c) for b in report.breakdowns for k, c in b.cells]
    return [n for n, c in cells if c.state is CellState.SHOWN and c.value is not None and 0 < c.value < report.k]


async def test_small_cells_are_suppressed_in_every_output(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(flush_interval_seconds=60)
    at = local("2026-11-25 14:10")
    for who in range(1, 8):
        await ledger.record(GUILD, youth(who), K.CHECKIN_REPLY, at=at)
    for who in range(1, 7):
        await ledger.record(GUILD, youth(who), K.PUBLIC_EXCHANGE, at=at)
    for who in (8, 9):
        await ledger.record(GUILD, youth(who), K.DESK, at=at)
    span = iso_week_range(2026, 48)
    raw = await ledger.figures(GUILD, span, today=date(2026, 11, 30))
    assert (raw.online_moments, raw.unique_youths, raw.further_contact_youths) == (15, 9, 2)

    report = await ledger.report(GUILD, span, today=date(2026, 11, 30))
    assert _small_cells_shown(report) == []
    kinds = dict(report.breakdown("by_kind").cells)
    assert (kinds["checkin_reply"].value, kinds["checkin_reply"].state) == (7, CellState.SHOWN)
    assert kinds["desk"].state is CellState.SMALL  # 2 youths: shown as <5
    assert kinds["public_exchange"].state is CellState.HIDDEN  # else 15 - 7 - 6 would give the 2 away
    assert report.figure("further_contact_youths").state is CellState.SMALL
    assert report.figure("unique_youths").value == 9
    assert "complementary" in report.footnotes

    i18n = I18n()
    data = json.loads(render(report, "json", translator(i18n, "en")))
    assert data["breakdowns"]["by_kind"]["cells"]["desk"] == "<5"
    assert data["breakdowns"]["by_kind"]["cells"]["public_exchange"] == "*"
    csv_text = render(report, "csv", translator(i18n, "nl")).decode()
    assert "contactpunt,<5" in csv_text and "gesprek in de kanalen,*" in csv_text
    table = render(report, "table", translator(i18n, "en")).decode()
    assert "public exchange" in table and "<5" in table
    assert render(report, "png", translator(i18n, "en")).startswith(b"\x89PNG")


async def test_reports_only_read_their_own_guild(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(flush_interval_seconds=60)
    other = GUILD + 1
    await ledger.record(GUILD, youth(1), K.DESK, at=local("2026-11-25 10:00"))
    await ledger.record(other, youth(1), K.DESK, at=local("2026-11-25 10:00"))
    await ledger.record(other, youth(2), K.DESK, at=local("2026-11-25 10:00"))
    span = iso_week_range(2026, 48)
    assert (await ledger.figures(GUILD, span)).unique_youths == 1
    assert (await ledger.figures(other, span)).unique_youths == 2
    assert await ledger.guilds() == [GUILD, other]


async def test_a_join_is_reach_not_a_contact(make_ledger: MakeLedger) -> None:
    """The demo-week finding: 6 of 10 moments and 6 of 8 youths were people who only joined."""
    ledger = make_ledger(flush_interval_seconds=60)
    at = local("2026-11-25 14:10")
    for who in range(1, 7):
        await ledger.record(GUILD, youth(who), K.JOIN, at=at)
    await ledger.record(GUILD, youth(1), K.DESK, at=at)  # one joiner also wrote to the desk
    for who in (7, 8):
        await ledger.record(GUILD, youth(who), K.PUBLIC_EXCHANGE, at=at)
    await ledger.record(GUILD, youth(7), K.DESK, at=local("2026-11-26 14:10"))
    raw = await ledger.figures(GUILD, iso_week_range(2026, 48), today=date(2026, 11, 30))
    assert (raw.online_moments, raw.contact_moments, raw.unique_youths, raw.new_youths) == (4, 4, 3, 3)
    assert raw.new_members == 6
    assert "join" not in raw.by_kind and sum(raw.by_weekday.values()) == 4
    report = await ledger.report(GUILD, iso_week_range(2026, 48), today=date(2026, 11, 30))
    assert report.figure("new_members").value == 6
    assert "joins_are_reach" in report.footnotes


async def test_sql_counts_equal_the_python_counts_on_a_random_autumn(make_ledger: MakeLedger, db: Database) -> None:
    """The database's GROUP BY figures are exactly what build_report counts from the same rows (DST included)."""
    ledger = make_ledger(flush_interval_seconds=60)
    rnd = random.Random(14)
    kinds = [K.DESK, K.SAFE_SPACE, K.STUDY, K.PUBLIC_EXCHANGE, K.CHECKIN_REPLY, K.JOIN]
    tags = [{}, {"theme": "school"}, {"theme": "love"}, {"session": "s1"}, {"session": "s2", "theme": "school"}]
    for _ in range(400):
        at = local("2026-10-01 00:00") + timedelta(hours=rnd.randrange(24 * 61), minutes=rnd.randrange(60))
        kind = rnd.choice(kinds)
        await ledger.record(
            GUILD,
            youth(rnd.randrange(40)),
            kind,
            tags={} if kind is K.JOIN else rnd.choice(tags),
            after_hours=rnd.random() < 0.2,
            at=at,
        )
    await ledger.flush()
    async with db.session() as session:
        stored = store.to_rows(
            await store.contacts_between(session, GUILD, local("2026-01-01 00:00"), local("2027-01-01 00:00"))
        )
    autumn = DateRange(date(2026, 10, 1), date(2026, 11, 30))  # long: the youth figures are probed, not grouped
    for span in (iso_week_range(2026, 43), iso_week_range(2026, 44), month_range(2026, 10), autumn, year_range(2026)):
        sql = await ledger.figures(GUILD, span, today=date(2026, 12, 1))
        python = build_report(stored, [], span.start, span.end, BRUSSELS, ledger.config.targets, date(2026, 12, 1))
        assert sql == python, span
