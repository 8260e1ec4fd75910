"""Whether a session may be planned, when it repeats and when its reminders go out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import holidays

from bot.domain.hours import OfficeHours, parse_interval
from bot.domain.sessions.model import Session

REMINDER_OFFSETS = (timedelta(hours=24), timedelta(minutes=15))
_LAST_OPEN = timedelta(minutes=1)
_MAX_WEEKS = 10


def validate(session: Session, existing: Iterable[Session], now: datetime, hours: OfficeHours) -> list[str]:
    """Message keys of everything wrong with planning ``session``; empty when it may be planned."""
    problems: list[str] = []
    if session.start <= now:
        problems.append("sessions.error.in_past")
    if any(
        other.room_id == session.room_id and other.start < session.end and session.start < other.end
        for other in existing
    ):
        problems.append("sessions.error.overlap")
    if _ends_too_late(session, hours):
        problems.append("sessions.error.after_closing")
    return problems


def _ends_too_late(session: Session, hours: OfficeHours) -> bool:
    latest = hours.config.latest_closing
    if latest is None:
        return False
    start, end = session.start.astimezone(hours.tz), session.end.astimezone(hours.tz)
    limit_minutes = parse_interval(f"00:00-{latest}")[1]
    end_minutes = end.hour * 60 + end.minute + (24 * 60 if end.date() > start.date() else 0)
    return end_minutes > limit_minutes


def next_occurrence(session: Session, hours: OfficeHours) -> Session | None:
    """Same local wall time a week on, skipping public holidays and closed dates; None if none soon."""
    config = hours.config
    skip: set[date] = set(config.closed_dates)
    public = holidays.country_holidays(config.holidays_country) if config.holidays_country else {}
    local = session.start.astimezone(hours.tz)
    for weeks in range(1, _MAX_WEEKS + 1):
        day = local.date() + timedelta(weeks=weeks)
        if day in skip or day in public:
            continue
        start = datetime.combine(day, time(local.hour, local.minute), tzinfo=hours.tz).astimezone(UTC)
        return Session(session.kind, session.theme, session.room_id, start, session.duration, session.weekly)
    return None


def reminder_times(session: Session, now: datetime, hours: OfficeHours) -> list[datetime]:
    """24 h and 15 min before the start, never while the desk is closed.

    A reminder that would fall in a closed stretch moves to the last open minute before it; it is
    dropped when that moment has passed, comes before the previous reminder, or does not exist.
    """
    chosen: list[datetime] = []
    for offset in REMINDER_OFFSETS:
        at: datetime | None = session.start - offset
        if at and not hours.is_open(at):
            closed_at = hours.last_closing(at)
            at = closed_at - _LAST_OPEN if closed_at is not None else None
        if at is None or at <= now or at >= session.start or (chosen and at <= chosen[-1]):
            continue
        chosen.append(at.astimezone(UTC))
    return chosen
