"""Session rows and the temporary presence of a running session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import Database
from bot.db.models.sessions import (
    SafeSession,
    SessionFeedback,
    SessionFollower,
    SessionPresence,
    SessionQuestion,
    SessionVoter,
)
from bot.domain.sessions.model import Booking

ACTIVE = ("planned", "open")


class SessionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, row: SafeSession) -> SafeSession:
        async with self._db.session() as session:
            session.add(row)
            await session.flush()
            session.expunge(row)
        return row

    async def get(self, session_id: int) -> SafeSession | None:
        async with self._db.session() as session:
            row = await session.get(SafeSession, session_id)
            if row is not None:
                session.expunge(row)
            return row

    async def update(self, session_id: int, **values: Any) -> None:
        async with self._db.session() as session:
            row = await session.get(SafeSession, session_id)
            if row is not None:
                for name, value in values.items():
                    setattr(row, name, value)

    async def upcoming(self, guild_id: int, now: datetime) -> Sequence[SafeSession]:
        """Planned or running sessions of a guild that have not ended, soonest first."""
        async with self._db.session() as session:
            rows = (
                await session.scalars(
                    select(SafeSession)
                    .where(SafeSession.guild_id == guild_id, SafeSession.status.in_(ACTIVE), SafeSession.end_at > now)
                    .order_by(SafeSession.start_at, SafeSession.id)
                )
            ).all()
            session.expunge_all()
            return rows

    async def bookings(self, guild_id: int, *, except_id: int | None = None) -> list[Booking]:
        async with self._db.session() as session:
            rows = (
                await session.execute(
                    select(SafeSession.id, SafeSession.room_id, SafeSession.start_at, SafeSession.end_at).where(
                        SafeSession.guild_id == guild_id, SafeSession.status.in_(ACTIVE)
                    )
                )
            ).all()
        return [Booking(room, start, end) for sid, room, start, end in rows if sid != except_id]

    async def open_rooms(self) -> dict[int, int]:
        """room id → session id of every running session (all guilds)."""
        async with self._db.session() as session:
            rows = (
                await session.execute(select(SafeSession.room_id, SafeSession.id).where(SafeSession.status == "open"))
            ).all()
        return {room: sid for room, sid in rows}

    # -- presence ----------------------------------------------------------------------------------------

    async def _presence(self, session: AsyncSession, session_id: int, user_id: int) -> SessionPresence:
        row = await session.get(SessionPresence, (session_id, user_id))
        if row is None:
            row = SessionPresence(session_id=session_id, user_id=user_id, wrote=False, voice_seconds=0)
            session.add(row)
        return row

    async def wrote(self, session_id: int, user_id: int) -> None:
        async with self._db.session() as session:
            (await self._presence(session, session_id, user_id)).wrote = True

    async def voice(self, session_id: int, user_id: int, *, joined: bool, at: datetime) -> None:
        async with self._db.session() as session:
            row = await self._presence(session, session_id, user_id)
            if joined:
                row.voice_since = row.voice_since or at
            elif row.voice_since is not None:
                row.voice_seconds += max(0, int((at - row.voice_since).total_seconds()))
                row.voice_since = None

    async def reconcile_voice(self, session_id: int, present: set[int], at: datetime) -> None:
        """After a restart: who is in the room now counts from ``at``; who left while the bot was away, until ``at``."""
        async with self._db.session() as session:
            rows = {
                r.user_id: r
                for r in (
                    await session.scalars(select(SessionPresence).where(SessionPresence.session_id == session_id))
                ).all()
            }
        for user_id, row in rows.items():
            if row.voice_since is not None and user_id not in present:
                await self.voice(session_id, user_id, joined=False, at=at)
        for user_id in present:
            await self.voice(session_id, user_id, joined=True, at=at)

    async def take_presence(self, session_id: int, until: datetime) -> list[tuple[int, bool, int]]:
        """``(user_id, wrote, voice_seconds)`` per person (open voice stretches end at ``until``); rows deleted."""
        async with self._db.session() as session:
            rows = (
                await session.scalars(select(SessionPresence).where(SessionPresence.session_id == session_id))
            ).all()
            found = [
                (
                    r.user_id,
                    r.wrote,
                    r.voice_seconds + (max(0, int((until - r.voice_since).total_seconds())) if r.voice_since else 0),
                )
                for r in rows
            ]
            await session.execute(delete(SessionPresence).where(SessionPresence.session_id == session_id))
        return found

    # -- followers ---------------------------------------------------------------------------------------

    async def follow(self, session_id: int, user_id: int, on: bool) -> None:
        async with self._db.session() as session:
            row = await session.get(SessionFollower, (session_id, user_id))
            if on and row is None:
                session.add(SessionFollower(session_id=session_id, user_id=user_id))
            elif not on and row is not None:
                await session.delete(row)

    async def followers(self, session_id: int) -> list[int]:
        async with self._db.session() as session:
            return list(
                (
                    await session.scalars(
                        select(SessionFollower.user_id).where(SessionFollower.session_id == session_id)
                    )
                ).all()
            )

    async def copy_followers(self, from_id: int, to_id: int) -> None:
        for user_id in await self.followers(from_id):
            await self.follow(to_id, user_id, True)

    async def drop_followers(self, session_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(delete(SessionFollower).where(SessionFollower.session_id == session_id))

    # -- anonymous questions (no author, no text) -------------------------------------------------------------

    async def add_question(self, session_id: int) -> int:
        async with self._db.session() as session:
            row = SessionQuestion(session_id=session_id, status="pending")
            session.add(row)
            await session.flush()
            return row.id

    async def question(self, question_id: int) -> SessionQuestion | None:
        async with self._db.session() as session:
            row = await session.get(SessionQuestion, question_id)
            if row is not None:
                session.expunge(row)
            return row

    async def set_question(self, question_id: int, **values: Any) -> None:
        async with self._db.session() as session:
            row = await session.get(SessionQuestion, question_id)
            if row is not None:
                for name, value in values.items():
                    setattr(row, name, value)

    # -- three-faces feedback (totals only) ---------------------------------------------------------------------

    async def open_feedback(self, session_id: int) -> None:
        async with self._db.session() as session:
            if await session.get(SessionFeedback, session_id) is None:
                session.add(SessionFeedback(session_id=session_id, good=0, ok=0, bad=0, open=True))

    async def vote(self, session_id: int, user_id: int, face: str) -> str:
        """``"counted"``, ``"again"`` (already voted) or ``"closed"``; counted once, atomically with the voter."""
        async with self._db.session() as session:
            totals = await session.get(SessionFeedback, session_id, with_for_update=True)
            if totals is None or not totals.open:
                return "closed"
            if await session.get(SessionVoter, (session_id, user_id)) is not None:
                return "again"
            session.add(SessionVoter(session_id=session_id, user_id=user_id))
            setattr(totals, face, getattr(totals, face) + 1)
            return "counted"

    async def close_feedback(self, session_id: int) -> None:
        async with self._db.session() as session:
            totals = await session.get(SessionFeedback, session_id)
            if totals is not None:
                totals.open = False
            await session.execute(delete(SessionVoter).where(SessionVoter.session_id == session_id))

    async def feedback_totals(self, guild_id: int, start: datetime, end: datetime) -> dict[str, int]:
        """Votes per face of the guild's sessions that started in ``[start, end)`` (for the KPI report)."""
        async with self._db.session() as session:
            good, ok, bad = (
                await session.execute(
                    select(
                        func.coalesce(func.sum(SessionFeedback.good), 0),
                        func.coalesce(func.sum(SessionFeedback.ok), 0),
                        func.coalesce(func.sum(SessionFeedback.bad), 0),
                    )
                    .join(SafeSession, SessionFeedback.session_id == SafeSession.id)
                    .where(SafeSession.guild_id == guild_id, SafeSession.start_at >= start, SafeSession.start_at < end)
                )
            ).one()
            return {"good": int(good), "ok": int(ok), "bad": int(bad)}

    async def feedback(self, guild_id: int, limit: int = 10) -> list[tuple[SafeSession, SessionFeedback]]:
        """The latest closed sessions with their totals, newest first."""
        async with self._db.session() as session:
            rows = (
                await session.execute(
                    select(SafeSession, SessionFeedback)
                    .join(SessionFeedback, SessionFeedback.session_id == SafeSession.id)
                    .where(SafeSession.guild_id == guild_id)
                    .order_by(SafeSession.start_at.desc())
                    .limit(limit)
                )
            ).all()
            session.expunge_all()
            return [(a, b) for a, b in rows]

    async def forget_person(self, guild_id: int, user_id: int) -> None:
        """``/vergeet-mij``: the person's follows, presence and vote marks in this guild's sessions."""
        sessions = select(SafeSession.id).where(SafeSession.guild_id == guild_id)
        async with self._db.session() as session:
            for model in (SessionFollower, SessionPresence, SessionVoter):
                await session.execute(delete(model).where(model.user_id == user_id, model.session_id.in_(sessions)))
