"""Check-ins for youths who have gone quiet: only with consent, never after hours, never more than a few tries."""

from bot.domain.checkins.config import CheckinsConfig
from bot.domain.checkins.rules import (
    CheckinRefused,
    after_days,
    given_up,
    interval,
    open_at,
    proposal_expires,
    reminder_due,
    send_at,
    weekly_list_at,
)

__all__ = [
    "CheckinRefused",
    "CheckinsConfig",
    "after_days",
    "given_up",
    "interval",
    "open_at",
    "proposal_expires",
    "reminder_due",
    "send_at",
    "weekly_list_at",
]
