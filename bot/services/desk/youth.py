"""The youth's side of the desk: a DM or the "Praat met ons" button, "stop", mentions after hours, welcome.

Order matters for safety: the youth's replies (help lines first when in crisis) go out before anything
is done in the staff thread, so a Discord hiccup on the team's side never delays them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.models import DeskConversation
from bot.domain.desk import ConversationStatus, Msg, YouthDecision, msg, welcome, when_params
from bot.domain.desk.config import is_stop
from bot.services.desk.core import DeskCore
from bot.services.desk.port import Button, MemberInfo
from bot.services.desk.spool import SPOOL_FILE, OutageSpool, Progress, Waiting
from bot.services.desk.store import new_conversation, put_state, state_of
from bot.services.desk.text import MAX_MESSAGE, MENTION_ROOM, UiKeys, pack

log = logging.getLogger("happymood.desk")

STORAGE_WAIT_SECONDS = 3.0  # how long a youth's first answer may wait for the database
RETRY_SECONDS = 5.0  # how often waiting DMs are retried when no new DM arrives
WAITING_MAX = 1000  # DMs kept while the database is away (oldest kept; newer ones logged at ERROR)


@dataclass(frozen=True)
class ContactOutcome:
    opened: bool
    blocked: bool
    dm_ok: bool


class YouthDesk:
    def __init__(self, core: DeskCore) -> None:
        self.core = core
        self._last_welcome: dict[int, datetime] = {}  # guild -> last channel welcome (in memory: a courtesy limit)
        # The waiting line lives in memory and, for a restart during an outage, in a file in the data dir.
        self._spool = OutageSpool(core.shared.settings.general.data_dir / SPOOL_FILE)
        self._waiting: deque[Waiting] = deque(self._spool.load())
        self._replay_lock = asyncio.Lock()
        self._retry: asyncio.Task[None] | None = None
        self._desk_gone_reported: dict[int, datetime] = {}  # guild -> last mod-log report (a courtesy limit)

    @property
    def waiting(self) -> int:
        """DMs received during a database outage and not yet delivered to the team."""
        return len(self._waiting)

    # -- a DM ------------------------------------------------------------------------------------------

    async def on_dm(self, user_id: int, text: str, attachments: Sequence[str] = ()) -> None:
        """A youth wrote to the bot in DM: answered at once, also when the database is away or slow.

        While the database cannot be reached within :data:`STORAGE_WAIT_SECONDS` (a crisis waits a sixth of
        it), the youth gets the answer that needs no stored state: the help lines for a crisis, else the normal
        first answer from cached settings (or "we got it" with the lines). The DM is kept in memory and
        delivered to the team, in order and counted once, as soon as storage is back.
        """
        progress = Progress()
        if self._waiting:
            await self.replay()
        if self._waiting:  # still away: keep the order, answer from memory
            await self._during_outage(user_id, text, attachments, progress)
            return
        # A crisis waits least: its first answer (the help lines) needs no stored state at all.
        wait = STORAGE_WAIT_SECONDS / 6 if self.core.hours.is_crisis(text) else STORAGE_WAIT_SECONDS
        try:
            async with asyncio.timeout(wait):
                await self._on_dm(user_id, text, attachments, progress)
        except Exception:
            log.error("desk: storage unavailable, youth answered from memory and DM queued", exc_info=True)
            await self._during_outage(user_id, text, attachments, progress)

    async def _during_outage(self, user_id: int, text: str, attachments: Sequence[str], progress: Progress) -> None:
        if not progress.answered and not self.core.hours.is_crisis(text):
            with contextlib.suppress(Exception):  # the normal first answer, from what is cached
                async with asyncio.timeout(STORAGE_WAIT_SECONDS / 3):
                    await self._first_answer_from_cache(user_id, text, progress)
        if not progress.answered:  # a crisis, or nothing cached: the answer that needs no state at all
            crisis = self.core.hours.is_crisis(text)
            key = UiKeys.OUTAGE_CRISIS if crisis else UiKeys.OUTAGE_RECEIVED
            for chunk in self.core.text.youth(msg(key, help_lines=self.core.help_lines())):
                await self.core.port.dm(user_id, chunk)
            progress.answered = True
        if is_stop(text) and not attachments:
            return  # nothing to relay; the youth can say stop again once we are back
        if len(self._waiting) >= WAITING_MAX:
            log.error("desk: outage queue full, a youth's DM could not be kept", extra={"waiting": len(self._waiting)})
            return
        self._waiting.append(Waiting(user_id, text, tuple(attachments), self.core.now(), progress))
        self._spool.save(self._waiting)
        self.resume()

    def resume(self) -> None:
        """Keep retrying the waiting DMs until they reach the team (at start-up: those of an earlier run)."""
        if self._waiting and (self._retry is None or self._retry.done()):
            self._retry = asyncio.create_task(self._retry_until_delivered())

    async def _retry_until_delivered(self) -> None:
        while self._waiting:
            await asyncio.sleep(RETRY_SECONDS)
            await self.replay()

    async def _first_answer_from_cache(self, user_id: int, text: str, progress: Progress) -> None:
        """What a new conversation would be told (opened, or the after-hours auto-reply), from cached settings."""
        guild_id = await self.core.resolve_guild(user_id)
        if guild_id is None:
            return
        policy = await self.core.hours.policy(guild_id)
        decision = policy.on_youth_message(self.core.now(), text, state_of(new_conversation(guild_id, user_id)))
        replies = list(decision.replies) or ([msg(UiKeys.OPENED)] if decision.open_thread else [])
        if replies:
            await self._send(user_id, replies, stop_button=decision.open_thread)
            progress.answered = True

    async def replay(self) -> int:
        """Deliver the DMs kept during an outage, oldest first; stops at the first that still fails."""
        done = 0
        async with self._replay_lock:
            while self._waiting:
                item = self._waiting[0]
                try:
                    async with asyncio.timeout(STORAGE_WAIT_SECONDS):
                        await self._on_dm(item.user_id, item.text, item.attachments, item.progress, during=item.at)
                except Exception:
                    log.error("desk: storage still unavailable, %d DM(s) waiting", len(self._waiting))
                    self._spool.save(self._waiting)  # how far the first one got
                    break
                self._waiting.popleft()
                self._spool.save(self._waiting)
                done += 1
        return done

    async def _on_dm(
        self,
        user_id: int,
        text: str,
        attachments: Sequence[str],
        progress: Progress,
        *,
        during: datetime | None = None,
    ) -> None:
        if is_stop(text) and not attachments:
            for chunk in self.core.text.youth(*await self.stop_all(user_id)):
                await self.core.port.dm(user_id, chunk)
            return
        guild_id = await self.core.resolve_guild(user_id)
        if guild_id is None:
            await self._report_missing_desks(user_id)
            unreachable = msg(UiKeys.UNREACHABLE, help_lines=self.core.help_lines())
            for chunk in self.core.text.youth(unreachable):
                await self.core.port.dm(user_id, chunk)
            progress.answered = True
            return
        await self.contact(guild_id, user_id, text, attachments, progress=progress, during=during)

    async def _report_missing_desks(self, user_id: int) -> None:
        """A youth could not reach the team because a configured staff desk is gone: tell the mod log (hourly)."""
        core = self.core
        for guild_id in await core.port.mutual_guilds(user_id):
            channels = (await core.shared.guild_config(guild_id)).channels
            if channels.staff_desk is None or await core.port.channel_exists(channels.staff_desk):
                continue
            log.error(
                "desk: the staff desk channel is gone; a youth could not reach the team", extra={"guild_id": guild_id}
            )
            last = self._desk_gone_reported.get(guild_id)
            if channels.mod_log is None or (last is not None and core.now() - last < timedelta(hours=1)):
                continue
            self._desk_gone_reported[guild_id] = core.now()
            await core.port.post(
                channels.mod_log, core.text.staff(msg(UiKeys.STAFF_DESK_GONE), await core.staff_lang(guild_id))
            )

    async def on_talk(self, user_id: int, guild_id: int | None) -> Msg:
        """The "Praat met ons" button (in the welcome channel or a DM); returns the ephemeral answer."""
        if guild_id is not None and await self.core.staff_desk(guild_id) is None:
            guild_id = None
        if guild_id is None:
            guild_id = await self.core.resolve_guild(user_id)
        if guild_id is None:
            return msg(UiKeys.UNREACHABLE, help_lines=self.core.help_lines())
        outcome = await self.contact(guild_id, user_id, "", (), via_button=True)
        if outcome.blocked:
            return msg(UiKeys.TALK_BLOCKED, help_lines=self.core.help_lines())
        if not outcome.dm_ok:
            return msg(UiKeys.TALK_DM_CLOSED, help_lines=self.core.help_lines())
        return msg(UiKeys.TALK_OPENED if outcome.opened else UiKeys.TALK_ALREADY_OPEN)

    async def contact(
        self,
        guild_id: int,
        user_id: int,
        text: str,
        attachments: Sequence[str],
        *,
        via_button: bool = False,
        progress: Progress | None = None,
        during: datetime | None = None,
    ) -> ContactOutcome:
        async with self.core.locks.hold((guild_id, user_id)):
            return await self._contact(guild_id, user_id, text, attachments, via_button, progress or Progress(), during)

    async def _contact(
        self,
        guild_id: int,
        user_id: int,
        text: str,
        attachments: Sequence[str],
        via_button: bool,
        progress: Progress,
        during: datetime | None,
    ) -> ContactOutcome:
        core = self.core
        now = core.now()
        policy = await core.hours.policy(guild_id)
        row = await core.store.conversation(guild_id, user_id) or new_conversation(guild_id, user_id)
        before = state_of(row)
        decision = policy.on_youth_message(now, text, before)

        stop_button = decision.open_thread and not decision.refuse_blocked
        replies = list(decision.replies)
        if stop_button and not replies:
            replies.append(msg(UiKeys.OPENED))
        dm_ok = True
        if not progress.answered:
            dm_ok = await self._send(user_id, replies, stop_button)
            progress.answered = True

        member = await core.port.member(guild_id, user_id)
        put_state(row, decision.apply(before))
        reaches_thread = decision.relay or bool(decision.staff_notes)
        if reaches_thread and not progress.relayed:
            await self._to_thread(row, member, decision, before.status, text, attachments, via_button, during)
            progress.relayed = True
        if reaches_thread and decision.after_hours:
            row.after_hours_count = (row.after_hours_count or 0) + 1
            row.first_after_hours_at = row.first_after_hours_at or now
            row.last_after_hours_at = now
        if decision.open_thread:
            row.closed_at = None
        row = await core.store.save(row)
        if decision.open_thread and before.status is ConversationStatus.CLOSED:
            await core.cancel_forget(row.id)
        if reaches_thread and decision.after_hours:
            await core.ensure_opening(guild_id)
        if decision.relay and not progress.counted:
            await core.record_contact(guild_id, member, decision.after_hours)
            progress.counted = True
        return ContactOutcome(opened=decision.open_thread, blocked=decision.refuse_blocked, dm_ok=dm_ok)

    async def _send(self, user_id: int, replies: Sequence[Msg], stop_button: bool) -> bool:
        chunks = [chunk for reply in replies for chunk in self.core.text.youth(reply)]
        button = Button("stop", label=self.core.text.label(msg(UiKeys.BUTTON_STOP))) if stop_button else None
        ok = True
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            ok = await self.core.port.dm(user_id, chunk, button=button if last else None) and ok
        return ok

    async def _to_thread(
        self,
        row: DeskConversation,
        member: MemberInfo | None,
        decision: YouthDecision,
        previous: ConversationStatus,
        text: str,
        attachments: Sequence[str],
        via_button: bool,
        during: datetime | None = None,
    ) -> None:
        core = self.core
        guild_id = row.guild_id
        lang = await core.staff_lang(guild_id)
        name = member.display_name if member else str(row.user_id)
        reopening = decision.open_thread and previous is ConversationStatus.CLOSED
        if row.thread_id is not None and reopening and not await core.port.edit_thread(row.thread_id, archived=False):
            row.thread_id = None
        if row.thread_id is None:
            row.thread_id = await core.create_thread(guild_id, name, row.urgent)
            if row.thread_id is None:
                return
        elif decision.mark_urgent:
            await core.set_urgent(guild_id, row.thread_id, True)

        notes = [core.text.staff(note, lang) for note in decision.staff_notes]
        if during is not None:
            tz = (await core.hours.office_hours(guild_id)).tz
            notes.insert(0, core.text.staff(msg(UiKeys.STAFF_DURING_OUTAGE, **when_params("at", during, tz)), lang))
        if decision.open_thread and previous is ConversationStatus.CLOSED:
            notes.insert(0, core.text.staff(msg(UiKeys.STAFF_REOPENED), lang))
        role = await core.outreacher_role(guild_id) if decision.notify_staff else None
        posts: list[tuple[str, int | None]] = [("\n".join(notes), role)] if notes or role else []
        if decision.relay:
            posts += [
                (chunk, None) for chunk in self._relay_text(lang, decision.after_hours, text, attachments, via_button)
            ]
        if not await self._post_all(row.thread_id, posts):  # the thread was deleted or is out of reach
            log.error("desk thread gone, opening a new one", extra={"guild_id": guild_id, "thread_id": row.thread_id})
            row.thread_id = await core.create_thread(guild_id, name, row.urgent)
            if row.thread_id is None:
                log.error(
                    "desk: no thread could be opened, a youth's message is not relayed", extra={"guild_id": guild_id}
                )
                return
            gone = core.text.staff(msg(UiKeys.STAFF_THREAD_REPLACED), lang)
            await self._post_all(row.thread_id, [(gone, role), *((text_, None) for text_, _ in posts)])

    async def _post_all(self, thread_id: int, posts: Sequence[tuple[str, int | None]]) -> bool:
        """Post in order; False when the first post did not arrive (so nothing is half-posted in a dead thread)."""
        for index, (text, role) in enumerate(posts):
            posted = await self.core.port.post(thread_id, text, ping_role=role)
            if posted is None and index == 0:
                return False
        return True

    def _relay_text(
        self, lang: str, after_hours: bool, text: str, attachments: Sequence[str], via_button: bool
    ) -> list[str]:
        if via_button:
            return [self.core.text.staff(msg(UiKeys.RELAY_BUTTON), lang)]
        body = "\n".join([self.core.port.escape(text), *attachments]).strip()
        key = UiKeys.RELAY_AFTER_HOURS if after_hours else UiKeys.RELAY_OPEN
        return pack([self.core.text.staff(msg(key, text=body), lang)])

    # -- ending the conversation -----------------------------------------------------------------------

    async def stop_all(self, user_id: int) -> list[Msg]:
        """ "stop" in a DM: the conversation, then what other features hooked in (``core.stop_hooks``)."""
        desk = await self.stop(user_id)
        others = []
        for hook in self.core.stop_hooks.values():
            try:
                stopped = await hook(user_id)
            except Exception:
                log.exception("desk: a stop hook failed")
                continue
            if stopped is not None:
                others.append(stopped)
        return others if others and desk.key == UiKeys.NOTHING_TO_STOP else [desk, *others]

    async def stop(self, user_id: int) -> Msg:
        """The youth ends every open conversation (button or "stop"); returns what they are told."""
        core = self.core
        stopped = False
        for guild_id in await core.store.guilds_with_conversations(user_id):
            async with core.locks.hold((guild_id, user_id)):
                row = await core.store.conversation(guild_id, user_id)
                if row is None or row.status != ConversationStatus.OPEN.value:
                    continue
                row.status = ConversationStatus.CLOSED.value
                row.closed_at = core.now()
                row = await core.store.save(row)
                if row.thread_id is not None:
                    lang = await core.staff_lang(guild_id)
                    await core.port.post(row.thread_id, core.text.staff(msg(UiKeys.STAFF_YOUTH_STOPPED), lang))
                    await core.port.edit_thread(row.thread_id, archived=True)
                await core.plan_forget(row)
                stopped = True
        return msg(UiKeys.STOPPED if stopped else UiKeys.NOTHING_TO_STOP)

    # -- the server ------------------------------------------------------------------------------------

    async def on_public_crisis(self, guild_id: int, user_id: int, channel_id: int, message_id: int) -> None:
        """A youth wrote crisis words in a server channel: help lines privately at once, any hour; the team is told.

        The youth's words are never repeated (not to the channel, not to the team): the staff desk gets a link.
        """
        core = self.core
        lines = core.help_lines()
        sent = True
        for chunk in core.text.youth(msg(UiKeys.PUBLIC_CRISIS_DM, help_lines=lines)):
            sent = await core.port.dm(user_id, chunk) and sent
        if not sent:  # DMs closed: a short public reply, without their words
            for index, chunk in enumerate(core.text.youth(msg(UiKeys.PUBLIC_CRISIS_REPLY, help_lines=lines))):
                await core.port.post(channel_id, chunk, reply_to=message_id if index == 0 else None)
        desk = await core.staff_desk(guild_id)
        if desk is None:
            log.error("desk: crisis words in a channel and no staff desk to tell", extra={"guild_id": guild_id})
            return
        policy = await core.hours.policy(guild_id)
        role = await core.outreacher_role(guild_id) if policy.hours.is_open(core.now()) else None
        link = f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
        notice = msg(UiKeys.STAFF_PUBLIC_CRISIS, user=f"<@{user_id}>", link=link, dm="✅" if sent else "❌")
        await core.port.post(desk, core.text.staff(notice, await core.staff_lang(guild_id)), ping_role=role)

    async def on_mention(self, guild_id: int, user_id: int, channel_id: int, message_id: int) -> bool:
        """A youth mentioned an outreacher (or the role); after hours they get one short reply per night."""
        core = self.core
        policy = await core.hours.policy(guild_id)
        now = core.now()
        if not policy.on_mention_after_hours(now, await core.store.mention_period(guild_id, user_id)):
            return False
        period = policy.hours.closed_period_id(now)
        assert period is not None
        await core.store.mark_mention(guild_id, user_id, period)
        for index, chunk in enumerate(core.text.youth(policy.mention_reply(now))):
            await core.port.post(channel_id, chunk, reply_to=message_id if index == 0 else None)
        await core.ensure_opening(guild_id)
        return True

    async def welcome_member(self, guild_id: int, user_id: int) -> None:
        """On join: who we are, house rules, hours, what is recorded, help lines, and the button."""
        core = self.core
        member = await core.port.member(guild_id, user_id)
        if member is None or member.person.is_bot:
            return
        mode, _ = await core.options(guild_id)
        if mode == "off":
            return
        chunks = await self.welcome_chunks(guild_id)
        button = self.talk_button()
        if mode == "dm":
            sent = True
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                sent = await core.port.dm(user_id, chunk, button=button if last else None) and sent
            if sent:
                return
        channel = (await core.shared.guild_config(guild_id)).channels.welcome
        if channel is None or self._welcomed_recently(guild_id):
            return
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await core.port.post(
                channel, chunk, ping_user=user_id if index == 0 else None, button=button if last else None
            )

    def _welcomed_recently(self, guild_id: int) -> bool:
        """True within ``welcome_min_interval_seconds`` of the last channel welcome (the newcomer sees that one)."""
        now = self.core.now()
        last = self._last_welcome.get(guild_id)
        if last is not None and now - last < timedelta(seconds=self.core.config.welcome_min_interval_seconds):
            return True
        self._last_welcome[guild_id] = now
        return False

    async def welcome_chunks(self, guild_id: int | None) -> list[str]:
        policy = await self.core.hours.policy(guild_id)
        return self.core.text.youth(welcome(policy.hours, policy.help_lines), limit=MAX_MESSAGE - MENTION_ROOM)

    def talk_button(self) -> Button:
        return Button("talk", label=self.core.text.label(msg(UiKeys.BUTTON_TALK)))
