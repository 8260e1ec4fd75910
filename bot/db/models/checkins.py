"""Check-ins: one row per youth who said yes, holding exactly what the issue allows and nothing else.

A youth who never opted in has no row here. A pending proposal (Ja / Nee) is not a row of this table but a
scheduler row (``checkins.expire``) carrying guild, youth, interval and proposer until it is answered or
expires after seven days; then it is gone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UTCDateTime


class CheckinConsent(Base):
    __tablename__ = "checkin_consents"
    __table_args__ = (UniqueConstraint("guild_id", "user_id", name="uq_checkin_consents_guild_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime())
    interval_days: Mapped[int] = mapped_column(Integer)
    outreacher_id: Mapped[int | None] = mapped_column(BigInteger)
    """The assigned outreacher; None: the whole team (reminders go to the staff desk)."""
    last_contact_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unanswered: Mapped[int] = mapped_column(Integer, default=0)
    """Check-ins sent since the youth's last contact; at the nudge limit the bot stops following up."""
