"""Anti-spam tables: incidents, the accounts acted against, and the exact state a lockdown replaced.

A lockdown's prior state is written here *before* anything is changed, so unlocking restores it exactly,
also after a crash or a restart in the middle of a lockdown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UTCDateTime


class AntispamIncident(Base):
    """One response: a raid, one account's spam, or a lockdown a moderator started."""

    __tablename__ = "antispam_incidents"
    __table_args__ = (Index("ix_antispam_incidents_guild_status", "guild_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # raid | member | manual
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | ended
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_spam_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(16))  # quiet | moderator
    started_by: Mapped[int | None] = mapped_column(BigInteger)  # the moderator of a manual lockdown
    night: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    deleted_count: Mapped[int] = mapped_column(Integer, default=0)
    keep_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"step", "permission"}]
    alert_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    alert_message_id: Mapped[int | None] = mapped_column(BigInteger)
    summarized: Mapped[bool] = mapped_column(Boolean, default=False)


class AntispamOffender(Base):
    """An account acted against in an incident: recorded as ``pending`` before the action, updated after."""

    __tablename__ = "antispam_offenders"
    __table_args__ = (UniqueConstraint("incident_id", "user_id", name="uq_antispam_offenders_incident_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("antispam_incidents.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(16))  # timeout | ban
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | applied | blocked | failed | undone
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AntispamLockdown(Base):
    """The guild-wide state a lockdown replaced: @everyone's permissions and the incident-action pauses."""

    __tablename__ = "antispam_lockdowns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("antispam_incidents.id", ondelete="CASCADE"), unique=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    status: Mapped[str] = mapped_column(String(16), default="locking")  # locking | locked | restoring | restored
    everyone_permissions: Mapped[int] = mapped_column(BigInteger)
    removed_permissions: Mapped[int] = mapped_column(BigInteger)
    invites_disabled_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dms_disabled_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pause_invites: Mapped[bool] = mapped_column(Boolean, default=True)
    pause_dms: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AntispamLockdownChannel(Base):
    """One channel a lockdown touched: its @everyone overwrite before, and/or its slowmode before."""

    __tablename__ = "antispam_lockdown_channels"
    __table_args__ = (
        UniqueConstraint("lockdown_id", "channel_id", name="uq_antispam_lockdown_channels_lockdown_channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lockdown_id: Mapped[int] = mapped_column(ForeignKey("antispam_lockdowns.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    allow: Mapped[int | None] = mapped_column(BigInteger)  # the overwrite before; None: not touched
    deny: Mapped[int | None] = mapped_column(BigInteger)
    removed: Mapped[int] = mapped_column(BigInteger, default=0)  # bits taken out of ``allow``
    slowmode_before: Mapped[int | None] = mapped_column(Integer)  # None: slowmode not touched
    slowmode_set: Mapped[int | None] = mapped_column(Integer)
