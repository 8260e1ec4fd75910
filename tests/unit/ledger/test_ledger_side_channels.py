"""Each side channel from issue #14, as a worked example, closed."""

from __future__ import annotations

from datetime import date

from bot.domain.ledger import CellState, Status, TargetName, Targets, build_report, iso_week_range, suppress

from .factories import BRUSSELS, row

WEEK = iso_week_range(2026, 10)
SHOWN = CellState.SHOWN


def test_attendance_minus_safe_space_moments_does_not_give_study_attendance_away() -> None:
    """10 youths at a safe space, 2 at a study moment: attendance 12 − safe-space moments 10 = 2."""
    rows = [row("safe_space", "2026-03-04 19:00", f"s{n}", session="ss1") for n in range(10)]
    rows += [row("study", "2026-03-05 16:00", f"t{n}", session="st1") for n in range(2)]
    rows += [row("desk", "2026-03-03 10:00", f"d{n}") for n in range(9)]
    report = suppress(build_report(rows, [], *WEEK, BRUSSELS, Targets(), WEEK.end))
    kinds = dict(report.breakdown("by_kind").cells)
    attendance = dict(report.breakdown("attendance_by_kind").cells)
    assert attendance["study"].state is CellState.SMALL and kinds["study"].state is CellState.SMALL
    total = report.figure("attendance_total")
    # the safe-space figure is one figure under two names: hidden in both, so 12 − ? stays open
    assert not (total.state is SHOWN and kinds["safe_space"].state is SHOWN)
    assert attendance["safe_space"].state is not SHOWN


def test_a_target_status_is_withheld_with_its_suppressed_figure() -> None:
    """One youth against a prorated target of 1.37: "behind" next to "<5" would say the count is 1."""
    rows = [row("desk", "2026-03-03 10:00", "p1")]
    raw = build_report(rows, [], *WEEK, BRUSSELS, Targets(unique_youths_per_year=71), date(2026, 3, 9))
    [unique] = [t for t in raw.targets if t.name is TargetName.UNIQUE_YOUTHS]
    assert (unique.target, unique.achieved, unique.status) == (1.37, 1, Status.BEHIND)
    [shown] = [t for t in suppress(raw).targets if t.name is TargetName.UNIQUE_YOUTHS]
    assert shown.achieved.state is CellState.SMALL and shown.status is None


def test_activities_are_exact_and_people_are_not() -> None:
    """Sessions held and happy-place moments count what the team did, not who came: shown exactly."""
    rows = [row("study", "2026-03-05 16:00", f"t{n}", session=f"st{n}") for n in range(3)]
    report = suppress(build_report(rows, [], *WEEK, BRUSSELS, Targets(), WEEK.end))
    assert report.figure("sessions_held").value == 3
    assert report.figure("attendance_total").state is CellState.SMALL
    assert report.figure("unique_youths").state is CellState.SMALL
