"""Safe-space sessions and Happy Mood Mondays: pure decisions (what, when, allowed or refused, reminders).

Nothing here reads the clock or talks to Discord; every function is given ``now`` and the guild's
:class:`~bot.domain.hours.OfficeHours`. Refusals are :class:`PlanRefused` with a catalog key.
"""

from bot.domain.sessions.config import SessionsConfig
from bot.domain.sessions.model import (
    SENSITIVE_THEMES,
    THEMES,
    PlanRefused,
    SessionKind,
    SessionPlan,
    theme_slug,
)
from bot.domain.sessions.parse import StartParseError, parse_start
from bot.domain.sessions.schedule import check_plan, next_occurrence, reminder_times

__all__ = [
    "SENSITIVE_THEMES",
    "THEMES",
    "PlanRefused",
    "SessionKind",
    "SessionPlan",
    "SessionsConfig",
    "StartParseError",
    "check_plan",
    "next_occurrence",
    "parse_start",
    "reminder_times",
    "theme_slug",
]
