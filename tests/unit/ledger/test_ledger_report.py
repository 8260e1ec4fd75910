from datetime import date, timedelta
from typing import Any

import pytest

from bot.domain.ledger import (
    ContactRow,
    DateRange,
    OfflineMoment,
    Report,
    SessionRow,
    Status,
    TargetName,
    Targets,
    WeeklyCount,
    build_report,
    iso_week_range,
    year_range,
)
from bot.domain.ledger.kinds import ContactKind, PlaceType

from .factories import BRUSSELS, local, pid, row, utc

WEEK = iso_week_range(2026, 10)  # Mon 2026-03-02 .. Sun 2026-03-08, winter time (UTC+1)

EARLIER = [row("desk", "2026-02-20 12:00", "pa", theme="school")]  # pa is not new in this week
IN_WEEK = [
    row("desk", "2026-03-02 19:05", "pa", theme="school"),
    row("desk", "2026-03-02 19:40", "pa", theme="school"),
    row("desk", "2026-03-02 20:10", "pa", theme="school"),
    row("desk", "2026-03-02 21:30", "pa", after_hours=True, theme="school"),
    row("desk", "2026-03-03 10:00", "pa", theme="school"),
    row("public_exchange", "2026-03-02 19:15", "pa"),
    row("safe_space", "2026-03-04 15:00", "pb", theme="stress", session="s1"),
    row("safe_space", "2026-03-04 16:00", "pb", theme="stress", session="s1"),
    row("safe_space", "2026-03-04 15:30", "pc", theme="stress", session="s1"),
    row("study", "2026-03-05 16:00", "pd", session="st1"),
    row("happy_monday", "2026-03-08 23:10", "pe"),
    row("checkin_reply", "2026-03-08 23:50", "pe"),
]
OUTSIDE = [
    row("desk", "2026-03-09 00:30", "pf"),  # 2026-03-08 23:30 UTC, but Monday of the next week locally
    row("desk", "2026-03-01 23:30", "pg"),
]
OFFLINE = [
    OfflineMoment(date(2026, 3, 4), PlaceType.SCHOOL, "ka-noord", 12),
    OfflineMoment(date(2026, 3, 6), PlaceType.YOUTH_WORK, "jc-west", 7),
    OfflineMoment(date(2026, 3, 7), PlaceType.PUBLIC_SPACE, "park", 0),
    OfflineMoment(date(2026, 3, 9), PlaceType.EVENT, "festival", 30),
]
TARGETS = Targets(further_contact_youths_per_year=52)


def weekly(today: date = date(2026, 3, 4), **kwargs: Any) -> Report:
    rows = EARLIER + IN_WEEK + OUTSIDE
    return build_report(rows, OFFLINE, WEEK.start, WEEK.end, BRUSSELS, TARGETS, today, **kwargs)


def hours(**nonzero: int) -> dict[str, int]:
    counts = {f"{h:02d}": 0 for h in range(24)}
    counts.update({key.removeprefix("h"): value for key, value in nonzero.items()})
    return counts


def test_ordinary_week_totals() -> None:
    report = weekly()
    assert report.online_moments == 8
    assert report.online_raw_moments == 8
    assert report.rollup_moments == 0
    assert report.offline_moments == 19
    assert report.contact_moments == 27  # online moments + offline youth head counts
    assert report.unique_youths == 5
    assert report.new_youths == 4
    assert report.after_hours_youths == 1
    assert report.further_contact_youths == 1
    assert report.footnotes == ("suppression", "offline_counted", "targets_prorated", "joins_are_reach")


def test_ordinary_week_breakdowns() -> None:
    report = weekly()
    assert dict(report.by_kind) == {
        "desk": 2,
        "safe_space": 2,
        "study": 1,
        "happy_monday": 1,
        "checkin_reply": 1,
        "public_exchange": 1,
    }
    assert dict(report.by_theme) == {"school": 2, "stress": 2, "(none)": 4}
    assert dict(report.by_weekday) == {"mon": 2, "tue": 1, "wed": 2, "thu": 1, "fri": 0, "sat": 0, "sun": 2}
    assert dict(report.by_hour) == hours(h19=2, h10=1, h15=2, h16=1, h23=2)
    assert dict(report.offline_by_place_type) == {"school": 12, "youth_work": 7, "public_space": 0, "event": 0}
    assert dict(report.offline_by_place) == {"jc-west": 7, "ka-noord": 12, "park": 0}


def test_sessions_derived_from_session_tags() -> None:
    report = weekly()
    assert report.sessions_held == 2
    assert report.attendance_total == 3
    assert report.attendance_mean == 1.5
    assert dict(report.sessions_by_kind) == {"safe_space": 1, "study": 1}
    assert dict(report.sessions_by_theme) == {"stress": 1, "(none)": 1}
    assert dict(report.attendance_by_kind) == {"safe_space": 2, "study": 1}


def test_explicit_sessions_filtered_by_local_date() -> None:
    sessions = [
        SessionRow(ContactKind.HAPPY_MONDAY, "hm-10", local("2026-03-02 16:00"), 9),
        SessionRow(ContactKind.HAPPY_MONDAY, "hm-11", local("2026-03-09 16:00"), 4),
        SessionRow(ContactKind.STUDY, "late", utc(2026, 3, 8, 23, 30), 6),  # Monday 00:30 locally: next week
    ]
    report = weekly(sessions=sessions)
    assert (report.sessions_held, report.attendance_total) == (1, 9)
    assert dict(report.attendance_by_kind) == {"happy_monday": 9}


def test_happy_places_and_first_seen_mapping() -> None:
    assert weekly().happy_place_moments == 2  # every place with youths; the empty park does not count
    assert weekly(happy_places=frozenset()).happy_place_moments == 2
    report = weekly(happy_places={"jc-west", "speelplein"}, first_seen={pid("pa"): utc(2026, 3, 2, 18)})
    assert report.happy_place_moments == 1
    assert dict(report.offline_by_place) == {"jc-west": 7, "ka-noord": 12, "park": 0, "speelplein": 0}
    assert report.new_youths == 5


def test_targets_prorated_to_a_week_with_status() -> None:
    rows = {t.name: (t.target, t.achieved, t.status) for t in weekly(today=date(2026, 3, 4)).targets}
    assert rows == {
        TargetName.CONTACT_MOMENTS: (19.23, 27, Status.REACHED),
        TargetName.UNIQUE_YOUTHS: (9.62, 5, Status.ON_TRACK),  # 5 >= 9.62 * 3/7
        TargetName.MOMENTS_PER_WEEK: (3.0, 27, Status.REACHED),
        TargetName.HAPPY_PLACE_MOMENTS: (0.58, 2, Status.REACHED),
        TargetName.SESSIONS: (0.58, 2, Status.REACHED),
        TargetName.FURTHER_CONTACT_YOUTHS: (1.0, 1, Status.REACHED),
    }
    later = {t.name: t.status for t in weekly(today=date(2026, 3, 6)).targets}
    assert later[TargetName.UNIQUE_YOUTHS] is Status.BEHIND  # 5 < 9.62 * 5/7
    before = {t.name: t.status for t in weekly(today=date(2026, 2, 1)).targets}
    assert before[TargetName.UNIQUE_YOUTHS] is Status.ON_TRACK


def test_optional_target_left_out_and_yearly_targets_unscaled_for_a_year() -> None:
    report = build_report([], [], date(2026, 1, 1), date(2026, 12, 31), BRUSSELS, Targets(), date(2026, 7, 1))
    assert [(t.name, t.target, t.status) for t in report.targets] == [
        (TargetName.CONTACT_MOMENTS, 1000, Status.BEHIND),
        (TargetName.UNIQUE_YOUTHS, 500, Status.BEHIND),
        (TargetName.MOMENTS_PER_WEEK, 156, Status.BEHIND),
        (TargetName.HAPPY_PLACE_MOMENTS, 30, Status.BEHIND),
        (TargetName.SESSIONS, 30, Status.BEHIND),
    ]
    month = build_report([], [], date(2026, 2, 1), date(2026, 2, 28), BRUSSELS, Targets(), date(2026, 7, 1))
    assert [t.target for t in month.targets] == [83.33, 41.67, 13.0, 2.5, 2.5]


def _every_hour(week: DateRange) -> list[ContactRow]:
    first, after = week.utc_bounds(BRUSSELS)
    count = (after - first) // timedelta(hours=1)
    inside = [ContactRow(ContactKind.DESK, {}, first + timedelta(hours=i), pid("p1")) for i in range(count)]
    edges = [
        ContactRow(ContactKind.DESK, {}, first - timedelta(hours=1), pid("p1")),
        ContactRow(ContactKind.DESK, {}, after, pid("p1")),
    ]
    return inside + edges


def test_week_where_summer_time_ends_has_169_hours() -> None:
    week = iso_week_range(2026, 43)
    rows = _every_hour(week)
    daily = build_report(rows, [], *week, BRUSSELS, Targets(), week.end)
    assert daily.online_moments == 7
    assert set(daily.by_weekday.values()) == {1}
    hourly = build_report(rows, [], *week, BRUSSELS, Targets(), week.end, granularity="hour")
    assert hourly.online_moments == 169
    assert hourly.by_hour["02"] == 8  # 02:00-03:00 happens twice on Sunday 25 October
    assert {v for h, v in hourly.by_hour.items() if h != "02"} == {7}
    assert hourly.by_weekday["sun"] == 25


def test_week_where_summer_time_starts_has_167_hours() -> None:
    week = iso_week_range(2027, 12)
    hourly = build_report(_every_hour(week), [], *week, BRUSSELS, Targets(), week.end, granularity="hour")
    assert hourly.online_moments == 167
    assert hourly.by_hour["02"] == 6  # no 02:00 on Sunday 28 March
    assert hourly.by_weekday["sun"] == 23


def test_week_53_across_new_year() -> None:
    week = iso_week_range(2026, 53)
    rows = [
        row("desk", "2026-12-31 23:30", "p1"),
        row("desk", "2027-01-01 00:30", "p1"),  # same UTC date (31 Dec), next local day
        row("checkin_reply", "2027-01-03 23:00", "p2"),
        row("checkin_reply", "2027-01-04 00:00", "p3"),  # next ISO week
        row("checkin_reply", "2026-12-27 23:00", "p4"),  # previous ISO week
    ]
    report = build_report(rows, [], *week, BRUSSELS, Targets(), date(2027, 1, 10))
    assert report.online_moments == 3
    assert report.unique_youths == 2
    assert dict(report.by_weekday) == {"mon": 0, "tue": 0, "wed": 0, "thu": 1, "fri": 1, "sat": 0, "sun": 1}
    assert report.by_hour["23"] == 2 and report.by_hour["00"] == 1
    assert "spans_key_periods" in report.footnotes
    quarterly_keys = build_report(rows, [], *WEEK, BRUSSELS, Targets(), WEEK.end, period="quarter")
    assert "spans_key_periods" not in quarterly_keys.footnotes


def test_rollups_count_in_the_range_holding_their_thursday() -> None:
    rollups = [
        WeeklyCount(2024, 10, ContactKind.DESK, "school", 7),
        WeeklyCount(2024, 10, ContactKind.CHECKIN_REPLY, None, 3),
        WeeklyCount(2024, 1, ContactKind.DESK, None, 4),  # 2024-01-01..07, Thursday 4 January 2024
        WeeklyCount(2025, 1, ContactKind.DESK, None, 50),  # 2024-12-30..2025-01-05, Thursday 2 January 2025
    ]
    rows = [row("desk", "2024-06-03 10:00", "px", theme="school")]
    report = build_report(rows, [], *year_range(2024), BRUSSELS, Targets(), date(2025, 1, 1), rollups=rollups)
    assert (report.online_moments, report.online_raw_moments, report.rollup_moments) == (15, 1, 14)
    assert report.by_kind["desk"] == 12 and report.by_kind["checkin_reply"] == 3
    assert dict(report.by_theme) == {"school": 8, "(none)": 7}
    assert sum(report.by_weekday.values()) == 1 and report.by_weekday["mon"] == 1
    assert report.unique_youths == 1
    assert "rollup_no_uniques" in report.footnotes


def test_week_granularity_and_argument_checks() -> None:
    report = weekly(granularity="week")
    assert report.online_moments == 7  # pa's two desk days merge into one weekly moment
    with pytest.raises(ValueError):
        build_report([], [], WEEK.end, WEEK.start, BRUSSELS, TARGETS, WEEK.end)
    with pytest.raises(ValueError):
        build_report([], [], WEEK.start, WEEK.end, BRUSSELS, TARGETS, WEEK.end, k=1)


def test_rows_validate_their_inputs() -> None:
    with pytest.raises(ValueError):
        ContactRow(ContactKind.DESK, {}, utc(2026, 3, 2, 18, 30), pid("p1"))  # not truncated to the hour
    with pytest.raises(ValueError):
        ContactRow(ContactKind.DESK, {}, utc(2026, 3, 2, 18).replace(tzinfo=None), pid("p1"))
    with pytest.raises(ValueError):
        ContactRow("nonsense", {}, utc(2026, 3, 2, 18), pid("p1"))  # type: ignore[arg-type]  # not a kind on purpose
    with pytest.raises(ValueError):
        OfflineMoment(date(2026, 3, 2), PlaceType.SCHOOL, "Sint-Jan Berchmans college", 3)
    with pytest.raises(ValueError):
        OfflineMoment(date(2026, 3, 2), PlaceType.SCHOOL, "ka", -1)
    with pytest.raises(ValueError):
        WeeklyCount(2025, 53, ContactKind.DESK, None, 1)
    with pytest.raises(ValueError, match="pseudonym"):
        ContactRow(ContactKind.DESK, {}, utc(2026, 3, 2, 18), "123456789012345678")  # a raw Discord ID
    with pytest.raises(ValueError, match="pseudonym"):
        ContactRow(ContactKind.DESK, {}, utc(2026, 3, 2, 18), pid("pz").upper())
    stored = ContactRow.from_context("desk", "category=x;theme=y", utc(2026, 3, 2, 18), pid("p1"))
    assert dict(stored.tags) == {"category": "x", "theme": "y"} and stored.context == "category=x;theme=y"
