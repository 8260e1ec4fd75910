"""Report ranges: inclusive local date ranges (ISO weeks, months, years or explicit), and their UTC bounds.

A ledger row belongs to the local date of its hour bucket converted to the guild's time zone, so a
range covers ``[start 00:00 local, end+1 00:00 local)``. That is 169 hours for the ISO week holding the
end of summer time (e.g. 2026-W43, ending 2026-10-25) and 167 for the week holding its start
(2027-W12, ending 2027-03-28). Years whose 1 January is a Thursday (or a Wednesday in leap years) have
53 ISO weeks: 2020, 2026, 2032, 2037; 2026-W53 runs 2026-12-28..2027-01-03.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

WEEKS_PER_YEAR = 52
DEFAULT_TZ = ZoneInfo("Europe/Brussels")


class DateRange(NamedTuple):
    """An inclusive range of local dates."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def whole_months(self) -> int | None:
        """Number of calendar months if the range is exactly whole months (1st .. last day), else None."""
        if self.start.day != 1 or self.end.day != monthrange(self.end.year, self.end.month)[1]:
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def weeks_equivalent(self) -> float:
        """How many weeks the range stands for when prorating targets (a year counts as 52 weeks).

        Whole calendar months count as 52/12 weeks each (so a year is exactly 52 and a month is a
        twelfth of a year); any other range counts ``days / 7`` (an ISO week is exactly 1).
        """
        months = self.whole_months()
        if months is not None:
            return WEEKS_PER_YEAR * months / 12
        return self.days / 7

    def elapsed_fraction(self, today: date) -> float:
        """Share of the range's days that have started by ``today`` (today counts as elapsed), in [0, 1]."""
        if today < self.start:
            return 0.0
        if today >= self.end:
            return 1.0
        return ((today - self.start).days + 1) / self.days

    def utc_bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """Half-open UTC interval ``[start, end)`` of the hour buckets that fall in this range."""
        first = datetime.combine(self.start, time(0), tzinfo=tz).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        return first, after


def _make(start: date, end: date) -> DateRange:
    if end < start:
        raise ValueError(f"range end {end} is before start {start}")
    return DateRange(start, end)


def iso_weeks_in_year(year: int) -> int:
    """52 or 53."""
    return date(year, 12, 28).isocalendar().week


def iso_week_range(year: int, week: int) -> DateRange:
    """Monday..Sunday of an ISO week (ValueError for a week the year does not have)."""
    if not 1 <= week <= iso_weeks_in_year(year):
        raise ValueError(f"{year} has no ISO week {week}")
    monday = date.fromisocalendar(year, week, 1)
    return DateRange(monday, monday + timedelta(days=6))


def month_range(year: int, month: int) -> DateRange:
    return DateRange(date(year, month, 1), date(year, month, monthrange(year, month)[1]))


def year_range(year: int) -> DateRange:
    return DateRange(date(year, 1, 1), date(year, 12, 31))


_WEEK_RE = re.compile(r"(\d{4})-w(\d{1,2})")
_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
_YEAR_RE = re.compile(r"\d{4}")


def parse_range(spec: str, today: date, tz: tzinfo | None = None) -> DateRange:
    """Parse a range spec relative to ``today``.

    Accepted: ``week`` / ``month`` / ``year`` (the current one), ``last-week`` / ``last-month`` /
    ``last-year``, ``2026-W43``, ``2026-10``, ``2026`` and ``2026-01-01..2026-03-31`` (inclusive).
    If ``today`` is an aware datetime it is converted to a local date in ``tz`` first.
    """
    if isinstance(today, datetime):
        if tz is None or today.tzinfo is None:
            raise ValueError("pass a date, or an aware datetime together with tz")
        today = today.astimezone(tz).date()
    text = spec.strip().lower()
    relative = {
        "week": lambda: _week_of(today),
        "month": lambda: month_range(today.year, today.month),
        "year": lambda: year_range(today.year),
        "last-week": lambda: _week_of(today - timedelta(days=7)),
        "last-month": lambda: month_range(*_previous_month(today)),
        "last-year": lambda: year_range(today.year - 1),
    }
    if text in relative:
        return relative[text]()
    if ".." in text:
        first, _, last = text.partition("..")
        try:
            return _make(date.fromisoformat(first.strip()), date.fromisoformat(last.strip()))
        except ValueError as exc:
            raise ValueError(f"bad range {spec!r}: {exc}") from None
    if match := _WEEK_RE.fullmatch(text):
        return iso_week_range(int(match[1]), int(match[2]))
    if match := _MONTH_RE.fullmatch(text):
        if not 1 <= int(match[2]) <= 12:
            raise ValueError(f"bad month in {spec!r}")
        return month_range(int(match[1]), int(match[2]))
    if _YEAR_RE.fullmatch(text):
        return year_range(int(text))
    raise ValueError(f"bad range {spec!r}")


def _week_of(day: date) -> DateRange:
    iso = day.isocalendar()
    return iso_week_range(iso.year, iso.week)


def _previous_month(today: date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
