"""What a session is: kind, theme, when and where. Times are UTC instants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.errors import UserFacingError


class SessionKind(StrEnum):
    SAFE_SPACE = "safe_space"
    HAPPY_MONDAY = "happy_monday"


THEMES: tuple[str, ...] = ("alcohol_drugs", "mental_wellbeing", "hate_speech", "sexuality", "online_safety")
"""Preset theme slugs (catalog ``sessions.theme.<slug>``); anything else is a free-text theme."""

SENSITIVE_THEMES: frozenset[str] = frozenset({"alcohol_drugs", "mental_wellbeing", "hate_speech", "sexuality"})
"""Themes whose intro carries a content note and the help lines."""

FREE_TEXT_MAX = 80
_SPACES = re.compile(r"\s+")


def theme_slug(text: str) -> str:
    """A preset slug as is, else the free text trimmed (single spaces, at most 80 characters)."""
    cleaned = _SPACES.sub(" ", text).strip()
    if cleaned.casefold() in THEMES:
        return cleaned.casefold()
    if not cleaned:
        raise PlanRefused("sessions.err.theme_empty")
    return cleaned[:FREE_TEXT_MAX]


class PlanRefused(UserFacingError):
    """A plan that is refused; ``key`` is a sessions catalog key, ``params`` fill it in."""


@dataclass(frozen=True)
class SessionPlan:
    kind: SessionKind
    theme: str
    start: datetime
    duration: timedelta
    room_id: int | None = None
    weekly: bool = False
    min_band: str | None = None
    expert_id: int | None = None

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def sensitive(self) -> bool:
        return self.kind is SessionKind.SAFE_SPACE and self.theme in SENSITIVE_THEMES


@dataclass(frozen=True)
class Booking:
    """An existing session occupying a room (for overlap checks)."""

    room_id: int
    start: datetime
    end: datetime
