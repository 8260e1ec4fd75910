"""The chart's cumulative line: running totals at week ends that never give a small figure away."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from bot.domain.ledger import (
    ContactRow,
    DateRange,
    OfflineMoment,
    PlaceType,
    Report,
    Targets,
    build_report,
    month_range,
    suppress,
    year_range,
)

from .factories import BRUSSELS, row

MARCH = month_range(2026, 3)  # Sunday 1 March .. Tuesday 31 March 2026


def _line(
    rows: list[ContactRow],
    offline: list[OfflineMoment] | None = None,
    span: DateRange = MARCH,
    today: date | None = None,
) -> tuple[Report, tuple[tuple[date, int], ...]]:
    report = build_report(rows, offline or [], *span, BRUSSELS, Targets(), today or span[1])
    return report, suppress(report).cumulative


def _moments(day: date, n: int, tag: str = "") -> list[ContactRow]:
    return [row("desk", f"{day.isoformat()} 10:00", f"{tag}{day.isoformat()}-{i}") for i in range(n)]


def test_points_at_week_ends_reach_the_shown_total() -> None:
    rows = [r for offset in range(31) for r in _moments(date(2026, 3, 1) + timedelta(days=offset), 2)]
    offline = [OfflineMoment(date(2026, 3, 10), PlaceType.SCHOOL, "ka", 6)]
    report, line = _line(rows, offline)
    assert report.contact_moments == 68
    # 1 March is a partial week (a Sunday): it joins the first whole week, ending Sunday 15 March (weeks of 2/day).
    assert line == (
        (date(2026, 3, 1), 0),
        (date(2026, 3, 8), 16),
        (date(2026, 3, 15), 36),
        (date(2026, 3, 22), 50),
        (date(2026, 3, 31), 68),  # the last partial week joins the week before it
    )


def test_a_small_step_is_merged_never_shown() -> None:
    rows = _moments(date(2026, 3, 3), 7) + _moments(date(2026, 3, 11), 2) + _moments(date(2026, 3, 25), 6)
    _, line = _line(rows)
    steps = [b[1] - a[1] for a, b in itertools.pairwise(line)]
    assert all(step == 0 or step >= 5 for step in steps), line
    assert line[-1] == (date(2026, 3, 31), 15)


def test_a_last_small_week_merges_into_the_steps_before() -> None:
    rows = _moments(date(2026, 3, 3), 8) + _moments(date(2026, 3, 30), 1)  # one moment in the last days
    _, line = _line(rows)
    assert line[-1] == (date(2026, 3, 31), 9)
    assert all(b[1] - a[1] == 0 or b[1] - a[1] >= 5 for a, b in itertools.pairwise(line)), line
    assert (date(2026, 3, 22), 8) not in line  # 9 − 8 would show the single moment


def test_nothing_when_the_total_is_small_or_the_range_short() -> None:
    assert _line(_moments(date(2026, 3, 3), 3))[1] == ()
    week = DateRange(date(2026, 3, 2), date(2026, 3, 8))
    assert _line(_moments(date(2026, 3, 3), 30), span=week)[1] == ()


def test_a_running_year_stops_at_today() -> None:
    rows = _moments(date(2026, 1, 6), 10) + _moments(date(2026, 2, 17), 5)
    _, line = _line(rows, span=year_range(2026), today=date(2026, 3, 4))
    assert line[0] == (date(2026, 1, 1), 0) and line[-1] == (date(2026, 3, 4), 15)
    assert all(day.weekday() == 6 for day, _ in line[1:-1])
