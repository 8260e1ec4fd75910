"""What the desk remembers about a conversation, as the policy needs it (the DB layer stores it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ConversationStatus(StrEnum):
    NEW = "new"
    """No thread yet: the youth never wrote, or the conversation was deleted."""
    OPEN = "open"
    CLOSED = "closed"
    """Staff closed the thread; a new message from the youth reopens it."""


@dataclass(frozen=True, slots=True)
class ConversationState:
    """One youth's conversation with the desk.

    The ``last_*_period`` fields hold period ids from :class:`~bot.domain.hours.OfficeHours` so a reply
    goes out once per period; :meth:`YouthDecision.apply` returns the updated state to store.
    """

    status: ConversationStatus = ConversationStatus.NEW
    blocked_until: datetime | None = None
    last_autoreply_period: str | None = None
    last_crisis_period: str | None = None
    last_refusal_period: str | None = None
    urgent: bool = False
    welcomed: bool = False

    def is_blocked(self, now: datetime) -> bool:
        return self.blocked_until is not None and self.blocked_until > now


@dataclass(frozen=True, slots=True)
class WaitingConversation:
    """A conversation that got messages while the desk was closed (counts only, never text)."""

    thread_id: int
    after_hours_messages: int
    urgent: bool
    first_message_at: datetime
    last_message_at: datetime
