"""Safe-space sessions and Happy Mood Mondays: pure planning decisions (no clock, no Discord)."""

from bot.domain.sessions.model import DEFAULT_DURATION, PRESET_THEMES, Session, SessionKind, theme_slug
from bot.domain.sessions.parsing import parse_start
from bot.domain.sessions.planning import next_occurrence, reminder_times, validate

__all__ = [
    "DEFAULT_DURATION",
    "PRESET_THEMES",
    "Session",
    "SessionKind",
    "next_occurrence",
    "parse_start",
    "reminder_times",
    "theme_slug",
    "validate",
]
