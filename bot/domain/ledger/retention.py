"""Retention: raw rows older than the retention period are rolled up into weekly counts.

Decisions:

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
from datetime import UTC, datetime, time, timedelta, tzinfo

from bot.domain.ledger.kinds import ContactKind, Granularity
from bot.domain.ledger.moments import group_moments
from bot.domain.ledger.ranges import DEFAULT_TZ
from bot.domain.ledger.rows import ContactRow, WeeklyCount

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


def merge_weekly(counts: Iterable[WeeklyCount]) -> list[WeeklyCount]:
    """Add up weekly counts with the same week, kind and theme."""
    merged: Counter[tuple[int, int, ContactKind, str | None]] = Counter()
    for count in counts:
        merged[(count.iso_year, count.iso_week, count.kind, count.theme)] += count.moments
    return _sorted(merged)
