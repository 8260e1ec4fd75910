"""Joins are reach, not contact; "new youths" names its key period; the Python and SQL paths agree."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.ledger import (
    OnlineCounts,
    Targets,
    build_report,
    count_rows,
    iso_week_range,
    month_range,
    render_text,
    suppress,
)

from .factories import BRUSSELS, Translator, row

WEEK = iso_week_range(2026, 48)


def test_a_join_is_new_members_only() -> None:
    rows = [row("join", "2026-11-25 14:00", f"j{n}") for n in range(6)]
    rows += [row("desk", "2026-11-25 15:00", "j0"), row("public_exchange", "2026-11-26 15:00", "y1")]
    report = build_report(rows, [], *WEEK, BRUSSELS, Targets(), WEEK.end)
    assert (report.contact_moments, report.unique_youths, report.new_youths, report.new_members) == (2, 2, 2, 6)
    assert "join" not in report.by_kind and sum(report.by_weekday.values()) == sum(report.by_hour.values()) == 2
    assert "joins_are_reach" in report.footnotes


def test_a_join_is_not_a_first_contact() -> None:
    """Joined last week, first wrote this week: new this week, not "seen before"."""
    rows = [row("join", "2026-11-18 14:00", "p1"), row("desk", "2026-11-25 15:00", "p1")]
    assert count_rows(rows, WEEK, BRUSSELS).new_youths == 1


def test_online_counts_refuse_joins() -> None:
    with pytest.raises(ValueError, match="reach"):
        OnlineCounts({("join", ""): 1}, {}, 0, 0, 0, 0, 1)


def test_new_youths_are_labelled_with_their_key_period() -> None:
    january = month_range(2027, 1)
    rows = [row("desk", "2026-12-20 10:00", f"p{n}") for n in range(6)]
    rows += [row("desk", "2027-01-12 10:00", f"q{n}") for n in range(6)]  # 2027 pseudonyms: all new this year
    text = render_text(suppress(build_report(rows, [], *january, BRUSSELS, Targets(), january.end)), Translator("nl"))
    assert "nieuwe jongeren (nieuw dit jaar)" in text
    quarter = build_report(rows, [], *january, BRUSSELS, Targets(), january.end, period="quarter")
    assert "nieuw dit kwartaal" in render_text(suppress(quarter), Translator("nl"))


def test_a_range_across_two_key_periods_says_so_next_to_the_youth_counts() -> None:
    span = iso_week_range(2026, 53)
    rows = [row("desk", "2026-12-29 10:00", f"p{n}") for n in range(6)]
    report = suppress(build_report(rows, [], *span, BRUSSELS, Targets(), date(2027, 1, 10)))
    lines = render_text(report, Translator("en")).splitlines()
    marked = [line.split("|")[0].strip() for line in lines if "(across 2 key periods, see notes)" in line]
    assert marked == [
        "unique youths (across 2 key periods, see notes)",
        "new youths (new this year) (across 2 key periods, see notes)",
        "youths who wrote after hours (across 2 key periods, see notes)",
        "youths who sought further contact (across 2 key periods, see notes)",
    ]
