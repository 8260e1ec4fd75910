from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.domain.ledger import (
    Cell,
    CellState,
    Constraint,
    ContactRow,
    OfflineMoment,
    Report,
    SuppressedBreakdown,
    SuppressedReport,
    Targets,
    WeeklyCount,
    build_report,
    iso_week_range,
    plan_suppression,
    suppress,
    year_range,
)
from bot.domain.ledger.kinds import ContactKind, PlaceType

from .factories import BRUSSELS, row

SHOWN, SMALL, HIDDEN = CellState.SHOWN, CellState.SMALL, CellState.HIDDEN
WEEK = iso_week_range(2026, 10)


def plan(cells: Sequence[int], k: int = 5) -> list[CellState]:
    """States of one breakdown ``t = a + b + ...``; the total comes last."""
    values = {f"c{i}": v for i, v in enumerate(cells)} | {"t": sum(cells)}
    states = plan_suppression(values, [Constraint("t", tuple(values)[:-1])], k, sensitive=set(values))
    return [states[q] for q in values]


def test_small_cells_become_less_than_k_and_zero_stays() -> None:
    assert plan([0, 5, 7, 9]) == [SHOWN, SHOWN, SHOWN, SHOWN, SHOWN]
    assert plan([2, 1, 0]) == [SMALL, SMALL, SHOWN, SMALL]  # the total itself is below k
    assert Cell(None, SMALL).text(5) == "<5" and Cell(0, SHOWN).text(5) == "0"
    assert Cell(None, HIDDEN).text(5) == "*" and Cell(12.5, SHOWN).text(5, ",") == "12,5"


def test_one_small_cell_next_to_a_total_hides_the_next_smallest_cell() -> None:
    assert plan([3, 0, 0, 10]) == [SMALL, SHOWN, SHOWN, HIDDEN, SHOWN]
    assert plan([3, 12, 7, 20]) == [SMALL, SHOWN, HIDDEN, SHOWN, SHOWN]
    assert plan([7, 3, 7]) == [HIDDEN, SMALL, SHOWN, SHOWN]  # ties: the first one


def test_two_small_cells_are_left_alone_unless_they_can_be_worked_out() -> None:
    assert plan([2, 3, 10]) == [SMALL, SMALL, SHOWN, SHOWN]  # 5 = 1+4 = 2+3 = ...
    assert plan([1, 1, 10]) == [SMALL, SMALL, HIDDEN, SHOWN]  # 2 can only be 1 + 1
    assert plan([4, 4, 10]) == [SMALL, SMALL, HIDDEN, SHOWN]  # 8 can only be 4 + 4
    assert plan([4, 4]) == [SMALL, SMALL, HIDDEN]  # nothing else to hide: hide the total


def test_a_complement_that_still_pins_the_cell_is_not_enough() -> None:
    # 1 + 5 = 6: with "<5" meaning 1..4 and "*" meaning >= 5 the first cell could only be 1
    assert plan([1, 5, 9]) == [SMALL, HIDDEN, HIDDEN, SHOWN]


def test_hidden_totals_do_not_leak_through_other_breakdowns() -> None:
    values = {"total": 43, "online": 40, "offline": 3, "k1": 20, "k2": 20, "w1": 25, "w2": 15}
    constraints = [
        Constraint("total", ("online", "offline")),
        Constraint("online", ("k1", "k2")),
        Constraint("online", ("w1", "w2")),
    ]
    states = plan_suppression(values, constraints, 5, sensitive=set(values))
    assert states == {
        "total": SHOWN,
        "online": HIDDEN,
        "offline": SMALL,
        "k1": HIDDEN,
        "k2": SHOWN,
        "w1": SHOWN,
        "w2": HIDDEN,
    }


def _report(rows: list[ContactRow], offline: list[OfflineMoment] | None = None, **kwargs: Any) -> Report:
    return build_report(rows, offline or [], *WEEK, BRUSSELS, Targets(), WEEK.end, **kwargs)


def test_report_suppression_end_to_end() -> None:
    rows = [row("desk", f"2026-03-0{2 + i % 3} 10:00", f"p{i}", theme="school") for i in range(12)]
    rows += [row("checkin_reply", "2026-03-06 10:00", "q1"), row("desk", "2026-03-06 21:00", "q2", after_hours=True)]
    report = suppress(_report(rows, [OfflineMoment(date(2026, 3, 4), PlaceType.SCHOOL, "ka-noord", 20)]))
    summary = {name: cell.text(5) for name, cell in report.summary}
    assert summary == {
        "contact_moments": "34",
        "online_moments": "14",
        "offline_moments": "20",
        "unique_youths": "14",
        "new_youths": "14",
        "after_hours_youths": "<5",
        "further_contact_youths": "13",
        "new_members": "0",
        "sessions_held": "0",
        "attendance_total": "0",
        "attendance_mean": "0",
        "happy_place_moments": "1",
        "checkins_sent": "0",
        "checkins_answered": "<5",  # the check-in reply below, under its own name: suppressed alike
        "checkins_let_go": "0",
        "help_requests": "0",
    }
    kinds = {key: cell.text(5) for key, cell in report.breakdown("by_kind").cells}
    assert kinds == {
        "desk": "*",  # the only other non-zero cell: hidden so check-ins = 14 - 13 cannot be worked out
        "safe_space": "0",
        "study": "0",
        "happy_monday": "0",
        "checkin_reply": "<5",
        "public_exchange": "0",
    }
    assert report.breakdown("by_kind").total.text(5) == "14"
    # 4 + 4 + 4 + 2 = 14 over four "<5" cells: each could be 2..4, so no complement is needed
    days = {key: cell.text(5) for key, cell in report.breakdown("by_weekday").cells}
    assert days == {"mon": "<5", "tue": "<5", "wed": "<5", "thu": "0", "fri": "<5", "sat": "0", "sun": "0"}
    hours = {key: cell.text(5) for key, cell in report.breakdown("by_hour").cells if cell.state is not SHOWN}
    assert hours == {"10": "*", "21": "<5"}
    assert "complementary" in report.footnotes
    targets = {str(t.name): t.achieved.text(5) for t in report.targets}
    assert targets["unique_youths"] == "14" and targets["contact_moments"] == "34"


def _feasible(total: int, bounds: list[tuple[int, int]], j: int) -> set[int]:
    """Values cell ``j`` can take given the others' bounds and their sum (brute force, engine-independent)."""
    sums = {0}
    for i, (lo, hi) in enumerate(bounds):
        if i != j:
            sums = {s + v for s in sums for v in range(lo, min(hi, total) + 1) if s + v <= total}
    lo, hi = bounds[j]
    return {v for v in range(lo, min(hi, total) + 1) if total - v in sums}


def _assert_nothing_recoverable(report: SuppressedReport) -> None:
    k = report.k
    summary = dict(report.summary)
    online_parts = [report.breakdown(n) for n in ("by_kind", "by_theme", "by_weekday", "by_hour")]
    offline_parts = [report.breakdown(n) for n in ("offline_by_place_type", "offline_by_place")]

    def known(cell: Cell, parts: list[SuppressedBreakdown]) -> int | None:
        if cell.state is SHOWN:
            return int(cell.value or 0)
        for part in parts:  # a hidden total is known when one of its breakdowns is fully shown
            if all(c.state is SHOWN for _, c in part.cells):
                return sum(int(c.value or 0) for _, c in part.cells)
        return None

    checks = [(known(summary["contact_moments"], []), [summary["online_moments"], summary["offline_moments"]])]
    checks += [(known(b.total, online_parts), [c for _, c in b.cells]) for b in online_parts]
    checks += [(known(b.total, offline_parts), [c for _, c in b.cells]) for b in offline_parts]
    for total, cells in checks:
        if total is None:
            continue
        rest = total - sum(int(c.value or 0) for c in cells if c.state is SHOWN)
        bounds = [(1, k - 1) if c.state is SMALL else (k, rest) for c in cells if c.state is not SHOWN]
        for j, cell in enumerate(c for c in cells if c.state is not SHOWN):
            if cell.state is SMALL:
                assert len(_feasible(rest, bounds, j)) >= 2


def test_no_small_figure_of_a_report_can_be_worked_out() -> None:
    rows = [row("desk", f"2026-03-0{2 + i % 5} 1{i % 10}:00", f"p{i}", theme=f"t{i % 3}") for i in range(23)]
    rows += [row("safe_space", "2026-03-03 15:00", f"s{i}", session="s1") for i in range(3)]
    offline = [OfflineMoment(date(2026, 3, 4), PlaceType.EVENT, "feest", 2)]
    report = suppress(_report(rows, offline))
    assert report.figure("offline_moments").state is SMALL
    assert report.figure("contact_moments") == Cell(28, SHOWN)  # the headline figure survives
    assert report.figure("online_moments").state is HIDDEN
    _assert_nothing_recoverable(report)


def test_nothing_recoverable_in_many_generated_weeks() -> None:
    kinds = ["desk", "safe_space", "study", "join", "public_exchange"]
    for seed in range(40):
        rows = [
            row(kinds[(i * seed) % 5], f"2026-03-0{2 + (i * 7 + seed) % 7} {(i * 5 + seed) % 24:02d}:00", f"p{i}")
            for i in range(seed % 17 + 3)
        ]
        offline = [OfflineMoment(date(2026, 3, 3), PlaceType.SCHOOL, "ka", seed % 9)]
        _assert_nothing_recoverable(suppress(_report(rows, offline)))


def test_mean_attendance_hidden_with_a_small_attendance_total() -> None:
    rows = [row("safe_space", "2026-03-03 15:00", f"s{i}", session="s1") for i in range(3)]
    report = suppress(_report(rows))
    assert report.figure("attendance_total").text(5) == "<5"
    assert report.figure("attendance_mean").text(5) == "*"
    assert report.figure("sessions_held").text(5) == "1"  # activity count, not about youths


def test_sessions_per_theme_are_activity_counts_and_feedback_votes_are_protected() -> None:
    rows = [row("safe_space", "2026-03-04 15:00", f"s{i}", theme="stress", session="s1") for i in range(6)]
    rows += [row("happy_monday", "2026-03-02 19:00", f"h{i}", theme="chill", session="h1") for i in range(6)]
    report = suppress(_report(rows, feedback={"good": 6, "ok": 2, "bad": 0}))
    themes = report.breakdown("sessions_by_theme")
    assert [(key, cell.text(5)) for key, cell in themes.cells] == [("chill", "1"), ("stress", "1")]
    votes = dict(report.breakdown("feedback").cells)
    assert votes["ok"].state is SMALL and votes["bad"] == Cell(0, SHOWN)
    # 6 good shown next to a total of 8 would give the 2 "ok" votes away: one of them is hidden too
    assert votes["good"].state is HIDDEN or report.breakdown("feedback").total.state is not SHOWN
    _assert_nothing_recoverable(report)


def test_rollup_total_is_protected_too() -> None:
    rows = [row("desk", f"2024-06-0{3 + i % 3} 10:00", f"p{i}") for i in range(30)]
    rollups = [WeeklyCount(2024, 10, ContactKind.DESK, None, 2)]  # 2 moments only visible as kind/weekday difference
    report = build_report(rows, [], *year_range(2024), BRUSSELS, Targets(), date(2025, 1, 1), rollups=rollups)
    suppressed = suppress(report)
    online = suppressed.figure("online_moments")
    weekday_total = suppressed.breakdown("by_weekday").total
    assert (report.online_moments, report.online_raw_moments) == (32, 30)
    assert online.state is not SHOWN or weekday_total.state is not SHOWN
