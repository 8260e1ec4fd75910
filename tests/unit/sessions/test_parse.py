"""Dutch start times in Brussels: weekdays, abbreviations, dates with and without year, ISO, DST."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.sessions import StartParseError, parse_start

BXL = ZoneInfo("Europe/Brussels")
# Wednesday 2 December 2026, 13:00 in Brussels (UTC+1).
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BXL).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("woensdag 14:00", local(2026, 12, 2, 14, 0)),  # today, still ahead
        ("wo 14u", local(2026, 12, 2, 14, 0)),
        ("Wo 14u30", local(2026, 12, 2, 14, 30)),
        ("woensdag om 12:00", local(2026, 12, 9, 12, 0)),  # today's has passed: next week
        ("ma 19u", local(2026, 12, 7, 19, 0)),
        ("maandag 19.00", local(2026, 12, 7, 19, 0)),
        ("vr 16h", local(2026, 12, 4, 16, 0)),
        ("morgen 15:00", local(2026, 12, 3, 15, 0)),
        ("24/03 14:00", local(2027, 3, 24, 14, 0)),  # no year: the next 24 March
        ("24/03/2027 14u", local(2027, 3, 24, 14, 0)),
        ("31-03-27 14:00", local(2027, 3, 31, 14, 0)),  # after the DST change: UTC+2
        ("2027-03-24 14:00", local(2027, 3, 24, 14, 0)),
        ("2027-03-24T14:00", local(2027, 3, 24, 14, 0)),
        ("2027-03-24T14:00+01:00", datetime(2027, 3, 24, 13, 0, tzinfo=UTC)),
        ("wednesday 14:00", local(2026, 12, 2, 14, 0)),
    ],
)
def test_parses_dutch_and_iso(text: str, expected: datetime) -> None:
    assert parse_start(text, NOW, BXL) == expected


def test_dst_weeks_keep_the_wall_time() -> None:
    before = parse_start("24/03 14:00", NOW, BXL)
    after = parse_start("31/03 14:00", NOW, BXL)
    assert before.hour == 13 and after.hour == 12  # UTC: 14:00 CET vs 14:00 CEST


@pytest.mark.parametrize("text", ["", "soms", "wo", "woensdag 25:00", "31/02 14:00", "14:00 woensdag", "xx 14u"])
def test_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(StartParseError) as info:
        parse_start(text, NOW, BXL)
    assert info.value.key == "sessions.err.start_unknown"


def test_refuses_the_spring_gap_and_the_autumn_repeat() -> None:
    with pytest.raises(StartParseError) as gap:
        parse_start("28/03/2027 02:30", NOW, BXL)
    assert gap.value.key == "sessions.err.start_dst_gap"
    with pytest.raises(StartParseError) as repeat:
        parse_start("2027-10-31 02:30", NOW, BXL)
    assert repeat.value.key == "sessions.err.start_dst_repeat"
