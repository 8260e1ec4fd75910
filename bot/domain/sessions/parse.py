"""Dutch (and ISO) start times in the guild's zone: "woensdag 14:00", "wo 14u", "24/03 14:00", "2027-03-24 14:00".

Returned as UTC instants. A weekday means its next occurrence (today if the time is still ahead); a day and
month without a year mean the next such date. A wall time that does not exist (the spring DST gap) or that
happens twice (the autumn repeat) is refused rather than guessed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import UserFacingError

WEEKDAY_WORDS: dict[str, int] = {
    **dict.fromkeys(("maandag", "ma", "monday", "mon"), 0),
    **dict.fromkeys(("dinsdag", "di", "tuesday", "tue"), 1),
    **dict.fromkeys(("woensdag", "wo", "wednesday", "wed"), 2),
    **dict.fromkeys(("donderdag", "do", "thursday", "thu"), 3),
    **dict.fromkeys(("vrijdag", "vr", "friday", "fri"), 4),
    **dict.fromkeys(("zaterdag", "za", "saturday", "sat"), 5),
    **dict.fromkeys(("zondag", "zo", "sunday", "sun"), 6),
}
RELATIVE_WORDS: dict[str, int] = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2}

_TIME = r"(?P<h>\d{1,2})(?:(?::|u|h|\.)(?P<m>\d{2})?|(?::|u|h))"
_TIME_ONLY = re.compile(rf"^{_TIME}$")
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?:[ t]+|t)" + _TIME + r"$")
_DMY = re.compile(r"^(?P<d>\d{1,2})[/.-](?P<mo>\d{1,2})(?:[/.-](?P<y>\d{2}|\d{4}))?\s+" + _TIME + r"$")
_WORD = re.compile(r"^(?P<word>[a-z]+)\.?\s+" + _TIME + r"$")


class StartParseError(UserFacingError):
    """Not a start time we understand; ``key`` is a sessions catalog key."""

    def __init__(self, key: str = "sessions.err.start_unknown") -> None:
        super().__init__(key)


def _clock_time(found: re.Match[str]) -> time:
    hour, minute = int(found["h"]), int(found["m"] or 0)
    if hour > 23 or minute > 59:
        raise StartParseError()
    return time(hour, minute)


def wall_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time; refuses the DST gap and the ambiguous repeated hour."""
    naive = datetime.combine(day, at)
    early = naive.replace(tzinfo=tz, fold=0)
    late = naive.replace(tzinfo=tz, fold=1)
    if early.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise StartParseError("sessions.err.start_dst_gap")
    if early.utcoffset() != late.utcoffset():
        raise StartParseError("sessions.err.start_dst_repeat")
    return early.astimezone(UTC)


def parse_start(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """Parse ``text`` relative to ``now`` in ``tz``; raise :class:`StartParseError`."""
    cleaned = re.sub(r"\s+", " ", text.strip().casefold().replace(" om ", " ").replace(" at ", " "))
    if not cleaned:
        raise StartParseError()
    with_zone = _aware_iso(cleaned)
    if with_zone is not None:
        return with_zone
    today = now.astimezone(tz).date()
    if found := _ISO.match(cleaned):
        return wall_to_utc(_date(int(found["y"]), int(found["mo"]), int(found["d"])), _clock_time(found), tz)
    if found := _DMY.match(cleaned):
        at = _clock_time(found)
        day, month = int(found["d"]), int(found["mo"])
        if found["y"] is not None:
            year = int(found["y"]) + (2000 if len(found["y"]) == 2 else 0)
            return wall_to_utc(_date(year, month, day), at, tz)
        candidate = _date(today.year, month, day)
        if wall_to_utc(candidate, at, tz) <= now:
            candidate = _date(today.year + 1, month, day)
        return wall_to_utc(candidate, at, tz)
    if found := _WORD.match(cleaned):
        at = _clock_time(found)
        word = found["word"]
        if word in RELATIVE_WORDS:
            return wall_to_utc(today + timedelta(days=RELATIVE_WORDS[word]), at, tz)
        if word in WEEKDAY_WORDS:
            ahead = (WEEKDAY_WORDS[word] - today.weekday()) % 7
            candidate = today + timedelta(days=ahead)
            if wall_to_utc(candidate, at, tz) <= now:
                candidate += timedelta(days=7)
            return wall_to_utc(candidate, at, tz)
    raise StartParseError()


def _aware_iso(text: str) -> datetime | None:
    """An ISO instant with an explicit offset (``2027-03-24T14:00+01:00``), else None."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|z)$", text):
        return None
    try:
        parsed = datetime.fromisoformat(text.upper())
    except ValueError:
        raise StartParseError() from None
    return parsed.astimezone(UTC)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise StartParseError() from None
