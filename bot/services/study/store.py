"""Study rows: rooms, the help queue, joins and weekly plans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.db.engine import Database
from bot.db.models.study import StudyJoin, StudyPlan, StudyQueueEntry, StudyRoom
from bot.domain.study import Waiting


class StudyStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, row: StudyRoom | StudyPlan) -> Any:
        async with self._db.session() as session:
            session.add(row)
            await session.flush()
            session.expunge(row)
        return row

    async def room(self, room_id: int) -> StudyRoom | None:
        async with self._db.session() as session:
            row = await session.get(StudyRoom, room_id)
            if row is not None:
                session.expunge(row)
            return row

    async def update(self, room_id: int, **values: Any) -> None:
        async with self._db.session() as session:
            await session.execute(update(StudyRoom).where(StudyRoom.id == room_id).values(**values))

    async def open_rooms(self, guild_id: int | None = None, *, parent: int | None = None) -> Sequence[StudyRoom]:
        """Open rooms (of a guild, or the group rooms of one moment), oldest first."""
        query = select(StudyRoom).where(StudyRoom.status == "open")
        if guild_id is not None:
            query = query.where(StudyRoom.guild_id == guild_id)
        if parent is not None:
            query = query.where(StudyRoom.parent_id == parent)
        async with self._db.session() as session:
            rows = (await session.scalars(query.order_by(StudyRoom.id))).all()
            session.expunge_all()
            return rows

    async def open_count(self, guild_id: int) -> int:
        async with self._db.session() as session:
            return int(
                await session.scalar(
                    select(func.count()).where(StudyRoom.guild_id == guild_id, StudyRoom.status == "open")
                )
                or 0
            )

    async def room_of_channel(self, channel_id: int) -> StudyRoom | None:
        async with self._db.session() as session:
            row = (
                await session.scalars(
                    select(StudyRoom).where(
                        StudyRoom.status == "open",
                        (StudyRoom.text_id == channel_id) | (StudyRoom.voice_id == channel_id),
                    )
                )
            ).first()
            if row is not None:
                session.expunge(row)
            return row

    # -- joins --------------------------------------------------------------------------------------------

    async def join(self, room_id: int, user_id: int) -> bool:
        """True the first time this member joins this moment."""
        async with self._db.session() as session:
            if await session.get(StudyJoin, (room_id, user_id)) is not None:
                return False
            session.add(StudyJoin(room_id=room_id, user_id=user_id))
            return True

    async def forget_joins(self, room_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(delete(StudyJoin).where(StudyJoin.room_id == room_id))

    # -- the help queue -----------------------------------------------------------------------------------

    async def waiting(self, room_id: int) -> list[Waiting]:
        async with self._db.session() as session:
            rows = (
                await session.execute(
                    select(StudyQueueEntry.user_id, StudyQueueEntry.asked_at, StudyQueueEntry.id).where(
                        StudyQueueEntry.room_id == room_id, StudyQueueEntry.status == "waiting"
                    )
                )
            ).all()
        return [Waiting(user, at, seq) for user, at, seq in rows]

    async def enqueue(self, room_id: int, user_id: int, at: datetime) -> bool:
        """Add a waiting entry; False when this member already waits."""
        async with self._db.session() as session:
            found = await session.scalar(
                select(StudyQueueEntry.id).where(
                    StudyQueueEntry.room_id == room_id,
                    StudyQueueEntry.user_id == user_id,
                    StudyQueueEntry.status == "waiting",
                )
            )
            if found is not None:
                return False
            session.add(StudyQueueEntry(room_id=room_id, user_id=user_id, asked_at=at, status="waiting"))
            return True

    async def settle(self, room_id: int, user_id: int, status: str) -> bool:
        """Mark the member's waiting entry ``helped`` or ``left``; False when they were not waiting."""
        async with self._db.session() as session:
            result = await session.execute(
                update(StudyQueueEntry)
                .where(
                    StudyQueueEntry.room_id == room_id,
                    StudyQueueEntry.user_id == user_id,
                    StudyQueueEntry.status == "waiting",
                )
                .values(status=status)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def drop_queue(self, room_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(delete(StudyQueueEntry).where(StudyQueueEntry.room_id == room_id))

    # -- plans --------------------------------------------------------------------------------------------

    async def plan(self, plan_id: int) -> StudyPlan | None:
        async with self._db.session() as session:
            row = await session.get(StudyPlan, plan_id)
            if row is not None:
                session.expunge(row)
            return row

    async def plans(self, guild_id: int) -> Sequence[StudyPlan]:
        async with self._db.session() as session:
            rows = (
                await session.scalars(
                    select(StudyPlan).where(StudyPlan.guild_id == guild_id, StudyPlan.active).order_by(StudyPlan.id)
                )
            ).all()
            session.expunge_all()
            return rows

    async def end_plan(self, plan_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(update(StudyPlan).where(StudyPlan.id == plan_id).values(active=False))

    async def joined(self, room_id: int) -> list[int]:
        async with self._db.session() as session:
            return list((await session.scalars(select(StudyJoin.user_id).where(StudyJoin.room_id == room_id))).all())

    async def forget_person(self, guild_id: int, user_id: int) -> None:
        """``/vergeet-mij``: the person's joins and places in the help queue in this guild's study rooms."""
        rooms = select(StudyRoom.id).where(StudyRoom.guild_id == guild_id)
        async with self._db.session() as session:
            await session.execute(delete(StudyJoin).where(StudyJoin.user_id == user_id, StudyJoin.room_id.in_(rooms)))
            await session.execute(
                delete(StudyQueueEntry).where(StudyQueueEntry.user_id == user_id, StudyQueueEntry.room_id.in_(rooms))
            )
