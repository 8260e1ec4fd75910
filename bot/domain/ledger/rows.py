"""Anonymous input rows for reports: no names, no content, no Discord IDs, only pseudonyms and slugs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType

from bot.domain.ledger.kinds import ContactKind, PlaceType
from bot.domain.ledger.moments import canonical_tags, check_slug, parse_tags
from bot.domain.ledger.pseudonym import PSEUDONYM_RE
from bot.domain.ledger.ranges import DateRange


def _check_bucket(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("hour_bucket must be timezone-aware")
    utc = at.astimezone(UTC)
    if (utc.minute, utc.second, utc.microsecond) != (0, 0, 0):
        raise ValueError("hour_bucket must be truncated to the hour")
    return utc


@dataclass(frozen=True)
class ContactRow:
    """One ledger row: a pseudonymous youth had contact of ``kind`` with these tags in this UTC hour.

    ``tags`` is validated (see :func:`~bot.domain.ledger.moments.canonical_tags`) and frozen;
    ``context`` is its canonical string. ``after_hours`` marks desk rows written outside office hours.
    """

    kind: ContactKind
    tags: Mapping[str, str]
    hour_bucket: datetime
    pseudonym: str
    after_hours: bool = False
    context: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ContactKind(self.kind))
        object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))
        object.__setattr__(self, "context", canonical_tags(self.tags))
        object.__setattr__(self, "hour_bucket", _check_bucket(self.hour_bucket))
        if not isinstance(self.pseudonym, str) or PSEUDONYM_RE.fullmatch(self.pseudonym) is None:
            raise ValueError("pseudonym must be 32 lowercase hex characters (a raw user ID never is)")

    @classmethod
    def from_context(
        cls, kind: ContactKind | str, context: str, hour_bucket: datetime, pseudonym: str, after_hours: bool = False
    ) -> ContactRow:
        """Build a row from a stored canonical context string (as the DB keeps it)."""
        return cls(ContactKind(kind), parse_tags(context), hour_bucket, pseudonym, after_hours)

    @property
    def theme(self) -> str | None:
        return self.tags.get("theme")

    @property
    def session(self) -> str | None:
        return self.tags.get("session")


@dataclass(frozen=True)
class OfflineMoment:
    """An in-person moment recorded by staff: a head count, never names."""

    day: date
    place_type: PlaceType
    place: str
    youth_count: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "place_type", PlaceType(self.place_type))
        check_slug(self.place, "place")
        if self.youth_count < 0:
            raise ValueError("youth_count must be >= 0")


@dataclass(frozen=True)
class SessionRow:
    """A group session (safe space, study, Happy Monday ...) and how many youths attended."""

    kind: ContactKind
    session_id: str
    at: datetime
    attendance: int
    theme: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ContactKind(self.kind))
        check_slug(self.session_id, "session_id")
        if self.theme is not None:
            check_slug(self.theme, "theme")
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("at must be timezone-aware")
        if self.attendance < 0:
            raise ValueError("attendance must be >= 0")


@dataclass(frozen=True)
class WeeklyCount:
    """Rolled-up moments of one ISO week (local time), kind and theme; see :mod:`.retention`.

    There is deliberately no unique-youth figure: distinct counts cannot be added across weeks or
    cells, and keeping one per week would keep a per-week fingerprint of the pseudonyms.
    """

    iso_year: int
    iso_week: int
    kind: ContactKind
    theme: str | None
    moments: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ContactKind(self.kind))
        date.fromisocalendar(self.iso_year, self.iso_week, 1)  # validates the week
        if self.theme is not None:
            check_slug(self.theme, "theme")
        if self.moments < 0:
            raise ValueError("moments must be >= 0")

    @property
    def thursday(self) -> date:
        """The day that decides which range a rolled-up week belongs to (as ISO does for years)."""
        return date.fromisocalendar(self.iso_year, self.iso_week, 4)

    def counts_in(self, span: DateRange) -> bool:
        return span.contains(self.thursday)

    def overlaps(self, span: DateRange) -> bool:
        monday = date.fromisocalendar(self.iso_year, self.iso_week, 1)
        return monday <= span.end and span.start <= monday + timedelta(days=6)


@dataclass(frozen=True)
class DailyCount:
    """Rolled-up moments of one local day, kind and theme (retention since migration 0002c).

    A day never straddles a week, month or year, so week, month and year totals are the same before
    and after retention. Like :class:`WeeklyCount`, no unique-youth figure is kept.
    """

    day: date
    kind: ContactKind
    theme: str | None
    moments: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ContactKind(self.kind))
        if self.theme is not None:
            check_slug(self.theme, "theme")
        if self.moments < 0:
            raise ValueError("moments must be >= 0")

    def counts_in(self, span: DateRange) -> bool:
        return span.contains(self.day)

    def overlaps(self, span: DateRange) -> bool:
        return span.contains(self.day)


Rollup = WeeklyCount | DailyCount
