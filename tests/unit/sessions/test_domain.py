"""Sessions domain: Dutch start times, validation keys, weekly repeats over DST and holidays, reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.hours import OfficeHours
from bot.domain.sessions import Session, next_occurrence, parse_start, reminder_times, theme_slug, validate
from tests.unit.desk._util import local, utc

BXL = ZoneInfo("Europe/Brussels")
NOW = local(2026, 3, 23, 12)  # Monday before the spring DST switch (Sun 29 March 2026)
HOURS = OfficeHours()  # weekdays 10–21, weekend 14–21, Belgian holidays closed


def session(start: datetime, room: int = 1, duration: timedelta = timedelta(hours=2)) -> Session:
    return Session("safe_space", "mental_wellbeing", room, start, duration, weekly=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("woensdag 14:00", utc(2026, 3, 25, 13)),
        ("wo 14u", utc(2026, 3, 25, 13)),
        ("Wo  14u30", utc(2026, 3, 25, 13, 30)),
        ("24/03 14:00", utc(2026, 3, 24, 13)),
        ("2026-03-24 14:00", utc(2026, 3, 24, 13)),
        ("ma 10:00", utc(2026, 3, 30, 8)),  # today's 10:00 has passed → next week, already summer time
        ("20/03 14:00", utc(2027, 3, 20, 13)),  # passed this year → next year
    ],
)
def test_parse_start_reads_dutch_times_in_the_guild_zone(text: str, expected: datetime) -> None:
    assert parse_start(text, NOW, BXL) == expected


@pytest.mark.parametrize("text", ["vandaag 14:00", "31/02 14:00", "wo 25:00", "", "morgen"])
def test_parse_start_refuses_what_it_cannot_read(text: str) -> None:
    assert parse_start(text, NOW, BXL) is None


def test_theme_slug_keeps_presets_and_slugifies_free_text() -> None:
    assert theme_slug("alcohol_drugs") == "alcohol_drugs"
    assert theme_slug("Stress & Examens!") == "stress_examens"
    assert theme_slug("Éénzaamheid") == "eenzaamheid"
    assert theme_slug("???") == "free"


def test_validate_accepts_a_good_session() -> None:
    assert validate(session(local(2026, 3, 25, 14)), [], NOW, HOURS) == []


def test_validate_names_every_problem() -> None:
    assert validate(session(local(2026, 3, 23, 11)), [], NOW, HOURS) == ["sessions.error.in_past"]
    booked = session(local(2026, 3, 25, 15))
    assert validate(session(local(2026, 3, 25, 14)), [booked], NOW, HOURS) == ["sessions.error.overlap"]
    assert validate(session(local(2026, 3, 25, 14), room=2), [booked], NOW, HOURS) == []
    assert validate(session(local(2026, 3, 25, 16)), [booked], NOW, HOURS) == ["sessions.error.overlap"]
    assert validate(session(local(2026, 3, 25, 17)), [booked], NOW, HOURS) == []  # touching is fine
    assert validate(session(local(2026, 3, 25, 19, 30)), [], NOW, HOURS) == ["sessions.error.after_closing"]
    assert validate(session(local(2026, 3, 25, 19)), [], NOW, HOURS) == []  # ends exactly 21:00
    late = session(local(2026, 3, 25, 23), duration=timedelta(hours=2))
    assert validate(late, [], NOW, HOURS) == ["sessions.error.after_closing"]


def test_next_occurrence_keeps_wall_time_across_dst() -> None:
    first = session(local(2026, 3, 24, 14))
    assert first.start == utc(2026, 3, 24, 13)
    following = next_occurrence(first, HOURS)
    assert following is not None
    assert following.start == utc(2026, 3, 31, 12)  # still 14:00 in Brussels, now CEST
    assert (following.kind, following.theme, following.room_id) == (first.kind, first.theme, first.room_id)


def test_next_occurrence_skips_belgian_holidays() -> None:
    monday = Session("happy_monday", "online_safety", 1, local(2026, 3, 30, 14))
    following = next_occurrence(monday, HOURS)
    assert following is not None
    assert following.start == local(2026, 4, 13, 14)  # Easter Monday 6 April skipped


def test_reminders_24h_and_15min_when_open() -> None:
    assert reminder_times(session(local(2026, 3, 26, 15)), NOW, HOURS) == [
        utc(2026, 3, 25, 14),
        utc(2026, 3, 26, 13, 45),
    ]


def test_reminder_in_closed_hours_moves_to_last_open_minute() -> None:
    # Saturday 14:10: the 15-minute reminder (13:55) falls before the weekend opening at 14:00
    reminders = reminder_times(session(local(2026, 3, 28, 14, 10)), NOW, HOURS)
    assert reminders == [local(2026, 3, 27, 14, 10), local(2026, 3, 27, 20, 59)]
    assert all(HOURS.is_open(at) for at in reminders)


def test_reminders_that_cannot_be_sent_in_time_are_dropped() -> None:
    now = local(2026, 3, 23, 21, 30)
    assert reminder_times(session(local(2026, 3, 24, 10, 5)), now, HOURS) == []


def test_reminders_across_the_dst_switch() -> None:
    # Monday 30 March 10:30 CEST; 24 h before is Sunday morning (closed) → Saturday's last open minute, CET
    reminders = reminder_times(session(local(2026, 3, 30, 10, 30)), NOW, HOURS)
    assert reminders == [utc(2026, 3, 28, 19, 59), utc(2026, 3, 30, 8, 15)]
