"""Study moments: open rooms (main and group rooms), the help queue, who joined, and weekly schedules.

A join row exists only to count each youth once per moment (the count itself goes to the ledger); queue
rows hold who waits for help until the moment closes, then they are deleted. No message text is stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UTCDateTime


class StudyRoom(Base):
    """A study moment's room (``parent_id`` None) or a group room of that moment (``/studie kamer``)."""

    __tablename__ = "study_rooms"
    __table_args__ = (Index("ix_study_rooms_guild_status", "guild_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    parent_id: Mapped[int | None] = mapped_column(Integer)
    host_id: Mapped[int] = mapped_column(BigInteger)
    subject: Mapped[str] = mapped_column(String(40))
    text_id: Mapped[int] = mapped_column(BigInteger)
    voice_id: Mapped[int | None] = mapped_column(BigInteger)
    panel_id: Mapped[int | None] = mapped_column(BigInteger)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="open")
    """open → closed."""
    closed_reason: Mapped[str | None] = mapped_column(String(16))
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timer_focus: Mapped[int | None] = mapped_column(Integer)
    timer_break: Mapped[int | None] = mapped_column(Integer)
    plan_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StudyQueueEntry(Base):
    """A youth who pressed **Vraag hulp** and waits (or was helped / left the queue)."""

    __tablename__ = "study_queue"
    __table_args__ = (Index("ix_study_queue_room_status", "room_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(BigInteger)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    """waiting → helped or left."""


class StudyJoin(Base):
    """Someone pressed **Ik doe mee** (so a youth is counted once per moment)."""

    __tablename__ = "study_joins"

    room_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class StudyPlan(Base):
    """A weekly schedule (``/studie plan``): on ``days`` (Monday 0) from ``start`` to ``end``, local wall times."""

    __tablename__ = "study_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    host_id: Mapped[int] = mapped_column(BigInteger)
    subject: Mapped[str] = mapped_column(String(40))
    days: Mapped[str] = mapped_column(String(7))
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    until: Mapped[str | None] = mapped_column(String(10))
    """Last local date (ISO) of the series, or None."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
