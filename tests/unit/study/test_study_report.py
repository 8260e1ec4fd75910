"""The KPI report counts study moments held, their attendance and the help requests answered."""

from __future__ import annotations

from datetime import date

from bot.domain.ledger import Targets, build_report, iso_week_range, suppress

from ..ledger.factories import BRUSSELS, row

WEEK = iso_week_range(2026, 10)


def test_study_moments_attendance_and_help_requests() -> None:
    joins = [row("study", "2026-03-04 16:05", f"p{i}", session="study-1", theme="wiskunde") for i in range(6)]
    helped = [
        row("study", "2026-03-04 16:20", f"p{i}", session="study-1", theme="wiskunde", category="help")
        for i in range(5)
    ]
    other = [row("study", "2026-03-05 16:05", "p9", session="study-2", theme="frans")]
    report = build_report(joins + helped + other, [], WEEK.start, WEEK.end, BRUSSELS, Targets(), date(2026, 3, 8))
    assert report.sessions_by_kind == {"study": 2}
    assert report.attendance_by_kind == {"study": 7}  # who joined or was helped, once per moment
    assert report.help_requests == 5
    shown = dict(suppress(report).summary)
    assert shown["help_requests"].text(5) == "5"
    few = build_report(joins + helped[:2], [], WEEK.start, WEEK.end, BRUSSELS, Targets(), date(2026, 3, 8))
    assert dict(suppress(few).summary)["help_requests"].text(5) == "<5"  # small counts stay hidden
