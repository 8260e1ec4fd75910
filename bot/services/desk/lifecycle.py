"""A conversation's life: close, reopen, block; the opening digest; forgetting the link after retention."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.db.models import DeskConversation
from bot.domain.desk import ConversationStatus, Msg, Param, msg, when_params
from bot.domain.desk.config import ends_at, parse_duration
from bot.domain.errors import typed
from bot.scheduling import Job
from bot.services.desk.core import DELIVER, OPENING, DeskCore, DeskInputError
from bot.services.desk.store import waiting_of
from bot.services.desk.text import UiKeys, pack

log = logging.getLogger("happymood.desk")

Change = Callable[[DeskConversation], Awaitable[None]]


class DeskLifecycle:
    def __init__(self, core: DeskCore) -> None:
        self.core = core

    async def _change(self, thread_id: int, change: Change) -> DeskConversation:
        """Load the thread's conversation under its lock, apply ``change`` and store it."""
        core = self.core
        row = await core.store.by_thread(thread_id)
        if row is None:
            raise DeskInputError(UiKeys.ERR_NOT_THREAD)
        async with core.locks.hold((row.guild_id, row.user_id)):
            fresh = await core.store.by_thread(thread_id)
            if fresh is None:
                raise DeskInputError(UiKeys.ERR_NOT_THREAD)
            await change(fresh)
            return await core.store.save(fresh)

    async def _note(self, row: DeskConversation, key: str, **params: Param) -> None:
        assert row.thread_id is not None
        lang = await self.core.staff_lang(row.guild_id)
        await self.core.port.post(row.thread_id, self.core.text.staff(msg(key, **params), lang))

    # -- staff commands in a desk thread -----------------------------------------------------------------

    async def close(self, thread_id: int, actor_id: int) -> Msg:
        core = self.core

        async def closing(row: DeskConversation) -> None:
            row.status = ConversationStatus.CLOSED.value
            row.closed_at = core.now()
            row.urgent = False

        row = await self._change(thread_id, closing)
        await self._note(row, UiKeys.STAFF_CLOSED, worker=f"<@{actor_id}>", days=core.config.link_retention_days)
        await core.set_urgent(row.guild_id, thread_id, False)
        await core.port.edit_thread(thread_id, archived=True)
        await core.plan_forget(row)
        return msg(UiKeys.REPLY_CLOSED)

    async def reopen(self, thread_id: int, actor_id: int) -> Msg:
        core = self.core

        async def reopening(row: DeskConversation) -> None:
            row.status = ConversationStatus.OPEN.value
            row.closed_at = None

        row = await self._change(thread_id, reopening)
        await core.cancel_forget(row.id)
        await core.port.edit_thread(thread_id, archived=False)
        await self._note(row, UiKeys.STAFF_REOPENED_BY, worker=f"<@{actor_id}>")
        return msg(UiKeys.REPLY_REOPENED)

    async def block(self, thread_id: int, duration: str, actor_id: int) -> Msg:
        core = self.core
        try:
            length = parse_duration(duration)
        except ValueError:
            raise DeskInputError(UiKeys.ERR_DURATION, value=typed(duration)) from None
        if length > timedelta(days=core.config.max_block_days):
            raise DeskInputError(UiKeys.ERR_DURATION_TOO_LONG, value=typed(duration), days=core.config.max_block_days)
        until = core.now() + length

        async def blocking(row: DeskConversation) -> None:
            nonlocal until  # whole days end at the same local time: the guild's zone is known from the row
            until = ends_at(core.now(), length, (await core.hours.office_hours(row.guild_id)).tz)
            row.blocked_until = until

        row = await self._change(thread_id, blocking)
        await core.plan_forget(row)
        hours = await core.hours.office_hours(row.guild_id)
        stamp = when_params("until", until, hours.tz)
        await self._note(row, UiKeys.STAFF_BLOCKED, worker=f"<@{actor_id}>", **stamp)
        log.info("desk conversation blocked", extra={"guild_id": row.guild_id, "thread_id": thread_id})
        return msg(UiKeys.REPLY_BLOCKED, **stamp)

    async def unblock(self, thread_id: int, actor_id: int) -> Msg:
        async def unblocking(row: DeskConversation) -> None:
            row.blocked_until = None

        row = await self._change(thread_id, unblocking)
        await self.core.plan_forget(row)
        await self._note(row, UiKeys.STAFF_UNBLOCKED, worker=f"<@{actor_id}>")
        return msg(UiKeys.REPLY_UNBLOCKED)

    # -- scheduled work --------------------------------------------------------------------------------

    async def on_opening(self, job: Job) -> None:
        """At opening: the digest of conversations that waited (no text, urgent first), rebuilt from the DB."""
        core = self.core
        guild_id = int(job.payload["guild_id"])
        policy = await core.hours.policy(guild_id)
        rows = await core.store.with_after_hours(guild_id)
        waiting = [entry for row in rows if (entry := waiting_of(row)) is not None]
        digest = policy.opening_digest(waiting, job.due_at)
        desk = await core.staff_desk(guild_id)
        if not digest.is_empty and desk is not None:
            lang = await core.staff_lang(guild_id)
            for chunk in pack(["\n".join(core.text.staff(line, lang) for line in digest.messages())]):
                await core.port.post(desk, chunk)
            log.info("desk opening digest", extra={"guild_id": guild_id, "conversations": len(digest.entries)})
        await core.store.reset_after_hours([row.id for row in rows])
        await core.store.clear_mentions(guild_id)

    async def on_forget(self, job: Job) -> None:
        """Retention over: delete the thread↔youth link (``plan_forget`` put the date after any block)."""
        core = self.core
        conversation_id = int(job.payload["conversation_id"])
        row = await core.store.by_id(conversation_id)
        if row is None or row.status != ConversationStatus.CLOSED.value:
            return
        if row.blocked_until is not None and row.blocked_until > core.now():
            return  # a block set meanwhile planned its own, later forget
        await self._drop(row.guild_id, [conversation_id], in_job=True)

    async def _drop(self, guild_id: int, conversation_ids: list[int], *, in_job: bool = False) -> None:
        core = self.core
        for held in await core.store.held_in_guild(guild_id):
            if held.conversation_id in conversation_ids:
                await core.shared.scheduler.cancel(key=f"{DELIVER}:{held.id}")
        for conversation_id in conversation_ids:
            await core.store.delete_conversation(conversation_id)
            if not in_job:  # a running action is retired by the scheduler itself
                await core.cancel_forget(conversation_id)

    async def forget_user(self, guild_id: int, user_id: int) -> None:
        """Forget-me: every desk row about this youth in this guild, and their pending work."""
        core = self.core
        row = await core.store.conversation(guild_id, user_id)
        if row is not None:
            await self._drop(guild_id, [row.id])
        await core.store.forget_user(guild_id, user_id)

    async def reschedule(self, guild_id: int) -> None:
        """Hours changed: move the opening action and every held reply to the new next opening."""
        core = self.core
        hours = await core.hours.office_hours(guild_id)
        opening = hours.next_opening(core.now())
        if await core.shared.scheduler.pending(OPENING, guild_id=guild_id):
            await core.shared.scheduler.cancel(key=f"{OPENING}:{guild_id}")
            await core.ensure_opening(guild_id)
        for held in await core.store.held_in_guild(guild_id):
            await core.store.reschedule_held(held.id, opening)
            await core.schedule_delivery(guild_id, held.id, opening)
