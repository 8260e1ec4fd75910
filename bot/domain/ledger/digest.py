"""When the coordinators get their report without asking: pure calendar rules, judged in the guild's zone.

* Every Monday at 09:00: the previous ISO week (Monday–Sunday).
* On the first working day of a month at 09:00 (Monday–Friday, not a public holiday of
  ``holidays_country``, default Belgium): the previous calendar month. On a Monday that is also the
  month's first working day, both are due.

:func:`digests_due` looks at one local hour (the scheduler ticks once per hour); anything within the
09:00–09:59 hour counts, so zones with a half-hour offset are served too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

import holidays

from bot.domain.ledger.ranges import DateRange, iso_week_range, month_range

DigestKind = Literal["week", "month"]
DIGEST_HOUR = 9


def is_working_day(day: date, country: str | None = "BE") -> bool:
    if day.weekday() >= 5:
        return False
    return country is None or day not in holidays.country_holidays(country, years=day.year)


def first_working_day(year: int, month: int, country: str | None = "BE") -> date:
    day = date(year, month, 1)
    while not is_working_day(day, country):
        day += timedelta(days=1)
    return day


def digests_due(at: datetime, tz: tzinfo, country: str | None = "BE") -> list[tuple[DigestKind, DateRange]]:
    """The reports due in the local hour holding ``at`` (aware): ``[("week", …), ("month", …)]`` or fewer."""
    local = at.astimezone(tz)
    if local.hour != DIGEST_HOUR:
        return []
    today = local.date()
    due: list[tuple[DigestKind, DateRange]] = []
    if today.weekday() == 0:
        previous = (today - timedelta(days=7)).isocalendar()
        due.append(("week", iso_week_range(previous.year, previous.week)))
    if today == first_working_day(today.year, today.month, country):
        last_month = today.replace(day=1) - timedelta(days=1)
        due.append(("month", month_range(last_month.year, last_month.month)))
    return due
