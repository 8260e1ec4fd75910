"""Office hours: the 21:00 boundary, holidays, closed dates and DST, with exact UTC instants."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest
from pydantic import ValidationError

from bot.domain.hours import WEEKDAYS, OfficeHours, OfficeHoursConfig, parse_interval
from tests.support.checks import present

from ._util import local, utc


@pytest.fixture
def hours() -> OfficeHours:
    return OfficeHours()


def only_sunday(interval: str) -> OfficeHours:
    """A desk open only on Sundays during ``interval``, without public holidays (Easter Sunday!)."""
    return OfficeHours(OfficeHoursConfig(schedule={"sun": [interval]}, holidays_country=None))


# -- the 21:00 boundary -----------------------------------------------------------------------------


def test_weekday_boundary_at_21(hours: OfficeHours) -> None:
    assert local(2026, 12, 1).strftime("%a") == "Tue"
    assert hours.is_open(local(2026, 12, 1, 20, 59)) is True
    assert hours.is_open(local(2026, 12, 1, 21, 0)) is False
    assert hours.is_open(local(2026, 12, 1, 21, 1)) is False


def test_weekday_and_weekend_openings(hours: OfficeHours) -> None:
    assert hours.is_open(local(2026, 12, 1, 9, 59)) is False
    assert hours.is_open(local(2026, 12, 1, 10, 0)) is True
    assert hours.is_open(local(2026, 12, 5, 13, 59)) is False  # Saturday
    assert hours.is_open(local(2026, 12, 5, 14, 0)) is True


def test_next_opening_and_closing_on_a_weekday(hours: OfficeHours) -> None:
    evening = local(2026, 12, 1, 21, 0)
    assert hours.next_opening(evening) == utc(2026, 12, 2, 9, 0)
    assert hours.next_closing(evening) == utc(2026, 12, 1, 20, 0)  # already closed: itself
    afternoon = local(2026, 12, 1, 15, 0)
    assert hours.next_opening(afternoon) == utc(2026, 12, 1, 14, 0)  # open: itself, in UTC
    assert hours.next_closing(afternoon) == utc(2026, 12, 1, 20, 0)
    assert present(hours.next_opening(afternoon)).tzinfo is not None


def test_last_closing(hours: OfficeHours) -> None:
    assert hours.last_closing(local(2026, 12, 2, 10, 0)) == utc(2026, 12, 1, 20, 0)
    assert hours.last_closing(local(2026, 12, 1, 21, 0)) == utc(2026, 12, 1, 20, 0)
    assert hours.last_closing(local(2026, 12, 1, 20, 59)) == utc(2026, 11, 30, 20, 0)


# -- holidays and closed dates ----------------------------------------------------------------------


def test_christmas_is_closed_and_opening_is_saturday_afternoon(hours: OfficeHours) -> None:
    assert hours.is_open(local(2026, 12, 25, 15, 0)) is False
    assert hours.next_opening(local(2026, 12, 24, 21, 0)) == utc(2026, 12, 26, 13, 0)


def test_new_year(hours: OfficeHours) -> None:
    assert hours.is_open(local(2027, 1, 1, 12, 0)) is False
    assert hours.next_opening(local(2026, 12, 31, 21, 30)) == utc(2027, 1, 2, 13, 0)


def test_easter_weekend_with_spring_dst(hours: OfficeHours) -> None:
    saturday_evening = local(2027, 3, 27, 21, 0)  # CET, closes 20:00 UTC
    assert hours.last_closing(saturday_evening) == utc(2027, 3, 27, 20, 0)
    # Easter Sunday (DST starts) and Easter Monday are holidays: back Tuesday 10:00 CEST = 08:00 UTC.
    assert hours.next_opening(saturday_evening) == utc(2027, 3, 30, 8, 0)
    assert hours.next_closing(local(2027, 3, 30, 12, 0)) == utc(2027, 3, 30, 19, 0)


def test_autumn_dst_sunday(hours: OfficeHours) -> None:
    saturday = local(2026, 10, 24, 15, 0)  # CEST
    assert hours.next_closing(saturday) == utc(2026, 10, 24, 19, 0)
    assert hours.next_opening(local(2026, 10, 24, 22, 0)) == utc(2026, 10, 25, 13, 0)  # 14:00 CET
    assert hours.next_closing(local(2026, 10, 25, 14, 0)) == utc(2026, 10, 25, 20, 0)


def test_holidays_open_and_no_country() -> None:
    christmas = local(2026, 12, 25, 15, 0)
    assert OfficeHours(OfficeHoursConfig(holidays_open=True)).is_open(christmas) is True
    assert OfficeHours(OfficeHoursConfig(holidays_country=None)).is_open(christmas) is True


def test_closed_dates() -> None:
    hours = OfficeHours(OfficeHoursConfig(closed_dates=[date(2026, 12, 2)]))
    assert hours.is_open(local(2026, 12, 2, 15, 0)) is False
    assert hours.next_opening(local(2026, 12, 1, 21, 0)) == utc(2026, 12, 3, 9, 0)


def test_upcoming_closures(hours: OfficeHours) -> None:
    closures = OfficeHours(OfficeHoursConfig(closed_dates=[date(2026, 12, 28)])).upcoming_closures(
        local(2026, 12, 20, 12, 0), days=14
    )
    assert closures == [(date(2026, 12, 25), "holiday"), (date(2026, 12, 28), "closed"), (date(2027, 1, 1), "holiday")]
    assert hours.upcoming_closures(local(2026, 12, 1, 12, 0), days=7) == []


# -- closed periods ---------------------------------------------------------------------------------


def test_closed_period_id_is_stable_within_a_night(hours: OfficeHours) -> None:
    assert hours.closed_period_id(local(2026, 12, 1, 20, 59)) is None
    night = hours.closed_period_id(local(2026, 12, 1, 21, 0))
    assert night == "closed:2026-12-02T09:00:00+00:00"
    assert hours.closed_period_id(local(2026, 12, 1, 23, 30)) == night
    assert hours.closed_period_id(local(2026, 12, 2, 3, 0)) == night
    assert hours.closed_period_id(local(2026, 12, 2, 9, 59)) == night
    assert hours.closed_period_id(local(2026, 12, 2, 21, 30)) == "closed:2026-12-03T09:00:00+00:00"


def test_period_id_of_open_stretch(hours: OfficeHours) -> None:
    assert hours.period_id(local(2026, 12, 1, 12, 0)) == "open:2026-12-01T20:00:00+00:00"
    assert hours.period_id(local(2026, 12, 1, 22, 0)) == hours.closed_period_id(local(2026, 12, 1, 22, 0))


def test_never_open_and_always_open() -> None:
    never = OfficeHours(OfficeHoursConfig(schedule={}))
    started = time.perf_counter()
    assert never.next_opening(local(2026, 12, 1, 12, 0)) is None
    assert time.perf_counter() - started < 2
    assert never.closed_period_id(local(2026, 12, 1, 12, 0)) == "closed:indefinite"
    assert never.last_closing(local(2026, 12, 1, 12, 0)) is None
    always = OfficeHours(
        OfficeHoursConfig(
            schedule={day: ["00:00-24:00"] for day in WEEKDAYS},
            latest_closing=None,
            holidays_open=True,
        )
    )
    assert always.is_open(local(2026, 12, 25, 3, 0)) is True
    assert always.next_closing(local(2026, 12, 1, 12, 0)) is None
    assert always.period_id(local(2026, 12, 1, 12, 0)) == "open:indefinite"


def test_midnight_end_merges_with_next_day() -> None:
    hours = OfficeHours(
        OfficeHoursConfig(schedule={"sat": ["18:00-24:00"], "sun": ["00:00-02:00"]}, latest_closing=None)
    )
    assert hours.is_open(local(2026, 12, 6, 0, 0)) is True
    assert hours.next_closing(local(2026, 12, 5, 19, 0)) == utc(2026, 12, 6, 1, 0)
    assert hours.next_opening(local(2026, 12, 6, 2, 0)) == utc(2026, 12, 12, 17, 0)


def test_touching_intervals_merge() -> None:
    hours = OfficeHours(OfficeHoursConfig(schedule={"tue": ["10:00-12:00", "12:00-14:00"]}))
    assert hours.next_closing(local(2026, 12, 1, 11, 0)) == utc(2026, 12, 1, 13, 0)


def test_naive_datetime_is_rejected(hours: OfficeHours) -> None:
    with pytest.raises(ValueError, match="aware"):
        hours.is_open(datetime(2026, 12, 1, 12, 0))


# -- daylight saving time ---------------------------------------------------------------------------


def test_interval_across_spring_gap() -> None:
    hours = only_sunday("01:30-03:30")
    assert hours.is_open(utc(2027, 3, 28, 0, 29)) is False  # 01:29 CET
    assert hours.is_open(utc(2027, 3, 28, 0, 30)) is True  # 01:30 CET
    assert hours.is_open(utc(2027, 3, 28, 1, 0)) is True  # 03:00 CEST, right after the jump
    assert hours.is_open(utc(2027, 3, 28, 1, 29)) is True  # 03:29 CEST
    assert hours.is_open(utc(2027, 3, 28, 1, 30)) is False  # 03:30 CEST
    assert hours.next_opening(utc(2027, 3, 27, 12, 0)) == utc(2027, 3, 28, 0, 30)
    assert hours.next_closing(utc(2027, 3, 28, 0, 45)) == utc(2027, 3, 28, 1, 30)  # one real hour


def test_interval_across_autumn_repeat() -> None:
    hours = only_sunday("01:30-03:30")
    assert hours.next_opening(utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 24, 23, 30)  # 01:30 CEST
    assert hours.is_open(local(2026, 10, 25, 2, 15, fold=0)) is True  # first 02:15 (CEST)
    assert hours.is_open(local(2026, 10, 25, 2, 15, fold=1)) is True  # second 02:15 (CET)
    assert hours.next_closing(utc(2026, 10, 25, 0, 0)) == utc(2026, 10, 25, 2, 30)  # 03:30 CET: 3 hours


def test_start_in_spring_gap_opens_at_the_jump() -> None:
    hours = only_sunday("02:30-04:00")
    assert hours.next_opening(utc(2027, 3, 27, 12, 0)) == utc(2027, 3, 28, 1, 0)
    assert hours.is_open(utc(2027, 3, 28, 0, 59)) is False


def test_interval_entirely_in_spring_gap_never_opens_that_day() -> None:
    hours = only_sunday("02:10-02:50")
    assert hours.next_opening(utc(2027, 3, 27, 12, 0)) == utc(2027, 4, 4, 0, 10)  # next Sunday, CEST


def test_ambiguous_end_and_start_in_autumn() -> None:
    ends = only_sunday("00:00-02:30")
    assert ends.next_closing(utc(2026, 10, 24, 23, 0)) == utc(2026, 10, 25, 1, 30)  # the later 02:30 (CET)
    starts = only_sunday("02:30-05:00")
    assert starts.next_opening(utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 25, 0, 30)  # the first 02:30


# -- week description and validation ----------------------------------------------------------------


def test_describe_week_defaults(hours: OfficeHours) -> None:
    week = hours.describe_week()
    assert [day for day, _ in week] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert week[0] == ("mon", [("10:00", "21:00")])
    assert week[6] == ("sun", [("14:00", "21:00")])


def test_default_always_closes_at_21() -> None:
    config = OfficeHoursConfig()
    assert all(spans and spans[-1][1] == 21 * 60 for spans in map(config.spans, config.schedule))


def test_parse_interval() -> None:
    assert parse_interval("10:00-21:00") == (600, 1260)
    assert parse_interval("18:00 – 24:00") == (1080, 1440)
    for bad in ("10-21", "21:00-10:00", "10:00-10:00", "24:00-24:00", "10:60-11:00", "23:00-24:30"):
        with pytest.raises(ValueError):
            parse_interval(bad)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"schedule": {"mon": ["10:00-9:00"]}}, r"schedule\.mon: '10:00-9:00' is not of the form"),
        ({"schedule": {"tue": ["12:00-11:00"]}}, r"schedule\.tue: '12:00-11:00' must start before it ends"),
        ({"schedule": {"wed": ["10:00-13:00", "12:00-14:00"]}}, r"schedule\.wed: '10:00-13:00' overlaps '12:00-14:00'"),
        ({"schedule": {"fri": ["10:00-22:00"]}}, r"schedule\.fri: '10:00-22:00' ends after latest_closing 21:00"),
        ({"schedule": {"maandag": ["10:00-12:00"]}}, r"schedule\.maandag"),
        ({"timezone": "Europe/Brusel"}, r"'Europe/Brusel' is not an IANA time zone"),
        ({"holidays_country": "XX"}, r"holidays_country: no public holidays known for 'XX'"),
        ({"latest_closing": "9pm"}, r"latest_closing: '9pm' is not a time"),
        ({"opening_hours": {}}, r"opening_hours"),
    ],
)
def test_config_errors_name_the_key(config: dict[str, object], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        OfficeHoursConfig.model_validate(config)


def test_late_interval_allowed_when_limit_cleared() -> None:
    config = OfficeHoursConfig(schedule={"fri": ["10:00-22:00"]}, latest_closing=None)
    assert config.spans("fri") == ((600, 1320),)
