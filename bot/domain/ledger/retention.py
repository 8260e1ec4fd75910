"""Retention: raw rows older than the retention period are rolled up into daily counts.

Since migration 0002c the cut-off is exact: local midnight ``retention_days`` days ago
(:func:`retention_cutoff_day`), and rows before it become :class:`DailyCount` s per local day, kind and
theme (:func:`rollup_daily`). A day never straddles a week, month or year, so every total stays what it
was. The weekly rules below are what earlier versions stored; their rows are still read.

Weekly decisions (legacy):

* The cut-off is always the start (local Monday 00:00) of an ISO week, see :func:`retention_cutoff`,
  so a week is never split between raw rows and a rollup and moments are never double counted.
* A :class:`WeeklyCount` keeps ISO year/week (local time), kind, theme and the number of moments
  (same moment rules as reports). Other tags (session, place, category) are dropped.
* No unique-youth estimate is kept: distinct counts cannot be added up across weeks, and a per-week
  distinct count would be one more small cell to protect. Reports over rolled-up weeks therefore
  cannot give unique/new/after-hours youths for those weeks and say so in a footnote.
* Callers delete exactly the rows with ``hour_bucket < cutoff`` after storing the rollup;
  :func:`merge_weekly` adds up rollups stored in several runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.domain.ledger.kinds import ContactKind, Granularity
from bot.domain.ledger.moments import group_moments
from bot.domain.ledger.ranges import DEFAULT_TZ
from bot.domain.ledger.rows import ContactRow, DailyCount, WeeklyCount

_KIND_ORDER = {kind: index for index, kind in enumerate(ContactKind)}


def week_start(at: datetime, tz: tzinfo = DEFAULT_TZ) -> datetime:
    """Local Monday 00:00 of the ISO week holding ``at``, as an aware UTC datetime."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    local_day = at.astimezone(tz).date()
    monday = local_day - timedelta(days=local_day.weekday())
    return datetime.combine(monday, time(0), tzinfo=tz).astimezone(UTC)


def retention_cutoff(now: datetime, retention_days: int, tz: tzinfo = DEFAULT_TZ) -> datetime:
    """Rows with ``hour_bucket`` before this instant are past retention (rounded down to a week start)."""
    if retention_days < 0:
        raise ValueError("retention_days must be >= 0")
    return week_start(now - timedelta(days=retention_days), tz)


def _sorted(counts: Counter[tuple[int, int, ContactKind, str | None]]) -> list[WeeklyCount]:
    weekly = [WeeklyCount(year, week, kind, theme, n) for (year, week, kind, theme), n in counts.items()]
    return sorted(weekly, key=lambda w: (w.iso_year, w.iso_week, _KIND_ORDER[w.kind], w.theme or ""))


def rollup(
    rows: Iterable[ContactRow], older_than: datetime, tz: tzinfo = DEFAULT_TZ, granularity: Granularity = "day"
) -> list[WeeklyCount]:
    """Weekly moment counts of the rows with ``hour_bucket < older_than`` (a week start in ``tz``)."""
    if week_start(older_than, tz) != older_than.astimezone(UTC):
        raise ValueError("older_than must be a local week start; use retention_cutoff()")
    old = [row for row in rows if row.hour_bucket < older_than]
    counts: Counter[tuple[int, int, ContactKind, str | None]] = Counter()
    for moment in group_moments(old, tz, granularity):
        iso = moment.first_bucket.astimezone(tz).isocalendar()
        counts[(iso.year, iso.week, moment.kind, moment.theme)] += 1
    return _sorted(counts)


def retention_cutoff_day(now: datetime, retention_days: int, tz: tzinfo = DEFAULT_TZ) -> datetime:
    """Rows with ``hour_bucket`` before this instant are past retention: local midnight of the day
    ``retention_days`` days before ``now`` (exact to the day, no rounding to a week)."""
    if retention_days < 0:
        raise ValueError("retention_days must be >= 0")
    day = (now - timedelta(days=retention_days)).astimezone(tz).date()
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def rollup_daily(
    rows: Iterable[ContactRow], older_than: datetime, tz: tzinfo = DEFAULT_TZ, granularity: Granularity = "day"
) -> list[DailyCount]:
    """Daily moment counts (local day of each moment) of the rows with ``hour_bucket < older_than``."""
    local = older_than.astimezone(tz)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        raise ValueError("older_than must be a local midnight; use retention_cutoff_day()")
    old = [row for row in rows if row.hour_bucket < older_than]
    counts: Counter[tuple[date, ContactKind, str | None]] = Counter()
    for moment in group_moments(old, tz, granularity):
        counts[(moment.first_bucket.astimezone(tz).date(), moment.kind, moment.theme)] += 1
    daily = [DailyCount(day, kind, theme, n) for (day, kind, theme), n in counts.items()]
    return sorted(daily, key=lambda d: (d.day, _KIND_ORDER[d.kind], d.theme or ""))


def merge_weekly(counts: Iterable[WeeklyCount]) -> list[WeeklyCount]:
    """Add up weekly counts with the same week, kind and theme."""
    merged: Counter[tuple[int, int, ContactKind, str | None]] = Counter()
    for count in counts:
        merged[(count.iso_year, count.iso_week, count.kind, count.theme)] += count.moments
    return _sorted(merged)
