"""Refusals, the weekly series (holidays, DST) and reminders that never go out after hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.hours import OfficeHours, OfficeHoursConfig
from bot.domain.sessions import PlanRefused, SessionKind, SessionPlan, check_plan, next_occurrence, reminder_times
from bot.domain.sessions.model import Booking, theme_slug

BXL = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # Wednesday 13:00 in Brussels
HOURS = OfficeHoursConfig()  # weekdays 10-21, weekends 14-21, Belgian holidays closed
ROOM = 42


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BXL).astimezone(UTC)


def plan(start: datetime, minutes: int = 120, room: int | None = ROOM) -> SessionPlan:
    return SessionPlan(SessionKind.SAFE_SPACE, "alcohol_drugs", start, timedelta(minutes=minutes), room_id=room)


def refusal(p: SessionPlan, bookings: list[Booking] | None = None, hours: OfficeHoursConfig = HOURS) -> str:
    with pytest.raises(PlanRefused) as info:
        check_plan(p, NOW, hours, bookings or [])
    return info.value.key


def test_a_wednesday_afternoon_is_fine() -> None:
    check_plan(plan(local(2026, 12, 9, 14, 0)), NOW, HOURS, [])


def test_refusals() -> None:
    assert refusal(plan(local(2026, 12, 2, 12, 0))) == "sessions.err.past"
    assert refusal(plan(NOW)) == "sessions.err.past"
    assert refusal(plan(local(2026, 12, 9, 19, 30))) == "sessions.err.too_late"  # ends 21:30
    assert refusal(plan(local(2026, 12, 9, 23, 0), 120)) == "sessions.err.too_late"  # ends after midnight
    booked = [Booking(ROOM, local(2026, 12, 9, 15, 0), local(2026, 12, 9, 17, 0))]
    assert refusal(plan(local(2026, 12, 9, 14, 0)), booked) == "sessions.err.overlap"


def test_ending_exactly_at_closing_and_another_room_are_fine() -> None:
    check_plan(plan(local(2026, 12, 9, 19, 0)), NOW, HOURS, [])  # 19:00-21:00
    booked = [Booking(ROOM + 1, local(2026, 12, 9, 14, 0), local(2026, 12, 9, 16, 0))]
    check_plan(plan(local(2026, 12, 9, 14, 0)), NOW, HOURS, booked)
    back_to_back = [Booking(ROOM, local(2026, 12, 9, 12, 0), local(2026, 12, 9, 14, 0))]
    check_plan(plan(local(2026, 12, 9, 14, 0)), NOW, HOURS, back_to_back)


def test_latest_closing_in_summer_time_is_local() -> None:
    check_plan(plan(local(2027, 4, 7, 19, 0)), NOW, HOURS, [])  # CEST: ends 21:00 local = 19:00 UTC
    assert refusal(plan(local(2027, 4, 7, 19, 1))) == "sessions.err.too_late"


def test_weekly_series_keeps_the_wall_time_across_dst() -> None:
    first = local(2027, 3, 24, 14, 0)
    nxt = next_occurrence(first, HOURS)
    assert nxt == local(2027, 3, 31, 14, 0)
    assert nxt is not None and nxt - first == timedelta(days=7) - timedelta(hours=1)
    autumn = next_occurrence(local(2027, 10, 27, 14, 0), HOURS)
    assert autumn == local(2027, 11, 3, 14, 0)


def test_weekly_series_skips_belgian_holidays_unless_open() -> None:
    assert next_occurrence(local(2027, 7, 14, 14, 0), HOURS) == local(2027, 7, 28, 14, 0)  # 21 July
    assert next_occurrence(local(2027, 3, 22, 19, 0), HOURS) == local(2027, 4, 5, 19, 0)  # Easter Monday
    opens = HOURS.model_copy(update={"holidays_open": True})
    assert next_occurrence(local(2027, 7, 14, 14, 0), opens) == local(2027, 7, 21, 14, 0)
    closed = HOURS.model_copy(update={"closed_dates": [date(2026, 12, 9)]})
    assert next_occurrence(local(2026, 12, 2, 14, 0), closed) == local(2026, 12, 16, 14, 0)


def test_reminders_24h_and_15min_before() -> None:
    start = local(2026, 12, 9, 14, 0)
    assert reminder_times(start, NOW, OfficeHours(HOURS), [1440, 15]) == [
        (1440, local(2026, 12, 8, 14, 0)),
        (15, local(2026, 12, 9, 13, 45)),
    ]


def test_a_reminder_after_hours_moves_to_the_last_open_minute() -> None:
    # Monday 10:05: 24 h before is Sunday 10:05 (closed until 14:00) → Saturday 20:59;
    # 15 min before is 09:50 (closed) → Sunday 20:59.
    start = local(2026, 12, 7, 10, 5)
    assert reminder_times(start, NOW, OfficeHours(HOURS), [1440, 15]) == [
        (1440, local(2026, 12, 5, 20, 59)),
        (15, local(2026, 12, 6, 20, 59)),
    ]
    for _offset, due in reminder_times(start, NOW, OfficeHours(HOURS), [1440, 15]):
        assert OfficeHours(HOURS).is_open(due)


def test_a_reminder_that_would_move_into_the_past_or_onto_another_is_dropped() -> None:
    # Thursday 10:00, planned Wednesday 13:00: 24 h before is Wednesday 10:00 (past) → dropped;
    # 15 min before is 09:45 (closed) → Wednesday 20:59, kept.
    start = local(2026, 12, 3, 10, 0)
    assert reminder_times(start, NOW, OfficeHours(HOURS), [1440, 15]) == [(15, local(2026, 12, 2, 20, 59))]
    # An hour and 15 minutes before Thursday 10:00 both fall before opening: same last open minute, one stays.
    assert reminder_times(start, NOW, OfficeHours(HOURS), [60, 15]) == [(60, local(2026, 12, 2, 20, 59))]


def test_themes() -> None:
    assert theme_slug(" Alcohol_Drugs ") == "alcohol_drugs"
    assert theme_slug("  gamen   en  slapen ") == "gamen en slapen"
    with pytest.raises(PlanRefused):
        theme_slug("   ")


def test_opening_a_room_only_adds_the_open_bits_and_is_undone_exactly() -> None:
    from bot.domain.sessions.room import OPEN_BITS, VIEW_CHANNEL, decode, encode, opened

    attach = 1 << 15
    assert opened(None) == (OPEN_BITS, 0)
    assert opened((attach, VIEW_CHANNEL | (1 << 6))) == (attach | OPEN_BITS, 1 << 6)
    saved = {1: None, 2: (attach, VIEW_CHANNEL)}
    assert decode(encode(saved)) == saved
