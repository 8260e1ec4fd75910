"""Safe-space sessions and Happy Mood Mondays: the plan, the room state to restore, who was there (temporarily).

Presence rows (who wrote in the room or sat in its voice channel) exist only while a session runs: at its
end they become anonymous ledger contacts and are deleted. No message text is ever stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UTCDateTime


class SafeSession(Base):
    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_guild_start", "guild_id", "start_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    theme: Mapped[str] = mapped_column(String(100))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    room_id: Mapped[int] = mapped_column(BigInteger)
    room_kind: Mapped[str] = mapped_column(String(8), default="text")
    event_id: Mapped[int | None] = mapped_column(BigInteger)
    weekly: Mapped[bool] = mapped_column(Boolean, default=False)
    min_band: Mapped[str | None] = mapped_column(String(32))
    expert_id: Mapped[int | None] = mapped_column(BigInteger)
    host_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    """planned → open → closed; or cancelled."""
    saved_overwrites: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The room's overwrites (target id → [allow, deny], or null for none) before opening, to restore exactly."""
    expert_role_added: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionPresence(Base):
    """Someone who wrote in, or sat in, a running session's room; deleted when the session ends."""

    __tablename__ = "session_presence"

    session_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    wrote: Mapped[bool] = mapped_column(Boolean, default=False)
    voice_seconds: Mapped[int] = mapped_column(Integer, default=0)
    voice_since: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SessionFollower(Base):
    """A member who pressed **Volg** under a session's announcement (gets its reminders and changes by DM)."""

    __tablename__ = "session_followers"

    session_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class SessionQuestion(Base):
    """An anonymous question waiting for the team: no author, no text (the text lives only in the staff post)."""

    __tablename__ = "session_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(Integer)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="pending")


class SessionFeedback(Base):
    """The three-faces totals of one session (counts only)."""

    __tablename__ = "session_feedback"

    session_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    good: Mapped[int] = mapped_column(Integer, default=0)
    ok: Mapped[int] = mapped_column(Integer, default=0)
    bad: Mapped[int] = mapped_column(Integer, default=0)
    open: Mapped[bool] = mapped_column(Boolean, default=True)


class SessionVoter(Base):
    """Who already voted (one vote per youth); deleted when voting closes, a few days after the session."""

    __tablename__ = "session_voters"

    session_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
