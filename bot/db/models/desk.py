"""Contact desk tables: only the thread↔youth link and conversation state — never message text.

Held staff replies are kept *by reference* (the thread message id), fetched from Discord when they go out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UTCDateTime


class DeskConversation(Base):
    """One youth's conversation with one guild's desk (removed a retention period after closing)."""

    __tablename__ = "desk_conversations"
    __table_args__ = (UniqueConstraint("guild_id", "user_id", name="uq_desk_conversations_guild_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_autoreply_period: Mapped[str | None] = mapped_column(String(64))
    last_crisis_period: Mapped[str | None] = mapped_column(String(64))
    last_refusal_period: Mapped[str | None] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    welcomed: Mapped[bool] = mapped_column(Boolean, default=False)
    after_hours_count: Mapped[int] = mapped_column(Integer, default=0)
    """Messages relayed while the desk was closed, since the last opening digest (a count, no text)."""
    first_after_hours_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_after_hours_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeskHeldReply(Base):
    """A staff reply written after hours, held until the next opening: a reference, not the text.

    ``message_id`` points at the worker's message in the thread (fetched when it goes out; deleted
    meanwhile means nothing is sent); a held referral card names only the municipality from config.
    """

    __tablename__ = "desk_held_replies"
    __table_args__ = (Index("ix_desk_held_replies_thread", "thread_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    conversation_id: Mapped[int] = mapped_column(Integer)
    thread_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    municipality: Mapped[str | None] = mapped_column(String(100))
    notice_id: Mapped[int | None] = mapped_column(BigInteger)
    hold_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeskMentionMark(Base):
    """A youth got the after-hours reply to a mention in this closed period (cleared at opening)."""

    __tablename__ = "desk_mention_marks"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    period: Mapped[str] = mapped_column(String(64))
