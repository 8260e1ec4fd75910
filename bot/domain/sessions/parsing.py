"""Dutch start times as staff type them, read in the guild's zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAYS = {
    "maandag": 0, "ma": 0, "dinsdag": 1, "di": 1, "woensdag": 2, "wo": 2, "donderdag": 3, "do": 3,
    "vrijdag": 4, "vr": 4, "zaterdag": 5, "za": 5, "zondag": 6, "zo": 6,
}  # fmt: skip
_TIME = r"(\d{1,2})(?:[:u.h](\d{2})?|u)"
_WEEKDAY = re.compile(rf"^([a-z]+)\s+{_TIME}$")
_DAY_MONTH = re.compile(rf"^(\d{{1,2}})/(\d{{1,2}})(?:/(\d{{4}}))?\s+{_TIME}$")
_ISO = re.compile(rf"^(\d{{4}})-(\d{{2}})-(\d{{2}})[ t]{_TIME}$")


def parse_start(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """``"woensdag 14:00"``, ``"wo 14u"``, ``"24/03 14:00"``, ``"2026-03-24 14:00"`` → aware UTC; None if unreadable.

    A weekday means its next occurrence (today only if the time is still ahead); a day/month without
    year means this year, or next year once it has passed.
    """
    cleaned = " ".join(text.strip().lower().split())
    local_now = now.astimezone(tz)
    try:
        if found := _WEEKDAY.match(cleaned):
            if found[1] not in _DAYS:
                return None
            at = _clock(found[2], found[3])
            ahead = (_DAYS[found[1]] - local_now.weekday()) % 7
            day = local_now.date() + timedelta(days=ahead)
            if ahead == 0 and _to_utc(day, at, tz) <= now:
                day += timedelta(days=7)
            return _to_utc(day, at, tz)
        if found := _DAY_MONTH.match(cleaned):
            at = _clock(found[4], found[5])
            year = int(found[3]) if found[3] else local_now.year
            day = date(year, int(found[2]), int(found[1]))
            if not found[3] and _to_utc(day, at, tz) <= now:
                day = day.replace(year=year + 1)
            return _to_utc(day, at, tz)
        if found := _ISO.match(cleaned):
            day = date(int(found[1]), int(found[2]), int(found[3]))
            return _to_utc(day, _clock(found[4], found[5]), tz)
    except ValueError:
        return None
    return None


def _clock(hours: str, minutes: str | None) -> time:
    return time(int(hours), int(minutes or 0))


def _to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """Local wall time → UTC; a wall time skipped by DST (spring gap) lands an hour later, as clocks do."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
