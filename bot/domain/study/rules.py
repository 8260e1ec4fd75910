"""The decisions of a study moment, given ``now``: when it ends, when it warns, the queue, the timer, closing.

Nothing here reads the clock or talks to Discord. Times are UTC instants; local rules use the guild's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.hours import OfficeHoursConfig, parse_interval
from bot.domain.sessions.parse import wall_to_utc
from bot.domain.study.model import StudyRefused


def latest_closing(day_of: datetime, hours: OfficeHoursConfig) -> datetime | None:
    """The guild's latest closing (21:00) on the local day of ``day_of``, as a UTC instant (None: no limit)."""
    if hours.latest_closing is None:
        return None
    tz = ZoneInfo(hours.timezone)
    minute = parse_interval(f"00:00-{hours.latest_closing}")[1]
    local = day_of.astimezone(tz)
    if minute >= 24 * 60:
        return wall_to_utc(local.date() + timedelta(days=1), time(0, 0), tz)
    return wall_to_utc(local.date(), time(minute // 60, minute % 60), tz)


def planned_end(now: datetime, minutes: int | None, default_minutes: int, hours: OfficeHoursConfig) -> datetime:
    """When a moment opened now ends: the asked duration (refused past closing) or the default (cut at closing)."""
    closing = latest_closing(now, hours)
    if closing is not None and now >= closing - timedelta(minutes=5):
        raise StudyRefused("study.err.closed", latest=hours.latest_closing)
    end = now + timedelta(minutes=minutes or default_minutes)
    if closing is not None and end > closing:
        if minutes is not None:
            local = end.astimezone(ZoneInfo(hours.timezone)).strftime("%H:%M")
            raise StudyRefused("study.err.too_late", latest=hours.latest_closing, end=local)
        end = closing
    return end


def warning_at(start: datetime, end: datetime, minutes: int) -> datetime | None:
    """The friendly "we close soon" moment, or None when the moment is shorter than twice the warning."""
    at = end - timedelta(minutes=minutes)
    return at if at - start >= timedelta(minutes=minutes) else None


# -- the help queue ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    user_id: int
    asked_at: datetime
    seq: int


def queue_order(waiting: Sequence[Waiting]) -> list[Waiting]:
    """First come, first helped (ties by arrival number)."""
    return sorted(waiting, key=lambda w: (w.asked_at, w.seq))


def position(waiting: Sequence[Waiting], user_id: int) -> int | None:
    """1-based place of ``user_id`` in the queue, or None."""
    for place, entry in enumerate(queue_order(waiting), start=1):
        if entry.user_id == user_id:
            return place
    return None


def estimated_wait(place: int, minutes_each: int) -> int:
    """Minutes until it is your turn: everyone ahead of you gets ``minutes_each``."""
    return max(0, place - 1) * minutes_each


def notify_at(last_notified: datetime | None, now: datetime, gap_minutes: int) -> datetime:
    """When the host may next be told about help requests (now, or when the rate limit allows)."""
    if last_notified is None or gap_minutes <= 0:
        return now
    return max(now, last_notified + timedelta(minutes=gap_minutes))


# -- focus timer ---------------------------------------------------------------------------------------------

Phase = Literal["focus", "break"]


@dataclass(frozen=True)
class Round:
    phase: Phase
    number: int
    starts: datetime
    ends: datetime


def next_round(current: Round, focus: int, pause: int, end: datetime) -> Round | None:
    """The round after ``current`` (focus → break → focus …), or None when it would not fit before ``end``."""
    if current.phase == "focus":
        following = Round("break", current.number, current.ends, current.ends + timedelta(minutes=pause))
    else:
        following = Round("focus", current.number + 1, current.ends, current.ends + timedelta(minutes=focus))
    return following if following.ends <= end else None


def first_round(now: datetime, focus: int, end: datetime) -> Round:
    ends = now + timedelta(minutes=focus)
    if ends > end:
        raise StudyRefused("study.err.timer_too_long", minutes=focus)
    return Round("focus", 1, now, ends)


# -- closing by itself --------------------------------------------------------------------------------------

CloseReason = Literal["empty", "end", "closing", "host"]


def empty_close_due(last_active: datetime, now: datetime, voice_present: bool, minutes: int) -> datetime | None:
    """When an empty room closes: None while someone sits in voice (leaving starts the count again)."""
    if voice_present:
        return None
    return max(now, last_active + timedelta(minutes=minutes))


def end_reason(end: datetime, hours: OfficeHoursConfig) -> CloseReason:
    """Whether the end is the guild's latest closing (a 21:00 goodbye) or just the planned end."""
    return "closing" if latest_closing(end - timedelta(seconds=1), hours) == end else "end"
