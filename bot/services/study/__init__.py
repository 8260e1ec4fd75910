"""Study moments: open rooms, the help queue, the focus timer, closing by themselves, counted in the ledger."""

from bot.services.study.port import Button, StudyPort
from bot.services.study.service import Answer, StudyService

__all__ = ["Answer", "Button", "StudyPort", "StudyService"]
