"""The pure check-in rules: interval bounds, quiet days in wall time, the 21:00 boundary, limits, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.checkins import (
    CheckinRefused,
    CheckinsConfig,
    after_days,
    given_up,
    interval,
    proposal_expires,
    reminder_due,
    send_at,
    weekly_list_at,
)
from bot.domain.hours import OfficeHours, OfficeHoursConfig

BXL = ZoneInfo("Europe/Brussels")
HOURS = OfficeHours(OfficeHoursConfig())
CONFIG = CheckinsConfig()
MARGIN = timedelta(minutes=CONFIG.send_margin_minutes)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BXL)


def test_interval_defaults_to_14_and_must_lie_between_3_and_60() -> None:
    assert interval(None, CONFIG) == 14
    assert interval(3, CONFIG) == 3 and interval(60, CONFIG) == 60
    for bad in (2, 61, 0):
        with pytest.raises(CheckinRefused) as refused:
            interval(bad, CONFIG)
        assert refused.value.key == "checkins.err.interval" and refused.value.params == {"low": 3, "high": 60}


def test_config_bounds_are_ordered() -> None:
    with pytest.raises(ValueError):
        CheckinsConfig(default_interval_days=2)


def test_quiet_days_count_in_wall_time_across_both_dst_changes() -> None:
    autumn = local(2027, 10, 30, 15, 0)
    assert after_days(autumn, 3, BXL) == local(2027, 11, 2, 15, 0)
    assert after_days(autumn, 3, BXL) - autumn == timedelta(days=3, hours=1)
    spring = local(2027, 3, 27, 15, 0)
    assert after_days(spring, 1, BXL) - spring == timedelta(hours=23)
    assert after_days(spring, 1, BXL).tzinfo == UTC


def test_a_reminder_due_after_hours_or_on_a_closed_day_waits_for_the_next_opening() -> None:
    assert reminder_due(local(2026, 12, 2, 13, 0), 14, HOURS) == local(2026, 12, 16, 13, 0)
    assert reminder_due(local(2026, 12, 2, 22, 0), 1, HOURS) == local(2026, 12, 4, 10, 0)  # Thu 22:00 → Fri 10:00
    assert reminder_due(local(2026, 12, 22, 12, 0), 3, HOURS) == local(2026, 12, 26, 14, 0)  # Christmas closed


def test_a_send_close_to_closing_waits_for_the_next_opening() -> None:
    assert send_at(local(2026, 12, 2, 20, 49), HOURS, MARGIN) == local(2026, 12, 2, 20, 49)
    assert send_at(local(2026, 12, 2, 20, 55), HOURS, MARGIN) == local(2026, 12, 3, 10, 0)
    assert send_at(local(2026, 12, 2, 23, 0), HOURS, MARGIN) == local(2026, 12, 3, 10, 0)
    assert send_at(local(2026, 12, 5, 9, 0), HOURS, MARGIN) == local(2026, 12, 5, 14, 0)  # Saturday


def test_the_nudge_limit_and_the_proposal_expiry() -> None:
    assert not given_up(1, CONFIG) and given_up(2, CONFIG) and given_up(3, CONFIG)
    assert proposal_expires(local(2026, 12, 2, 13, 0), CONFIG) == local(2026, 12, 9, 13, 0)


def test_the_weekly_list_goes_out_at_mondays_opening() -> None:
    assert weekly_list_at(local(2026, 12, 2, 13, 0), HOURS, CONFIG) == local(2026, 12, 7, 10, 0)
    assert weekly_list_at(local(2026, 12, 7, 10, 0), HOURS, CONFIG) == local(2026, 12, 14, 10, 0)
