"""In the room: the anonymous question box and the three-faces feedback.

A question goes to the team's channel with Approve / Reject; the database keeps only *that it exists*
(session, where the team's post is, pending/approved/rejected) — never who asked, never the text. The
per-youth limit lives in memory only, as the field report asks. Feedback keeps totals; who voted is kept
only to allow one vote each, and deleted when voting closes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.clock import Clock
from bot.domain.guild_config import Access, GuildConfig
from bot.domain.sessions import SessionsConfig
from bot.scheduling import Job, Scheduler
from bot.services.sessions.port import FACE_BUTTONS, FACES, Button, SessionsPort
from bot.services.sessions.store import SessionStore
from bot.services.sessions.text import SessionText

FORGET_VOTERS = "sessions.feedback_close"
QUESTION_MAX = 500


class RoomTools:
    def __init__(
        self,
        store: SessionStore,
        port: SessionsPort,
        text: SessionText,
        scheduler: Scheduler,
        clock: Clock,
        config: SessionsConfig,
        guild_config: Callable[[int], Awaitable[GuildConfig]],
    ) -> None:
        self.store, self.port, self.text = store, port, text
        self.scheduler, self.clock, self.config = scheduler, clock, config
        self._guild_config = guild_config
        self._asked: Counter[tuple[int, int]] = Counter()

    def register(self) -> None:
        self.scheduler.register(FORGET_VOTERS, self._on_forget)

    # -- questions ------------------------------------------------------------------------------------------

    async def ask(self, guild_id: int, session_id: int, user_id: int, question: str) -> str:
        """A youth's anonymous question (``question`` already escaped); returns the youth-facing answer."""
        row = await self.store.get(session_id)
        if row is None or row.guild_id != guild_id or row.status != "open":
            return self.text.youth(["sessions.ask.closed"])
        if self._asked[(session_id, user_id)] >= self.config.question_limit:
            return self.text.youth(["sessions.ask.limit"], limit=self.config.question_limit)
        cleaned = question.strip()[:QUESTION_MAX]
        core = await self._guild_config(guild_id)
        if not cleaned or core.channels.staff_desk is None:
            return self.text.youth(["sessions.ask.unavailable"])
        question_id = await self.store.add_question(session_id)
        lang = core.language or "nl"
        header = self.text.render("sessions.q.header", lang, kind=row.kind, theme=row.theme, id=question_id)
        message_id = await self.port.post_question(core.channels.staff_desk, question_id, header, cleaned)
        if message_id is None:
            await self.store.set_question(question_id, status="failed")
            return self.text.youth(["sessions.ask.unavailable"])
        await self.store.set_question(question_id, channel_id=core.channels.staff_desk, message_id=message_id)
        self._asked[(session_id, user_id)] += 1
        return self.text.youth(["sessions.ask.sent"])

    async def decide(self, guild_id: int, question_id: int, approve: bool, staff_name: str) -> str:
        """Approve (post it in the room, without a name) or reject; returns a catalog key for the team."""
        question = await self.store.question(question_id)
        if question is None or question.status != "pending" or question.message_id is None:
            return "sessions.q.already"
        row = await self.store.get(question.session_id)
        if row is None or row.guild_id != guild_id or question.channel_id is None:
            return "sessions.q.already"
        await self.store.set_question(question_id, status="approved" if approve else "rejected")
        lang = (await self._guild_config(guild_id)).language or "nl"
        if approve:
            text = await self.port.fetch_question(question.channel_id, question.message_id)
            if text and row.status == "open":
                await self.port.post(row.room_id, self.text.youth(["sessions.q.posted"], question=text))
            elif text:
                await self.store.set_question(question_id, status="late")
                await self.port.settle_question(
                    question.channel_id, question.message_id, self.text.render("sessions.q.late", lang)
                )
                return "sessions.q.late"
        note = self.text.render("sessions.q.approved" if approve else "sessions.q.rejected", lang, name=staff_name)
        await self.port.settle_question(question.channel_id, question.message_id, note)
        return "sessions.q.approved_staff" if approve else "sessions.q.rejected_staff"

    def forget_limits(self, session_id: int) -> None:
        for key in [k for k in self._asked if k[0] == session_id]:
            del self._asked[key]

    # -- feedback -------------------------------------------------------------------------------------------

    async def open_feedback(self, session_id: int, room_id: int) -> None:
        await self.store.open_feedback(session_id)
        await self.port.post(
            room_id,
            self.text.youth(["sessions.feedback.ask"]),
            buttons=tuple(Button(kind, session_id) for kind in FACE_BUTTONS),
        )
        await self.scheduler.schedule(
            FORGET_VOTERS,
            self.clock.now() + timedelta(days=self.config.feedback_days),
            {"session": session_id},
            key=f"sessions:{session_id}:feedback",
        )

    async def vote(
        self, guild_id: int, session_id: int, user_id: int, role_ids: set[int], is_admin: bool, face: str
    ) -> str:
        """One vote per youth (the team does not vote); returns the youth-facing answer."""
        core = await self._guild_config(guild_id)
        if not Access(core).is_youth(role_ids, is_admin, False):
            return self.text.youth(["sessions.feedback.team"])
        outcome = await self.store.vote(session_id, user_id, FACES[face])
        return self.text.youth([f"sessions.feedback.{outcome}"])

    async def _on_forget(self, job: Job) -> None:
        await self.store.close_feedback(int(job.payload["session"]))
