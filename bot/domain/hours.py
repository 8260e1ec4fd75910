"""Office hours of the contact desk: when the team is reachable, in local wall time, holidays included.

Intervals are written in local wall time ("10:00-21:00") and turned into UTC instants per local date, so
daylight-saving days behave: a wall time that does not exist (spring gap) maps to the moment the clock
jumps, an ambiguous wall time (autumn repeat) opens at its first and closes at its last occurrence.
All public methods take and return aware datetimes; results are in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Literal, get_args
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.domain.values import TimeZone

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
ClosureKind = Literal["holiday", "closed"]
HORIZON_DAYS = 400
"""How far ahead (and back) searches for an opening or closing go."""

MINUTES_PER_DAY = 24 * 60
_INTERVAL = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")

Span = tuple[int, int]
"""An interval as minutes after local midnight: (start, end), end at most 1440 (24:00)."""


def parse_interval(text: str) -> Span:
    """Parse ``"HH:MM-HH:MM"`` (end may be ``24:00``); raise ``ValueError`` saying what is wrong."""
    cleaned = text.replace(" ", "").replace("–", "-")
    found = _INTERVAL.match(cleaned)
    if found is None:
        raise ValueError(f"{text!r} is not of the form HH:MM-HH:MM")
    sh, sm, eh, em = (int(part) for part in found.groups())
    if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em != 0):
        raise ValueError(f"{text!r} has an impossible time (use 00:00 to 23:59, or 24:00 as end)")
    start, end = sh * 60 + sm, eh * 60 + em
    if start >= end:
        raise ValueError(f"{text!r} must start before it ends")
    return start, end


def format_minutes(minutes: int) -> str:
    """``600`` → ``"10:00"``; ``1440`` → ``"24:00"``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _default_schedule() -> dict[Weekday, list[str]]:
    weekday, weekend = ["10:00-21:00"], ["14:00-21:00"]
    return {day: list(weekend if day in ("sat", "sun") else weekday) for day in WEEKDAYS}


class OfficeHoursConfig(BaseModel):
    """When the desk is staffed. Days missing from ``schedule`` are closed.

    ``latest_closing`` guards the field lesson "no contact after 21:00": an interval ending later is
    rejected unless the deployment explicitly raises or clears (``None``) the limit.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    schedule: dict[Weekday, list[str]] = Field(default_factory=_default_schedule)
    closed_dates: list[date] = Field(default_factory=list)
    holidays_country: str | None = "BE"
    holidays_open: bool = False
    timezone: TimeZone = "Europe/Brussels"  # set from general.timezone / the guild, never configured here
    latest_closing: str | None = "21:00"

    @field_validator("schedule")
    @classmethod
    def _check_schedule(cls, schedule: dict[Weekday, list[str]]) -> dict[Weekday, list[str]]:
        for day, texts in schedule.items():
            spans: list[tuple[Span, str]] = []
            for text in texts:
                try:
                    spans.append((parse_interval(text), text))
                except ValueError as exc:
                    raise ValueError(f"schedule.{day}: {exc}") from None
            spans.sort()
            for (first, first_text), (second, second_text) in pairwise(spans):
                if second[0] < first[1]:
                    raise ValueError(f"schedule.{day}: {first_text!r} overlaps {second_text!r}")
        return schedule

    @field_validator("holidays_country")
    @classmethod
    def _check_country(cls, code: str | None) -> str | None:
        if code is None:
            return None
        try:
            holidays.country_holidays(code)
        except NotImplementedError:
            raise ValueError(f"holidays_country: no public holidays known for {code!r}") from None
        return code

    @field_validator("latest_closing")
    @classmethod
    def _check_latest(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_interval(f"00:00-{value}")
            except ValueError:
                raise ValueError(f"latest_closing: {value!r} is not a time HH:MM") from None
        return value

    @model_validator(mode="after")
    def _within_latest(self) -> OfficeHoursConfig:
        if self.latest_closing is None:
            return self
        limit = parse_interval(f"00:00-{self.latest_closing}")[1]
        for day, texts in self.schedule.items():
            for text in texts:
                if parse_interval(text)[1] > limit:
                    raise ValueError(
                        f"schedule.{day}: {text!r} ends after latest_closing {self.latest_closing} "
                        "(raise latest_closing or set it to null to allow this)"
                    )
        return self

    def spans(self, day: Weekday) -> tuple[Span, ...]:
        """The parsed, sorted intervals of a weekday."""
        return tuple(sorted(parse_interval(text) for text in self.schedule.get(day, [])))


Interval = tuple[datetime, datetime]
"""An open stretch as UTC instants [start, end)."""


class OfficeHours:
    """Answers "is the desk open?" and "when does it open/close next?" for aware instants."""

    def __init__(self, config: OfficeHoursConfig | None = None) -> None:
        self.config = config or OfficeHoursConfig()
        self.tz = ZoneInfo(self.config.timezone)
        self._spans = {day: self.config.spans(day) for day in WEEKDAYS}
        self._closed = frozenset(self.config.closed_dates)
        self._holidays = (
            holidays.country_holidays(self.config.holidays_country)
            if self.config.holidays_country and not self.config.holidays_open
            else None
        )
        self._day_cache: dict[date, tuple[Interval, ...]] = {}

    # -- questions -------------------------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        at = _utc(at)
        for start, end in self._forward(at):
            if start > at:
                return False
            if at < end:
                return True
        return False

    def next_opening(self, at: datetime) -> datetime | None:
        """Earliest instant ≥ ``at`` when the desk is open (``at`` if open now); None beyond the horizon."""
        at = _utc(at)
        for start, end in self._forward(at):
            if at < end:
                return max(start, at)
        return None

    def next_closing(self, at: datetime) -> datetime | None:
        """Earliest instant ≥ ``at`` when the desk is closed (``at`` if closed now); None beyond horizon."""
        at = _utc(at)
        for start, end in self._forward(at):
            if start > at:
                return at
            return end if end - at < timedelta(days=HORIZON_DAYS) else None
        return at

    def last_closing(self, at: datetime) -> datetime | None:
        """Latest instant ≤ ``at`` at which an open stretch ended; None if none within the horizon."""
        at = _utc(at)
        local_day = at.astimezone(self.tz).date()
        for back in (8, HORIZON_DAYS):
            ended = [end for _, end in self._merged(local_day - timedelta(days=back), back + 2) if end <= at]
            if ended:
                return ended[-1]
        return None

    def closed_period_id(self, at: datetime) -> str | None:
        """None when open; else a stable id of the current closed stretch (the ISO instant it ends)."""
        if self.is_open(at):
            return None
        opening = self.next_opening(at)
        return f"closed:{opening.isoformat() if opening else 'indefinite'}"

    def period_id(self, at: datetime) -> str:
        """A stable id of the current open or closed stretch (closed ids equal :meth:`closed_period_id`)."""
        closed = self.closed_period_id(at)
        if closed is not None:
            return closed
        closing = self.next_closing(at)
        return f"open:{closing.isoformat() if closing else 'indefinite'}"

    def describe_week(self) -> list[tuple[Weekday, list[tuple[str, str]]]]:
        """The weekly schedule as ``[("mon", [("10:00", "21:00")]), ...]``, Monday first."""
        return [
            (day, [(format_minutes(start), format_minutes(end)) for start, end in self._spans[day]]) for day in WEEKDAYS
        ]

    def upcoming_closures(self, at: datetime, days: int = 30) -> list[tuple[date, ClosureKind]]:
        """Local dates in the next ``days`` days that would be open by schedule but are closed."""
        today = _utc(at).astimezone(self.tz).date()
        found: list[tuple[date, ClosureKind]] = []
        for offset in range(days + 1):
            day = today + timedelta(days=offset)
            if not self._spans[WEEKDAYS[day.weekday()]]:
                continue
            if day in self._closed:
                found.append((day, "closed"))
            elif self._is_holiday(day):
                found.append((day, "holiday"))
        return found

    def local(self, at: datetime) -> datetime:
        """``at`` in the desk's time zone."""
        return _utc(at).astimezone(self.tz)

    # -- internals -------------------------------------------------------------------------------------

    def _is_holiday(self, day: date) -> bool:
        return self._holidays is not None and day in self._holidays

    def _day(self, day: date) -> tuple[Interval, ...]:
        cached = self._day_cache.get(day)
        if cached is None:
            if day in self._closed or self._is_holiday(day):
                cached = ()
            else:
                pairs = (
                    (self._wall(day, start, last=False), self._wall(day, end, last=True))
                    for start, end in self._spans[WEEKDAYS[day.weekday()]]
                )
                cached = tuple((s, e) for s, e in pairs if s < e)
            if len(self._day_cache) > 4096:
                self._day_cache.clear()
            self._day_cache[day] = cached
        return cached

    def _merged(self, first_day: date, days: int) -> Iterator[Interval]:
        """Open stretches from local ``first_day`` on, touching intervals (also across midnight) merged."""
        pending: Interval | None = None
        for offset in range(days):
            for start, end in self._day(first_day + timedelta(days=offset)):
                if pending is not None and start <= pending[1]:
                    pending = (pending[0], max(pending[1], end))
                    continue
                if pending is not None:
                    yield pending
                pending = (start, end)
        if pending is not None:
            yield pending

    def _forward(self, at: datetime) -> Iterator[Interval]:
        """Merged stretches that end after ``at``, in order."""
        first = at.astimezone(self.tz).date() - timedelta(days=1)
        return (iv for iv in self._merged(first, HORIZON_DAYS + 2) if iv[1] > at)

    def _wall(self, day: date, minute: int, *, last: bool) -> datetime:
        """UTC instant of a local wall time; gaps map to the jump, repeats to the first/last occurrence."""
        if minute == MINUTES_PER_DAY:
            day, minute = day + timedelta(days=1), 0
        naive = datetime.combine(day, time(minute // 60, minute % 60))
        early = naive.replace(tzinfo=self.tz, fold=0).astimezone(UTC)
        late = naive.replace(tzinfo=self.tz, fold=1).astimezone(UTC)
        if early.astimezone(self.tz).replace(tzinfo=None) != naive:
            return self._jump(naive, min(early, late), max(early, late))
        return late if last else early

    def _jump(self, naive: datetime, low: datetime, high: datetime) -> datetime:
        """First instant in (low, high] whose wall time is past the non-existent ``naive`` (bisection)."""
        lo, hi = int(low.timestamp()), int(high.timestamp())
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if datetime.fromtimestamp(mid, self.tz).replace(tzinfo=None) > naive:
                hi = mid
            else:
                lo = mid
        return datetime.fromtimestamp(hi, UTC)


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("office hours need an aware datetime")
    return at.astimezone(UTC)
