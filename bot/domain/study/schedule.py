"""Study moments from a schedule: "ma-vr 16:00-18:00" in the guild's zone, opened at each occurrence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.hours import OfficeHoursConfig, parse_interval
from bot.domain.sessions.parse import WEEKDAY_WORDS, StartParseError, wall_to_utc
from bot.domain.study.model import StudyRefused

ALL_DAYS = "0123456"
_SPAN = re.compile(r"^(\d{1,2})(?:[:u.h](\d{2})?)?\s*[-–]\s*(\d{1,2})(?:[:u.h](\d{2})?)?$")
_DAY_ALIASES = {"weekdagen": "ma-vr", "weekdays": "mon-fri", "elke dag": "ma-zo", "daily": "mon-sun"}


def parse_days(text: str) -> str:
    """Weekdays as digits (Monday 0): "ma-vr" → "01234", "ma,wo,vr" → "024", "weekdagen" → "01234"."""
    cleaned = _DAY_ALIASES.get(text.strip().casefold(), text.strip().casefold())
    days: set[int] = set()
    for part in filter(None, re.split(r"[,\s]+", cleaned)):
        first, _dash, last = part.partition("-")
        if first not in WEEKDAY_WORDS or (last and last not in WEEKDAY_WORDS):
            raise StudyRefused("study.err.days", value=text.strip()[:30])
        a, b = WEEKDAY_WORDS[first], WEEKDAY_WORDS[last or first]
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    if not days:
        raise StudyRefused("study.err.days", value=text.strip()[:30])
    return "".join(str(d) for d in sorted(days))


@dataclass(frozen=True)
class Weekly:
    days: str
    start: time
    end: time

    @classmethod
    def parse(cls, days: str, span: str, hours: OfficeHoursConfig) -> Weekly:
        """Refuses a span that is not "HH:MM-HH:MM", ends before it starts, or ends after the latest closing."""
        found = _SPAN.match(span.strip().casefold())
        if found is None:
            raise StudyRefused("study.err.span", value=span.strip()[:20])
        h1, m1, h2, m2 = (int(part or 0) for part in found.groups())
        begin, finish = h1 * 60 + m1, h2 * 60 + m2
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or finish - begin < 15:
            raise StudyRefused("study.err.span", value=span.strip()[:20])
        if hours.latest_closing is not None and finish > parse_interval(f"00:00-{hours.latest_closing}")[1]:
            raise StudyRefused("study.err.plan_too_late", latest=hours.latest_closing)
        return cls(parse_days(days), time(begin // 60, begin % 60), time(finish // 60, finish % 60))

    def occurrence(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
        """This plan's start and end on ``day`` (None when not one of its days, or the hour does not exist)."""
        if str(day.weekday()) not in self.days:
            return None
        try:
            return wall_to_utc(day, self.start, tz), wall_to_utc(day, self.end, tz)
        except StartParseError:
            return None

    def next_after(self, now: datetime, tz: ZoneInfo, until: date | None = None) -> tuple[datetime, datetime] | None:
        """The next occurrence whose start is after ``now`` (within 8 days; None past ``until``)."""
        today = now.astimezone(tz).date()
        for ahead in range(8):
            day = today + timedelta(days=ahead)
            if until is not None and day > until:
                return None
            found = self.occurrence(day, tz)
            if found is not None and found[0] > now:
                return found
        return None
