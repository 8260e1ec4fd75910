from datetime import date, timedelta

import pytest

from bot.domain.ledger import DateRange, iso_week_range, iso_weeks_in_year, month_range, parse_range, year_range

from .factories import BRUSSELS, utc


def _hours(span: DateRange) -> float:
    first, after = span.utc_bounds(BRUSSELS)
    return (after - first) / timedelta(hours=1)


def test_iso_week_range_and_hours_in_dst_weeks() -> None:
    assert iso_week_range(2026, 43) == (date(2026, 10, 19), date(2026, 10, 25))
    assert _hours(iso_week_range(2026, 10)) == 168
    assert _hours(iso_week_range(2026, 43)) == 169  # summer time ends 2026-10-25
    assert _hours(iso_week_range(2027, 12)) == 167  # summer time starts 2027-03-28
    assert iso_week_range(2027, 12) == (date(2027, 3, 22), date(2027, 3, 28))
    assert iso_week_range(2026, 43).utc_bounds(BRUSSELS) == (utc(2026, 10, 18, 22), utc(2026, 10, 25, 23))


def test_years_with_53_iso_weeks() -> None:
    assert [y for y in range(2020, 2040) if iso_weeks_in_year(y) == 53] == [2020, 2026, 2032, 2037]
    assert iso_week_range(2026, 53) == (date(2026, 12, 28), date(2027, 1, 3))
    assert date(2027, 1, 3).isocalendar()[:2] == (2026, 53)
    with pytest.raises(ValueError):
        iso_week_range(2025, 53)
    with pytest.raises(ValueError):
        iso_week_range(2026, 0)


def test_month_and_year_ranges() -> None:
    assert month_range(2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_range(2026, 12).days == 31
    assert year_range(2026) == (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("week", (date(2026, 12, 28), date(2027, 1, 3))),
        ("month", (date(2027, 1, 1), date(2027, 1, 31))),
        ("year", (date(2027, 1, 1), date(2027, 12, 31))),
        ("last-week", (date(2026, 12, 21), date(2026, 12, 27))),
        ("last-month", (date(2026, 12, 1), date(2026, 12, 31))),
        ("last-year", (date(2026, 1, 1), date(2026, 12, 31))),
        ("2026-W43", (date(2026, 10, 19), date(2026, 10, 25))),
        ("2026-w05", (date(2026, 1, 26), date(2026, 2, 1))),
        ("2026-10", (date(2026, 10, 1), date(2026, 10, 31))),
        ("2026", (date(2026, 1, 1), date(2026, 12, 31))),
        ("2026-01-01..2026-03-31", (date(2026, 1, 1), date(2026, 3, 31))),
        (" 2026-02-03 .. 2026-02-03 ", (date(2026, 2, 3), date(2026, 2, 3))),
    ],
)
def test_parse_range(spec: str, expected: tuple[date, date]) -> None:
    assert parse_range(spec, date(2027, 1, 2)) == expected


def test_parse_range_with_an_aware_now_uses_the_local_date() -> None:
    now = utc(2026, 12, 31, 23, 30)  # already 2027 in Brussels
    assert parse_range("year", now, BRUSSELS) == year_range(2027)
    with pytest.raises(ValueError):
        parse_range("year", now)


@pytest.mark.parametrize(
    "bad", ["fortnight", "2026-13", "2026-03-31..2026-01-01", "2026-02-30..2026-03-01", "2025-W53"]
)
def test_parse_range_rejects_nonsense(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_range(bad, date(2026, 5, 5))


def test_weeks_equivalent_used_for_proration() -> None:
    assert iso_week_range(2026, 10).weeks_equivalent() == 1
    assert month_range(2026, 2).weeks_equivalent() == pytest.approx(52 / 12)
    assert year_range(2026).weeks_equivalent() == 52
    assert parse_range("2026-01-01..2026-03-31", date(2026, 1, 1)).weeks_equivalent() == 13
    assert DateRange(date(2026, 3, 2), date(2026, 3, 11)).weeks_equivalent() == pytest.approx(10 / 7)


def test_elapsed_fraction_counts_today() -> None:
    week = iso_week_range(2026, 10)
    assert week.elapsed_fraction(date(2026, 3, 1)) == 0
    assert week.elapsed_fraction(date(2026, 3, 2)) == pytest.approx(1 / 7)
    assert week.elapsed_fraction(date(2026, 3, 4)) == pytest.approx(3 / 7)
    assert week.elapsed_fraction(date(2026, 3, 8)) == 1
    assert week.elapsed_fraction(date(2027, 1, 1)) == 1
