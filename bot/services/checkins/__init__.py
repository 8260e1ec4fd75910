"""Check-ins for youths who have gone quiet: consent, reminders to the team, the nudge limit, the 21:00 boundary."""

from bot.services.checkins.port import Button, CheckinsPort
from bot.services.checkins.service import LAST_CONTACT_KINDS, Answer, CheckinsService

__all__ = ["LAST_CONTACT_KINDS", "Answer", "Button", "CheckinsPort", "CheckinsService"]
