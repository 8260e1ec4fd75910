"""Is a plan allowed, when is the next weekly occurrence, and when do its reminders go out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

from bot.domain.hours import OfficeHours, OfficeHoursConfig, parse_interval
from bot.domain.sessions.model import Booking, PlanRefused, SessionPlan
from bot.domain.sessions.parse import StartParseError, wall_to_utc

MAX_SKIPPED_WEEKS = 8
"""A weekly series looks this many weeks ahead for a day that is not a holiday or closure."""


def local_label(at: datetime, tz: ZoneInfo) -> str:
    """``"wo 24/03 14:00"``-style neutral label (dd/mm HH:MM) of an instant in the guild's zone."""
    return at.astimezone(tz).strftime("%d/%m %H:%M")


def check_plan(plan: SessionPlan, now: datetime, hours: OfficeHoursConfig, bookings: Iterable[Booking]) -> None:
    """Raise :class:`PlanRefused` for a start in the past, a late end or an overlap in the same room."""
    tz = ZoneInfo(hours.timezone)
    if plan.start <= now:
        raise PlanRefused("sessions.err.past", start=local_label(plan.start, tz))
    if plan.duration <= timedelta(0):
        raise PlanRefused("sessions.err.duration")
    if hours.latest_closing is not None:
        limit = parse_interval(f"00:00-{hours.latest_closing}")[1]
        start_local, end_local = plan.start.astimezone(tz), plan.end.astimezone(tz)
        end_minute = end_local.hour * 60 + end_local.minute + (1 if end_local.second or end_local.microsecond else 0)
        if end_local.date() != start_local.date() or end_minute > limit:
            raise PlanRefused("sessions.err.too_late", latest=hours.latest_closing, end=end_local.strftime("%H:%M"))
    if plan.room_id is not None:
        for other in bookings:
            if other.room_id == plan.room_id and plan.start < other.end and other.start < plan.end:
                raise PlanRefused(
                    "sessions.err.overlap", other=local_label(other.start, tz), until=local_label(other.end, tz)
                )


def _skipped(day: date, hours: OfficeHoursConfig) -> bool:
    if day in hours.closed_dates:
        return True
    if hours.holidays_open or hours.holidays_country is None:
        return False
    return day in holidays.country_holidays(hours.holidays_country, years=day.year)


def next_occurrence(start: datetime, hours: OfficeHoursConfig) -> datetime | None:
    """The same local weekday and wall time a week (or more) later, skipping holidays and closures.

    Local wall time is kept across DST changes (14:00 stays 14:00). None when no week within
    :data:`MAX_SKIPPED_WEEKS` qualifies.
    """
    tz = ZoneInfo(hours.timezone)
    local = start.astimezone(tz)
    for weeks in range(1, MAX_SKIPPED_WEEKS + 1):
        day = local.date() + timedelta(weeks=weeks)
        if _skipped(day, hours):
            continue
        try:
            return wall_to_utc(day, local.time().replace(tzinfo=None), tz)
        except StartParseError:
            continue
    return None


def reminder_times(
    start: datetime, now: datetime, hours: OfficeHours, offsets_minutes: Sequence[int]
) -> list[tuple[int, datetime]]:
    """``(offset, due)`` per reminder, earliest first.

    A reminder that would fall while the team is closed moves to the last open minute before it; it is
    dropped when that moment has passed already or is not later than an earlier reminder (so a youth never
    gets two at once, and never one after closing time).
    """
    planned: list[tuple[int, datetime]] = []
    for offset in sorted(set(offsets_minutes), reverse=True):
        due = start - timedelta(minutes=offset)
        if not hours.is_open(due):
            closing = hours.last_closing(due)
            if closing is None:
                continue
            due = closing - timedelta(minutes=1)
        if due <= now or (planned and due <= planned[-1][1]):
            continue
        planned.append((offset, due))
    return planned
