"""Storage of the desk: conversation rows, held replies by reference, mention marks (no text anywhere)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select

from bot.db.engine import Database
from bot.db.models import DeskConversation, DeskHeldReply, DeskMentionMark
from bot.domain.desk import ConversationState, ConversationStatus, WaitingConversation


def state_of(row: DeskConversation) -> ConversationState:
    return ConversationState(
        status=ConversationStatus(row.status),
        blocked_until=row.blocked_until,
        last_autoreply_period=row.last_autoreply_period,
        last_crisis_period=row.last_crisis_period,
        last_refusal_period=row.last_refusal_period,
        urgent=row.urgent,
        welcomed=row.welcomed,
    )


def put_state(row: DeskConversation, state: ConversationState) -> None:
    row.status = state.status.value
    row.blocked_until = state.blocked_until
    row.last_autoreply_period = state.last_autoreply_period
    row.last_crisis_period = state.last_crisis_period
    row.last_refusal_period = state.last_refusal_period
    row.urgent = state.urgent
    row.welcomed = state.welcomed


def new_conversation(guild_id: int, user_id: int) -> DeskConversation:
    row = DeskConversation(guild_id=guild_id, user_id=user_id, after_hours_count=0)
    put_state(row, ConversationState())
    return row


def waiting_of(row: DeskConversation) -> WaitingConversation | None:
    if row.thread_id is None or row.first_after_hours_at is None or row.last_after_hours_at is None:
        return None
    return WaitingConversation(
        thread_id=row.thread_id,
        after_hours_messages=row.after_hours_count,
        urgent=row.urgent,
        first_message_at=row.first_after_hours_at,
        last_message_at=row.last_after_hours_at,
    )


class DeskStore:
    """Loads and saves desk rows; callers get detached objects and hand them back to :meth:`save`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- conversations ---------------------------------------------------------------------------------

    async def conversation(self, guild_id: int, user_id: int) -> DeskConversation | None:
        async with self._db.session() as session:
            return await session.scalar(
                select(DeskConversation).where(
                    DeskConversation.guild_id == guild_id, DeskConversation.user_id == user_id
                )
            )

    async def by_thread(self, thread_id: int) -> DeskConversation | None:
        async with self._db.session() as session:
            return await session.scalar(select(DeskConversation).where(DeskConversation.thread_id == thread_id))

    async def by_id(self, conversation_id: int) -> DeskConversation | None:
        async with self._db.session() as session:
            return await session.get(DeskConversation, conversation_id)

    async def save(self, row: DeskConversation) -> DeskConversation:
        async with self._db.session() as session:
            merged = await session.merge(row)
            await session.flush()
            return merged

    async def with_after_hours(self, guild_id: int) -> Sequence[DeskConversation]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(DeskConversation).where(
                    DeskConversation.guild_id == guild_id, DeskConversation.after_hours_count > 0
                )
            )
            return rows.all()

    async def reset_after_hours(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        async with self._db.session() as session:
            for row in (await session.scalars(select(DeskConversation).where(DeskConversation.id.in_(ids)))).all():
                row.after_hours_count = 0
                row.first_after_hours_at = None
                row.last_after_hours_at = None

    async def delete_conversation(self, conversation_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(delete(DeskHeldReply).where(DeskHeldReply.conversation_id == conversation_id))
            await session.execute(delete(DeskConversation).where(DeskConversation.id == conversation_id))

    async def guilds_with_conversations(self, user_id: int) -> list[int]:
        async with self._db.session() as session:
            rows = await session.scalars(select(DeskConversation.guild_id).where(DeskConversation.user_id == user_id))
            return sorted(set(rows.all()))

    # -- held replies ----------------------------------------------------------------------------------

    async def hold(
        self,
        conv: DeskConversation,
        *,
        message_id: int | None,
        municipality: str | None,
        hold_until: datetime | None,
        now: datetime,
    ) -> DeskHeldReply:
        assert conv.thread_id is not None
        row = DeskHeldReply(
            guild_id=conv.guild_id,
            conversation_id=conv.id,
            thread_id=conv.thread_id,
            message_id=message_id,
            municipality=municipality,
            hold_until=hold_until,
            created_at=now,
        )
        async with self._db.session() as session:
            session.add(row)
            await session.flush()
        return row

    async def set_notice(self, held_id: int, notice_id: int | None) -> None:
        async with self._db.session() as session:
            row = await session.get(DeskHeldReply, held_id)
            if row is not None:
                row.notice_id = notice_id

    async def held(self, held_id: int) -> DeskHeldReply | None:
        async with self._db.session() as session:
            return await session.get(DeskHeldReply, held_id)

    async def held_in_thread(self, thread_id: int) -> Sequence[DeskHeldReply]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(DeskHeldReply).where(DeskHeldReply.thread_id == thread_id).order_by(DeskHeldReply.id)
            )
            return rows.all()

    async def held_in_guild(self, guild_id: int) -> Sequence[DeskHeldReply]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(DeskHeldReply).where(DeskHeldReply.guild_id == guild_id).order_by(DeskHeldReply.id)
            )
            return rows.all()

    async def take_held(self, held_id: int) -> DeskHeldReply | None:
        """Remove and return a held reply (None if another path already took it)."""
        async with self._db.session() as session:
            row = await session.get(DeskHeldReply, held_id)
            if row is None:
                return None
            await session.delete(row)
            return row

    async def reschedule_held(self, held_id: int, hold_until: datetime | None) -> None:
        async with self._db.session() as session:
            row = await session.get(DeskHeldReply, held_id)
            if row is not None:
                row.hold_until = hold_until

    # -- mention marks ---------------------------------------------------------------------------------

    async def mention_period(self, guild_id: int, user_id: int) -> str | None:
        async with self._db.session() as session:
            row = await session.get(DeskMentionMark, (guild_id, user_id))
            return None if row is None else row.period

    async def mark_mention(self, guild_id: int, user_id: int, period: str) -> None:
        async with self._db.session() as session:
            row = await session.get(DeskMentionMark, (guild_id, user_id))
            if row is None:
                session.add(DeskMentionMark(guild_id=guild_id, user_id=user_id, period=period))
            else:
                row.period = period

    async def clear_mentions(self, guild_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(delete(DeskMentionMark).where(DeskMentionMark.guild_id == guild_id))

    # -- forget-me -------------------------------------------------------------------------------------

    async def forget_user(self, guild_id: int, user_id: int) -> list[int]:
        """Delete everything about one youth in one guild; returns the removed conversation ids."""
        async with self._db.session() as session:
            ids = list(
                (
                    await session.scalars(
                        select(DeskConversation.id).where(
                            DeskConversation.guild_id == guild_id, DeskConversation.user_id == user_id
                        )
                    )
                ).all()
            )
            if ids:
                await session.execute(delete(DeskHeldReply).where(DeskHeldReply.conversation_id.in_(ids)))
                await session.execute(delete(DeskConversation).where(DeskConversation.id.in_(ids)))
            await session.execute(
                delete(DeskMentionMark).where(DeskMentionMark.guild_id == guild_id, DeskMentionMark.user_id == user_id)
            )
        return ids
