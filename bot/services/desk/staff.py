"""The team's side: replies in the thread reach the youth by DM — or wait for the next opening.

A reply written after hours is held *by reference*: only the thread message's id is stored. At opening
(or on "send now — urgent") the message is fetched from Discord and delivered; if the worker deleted it
meanwhile nothing is sent, and an edit made before then is what goes out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.db.models import DeskConversation, DeskHeldReply
from bot.domain.desk import Msg, StaffDecision, msg, referral_reply, signature
from bot.domain.desk.config import is_note
from bot.domain.desk.messages import Keys
from bot.domain.referrals import ReferralDirectory
from bot.scheduling import Job
from bot.services.desk.core import DeskCore, DeskInputError
from bot.services.desk.port import Button
from bot.services.desk.text import MAX_MESSAGE, UiKeys, pack

log = logging.getLogger("happymood.desk")

DELIVERED = "✅"
HELD = "🌙"


class StaffDesk:
    def __init__(self, core: DeskCore) -> None:
        self.core = core
        self.directory = ReferralDirectory.from_config(core.shared.settings.referrals)

    async def conversation_in(self, thread_id: int) -> DeskConversation:
        row = await self.core.store.by_thread(thread_id)
        if row is None:
            raise DeskInputError(UiKeys.ERR_NOT_THREAD)
        return row

    # -- a worker writes in the thread -----------------------------------------------------------------

    async def on_thread_message(
        self,
        guild_id: int,
        thread_id: int,
        message_id: int,
        author_id: int,
        content: str,
        attachments: Sequence[str] = (),
    ) -> None:
        core = self.core
        if is_note(content, core.config.note_prefixes) or not (content.strip() or attachments):
            return
        row = await core.store.by_thread(thread_id)
        if row is None or row.guild_id != guild_id:
            return
        if not await core.is_staff(guild_id, await core.port.member(guild_id, author_id)):
            return
        policy = await core.hours.policy(guild_id)
        decision = policy.on_staff_reply(core.now())
        if decision.deliver_now:
            await self._deliver_text(row, message_id, author_id, content, attachments)
            return
        await self._hold(row, decision, message_id=message_id, reply_to=message_id)

    async def _hold(
        self,
        row: DeskConversation,
        decision: StaffDecision,
        *,
        message_id: int | None = None,
        municipality: str | None = None,
        reply_to: int | None = None,
    ) -> Msg | None:
        core = self.core
        assert row.thread_id is not None
        held = await core.store.hold(
            row, message_id=message_id, municipality=municipality, hold_until=decision.hold_until, now=core.now()
        )
        await core.schedule_delivery(row.guild_id, held.id, decision.hold_until)
        lang = await core.staff_lang(row.guild_id)
        if decision.worker_notice is not None:
            label = core.text.staff(msg(UiKeys.BUTTON_SEND_NOW), lang)
            notice = await core.port.post(
                row.thread_id,
                core.text.staff(decision.worker_notice, lang),
                reply_to=reply_to,
                button=Button("send_now", held.id, label),
            )
            await core.store.set_notice(held.id, notice)
        if message_id is not None:
            await core.port.react(row.thread_id, message_id, HELD)
        return decision.worker_notice

    # -- delivery ----------------------------------------------------------------------------------------

    async def _deliver_text(
        self, row: DeskConversation, message_id: int | None, author_id: int, content: str, attachments: Sequence[str]
    ) -> bool:
        core = self.core
        assert row.thread_id is not None
        _, first_names = await core.options(row.guild_id)
        author = await core.port.member(row.guild_id, author_id)
        sign = self._signature(signature(first_names, author.display_name if author else None))
        body = pack(["\n".join([content.strip(), *attachments]).strip()], MAX_MESSAGE - len(sign) - 2)
        chunks = [*body[:-1], f"{body[-1]}\n\n{sign}"] if body else [sign]
        ok = True
        for chunk in chunks:
            ok = await core.port.dm(row.user_id, chunk) and ok
        await self._after_delivery(row, message_id, ok)
        return ok

    def _signature(self, sign: Msg) -> str:
        nl, en = (self.core.text.one(sign, lang) for lang in ("nl", "en"))
        return nl if nl == en else f"{nl} / {en}"

    async def _deliver_card(self, row: DeskConversation, municipality: str, actor_id: int | None) -> bool:
        core = self.core
        assert row.thread_id is not None
        ok = True
        for chunk in core.text.youth(referral_reply(self.directory, municipality)):
            ok = await core.port.dm(row.user_id, chunk) and ok
        lang = await core.staff_lang(row.guild_id)
        worker = f"<@{actor_id}>" if actor_id else "—"
        note = UiKeys.STAFF_REFERRAL_SENT if ok else UiKeys.STAFF_DM_FAILED
        await core.port.post(row.thread_id, core.text.staff(msg(note, municipality=municipality, worker=worker), lang))
        if ok and row.urgent:
            await self._clear_urgent(row)
        return ok

    async def _after_delivery(self, row: DeskConversation, message_id: int | None, ok: bool) -> None:
        core = self.core
        assert row.thread_id is not None
        if not ok:
            lang = await core.staff_lang(row.guild_id)
            await core.port.post(row.thread_id, core.text.staff(msg(UiKeys.STAFF_DM_FAILED), lang))
            return
        if message_id is not None:
            await core.port.react(row.thread_id, message_id, DELIVERED)
        if row.urgent:
            await self._clear_urgent(row)

    async def _clear_urgent(self, row: DeskConversation) -> None:
        """A worker answered: the thread is no longer waiting for the first worker on duty."""
        core = self.core
        async with core.locks.hold((row.guild_id, row.user_id)):
            fresh = await core.store.by_id(row.id)
            if fresh is None or not fresh.urgent:
                return
            fresh.urgent = False
            await core.store.save(fresh)
        if row.thread_id is not None:
            await core.set_urgent(row.guild_id, row.thread_id, False)

    async def deliver_held(self, held_id: int, *, actor_id: int | None = None, in_job: bool = False) -> bool:
        """Send one held reply now (at opening, or on "send now"); False when it was gone."""
        core = self.core
        held = await core.store.take_held(held_id)
        if held is None:
            return False
        if not in_job:  # a running action is retired by the scheduler itself
            await core.schedule_delivery(held.guild_id, held_id, None)
        row = await core.store.by_id(held.conversation_id)
        if row is None or row.thread_id is None:
            return False
        lang = await core.staff_lang(row.guild_id)
        sent = await self._deliver_reference(row, held, actor_id)
        if held.notice_id is not None:
            key = UiKeys.STAFF_HELD_SENT if sent else UiKeys.STAFF_HELD_GONE
            await core.port.clear_buttons(row.thread_id, held.notice_id, core.text.staff(msg(key), lang))
        return sent

    async def _deliver_reference(self, row: DeskConversation, held: DeskHeldReply, actor_id: int | None) -> bool:
        if held.municipality is not None:
            return await self._deliver_card(row, held.municipality, actor_id)
        if held.message_id is None or row.thread_id is None:
            return False
        fetched = await self.core.port.fetch(row.thread_id, held.message_id)
        if fetched is None:
            log.info("held desk reply was deleted before delivery", extra={"guild_id": row.guild_id})
            return False
        return await self._deliver_text(
            row, held.message_id, fetched.author_id, fetched.content, fetched.attachment_urls
        )

    async def on_deliver_job(self, job: Job) -> None:
        await self.deliver_held(int(job.payload["held_id"]), in_job=True)

    # -- "send now — urgent" -----------------------------------------------------------------------------

    async def send_now(self, held_ids: Sequence[int], actor_id: int) -> Msg:
        """Deliver held replies at once; after hours this is an override, logged without content."""
        core = self.core
        rows = [held for held_id in held_ids if (held := await core.store.held(held_id)) is not None]
        if not rows:
            return msg(UiKeys.REPLY_NOTHING_HELD)
        guild_id, thread_id = rows[0].guild_id, rows[0].thread_id
        decision = (await core.hours.policy(guild_id)).on_staff_reply(core.now(), urgent_override=True)
        sent = 0
        for held in rows:
            sent += await self.deliver_held(held.id, actor_id=actor_id)
        if decision.log_override and decision.log_line is not None and sent:
            log.warning("desk reply sent after hours as urgent", extra={"guild_id": guild_id, "thread_id": thread_id})
            line = decision.log_line.with_params(worker=f"<@{actor_id}>", thread_id=thread_id)
            await core.port.post(thread_id, core.text.staff(line, await core.staff_lang(guild_id)))
        if not sent:
            return msg(UiKeys.REPLY_NOTHING_HELD)
        return decision.worker_notice or msg(UiKeys.REPLY_SENT_NOW, count=sent)

    async def send_now_in_thread(self, thread_id: int, actor_id: int) -> Msg:
        await self.conversation_in(thread_id)
        return await self.send_now([held.id for held in await self.core.store.held_in_thread(thread_id)], actor_id)

    # -- referrals ----------------------------------------------------------------------------------------

    def municipalities(self, typed: str, limit: int = 25) -> list[str]:
        """Autocomplete: municipality names containing what was typed (best guesses for a typo)."""
        names = self.directory.municipalities()
        needle = typed.strip().casefold()
        hits = [name for name in names if needle in name.casefold()] if needle else names
        return (hits or self.directory.suggest(typed, n=limit))[:limit]

    async def refer(self, thread_id: int, query: str, actor_id: int) -> Msg:
        """Send (or hold until opening) the municipality's card; a typo gets suggestions, nothing is sent."""
        core = self.core
        row = await self.conversation_in(thread_id)
        hit = self.directory.lookup(query)
        if hit is None:
            return referral_reply(self.directory, query)
        decision = (await core.hours.policy(row.guild_id)).on_staff_reply(core.now())
        if decision.deliver_now:
            await self._deliver_card(row, hit.municipality, actor_id)
            return msg(UiKeys.REPLY_REFERRAL_SENT, municipality=hit.municipality)
        notice = await self._hold(row, decision, municipality=hit.municipality)
        return notice or msg(Keys.STAFF_HELD_NO_DATE)
