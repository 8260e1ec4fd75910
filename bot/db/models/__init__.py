"""All models, imported here so ``Base.metadata`` is complete for Alembic and the drift test."""

from bot.db.models import antispam as _antispam  # noqa: F401  (registers the anti-spam tables)
from bot.db.models.base import Base
from bot.db.models.checkins import CheckinConsent  # noqa: F401
from bot.db.models.core import BotState, GuildSetting, ScheduledAction
from bot.db.models.desk import DeskConversation, DeskHeldReply, DeskMentionMark  # noqa: F401
from bot.db.models.ledger import LedgerContact, LedgerDaily, LedgerKey, LedgerOffline, LedgerWeekly  # noqa: F401
from bot.db.models.sessions import (  # noqa: F401
    SafeSession,
    SessionFeedback,
    SessionFollower,
    SessionPresence,
    SessionQuestion,
    SessionVoter,
)
from bot.db.models.study import StudyJoin, StudyPlan, StudyQueueEntry, StudyRoom  # noqa: F401

__all__ = ["Base", "BotState", "GuildSetting", "ScheduledAction"]
