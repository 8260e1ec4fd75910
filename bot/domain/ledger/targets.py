"""KPI targets, their proration to a report range and the on-track rule.

Proration: every target is turned into "per range" through the range's week equivalent
(:meth:`DateRange.weeks_equivalent`, a year counts as 52 weeks): a yearly target becomes
``yearly × weeks / 52`` (an ISO week gets yearly/52, a calendar month yearly/12, a calendar year the
full target) and the weekly target becomes ``moments_per_week × weeks``. Unique-youth targets are
prorated the same way although distinct counts do not add up across weeks: treat them as a guide.

Status: ``reached`` when achieved ≥ target; ``on_track`` when achieved ≥ target × the elapsed
fraction of the range as of ``today`` (today counts as elapsed; a range in the future is on track);
otherwise ``behind``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.ledger.ranges import WEEKS_PER_YEAR, DateRange


class Targets(BaseModel):
    """Yearly (and one weekly) KPI targets agreed with the city."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    contact_moments_per_year: int = Field(default=1000, ge=0)
    unique_youths_per_year: int = Field(default=500, ge=0)
    moments_per_week: int = Field(default=3, ge=0)
    happy_place_moments_per_year: int = Field(default=30, ge=0)
    sessions_per_year: int = Field(default=30, ge=0)
    further_contact_youths_per_year: int | None = Field(default=None, ge=0)


class TargetName(StrEnum):
    CONTACT_MOMENTS = "contact_moments"
    UNIQUE_YOUTHS = "unique_youths"
    MOMENTS_PER_WEEK = "moments_per_week"
    HAPPY_PLACE_MOMENTS = "happy_place_moments"
    SESSIONS = "sessions"
    FURTHER_CONTACT_YOUTHS = "further_contact_youths"


class Status(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    REACHED = "reached"


@dataclass(frozen=True)
class TargetProgress:
    """One row of the targets table; ``metric`` names the report figure that ``achieved`` comes from."""

    name: TargetName
    target: float
    achieved: int
    status: Status
    metric: str


def status_for(achieved: float, target: float, elapsed_fraction: float) -> Status:
    if achieved >= target:
        return Status.REACHED
    if achieved >= target * elapsed_fraction:
        return Status.ON_TRACK
    return Status.BEHIND


def prorated(targets: Targets, period: DateRange) -> list[tuple[TargetName, float]]:
    """Each configured target scaled to ``period``, rounded to 2 decimals (further contact only when set)."""
    weeks = period.weeks_equivalent()
    yearly = weeks / WEEKS_PER_YEAR
    rows: list[tuple[TargetName, float]] = [
        (TargetName.CONTACT_MOMENTS, targets.contact_moments_per_year * yearly),
        (TargetName.UNIQUE_YOUTHS, targets.unique_youths_per_year * yearly),
        (TargetName.MOMENTS_PER_WEEK, targets.moments_per_week * weeks),
        (TargetName.HAPPY_PLACE_MOMENTS, targets.happy_place_moments_per_year * yearly),
        (TargetName.SESSIONS, targets.sessions_per_year * yearly),
    ]
    if targets.further_contact_youths_per_year is not None:
        rows.append((TargetName.FURTHER_CONTACT_YOUTHS, targets.further_contact_youths_per_year * yearly))
    return [(name, round(value, 2)) for name, value in rows]
