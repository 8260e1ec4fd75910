"""Check-ins: consent, reminders to the team, the check-in itself, the nudge limit, weekly list, forget-me.

Everything that waits is a scheduler row, so a restart loses nothing:

* ``checkins.remind`` (key ``checkins.remind:<row>``, payload ``{"row": id}``): the team's reminder after the
  quiet days, always at an opening (re-checked when it fires: hours may have changed).
* ``checkins.send`` (key ``checkins.send:<row>``): a check-in approved too close to closing, sent at the next
  opening; payload ``{"row": id, "text": …}`` (the team's edited text, only until it goes out).
* ``checkins.expire`` (key ``checkins.proposal:<guild>:<user>``): a proposal waiting for Ja / Nee. It carries
  only what a yes needs (guild, youth, interval, proposer) and is deleted on the answer or after seven days:
  a youth who says no (or nothing) leaves nothing behind. Its row id is what the Ja / Nee buttons carry.
* ``checkins.weekly`` (key ``checkins.weekly:<guild>``): the weekly list of running check-ins for the team.

:meth:`CheckinsService.on_contact` is the one "last contact" call: the ledger tells it of every contact it
accepts (desk conversation, session, study attendance); only a youth with a consent row is updated.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models.checkins import CheckinConsent
from bot.domain.checkins import (
    CheckinRefused,
    CheckinsConfig,
    given_up,
    interval,
    open_at,
    proposal_expires,
    reminder_due,
    send_at,
    weekly_list_at,
)
from bot.domain.desk import Msg, msg
from bot.domain.hours import OfficeHours
from bot.domain.ledger.kinds import ContactKind
from bot.i18n import LANGUAGES, I18n
from bot.scheduling import Job, Scheduler
from bot.services.checkins.port import Button, ButtonKind, CheckinsPort
from bot.services.checkins.store import CheckinStore
from bot.services.contacts import ContactRecorder

log = logging.getLogger("happymood.checkins")

REMIND, SEND, EXPIRE, WEEKLY = "checkins.remind", "checkins.send", "checkins.expire", "checkins.weekly"
#: Contacts that count as "heard from the youth" (a check-in reply is recorded by this feature itself).
LAST_CONTACT_KINDS = frozenset({ContactKind.DESK, ContactKind.SAFE_SPACE, ContactKind.HAPPY_MONDAY, ContactKind.STUDY})
STAFF_BUTTONS: tuple[ButtonKind, ...] = ("send", "postpone", "handover", "release")

HoursSource = Callable[[int], Awaitable[OfficeHours]]
GuildLookup = Callable[[int], Awaitable[int | None]]
ThreadLookup = Callable[[int, int], Awaitable[int | None]]
StaffCheck = Callable[[int, int], Awaitable[bool]]


@dataclass(frozen=True)
class Answer:
    """What the person who acted is told: a catalog key and its parameters."""

    key: str
    params: dict[str, Any]


def answer(key: str, **params: Any) -> Answer:
    return Answer(key, params)


class CheckinsService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        scheduler: Scheduler,
        port: CheckinsPort,
        *,
        i18n: I18n,
        contacts: ContactRecorder,
        config: CheckinsConfig,
        hours: HoursSource,
        staff_desk: GuildLookup,
        staff_lang: Callable[[int], Awaitable[str]],
        thread_of: ThreadLookup,
        is_staff: StaffCheck,
    ) -> None:
        self.store = CheckinStore(db)
        self.clock = clock
        self.scheduler = scheduler
        self.port = port
        self.i18n = i18n
        self.contacts = contacts
        self.config = config
        self._hours = hours
        self._staff_desk = staff_desk
        self._staff_lang = staff_lang
        self._thread_of = thread_of
        self._is_staff = is_staff

    def register(self) -> None:
        self.scheduler.register(REMIND, self._on_remind)
        self.scheduler.register(SEND, self._on_send)
        self.scheduler.register(EXPIRE, self._on_expire)
        self.scheduler.register(WEEKLY, self._on_weekly)

    # -- text ----------------------------------------------------------------------------------------------

    def youth_text(self, key: str, **params: Any) -> str:
        """Dutch first, then English (one Discord message at most)."""
        return "\n\n".join(self.i18n.t(key, lang, **params) for lang in LANGUAGES)[:2000]

    def default_checkin(self) -> str:
        return self.youth_text("checkins.youth.checkin")

    async def _staff(self, guild_id: int, key: str, **params: Any) -> str:
        return self.i18n.t(key, await self._staff_lang(guild_id), **params)

    async def _local(self, guild_id: int, at: datetime) -> str:
        return (await self._hours(guild_id)).local(at).strftime("%d/%m %H:%M")

    # -- consent -------------------------------------------------------------------------------------------

    async def opt_in(
        self, guild_id: int, user_id: int, days: int | None, outreacher_id: int | None = None
    ) -> tuple[CheckinConsent, str]:
        """The youth's yes (``/checkin aan`` or Ja); returns the row and when the team is reminded (local)."""
        every = interval(days, self.config)
        row = await self.store.put(
            guild_id, user_id, now=self.clock.now(), interval_days=every, outreacher_id=outreacher_id
        )
        due = await self._plan_reminder(row, row.last_contact_at)
        await self._ensure_weekly(guild_id)
        log.info("check-in consent given", extra={"guild_id": guild_id, "row": row.id})
        return row, await self._local(guild_id, due) if due else "—"

    async def opt_out(self, user_id: int, guild_id: int | None = None) -> bool:
        """``/checkin uit``, Stop, "stop": the row (every guild's, unless one is named) is deleted at once."""
        rows = [r for r in await self.store.of_user(user_id) if guild_id is None or r.guild_id == guild_id]
        for row in rows:
            await self._drop(row.id)
        if rows:
            log.info("check-ins stopped by the youth", extra={"rows": len(rows)})
        return bool(rows)

    async def _drop(self, row_id: int) -> None:
        await self.scheduler.cancel(key=f"{REMIND}:{row_id}")
        await self.scheduler.cancel(key=f"{SEND}:{row_id}")
        await self.store.delete(row_id)

    async def forget(self, guild_id: int, user_id: int) -> None:
        """Forget-me: the consent row, its scheduled work and any pending proposal."""
        row = await self.store.of(guild_id, user_id)
        if row is not None:
            await self._drop(row.id)
        await self.scheduler.cancel(key=f"checkins.proposal:{guild_id}:{user_id}")

    async def stop_word(self, user_id: int) -> str | None:
        """A youth wrote "stop" in DM (hooked into the desk): the key of what they are told, if anything stopped."""
        return "checkins.youth.stopped" if await self.opt_out(user_id) else None

    async def stop_hook(self, user_id: int) -> Msg | None:
        """The desk's "stop" hook (wired by :func:`bot.wiring.wire`): what the youth is told, if anything stopped."""
        key = await self.stop_word(user_id)
        return None if key is None else msg(key)

    # -- the proposal (/desk checkin) ------------------------------------------------------------------------

    async def propose(self, guild_id: int, user_id: int, staff_id: int, days: int | None) -> Answer:
        every = interval(days, self.config)
        if await self.store.of(guild_id, user_id) is not None:
            raise CheckinRefused("checkins.err.already")
        now = self.clock.now()
        key = f"checkins.proposal:{guild_id}:{user_id}"
        payload = {"guild": guild_id, "user": user_id, "days": every, "by": staff_id}
        job_id = await self.scheduler.schedule(
            EXPIRE, proposal_expires(now, self.config), payload, key=key, guild_id=guild_id
        )
        text = self.youth_text("checkins.youth.proposal", days=every, expiry=self.config.proposal_days)
        if not await self.port.dm(user_id, text, buttons=(Button("yes", job_id), Button("no", job_id))):
            await self.scheduler.cancel(key=key)
            raise CheckinRefused("checkins.err.dm_closed")
        return answer("checkins.staff.proposed", days=every, expiry=self.config.proposal_days)

    async def _proposal(self, job_id: int) -> Job | None:
        return next((job for job in await self.scheduler.pending(EXPIRE) if job.id == job_id), None)

    async def answer_proposal(self, job_id: int, user_id: int, yes: bool) -> Answer:
        job = await self._proposal(job_id)
        if job is None or job.payload.get("user") != user_id:
            return answer("checkins.youth.proposal_gone")
        await self.scheduler.cancel(id=job_id)
        if not yes:
            return answer("checkins.youth.declined")
        await self.opt_in(int(job.payload["guild"]), user_id, int(job.payload["days"]), job.payload["by"])
        return answer("checkins.youth.on", days=int(job.payload["days"]))

    async def _on_expire(self, job: Job) -> None:
        """No answer within the proposal days means no: the row simply goes (nothing is kept)."""
        log.info("check-in proposal expired unanswered", extra={"guild_id": job.guild_id})

    # -- last contact --------------------------------------------------------------------------------------

    def on_contact(self, guild_id: int, user_id: int, kind: ContactKind, at: datetime) -> Awaitable[bool] | None:
        """The ledger's contact observer: decided in memory, I/O only for kinds that mean "heard from them"."""
        if kind not in LAST_CONTACT_KINDS:
            return None
        return self.contact(guild_id, user_id, at)

    async def contact(self, guild_id: int, user_id: int, at: datetime) -> bool:
        """The one call features use to report a youth's last contact; updates only a youth who opted in.

        A contact after an unanswered check-in is its answer: the count is reset and the reply counted."""
        row = await self.store.of(guild_id, user_id)
        if row is None:
            return False
        answered = row.unanswered > 0
        if at <= row.last_contact_at and not answered:
            return True
        updated = await self.store.update(row.id, last_contact_at=max(at, row.last_contact_at), unanswered=0)
        if updated is None:
            return False
        await self.scheduler.cancel(key=f"{SEND}:{row.id}")
        await self._plan_reminder(updated, updated.last_contact_at)
        if answered:
            await self._count(guild_id, user_id, ContactKind.CHECKIN_REPLY, at)
            log.info("check-in answered", extra={"guild_id": guild_id, "row": row.id})
        return True

    async def _count(self, guild_id: int, user_id: int, kind: ContactKind, at: datetime | None = None) -> None:
        """The KPI figures (sent, answered, let go) go through the anonymous ledger, like every count."""
        person = await self.port.member(guild_id, user_id)
        if person is not None:
            await self.contacts.record(guild_id, person, kind, at=at or self.clock.now())

    # -- reminders -----------------------------------------------------------------------------------------

    async def _plan_reminder(self, row: CheckinConsent, since: datetime) -> datetime | None:
        hours = await self._hours(row.guild_id)
        due = reminder_due(since, row.interval_days, hours)
        if due is None:
            return None
        await self.scheduler.schedule(REMIND, due, {"row": row.id}, key=f"{REMIND}:{row.id}", guild_id=row.guild_id)
        return due

    async def _remind_at(self, row: CheckinConsent, when: datetime) -> datetime | None:
        due = open_at(when, await self._hours(row.guild_id))
        if due is not None:
            await self.scheduler.schedule(REMIND, due, {"row": row.id}, key=f"{REMIND}:{row.id}", guild_id=row.guild_id)
        return due

    async def _destination(self, row: CheckinConsent, text: str, buttons: tuple[Button, ...] = ()) -> bool:
        """The assigned outreacher by DM, else (or when their DMs are closed) the staff desk."""
        if row.outreacher_id is not None and await self.port.dm(row.outreacher_id, text, buttons=buttons):
            return True
        desk = await self._staff_desk(row.guild_id)
        return desk is not None and await self.port.post(desk, text, buttons=buttons) is not None

    async def _on_remind(self, job: Job) -> None:
        row = await self.store.get(int(job.payload["row"]))
        if row is None:
            return
        now = self.clock.now()
        hours = await self._hours(row.guild_id)
        if not hours.is_open(now):  # the hours changed since it was planned: never remind after closing
            await self._remind_at(row, now)
            return
        if given_up(row.unanswered, self.config):
            await self._destination(
                row, await self._staff(row.guild_id, "checkins.staff.given_up", youth=f"<@{row.user_id}>")
            )
            log.info("check-ins given up: no reaction", extra={"guild_id": row.guild_id, "row": row.id})
            return
        thread = await self._thread_of(row.guild_id, row.user_id)
        quiet = max(0, (now - row.last_contact_at).days)
        text = await self._staff(
            row.guild_id,
            "checkins.staff.reminder",
            youth=f"<@{row.user_id}>",
            days=quiet,
            last=await self._local(row.guild_id, row.last_contact_at),
            thread=f"<#{thread}>" if thread else "—",
            unanswered=row.unanswered,
            limit=self.config.nudge_limit,
        )
        await self._destination(row, text, tuple(Button(kind, row.id) for kind in STAFF_BUTTONS))

    # -- the team's buttons --------------------------------------------------------------------------------

    async def _staff_row(self, row_id: int, staff_id: int) -> CheckinConsent:
        row = await self.store.get(row_id)
        if row is None:
            raise CheckinRefused("checkins.err.gone")
        if not await self._is_staff(row.guild_id, staff_id):
            raise CheckinRefused("errors.not_allowed.staff")
        return row

    async def send(self, row_id: int, staff_id: int, text: str | None = None) -> Answer:
        """**Check-in sturen**: now if the desk is open long enough, else at the next opening."""
        row = await self._staff_row(row_id, staff_id)
        if given_up(row.unanswered, self.config):
            raise CheckinRefused("checkins.err.limit", limit=self.config.nudge_limit)
        now = self.clock.now()
        when = send_at(now, await self._hours(row.guild_id), timedelta(minutes=self.config.send_margin_minutes))
        if when is None:
            raise CheckinRefused("checkins.err.never_open")
        await self.scheduler.cancel(key=f"{REMIND}:{row.id}")
        if when <= now:
            sent = await self._deliver(row, text)
            return answer("checkins.staff.sent" if sent else "checkins.staff.not_delivered")
        payload: dict[str, Any] = {"row": row.id}
        if text:
            payload["text"] = text
        await self.scheduler.schedule(SEND, when, payload, key=f"{SEND}:{row.id}", guild_id=row.guild_id)
        return answer("checkins.staff.send_later", when=await self._local(row.guild_id, when))

    async def _on_send(self, job: Job) -> None:
        row = await self.store.get(int(job.payload["row"]))
        if row is None:
            return
        hours = await self._hours(row.guild_id)
        now = self.clock.now()
        when = send_at(now, hours, timedelta(minutes=self.config.send_margin_minutes))
        if when is not None and when > now:  # the hours changed: wait again
            await self.scheduler.schedule(SEND, when, job.payload, key=f"{SEND}:{row.id}", guild_id=row.guild_id)
            return
        if not await self._deliver(row, job.payload.get("text")):
            await self._destination(row, await self._staff(row.guild_id, "checkins.staff.not_delivered"))

    async def _deliver(self, row: CheckinConsent, text: str | None) -> bool:
        body = (text or "").strip() or self.default_checkin()
        if not await self.port.dm(row.user_id, body[:2000], buttons=(Button("stop", row.id),)):
            await self._plan_reminder(row, self.clock.now())
            return False
        await self._count(row.guild_id, row.user_id, ContactKind.CHECKIN_SENT)
        updated = await self.store.update(row.id, unanswered=row.unanswered + 1)
        if updated is not None:
            await self._plan_reminder(updated, self.clock.now())
        log.info("check-in sent", extra={"guild_id": row.guild_id, "row": row.id})
        return True

    async def postpone(self, row_id: int, staff_id: int) -> Answer:
        row = await self._staff_row(row_id, staff_id)
        due = await self._remind_at(row, self.clock.now() + timedelta(days=self.config.postpone_days))
        return answer("checkins.staff.postponed", when=await self._local(row.guild_id, due) if due else "—")

    async def hand_over(self, row_id: int, staff_id: int, to_id: int) -> Answer:
        """**Overdragen**: a colleague (staff) becomes the assigned outreacher and gets the reminder now."""
        row = await self._staff_row(row_id, staff_id)
        if not await self._is_staff(row.guild_id, to_id):
            raise CheckinRefused("checkins.err.not_staff")
        updated = await self.store.update(row.id, outreacher_id=to_id)
        assert updated is not None
        await self._remind_at(updated, self.clock.now())
        return answer("checkins.staff.handed_over", to=f"<@{to_id}>")

    async def release(self, row_id: int, staff_id: int) -> Answer:
        """**Loslaten**: the follow-up ends; the youth hears that the door stays open."""
        row = await self._staff_row(row_id, staff_id)
        await self._drop(row.id)
        await self.port.dm(row.user_id, self.youth_text("checkins.youth.released"))
        await self._count(row.guild_id, row.user_id, ContactKind.CHECKIN_LET_GO)
        log.info("check-in let go", extra={"guild_id": row.guild_id})
        return answer("checkins.staff.released")

    async def stop_button(self, row_id: int, user_id: int) -> Answer:
        """The **Stop** under a check-in: only the youth it was sent to."""
        row = await self.store.get(row_id)
        if row is None or row.user_id != user_id:
            return answer("checkins.youth.off_none")
        await self._drop(row.id)
        return answer("checkins.youth.off")

    # -- overviews -----------------------------------------------------------------------------------------

    async def _ensure_weekly(self, guild_id: int) -> None:
        key = f"{WEEKLY}:{guild_id}"
        if any(job.key == key for job in await self.scheduler.pending(WEEKLY, guild_id=guild_id)):
            return
        due = weekly_list_at(self.clock.now(), await self._hours(guild_id), self.config)
        if due is not None:
            await self.scheduler.schedule(WEEKLY, due, {"guild": guild_id}, key=key, guild_id=guild_id)

    async def weekly_lines(self, guild_id: int) -> list[str]:
        """One line per running check-in: the desk thread (else the youth, unpinged) and what is next."""
        pending = {
            job.payload.get("row"): job.due_at for job in await self.scheduler.pending(REMIND, guild_id=guild_id)
        }
        sends = {job.payload.get("row"): job.due_at for job in await self.scheduler.pending(SEND, guild_id=guild_id)}
        lines = []
        for row in await self.store.of_guild(guild_id):
            thread = await self._thread_of(guild_id, row.user_id)
            who = f"<#{thread}>" if thread else f"<@{row.user_id}>"
            if given_up(row.unanswered, self.config) and row.id not in pending:
                state = await self._staff(guild_id, "checkins.weekly.given_up")
            elif row.id in sends:
                state = await self._staff(
                    guild_id, "checkins.weekly.sending", when=await self._local(guild_id, sends[row.id])
                )
            elif row.id in pending:
                state = await self._staff(
                    guild_id, "checkins.weekly.next", when=await self._local(guild_id, pending[row.id])
                )
            else:
                state = await self._staff(guild_id, "checkins.weekly.waiting")
            lines.append(f"• {who} — {state}")
        return lines

    async def _on_weekly(self, job: Job) -> None:
        guild_id = int(job.payload["guild"])
        lines = await self.weekly_lines(guild_id)
        if not lines:
            return  # nobody opted in any more: the list stops until the next yes
        desk = await self._staff_desk(guild_id)
        if desk is not None:
            text = await self._staff(guild_id, "checkins.weekly.title", count=len(lines))
            await self.port.post(desk, "\n".join([text, *lines])[:2000])
        due = weekly_list_at(self.clock.now() + timedelta(minutes=1), await self._hours(guild_id), self.config)
        if due is not None:
            await self.scheduler.schedule(
                WEEKLY, due, {"guild": guild_id}, key=f"{WEEKLY}:{guild_id}", guild_id=guild_id
            )

    # -- what is stored (/mijngegevens) --------------------------------------------------------------------

    async def stored(self, guild_id: int, user_id: int) -> dict[str, str] | None:
        """Exactly the stored fields of the youth's consent row, formatted in the guild's time; None: no row."""
        row = await self.store.of(guild_id, user_id)
        if row is None:
            return None
        return {
            "since": await self._local(guild_id, row.consented_at),
            "days": str(row.interval_days),
            "outreacher": f"<@{row.outreacher_id}>" if row.outreacher_id else "",
            "last": await self._local(guild_id, row.last_contact_at),
            "unanswered": str(row.unanswered),
        }
