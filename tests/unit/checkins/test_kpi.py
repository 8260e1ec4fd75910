"""Check-ins in the KPI report: sent and let go are team actions, never contacts; answered are the replies."""

from __future__ import annotations

from datetime import date

from bot.domain.ledger import DateRange, Report, Targets, build_report, suppress
from bot.domain.ledger.rows import ContactRow
from tests.unit.ledger.factories import BRUSSELS, row

WEEK = DateRange(date(2026, 3, 2), date(2026, 3, 8))


def _report(rows: list[ContactRow]) -> Report:
    return build_report(rows, [], WEEK.start, WEEK.end, BRUSSELS, Targets(), WEEK.end)


def test_team_actions_are_counted_apart_and_never_as_contacts_youths_or_members() -> None:
    rows = [row("checkin_sent", f"2026-03-0{2 + i % 5} 10:00", f"p{i}") for i in range(7)]
    rows += [row("checkin_let_go", "2026-03-06 11:00", "p1"), row("checkin_reply", "2026-03-06 12:00", "p2")]
    report = _report(rows)
    assert (report.checkins_sent, report.checkins_answered, report.checkins_let_go) == (7, 1, 1)
    assert report.online_moments == 1 and report.unique_youths == 1 and report.new_members == 0
    assert set(report.by_kind) == {"desk", "safe_space", "study", "happy_monday", "checkin_reply", "public_exchange"}


def test_small_check_in_counts_are_suppressed_like_every_figure() -> None:
    rows = [row("checkin_sent", "2026-03-03 10:00", f"p{i}") for i in range(6)]
    rows += [row("checkin_reply", "2026-03-04 10:00", "p1"), row("checkin_let_go", "2026-03-05 10:00", "p2")]
    summary = {name: cell.text(5) for name, cell in suppress(_report(rows)).summary}
    assert (summary["checkins_sent"], summary["checkins_answered"], summary["checkins_let_go"]) == ("6", "<5", "<5")
