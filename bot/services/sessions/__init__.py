"""Safe-space sessions and Happy Mood Mondays: plan, remind, open, close, count attendance."""

from bot.services.sessions.port import SessionsPort
from bot.services.sessions.service import Planned, PlanRequest, SessionsService
from bot.services.sessions.text import SessionText

__all__ = ["PlanRequest", "Planned", "SessionText", "SessionsPort", "SessionsService"]
