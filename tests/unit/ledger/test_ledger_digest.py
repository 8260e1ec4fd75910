"""The Monday and first-working-day report calendar, in the guild's zone."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.ledger.digest import digests_due, first_working_day
from bot.domain.ledger.ranges import iso_week_range, month_range

from .factories import BRUSSELS, local


def test_every_monday_at_nine_the_previous_week() -> None:
    assert digests_due(local("2026-12-07 09:00"), BRUSSELS) == [("week", iso_week_range(2026, 49))]
    assert digests_due(local("2026-12-07 08:59"), BRUSSELS) == []
    assert digests_due(local("2026-12-07 10:00"), BRUSSELS) == []
    assert digests_due(local("2026-12-08 09:00"), BRUSSELS) == []
    # the Monday after ISO week 53 of 2026
    assert digests_due(local("2027-01-04 09:00"), BRUSSELS)[0] == ("week", iso_week_range(2026, 53))


def test_first_working_day_of_the_month_skips_weekends_and_belgian_holidays() -> None:
    assert first_working_day(2027, 1) == date(2027, 1, 4)  # 1 January is a holiday, then a weekend
    assert first_working_day(2026, 11) == date(2026, 11, 2)  # Sunday 1 November, All Saints' Day
    assert first_working_day(2027, 5) == date(2027, 5, 3)  # Labour Day on a Saturday
    monday = digests_due(local("2027-01-04 09:30"), BRUSSELS)
    assert monday == [("week", iso_week_range(2026, 53)), ("month", month_range(2026, 12))]
    assert digests_due(local("2026-12-01 09:00"), BRUSSELS) == [("month", month_range(2026, 11))]


def test_judged_in_the_guild_zone_across_dst() -> None:
    # 30 March 2026 (Monday, summer time): 09:00 in Brussels is 07:00 UTC
    assert digests_due(datetime.fromisoformat("2026-03-30T07:00+00:00"), BRUSSELS) != []
    assert digests_due(datetime.fromisoformat("2026-03-30T08:00+00:00"), BRUSSELS) == []
