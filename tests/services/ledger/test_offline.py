"""/moment: offline head counts, typed dates and who may log them; /stats ranges."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import LedgerOffline
from bot.domain.guild_config import GuildConfig, GuildRoles
from bot.domain.ledger import DateRange, PlaceType, iso_week_range
from bot.services.ledger import LedgerInputError, LedgerService, parse_day, report_range

from .conftest import GUILD, MakeLedger

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", TODAY),
        (None, TODAY),
        ("25/10/2026", date(2026, 10, 25)),
        ("5/1/2026", date(2026, 1, 5)),
        ("25-10-2026", date(2026, 10, 25)),
        ("2026-10-25", date(2026, 10, 25)),
        (" 30/11/2026 ", TODAY),
    ],
)
def test_days_people_type(text: str | None, expected: date) -> None:
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("31/02/2026", "ledger.input.bad_date"),
        ("gisteren", "ledger.input.bad_date"),
        ("2026-13-01", "ledger.input.bad_date"),
        ("01/12/2026", "ledger.input.future_date"),
    ],
)
def test_bad_and_future_days_are_refused(text: str, key: str) -> None:
    with pytest.raises(LedgerInputError) as caught:
        parse_day(text, TODAY)
    assert caught.value.key == key


def test_report_ranges() -> None:
    assert report_range("week", None, None, TODAY) == iso_week_range(2026, 49)
    assert report_range("last-week", None, None, TODAY) == iso_week_range(2026, 48)
    assert report_range("2026-W43", None, None, TODAY) == iso_week_range(2026, 43)
    assert report_range("week", "01/09/2026", None, TODAY) == DateRange(date(2026, 9, 1), TODAY)
    assert report_range("week", "2026-09-01", "30/09/2026", TODAY) == DateRange(date(2026, 9, 1), date(2026, 9, 30))
    bad: list[tuple[tuple[str, str | None, str | None], str]] = [
        (("week", "30/09/2026", "01/09/2026"), "ledger.input.bad_range"),
        (("fortnight", None, None), "ledger.input.bad_period"),
        (("week", None, "01/09/2026"), "ledger.input.bad_date"),
    ]
    for (period, first, last), key in bad:
        with pytest.raises(LedgerInputError) as caught:
            report_range(period, first, last, TODAY)
        assert caught.value.key == key


async def test_offline_moments_are_counts_at_configured_places(make_ledger: MakeLedger, db: Database) -> None:
    ledger = make_ledger(places=["atheneum", "jeugdhuis-x"], flush_interval_seconds=60)
    await ledger.log_offline(GUILD, "school", "atheneum", date(2026, 11, 24), 14)
    await ledger.log_offline(GUILD, PlaceType.YOUTH_WORK, "jeugdhuis-x", TODAY, 6)
    refusals = [
        (("school", "stadspark", TODAY, 3), "ledger.moment.unknown_place"),
        (("school", "atheneum", TODAY, 0), "ledger.moment.bad_count"),
        (("school", "atheneum", TODAY, 501), "ledger.moment.bad_count"),
        (("school", "atheneum", date(2026, 12, 1), 3), "ledger.input.future_date"),
        (("garden", "atheneum", TODAY, 3), "ledger.moment.unknown_place"),
    ]
    for args, key in refusals:
        with pytest.raises(LedgerInputError) as caught:
            await ledger.log_offline(GUILD, *args)
        assert caught.value.key == key
    async with db.session() as session:
        stored = [(o.day, o.place_type, o.place, o.youth_count) for o in (await session.scalars(select(LedgerOffline)))]
    assert sorted(stored) == [(date(2026, 11, 24), "school", "atheneum", 14), (TODAY, "youth_work", "jeugdhuis-x", 6)]
    report = await ledger.figures(GUILD, iso_week_range(2026, 48), today=TODAY)
    assert (report.offline_moments, report.contact_moments, report.happy_place_moments) == (14, 14, 1)
    assert ledger.places("jeugd") == ["jeugdhuis-x"]
    assert ledger.places("") == ["atheneum", "jeugdhuis-x"]


async def test_without_configured_places_moment_refuses(ledger: LedgerService) -> None:
    with pytest.raises(LedgerInputError) as caught:
        await ledger.log_offline(GUILD, "school", "atheneum", TODAY, 3)
    assert caught.value.key == "ledger.moment.no_places"


def test_outreachers_coordinators_and_admins_log_offline_moments() -> None:
    config = GuildConfig(roles=GuildRoles(outreacher=1, moderator=2, coordinator=3, youth=4))
    may = LedgerService.may_log_offline
    assert may(config, {1}, False) and may(config, {3}, False) and may(config, set(), True)
    assert not may(config, {2}, False) and not may(config, {4}, False) and not may(config, set(), False)
    assert not may(GuildConfig(), {1}, False)  # no roles configured: nobody but administrators
