"""All models, imported here so ``Base.metadata`` is complete for Alembic and the drift test."""

from bot.db.models import antispam as _antispam  # noqa: F401  (registers the anti-spam tables)
from bot.db.models.base import Base
from bot.db.models.checkins import CheckinConsent
from bot.db.models.core import BotState, GuildSetting, ScheduledAction
from bot.db.models.desk import DeskConversation, DeskHeldReply, DeskMentionMark
from bot.db.models.ledger import LedgerContact, LedgerDaily, LedgerFirstContact, LedgerKey, LedgerOffline, LedgerWeekly
from bot.db.models.sessions import (
    SafeSession,
    SessionFeedback,
    SessionFollower,
    SessionPresence,
    SessionQuestion,
    SessionVoter,
)
from bot.db.models.study import StudyJoin, StudyPlan, StudyQueueEntry, StudyRoom

__all__ = [
    "Base",
    "BotState",
    "CheckinConsent",
    "DeskConversation",
    "DeskHeldReply",
    "DeskMentionMark",
    "GuildSetting",
    "LedgerContact",
    "LedgerDaily",
    "LedgerFirstContact",
    "LedgerKey",
    "LedgerOffline",
    "LedgerWeekly",
    "SafeSession",
    "ScheduledAction",
    "SessionFeedback",
    "SessionFollower",
    "SessionPresence",
    "SessionQuestion",
    "SessionVoter",
    "StudyJoin",
    "StudyPlan",
    "StudyQueueEntry",
    "StudyRoom",
]
