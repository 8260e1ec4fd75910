"""Ledger tables: anonymous contact moments, offline head counts, weekly rollups and the period keys.

Nothing here holds a user ID, a name or message content. ``ledger_contacts`` keeps one row per
contact moment (unique ``(guild_id, moment_key)``); ``ledger_keys`` holds the HMAC key of each key
period, and deleting a key row is what makes that period's pseudonyms unlinkable for good.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UTCDateTime


class LedgerKey(Base):
    """The secret of one key period of one guild (see :mod:`bot.domain.ledger.pseudonym`)."""

    __tablename__ = "ledger_keys"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    period_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LedgerContact(Base):
    """One contact moment: a pseudonymous youth, a kind, a context (canonical tags) and its first hour."""

    __tablename__ = "ledger_contacts"
    __table_args__ = (
        UniqueConstraint("guild_id", "moment_key", name="uq_ledger_contacts_moment"),
        # covering indexes for the report queries (bot/services/ledger/aggregate.py), migration 0002b
        Index("ix_ledger_contacts_report", "guild_id", "hour_bucket", "kind", "context", "pseudonym", "after_hours"),
        Index("ix_ledger_contacts_pseudonym_kind", "guild_id", "pseudonym", "hour_bucket", "kind", "after_hours"),
        # long ranges count per (context, kind) in this order, without a sort (migration 0002d)
        Index("ix_ledger_contacts_context", "guild_id", "context", "kind", "pseudonym", "hour_bucket"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    moment_key: Mapped[str] = mapped_column(String(320))
    pseudonym: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    context: Mapped[str] = mapped_column(String(240))
    hour_bucket: Mapped[datetime] = mapped_column(UTCDateTime())
    after_hours: Mapped[bool] = mapped_column(Boolean, default=False)


class LedgerFirstContact(Base):
    """When a pseudonym was first counted as a contact: derived from ``ledger_contacts`` and kept in step
    with it by :mod:`bot.services.ledger.store` (insert, re-key, delete), so "new youths" of any range is
    one index range count instead of a probe per youth. Holds no more than the contact rows do."""

    __tablename__ = "ledger_first_contacts"
    __table_args__ = (Index("ix_ledger_first_contacts_first", "guild_id", "first_contact"),)

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pseudonym: Mapped[str] = mapped_column(String(32), primary_key=True)
    first_contact: Mapped[datetime] = mapped_column(UTCDateTime())


class LedgerOffline(Base):
    """An offline happy-place moment logged with /moment: a head count, never who was there."""

    __tablename__ = "ledger_offline"
    __table_args__ = (Index("ix_ledger_offline_guild_day", "guild_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[date] = mapped_column(Date)
    place_type: Mapped[str] = mapped_column(String(24))
    place: Mapped[str] = mapped_column(String(40))
    youth_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LedgerWeekly(Base):
    """Moments of one ISO week, kind and theme kept after the raw rows passed retention (``""``: no theme)."""

    __tablename__ = "ledger_weekly"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    iso_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    iso_week: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    theme: Mapped[str] = mapped_column(String(40), primary_key=True)
    moments: Mapped[int] = mapped_column(Integer)


class LedgerDaily(Base):
    """Moments of one local day, kind and theme kept after the raw rows passed retention (``""``: no theme)."""

    __tablename__ = "ledger_daily"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    theme: Mapped[str] = mapped_column(String(40), primary_key=True)
    moments: Mapped[int] = mapped_column(Integer)
