"""Consent rows: created on a yes, deleted on a stop, "Loslaten" or forget-me."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from bot.db.engine import Database
from bot.db.models.checkins import CheckinConsent


class CheckinStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, row_id: int) -> CheckinConsent | None:
        async with self._db.session() as session:
            row = await session.get(CheckinConsent, row_id)
            if row is not None:
                session.expunge(row)
            return row

    async def of(self, guild_id: int, user_id: int) -> CheckinConsent | None:
        async with self._db.session() as session:
            row = await session.scalar(
                select(CheckinConsent).where(CheckinConsent.guild_id == guild_id, CheckinConsent.user_id == user_id)
            )
            if row is not None:
                session.expunge(row)
            return row

    async def of_user(self, user_id: int) -> Sequence[CheckinConsent]:
        async with self._db.session() as session:
            rows = (await session.scalars(select(CheckinConsent).where(CheckinConsent.user_id == user_id))).all()
            session.expunge_all()
            return rows

    async def of_guild(self, guild_id: int) -> Sequence[CheckinConsent]:
        async with self._db.session() as session:
            rows = (
                await session.scalars(
                    select(CheckinConsent).where(CheckinConsent.guild_id == guild_id).order_by(CheckinConsent.id)
                )
            ).all()
            session.expunge_all()
            return rows

    async def put(
        self, guild_id: int, user_id: int, *, now: datetime, interval_days: int, outreacher_id: int | None
    ) -> CheckinConsent:
        """The youth's yes: a new row, or the existing one with the new interval (quiet days count from now)."""
        async with self._db.session() as session:
            row = await session.scalar(
                select(CheckinConsent).where(CheckinConsent.guild_id == guild_id, CheckinConsent.user_id == user_id)
            )
            if row is None:
                row = CheckinConsent(guild_id=guild_id, user_id=user_id, unanswered=0)
                session.add(row)
            row.consented_at = now
            row.interval_days = interval_days
            row.last_contact_at = now
            row.unanswered = 0
            if outreacher_id is not None:
                row.outreacher_id = outreacher_id
            await session.flush()
            session.expunge(row)
        return row

    async def update(self, row_id: int, **values: Any) -> CheckinConsent | None:
        async with self._db.session() as session:
            row = await session.get(CheckinConsent, row_id)
            if row is None:
                return None
            for name, value in values.items():
                setattr(row, name, value)
            await session.flush()
            session.expunge(row)
            return row

    async def delete(self, row_id: int) -> bool:
        async with self._db.session() as session:
            result = await session.execute(delete(CheckinConsent).where(CheckinConsent.id == row_id))
            return bool(result.rowcount)  # type: ignore[attr-defined]
