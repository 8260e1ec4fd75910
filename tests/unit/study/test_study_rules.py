"""The pure rules of study moments: durations, subjects, closing times, the queue, the timer, the schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.guild_config import GuildConfig, GuildRoles
from bot.domain.hours import OfficeHoursConfig
from bot.domain.study import (
    Round,
    StudyRefused,
    Waiting,
    Weekly,
    empty_close_due,
    end_reason,
    estimated_wait,
    first_round,
    latest_closing,
    next_round,
    notify_at,
    parse_days,
    parse_duration,
    planned_end,
    position,
    queue_order,
    subject_slug,
    warning_at,
)
from bot.domain.study.rooms import MODERATE, SEND_MESSAGES, TAKE_PART, VIEW_CHANNEL, archived, may_host, room_grants

BXL = ZoneInfo("Europe/Brussels")
HOURS = OfficeHoursConfig()


def local(hour: int, minute: int = 0, day: int = 2, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BXL).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("90", 90), ("90 min", 90), ("2u", 120), ("1u30", 90), ("1h30m", 90), ("1:45", 105), (None, None), ("  ", None)],
)
def test_durations(text: str | None, minutes: int | None) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["lang", "5", "9u", "1u99x", "-30"])
def test_bad_durations_are_refused_with_the_value(text: str) -> None:
    with pytest.raises(StudyRefused) as refused:
        parse_duration(text)
    assert refused.value.key == "study.err.duration" and refused.value.params["value"] == text


def test_subject_slugs_are_ledger_safe() -> None:
    assert subject_slug("Wiskunde B!") == "wiskunde-b"
    assert subject_slug("Géographie") == "geographie"
    assert subject_slug(None) == subject_slug("") == "algemeen"
    assert len(subject_slug("x" * 80)) == 40
    with pytest.raises(StudyRefused, match=r"study\.err\.subject"):
        subject_slug("🙂🙂")


def test_the_end_never_passes_the_latest_closing() -> None:
    assert planned_end(local(13), 90, 120, HOURS) == local(14, 30)
    assert planned_end(local(19, 30), None, 120, HOURS) == local(21)  # the default is cut at 21:00
    with pytest.raises(StudyRefused) as refused:
        planned_end(local(19, 30), 120, 120, HOURS)
    assert refused.value.key == "study.err.too_late" and refused.value.params == {"latest": "21:00", "end": "21:30"}
    with pytest.raises(StudyRefused, match=r"study\.err\.closed"):
        planned_end(local(20, 56), None, 120, HOURS)
    assert planned_end(local(22), 60, 120, HOURS.model_copy(update={"latest_closing": None})) == local(23)


def test_latest_closing_follows_the_zone_across_dst() -> None:
    assert latest_closing(local(12, day=28, month=3, year=2027), HOURS) == datetime(2027, 3, 28, 19, 0, tzinfo=UTC)
    assert latest_closing(local(12), HOURS) == datetime(2026, 12, 2, 20, 0, tzinfo=UTC)


def test_warning_and_why_it_ends() -> None:
    assert warning_at(local(13), local(15), 10) == local(14, 50)
    assert warning_at(local(13), local(13, 15), 10) is None
    assert end_reason(local(21), HOURS) == "closing"
    assert end_reason(local(15), HOURS) == "end"


def test_queue_first_come_first_helped_with_an_estimate() -> None:
    t = local(13)
    waiting = [Waiting(3, t + timedelta(minutes=2), 3), Waiting(1, t, 7), Waiting(2, t, 8)]
    assert [w.user_id for w in queue_order(waiting)] == [1, 2, 3]
    assert position(waiting, 3) == 3 and position(waiting, 9) is None
    assert [estimated_wait(place, 5) for place in (1, 2, 3)] == [0, 5, 10]


def test_host_notifications_are_rate_limited() -> None:
    t = local(13)
    assert notify_at(None, t, 5) == t
    assert notify_at(t, t + timedelta(minutes=1), 5) == t + timedelta(minutes=5)
    assert notify_at(t, t + timedelta(minutes=7), 5) == t + timedelta(minutes=7)
    assert notify_at(t, t + timedelta(seconds=1), 0) == t + timedelta(seconds=1)


def test_focus_rounds_alternate_and_stop_before_the_end() -> None:
    start, end = local(13), local(14)
    first = first_round(start, 25, end)
    assert first == Round("focus", 1, start, local(13, 25))
    pause = next_round(first, 25, 5, end)
    assert pause == Round("break", 1, local(13, 25), local(13, 30))
    second = next_round(pause, 25, 5, end)
    assert second == Round("focus", 2, local(13, 30), local(13, 55))
    last = next_round(second, 25, 5, end)
    assert last == Round("break", 2, local(13, 55), local(14))  # fits exactly
    assert next_round(last, 25, 5, end) is None  # a focus round would pass 14:00
    with pytest.raises(StudyRefused, match="timer_too_long"):
        first_round(local(13, 50), 25, end)


def test_empty_close_waits_for_voice_and_the_last_message() -> None:
    t = local(13)
    assert empty_close_due(t, t + timedelta(minutes=3), False, 10) == t + timedelta(minutes=10)
    assert empty_close_due(t, t + timedelta(minutes=12), False, 10) == t + timedelta(minutes=12)
    assert empty_close_due(t, t + timedelta(minutes=12), True, 10) is None


def test_weekly_schedule() -> None:
    assert parse_days("ma-vr") == parse_days("weekdagen") == "01234"
    assert parse_days("ma, wo vr") == "024" and parse_days("za-ma") == "056"
    with pytest.raises(StudyRefused, match=r"study\.err\.days"):
        parse_days("elke maan")
    plan = Weekly.parse("ma-vr", "16u-18u", HOURS)
    assert (plan.start, plan.end) == (time(16), time(18))
    assert plan.next_after(local(13), BXL) == (local(16), local(18))
    assert plan.next_after(local(16, 1), BXL) == (local(16, day=3), local(18, day=3))
    assert plan.next_after(local(16, 1, day=4), BXL) == (local(16, day=7), local(18, day=7))  # Friday → Monday
    assert plan.next_after(local(16, 1), BXL, until=date(2026, 12, 2)) is None
    with pytest.raises(StudyRefused, match="plan_too_late"):
        Weekly.parse("ma", "20:00-21:30", HOURS)
    with pytest.raises(StudyRefused, match=r"study\.err\.span"):
        Weekly.parse("ma", "18:00-16:00", HOURS)


def test_rooms_are_always_open_to_the_team() -> None:
    roles = GuildRoles(outreacher=1, moderator=2, coordinator=3, peer_supporter=4, youth=5)
    grants = {g.target: g for g in room_grants(99, roles)}
    assert grants[99].deny == VIEW_CHANNEL and grants[5].allow == TAKE_PART and grants[4].allow == TAKE_PART
    assert all(grants[r].allow == MODERATE for r in (1, 2, 3))
    group = {g.target: g for g in room_grants(99, roles, [7, 8, 7])}
    assert 5 not in group and group[7].member and group[8].member and group[1].allow == MODERATE
    assert archived(grants[5], roles).deny & SEND_MESSAGES and archived(grants[5], roles).allow & VIEW_CHANNEL
    assert archived(grants[1], roles) == grants[1]
    config = GuildConfig(roles=roles)
    assert may_host(config, {4}, False) and may_host(config, {1}, False) and may_host(config, set(), True)
    assert not may_host(config, {5}, False)
