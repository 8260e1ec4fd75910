import json
import re
from datetime import date, timedelta

import pytest

from bot.domain.ledger import (
    CellState,
    DailyCount,
    TargetName,
    Targets,
    WeeklyCount,
    build_report,
    iso_week_range,
    merge_weekly,
    month_range,
    render_json,
    render_text,
    retention_cutoff,
    retention_cutoff_day,
    rollup,
    rollup_daily,
    suppress,
    week_start,
)
from bot.domain.ledger.kinds import ContactKind

from .factories import BRUSSELS, Translator, local, row, utc

CUTOFF = week_start(local("2026-03-09 12:00"))  # Monday 2026-03-09 00:00 local
ROWS = [
    row("desk", "2026-02-24 10:00", "p1", theme="school", category="stress"),
    row("desk", "2026-02-24 11:00", "p1", theme="school", category="stress"),
    row("desk", "2026-02-25 10:00", "p2", theme="school"),
    row("join", "2026-03-01 23:30", "p1"),
    row("desk", "2026-03-08 23:30", "p3"),
    row("desk", "2026-03-09 00:30", "p4"),  # same UTC date as the row above, but after the cut-off
]


def test_week_start_and_retention_cutoff() -> None:
    assert utc(2026, 3, 8, 23) == CUTOFF
    assert week_start(local("2026-10-25 12:00")) == utc(2026, 10, 18, 22)  # Monday 19 Oct, summer time
    # 730 days before 2026-10-21 is Monday 2024-10-21; its local midnight is 22:00 UTC the day before
    assert retention_cutoff(utc(2026, 10, 21, 10), 730, BRUSSELS) == utc(2024, 10, 20, 22)
    assert retention_cutoff(utc(2026, 10, 24, 10), 730, BRUSSELS) == utc(2024, 10, 20, 22)
    with pytest.raises(ValueError):
        retention_cutoff(utc(2026, 10, 21), -1)


def test_rollup_counts_moments_per_week_kind_and_theme() -> None:
    assert rollup(ROWS, CUTOFF, BRUSSELS) == [
        WeeklyCount(2026, 9, ContactKind.DESK, "school", 2),  # category is dropped, the two moments stay two
        WeeklyCount(2026, 9, ContactKind.JOIN, None, 1),
        WeeklyCount(2026, 10, ContactKind.DESK, None, 1),
    ]


def test_rollup_refuses_a_cutoff_inside_a_week() -> None:
    with pytest.raises(ValueError, match="week start"):
        rollup(ROWS, CUTOFF + timedelta(hours=1), BRUSSELS)


def test_rolled_up_week_reports_the_same_moments_as_the_raw_rows() -> None:
    week = iso_week_range(2026, 9)
    raw = build_report(ROWS, [], *week, BRUSSELS, Targets(), date(2026, 4, 1))
    rolled = build_report([], [], *week, BRUSSELS, Targets(), date(2026, 4, 1), rollups=rollup(ROWS, CUTOFF))
    assert raw.online_moments == rolled.online_moments == 2  # the rolled-up join is reach, in neither
    assert raw.by_kind == rolled.by_kind
    assert raw.by_theme == rolled.by_theme
    assert (raw.unique_youths, rolled.unique_youths) == (2, 0)


def test_merge_weekly_adds_up_runs() -> None:
    merged = merge_weekly(
        [
            WeeklyCount(2026, 10, ContactKind.DESK, None, 1),
            WeeklyCount(2026, 9, ContactKind.JOIN, None, 1),
            WeeklyCount(2026, 10, ContactKind.DESK, None, 4),
            WeeklyCount(2026, 10, ContactKind.DESK, "school", 2),
        ]
    )
    assert merged == [
        WeeklyCount(2026, 9, ContactKind.JOIN, None, 1),
        WeeklyCount(2026, 10, ContactKind.DESK, None, 5),
        WeeklyCount(2026, 10, ContactKind.DESK, "school", 2),
    ]


def test_figures_lost_to_retention_are_unknown_never_zero() -> None:
    week = iso_week_range(2026, 9)
    rolled = build_report([], [], *week, BRUSSELS, Targets(), date(2026, 4, 1), rollups=rollup(ROWS, CUTOFF))
    assert rolled.unique_youths == 0 and "unique_youths" in rolled.unknown
    report = suppress(rolled)
    assert report.figure("unique_youths").state is CellState.UNKNOWN
    assert rolled.online_moments == 2  # the moments themselves are kept (published as <5 here)
    text = render_text(report, Translator("nl"))
    assert re.search(r"^unieke jongeren +\| onbekend$", text, re.M)
    assert json.loads(render_json(report))["summary"]["unique_youths"] is None
    [unique] = [t for t in report.targets if t.name is TargetName.UNIQUE_YOUTHS]
    assert unique.status is None  # no "behind" for a figure nobody can know


def test_new_youths_are_unknown_when_the_key_periods_earlier_weeks_were_rolled_up() -> None:
    """The first week inside retention: its youths' first sightings are gone, so "new" cannot be judged."""
    week = iso_week_range(2026, 11)  # right after the rolled-up weeks 9 and 10
    rows = [row("desk", "2026-03-10 10:00", f"p{n}") for n in range(8)]
    report = build_report(rows, [], *week, BRUSSELS, Targets(), date(2026, 4, 1), rollups=rollup(ROWS, CUTOFF))
    assert report.unknown == ("new_youths",)
    assert suppress(report).figure("new_youths").state is CellState.UNKNOWN
    assert suppress(report).figure("unique_youths").value == 8


def test_daily_rollup_and_exact_cutoff() -> None:
    cutoff = retention_cutoff_day(utc(2026, 10, 21, 10), 730, BRUSSELS)
    assert cutoff == utc(2024, 10, 20, 22)  # local midnight of 21/10/2024 (summer time), no rounding to a week
    assert retention_cutoff_day(utc(2026, 10, 24, 10), 730, BRUSSELS) == utc(2024, 10, 23, 22)
    assert rollup_daily(ROWS, local("2026-03-09 00:00"), BRUSSELS) == [
        DailyCount(date(2026, 2, 24), ContactKind.DESK, "school", 1),  # two rows, one moment on that day
        DailyCount(date(2026, 2, 25), ContactKind.DESK, "school", 1),
        DailyCount(date(2026, 3, 1), ContactKind.JOIN, None, 1),
        # 23:30 local on Sunday: that Sunday, whatever UTC says
        DailyCount(date(2026, 3, 8), ContactKind.DESK, None, 1),
    ]
    with pytest.raises(ValueError, match="midnight"):
        rollup_daily(ROWS, local("2026-03-09 01:00"), BRUSSELS)


def test_a_rolled_up_day_counts_in_its_own_month() -> None:
    """Week 44 of 2026 runs 26/10 – 01/11: its Sunday belongs to November, also after retention."""
    rows = [row("desk", "2026-10-30 10:00", "p1"), row("desk", "2026-11-01 10:00", "p2")]
    daily = rollup_daily(rows, local("2026-11-02 00:00"), BRUSSELS)
    for month, expected in ((10, 1), (11, 1)):
        span = month_range(2026, month)
        raw = build_report(rows, [], *span, BRUSSELS, Targets(), date(2026, 12, 1))
        rolled = build_report([], [], *span, BRUSSELS, Targets(), date(2026, 12, 1), rollups=daily)
        assert raw.online_moments == rolled.online_moments == expected
