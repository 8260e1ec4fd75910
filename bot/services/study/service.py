"""Opening, helping, timing and closing study moments; every timed step is a scheduler row.

Scheduled kinds (payload ``{"room": id}``): ``study.end`` (planned end or the latest closing), ``study.warn``
(the friendly warning before it), ``study.idle`` (closing when empty), ``study.timer`` (+ the round),
``study.notify`` (the rate-limited note to the host) and ``study.plan`` (payload ``{"plan": id}``: a weekly
schedule's next opening). A restart loses nothing: the rows run at their time, overdue ones at once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models.study import StudyPlan, StudyRoom
from bot.domain.guild_config import GuildConfig
from bot.domain.hours import OfficeHoursConfig
from bot.domain.ledger.kinds import ContactKind
from bot.domain.study import (
    GENERAL,
    SUBJECTS,
    Round,
    StudyConfig,
    StudyGuildSettings,
    StudyRefused,
    Weekly,
    empty_close_due,
    end_reason,
    estimated_wait,
    first_round,
    next_round,
    notify_at,
    parse_duration,
    planned_end,
    position,
    queue_order,
    subject_slug,
    warning_at,
)
from bot.domain.study.rooms import archived, may_host, room_grants
from bot.i18n import I18n
from bot.scheduling import Job, Scheduler
from bot.services.contacts import ContactRecorder, Person
from bot.services.study.port import Button, StudyPort
from bot.services.study.store import StudyStore

log = logging.getLogger("happymood.study")

END, WARN, IDLE, TIMER, NOTIFY, PLAN = (
    "study.end",
    "study.warn",
    "study.idle",
    "study.timer",
    "study.notify",
    "study.plan",
)
TOUCH_EVERY = timedelta(seconds=60)
"""A message in a room moves its "last active" at most once a minute (the message path stays light)."""
PANEL = (Button("join", 0), Button("help", 0), Button("leave", 0), Button("next", 0))


@dataclass(frozen=True)
class Answer:
    """What the person who pressed or typed is told (ephemerally): a catalog key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


HoursSource = Callable[[int], Awaitable[OfficeHoursConfig]]
ConfigSource = Callable[[int], Awaitable[GuildConfig]]
SettingsSource = Callable[[int], Awaitable[StudyGuildSettings]]


class StudyService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        scheduler: Scheduler,
        port: StudyPort,
        *,
        i18n: I18n,
        contacts: ContactRecorder,
        config: StudyConfig,
        hours: HoursSource,
        guild_config: ConfigSource,
        settings: SettingsSource,
    ) -> None:
        self.store = StudyStore(db)
        self.clock, self.scheduler, self.port, self.i18n = clock, scheduler, port, i18n
        self.contacts, self.config = contacts, config
        self._hours, self._guild_config, self._settings = hours, guild_config, settings
        self._text_rooms: dict[int, int] | None = None  # text channel → room id (open rooms)
        self._voice_rooms: dict[int, int] = {}
        self._touched: dict[int, datetime] = {}

    async def forget(self, guild_id: int, user_id: int) -> None:
        """``/vergeet-mij`` (registered by :func:`bot.wiring.wire`): nothing of this person stays here."""
        await self.store.forget_person(guild_id, user_id)

    def register(self) -> None:
        for kind, handler in (
            (END, self._on_end),
            (WARN, self._on_warn),
            (IDLE, self._on_idle),
            (TIMER, self._on_timer),
            (NOTIFY, self._on_notify),
            (PLAN, self._on_plan),
        ):
            self.scheduler.register(kind, handler)

    # -- text -------------------------------------------------------------------------------------------

    def subject(self, slug: str, lang: str = "nl") -> str:
        return self.i18n.t(f"study.subject.{slug}", lang) if slug in (*SUBJECTS, GENERAL) else slug

    def both(self, key: str, **params: Any) -> str:
        """Dutch first, then English (a room is read by everyone)."""
        parts = []
        for lang in ("nl", "en"):
            values = {**params, **({"subject": self.subject(params["subject"], lang)} if "subject" in params else {})}
            parts.append(self.i18n.t(key, lang, **values))
        return "\n\n—\n\n".join(parts)[:2000]

    async def _until(self, guild_id: int, at: datetime) -> str:
        return at.astimezone(ZoneInfo((await self._hours(guild_id)).timezone)).strftime("%H:%M")

    # -- opening ----------------------------------------------------------------------------------------

    async def start(
        self, guild_id: int, host: Person, duration: str | None = None, subject: str | None = None
    ) -> StudyRoom:
        """``/studie start``: checked first (host, category, room limit, duration before closing), then opened."""
        core = await self._guild_config(guild_id)
        if not may_host(core, host.role_ids, host.is_admin, host.permissions):
            raise StudyRefused("study.err.not_host")
        slug = subject_slug(subject)
        minutes = parse_duration(duration)
        now = self.clock.now()
        end = planned_end(now, minutes, self.config.default_duration_minutes, await self._hours(guild_id))
        return await self._open(guild_id, host.user_id, slug, end)

    async def _category(self, guild_id: int) -> int:
        category = (await self._guild_config(guild_id)).channels.study_category
        if category is None or not await self.port.is_category(guild_id, category):
            raise StudyRefused("study.err.no_category")
        return category

    async def _check_place(self, guild_id: int) -> int:
        """The study category, if one more room fits under the guild's limit of open rooms."""
        category = await self._category(guild_id)
        limit = (await self._settings(guild_id)).room_limit
        if await self.store.open_count(guild_id) >= limit:
            raise StudyRefused("study.err.room_limit", limit=limit)
        return category

    async def _new_room(
        self,
        guild_id: int,
        name: str,
        template: StudyRoom,
        members: Sequence[int] | None = None,
    ) -> StudyRoom:
        """A text and a voice room with the same overwrites, and their row (``template`` gives the rest)."""
        category = await self._check_place(guild_id)
        grants = room_grants(guild_id, (await self._guild_config(guild_id)).roles, members)
        text_id = await self.port.create_room(guild_id, category, name[:90], "text", grants)
        if text_id is None:
            raise StudyRefused("study.err.discord")
        template.text_id = text_id
        template.voice_id = await self.port.create_room(guild_id, category, name[:90], "voice", grants)
        now = self.clock.now()
        template.start_at = template.last_active_at = template.created_at = now
        template.guild_id, template.status = guild_id, "open"
        row: StudyRoom = await self.store.add(template)
        await self._remember(row)
        return row

    async def _open(
        self, guild_id: int, host_id: int, slug: str, end: datetime, *, plan_id: int | None = None
    ) -> StudyRoom:
        row = await self._new_room(
            guild_id,
            f"{self.config.room_name}-{slug}",
            StudyRoom(host_id=host_id, subject=slug, end_at=end, plan_id=plan_id),
        )
        core = await self._guild_config(guild_id)
        text_id, voice_id = row.text_id, row.voice_id
        until = await self._until(guild_id, end)
        panel = self.both("study.panel", subject=slug, host=f"<@{host_id}>", until=until, voice=_channel(voice_id))
        panel_id = await self.port.post(text_id, panel, buttons=[Button(b.kind, row.id) for b in PANEL])
        await self.store.update(row.id, panel_id=panel_id)
        row.panel_id = panel_id
        if core.channels.announcements is not None:
            await self.port.post(
                core.channels.announcements,
                self.both("study.announce", subject=slug, room=f"<#{text_id}>", until=until),
            )
        await self._schedule_closing(row)
        log.info("study moment opened", extra={"room": row.id, "guild": guild_id})
        return row

    async def _schedule_closing(self, row: StudyRoom) -> None:
        payload, guild = {"room": row.id}, row.guild_id
        await self.scheduler.schedule(END, row.end_at, payload, key=f"study:{row.id}:end", guild_id=guild)
        warn = warning_at(row.start_at, row.end_at, self.config.closing_warning_minutes)
        if warn is not None:
            await self.scheduler.schedule(WARN, warn, payload, key=f"study:{row.id}:warn", guild_id=guild)
        await self._touch(row, force=True)

    async def _remember(self, row: StudyRoom) -> None:
        (await self._rooms())[row.text_id] = row.id
        if row.voice_id is not None:
            self._voice_rooms[row.voice_id] = row.id

    # -- the schedule -------------------------------------------------------------------------------------

    async def plan(
        self, guild_id: int, host: Person, days: str, span: str, subject: str | None, until: str | None = None
    ) -> tuple[StudyPlan, str]:
        """``/studie plan``: a weekly series, opened at each occurrence in the guild's zone; returns the first."""
        core = await self._guild_config(guild_id)
        if not may_host(core, host.role_ids, host.is_admin, host.permissions):
            raise StudyRefused("study.err.not_host")
        hours = await self._hours(guild_id)
        weekly = Weekly.parse(days, span, hours)
        last = _iso_date(until) if until else None
        slug = subject_slug(subject)
        tz = ZoneInfo(hours.timezone)
        found = weekly.next_after(self.clock.now(), tz, last)
        if found is None:
            raise StudyRefused("study.err.plan_none")
        await self._category(guild_id)
        row: StudyPlan = await self.store.add(
            StudyPlan(
                guild_id=guild_id,
                host_id=host.user_id,
                subject=slug,
                days=weekly.days,
                start=weekly.start.strftime("%H:%M"),
                end=weekly.end.strftime("%H:%M"),
                until=last.isoformat() if last else None,
                active=True,
                created_at=self.clock.now(),
            )
        )
        await self.scheduler.schedule(PLAN, found[0], {"plan": row.id}, key=f"study:plan:{row.id}", guild_id=guild_id)
        return row, found[0].astimezone(tz).strftime("%d/%m %H:%M")

    async def stop_plan(self, guild_id: int, plan_id: int) -> None:
        row = await self.store.plan(plan_id)
        if row is None or row.guild_id != guild_id or not row.active:
            raise StudyRefused("study.err.plan_unknown", id=plan_id)
        await self.store.end_plan(plan_id)
        await self.scheduler.cancel(key=f"study:plan:{plan_id}")

    def _weekly(self, row: StudyPlan) -> Weekly:
        start, end = (datetime.strptime(t, "%H:%M").time() for t in (row.start, row.end))
        return Weekly(row.days, start, end)

    async def _on_plan(self, job: Job) -> None:
        row = await self.store.plan(int(job.payload["plan"]))
        if row is None or not row.active:
            return
        hours = await self._hours(row.guild_id)
        tz = ZoneInfo(hours.timezone)
        weekly, now = self._weekly(row), self.clock.now()
        today = weekly.occurrence(now.astimezone(tz).date(), tz)
        if today is not None and today[0] <= now < today[1] - timedelta(minutes=5):
            try:
                await self._open(row.guild_id, row.host_id, row.subject, today[1], plan_id=row.id)
            except StudyRefused as refused:
                log.warning("planned study moment not opened", extra={"plan": row.id, "reason": refused.key})
        last = _iso_date(row.until) if row.until else None
        following = weekly.next_after(now, tz, last)
        if following is None:
            await self.store.end_plan(row.id)
            return
        await self.scheduler.schedule(
            PLAN, following[0], {"plan": row.id}, key=f"study:plan:{row.id}", guild_id=row.guild_id
        )

    # -- buttons: join, help, leave the queue, take the next -----------------------------------------------

    async def _open_room(self, guild_id: int, room_id: int) -> StudyRoom:
        row = await self.store.room(room_id)
        if row is None or row.guild_id != guild_id or row.status != "open":
            raise StudyRefused("study.err.gone")
        return row

    async def _in_server(self, guild_id: int, user_id: int) -> Person:
        person = await self.port.member(guild_id, user_id)
        if person is None:
            raise StudyRefused("study.err.not_member")
        return person

    def _tags(self, row: StudyRoom, *, help: bool = False) -> dict[str, str]:
        tags = {"session": f"study-{row.parent_id or row.id}", "theme": row.subject}
        return {**tags, "category": "help"} if help else tags

    async def join(self, guild_id: int, room_id: int, user_id: int) -> Answer:
        """**Ik doe mee**: counted once per moment as a ``study`` contact (youths only)."""
        row = await self._open_room(guild_id, room_id)
        person = await self._in_server(guild_id, user_id)
        if await self.store.join(row.id, user_id):
            await self.contacts.record(guild_id, person, ContactKind.STUDY, tags=self._tags(row), at=self.clock.now())
            await self._touch(row)
            return Answer("study.join.welcome", {"voice": _channel(row.voice_id)})
        return Answer("study.join.again")

    async def ask_help(self, guild_id: int, room_id: int, user_id: int) -> Answer:
        """**Vraag hulp**: into the queue; the youth sees their place and wait, the host is told (rate-limited)."""
        row = await self._open_room(guild_id, room_id)
        await self._in_server(guild_id, user_id)
        now = self.clock.now()
        added = await self.store.enqueue(row.id, user_id, now)
        waiting = await self.store.waiting(row.id)
        place = position(waiting, user_id) or len(waiting)
        if added:
            await self._touch(row)
            await self._notify_host(row, now)
        wait = estimated_wait(place, self.config.help_minutes)
        key = "study.help.queued" if added else "study.help.already"
        return Answer(key if wait else f"{key}_next", {"place": place, "wait": wait})

    async def leave_queue(self, guild_id: int, room_id: int, user_id: int) -> Answer:
        row = await self._open_room(guild_id, room_id)
        left = await self.store.settle(row.id, user_id, "left")
        return Answer("study.leave.done" if left else "study.leave.not_waiting")

    async def take_next(self, guild_id: int, room_id: int, helper: Person) -> Answer:
        """The host's **Volgende**: the first in the queue is told (and moved to the voice room if in voice)."""
        row = await self._open_room(guild_id, room_id)
        core = await self._guild_config(guild_id)
        if not may_host(core, helper.role_ids, helper.is_admin, helper.permissions):
            raise StudyRefused("study.err.not_host")
        for entry in queue_order(await self.store.waiting(row.id)):
            if not await self.store.settle(row.id, entry.user_id, "helped"):
                continue  # someone else took them a moment ago
            youth = await self.port.member(guild_id, entry.user_id)
            name = await self.port.display_name(guild_id, entry.user_id) or "?"
            if youth is None:
                continue  # left the server while waiting
            await self.contacts.record(
                guild_id, youth, ContactKind.STUDY, tags=self._tags(row, help=True), at=self.clock.now()
            )
            moved = False
            if row.voice_id is not None and await self.port.voice_channel_of(guild_id, entry.user_id) is not None:
                moved = await self.port.move_to(guild_id, entry.user_id, row.voice_id)
            voice = _channel(row.voice_id)
            await self.port.dm(
                entry.user_id, self.both("study.help.your_turn", helper=f"<@{helper.user_id}>", voice=voice)
            )
            left = len(await self.store.waiting(row.id))
            return Answer("study.next.moved" if moved else "study.next.told", {"name": name, "left": left})
        return Answer("study.next.empty")

    async def _notify_host(self, row: StudyRoom, now: datetime) -> None:
        due = notify_at(row.last_notified_at, now, self.config.host_notify_minutes)
        if due <= now:
            await self._send_notice(row)
        else:
            await self.scheduler.schedule(
                NOTIFY, due, {"room": row.id}, key=f"study:{row.id}:notify", guild_id=row.guild_id
            )

    async def _send_notice(self, row: StudyRoom) -> None:
        count = len(await self.store.waiting(row.id))
        if not count:
            return
        core = await self._guild_config(row.guild_id)
        lang = core.language or "nl"
        text = self.i18n.t("study.host.notice", lang, count=count, room=f"<#{row.text_id}>")
        await self.port.dm(row.host_id, text)
        await self.store.update(row.id, last_notified_at=self.clock.now())

    async def _on_notify(self, job: Job) -> None:
        row = await self.store.room(int(job.payload["room"]))
        if row is not None and row.status == "open":
            await self._send_notice(row)

    # -- commands in the room: timer, group room, stop ----------------------------------------------------

    async def _moment_of(self, guild_id: int, channel_id: int) -> StudyRoom:
        row = await self.store.room_of_channel(channel_id)
        if row is None or row.guild_id != guild_id:
            raise StudyRefused("study.err.not_in_room")
        if row.parent_id is not None:
            return await self._open_room(guild_id, row.parent_id)
        return row

    async def _as_host(self, guild_id: int, channel_id: int, actor: Person) -> StudyRoom:
        row = await self._moment_of(guild_id, channel_id)
        core = await self._guild_config(guild_id)
        if not may_host(core, actor.role_ids, actor.is_admin, actor.permissions):
            raise StudyRefused("study.err.not_host")
        return row

    async def timer(
        self, guild_id: int, channel_id: int, actor: Person, *, on: bool = True, focus: int | None, pause: int | None
    ) -> Answer:
        """``/studie timer``: focus rounds announced in the room (default 25/5), or off."""
        row = await self._as_host(guild_id, channel_id, actor)
        await self.scheduler.cancel(key=f"study:{row.id}:timer")
        if not on:
            await self.store.update(row.id, timer_focus=None, timer_break=None)
            await self.port.post(row.text_id, self.both("study.timer.off"))
            return Answer("study.timer.stopped")
        focus, pause = focus or self.config.focus_minutes, pause or self.config.break_minutes
        first = first_round(self.clock.now(), focus, row.end_at)
        await self.store.update(row.id, timer_focus=focus, timer_break=pause)
        await self._announce_round(row, first)
        return Answer("study.timer.started", {"focus": focus, "pause": pause})

    async def _announce_round(self, row: StudyRoom, current: Round) -> None:
        key = "study.timer.focus" if current.phase == "focus" else "study.timer.break"
        until = await self._until(row.guild_id, current.ends)
        await self.port.post(row.text_id, self.both(key, number=current.number, until=until))
        payload: dict[str, Any] = {"room": row.id, "phase": current.phase, "number": current.number}
        payload |= {"starts": current.starts.isoformat(), "ends": current.ends.isoformat()}
        await self.scheduler.schedule(TIMER, current.ends, payload, key=f"study:{row.id}:timer", guild_id=row.guild_id)

    async def _on_timer(self, job: Job) -> None:
        row = await self.store.room(int(job.payload["room"]))
        if row is None or row.status != "open" or row.timer_focus is None or row.timer_break is None:
            return
        p = job.payload
        current = Round(
            p["phase"], int(p["number"]), datetime.fromisoformat(p["starts"]), datetime.fromisoformat(p["ends"])
        )
        following = next_round(current, row.timer_focus, row.timer_break, row.end_at)
        if following is None:
            await self.port.post(row.text_id, self.both("study.timer.done"))
            return
        await self._announce_round(row, following)

    async def group_room(self, guild_id: int, channel_id: int, requester: Person, members: Sequence[int]) -> Answer:
        """``/studie kamer``: a small group's own room that the team can always see and moderate."""
        parent = await self._moment_of(guild_id, channel_id)
        await self._in_server(guild_id, requester.user_id)
        for member in members:
            await self._in_server(guild_id, member)
        people = [requester.user_id, *members]
        template = StudyRoom(parent_id=parent.id, host_id=parent.host_id, subject=parent.subject, end_at=parent.end_at)
        row = await self._new_room(guild_id, f"{self.config.group_name}-{parent.subject}", template, people)
        text_id, voice_id = row.text_id, row.voice_id
        for person in dict.fromkeys(people):
            await self.store.join(row.id, person)
        until = await self._until(guild_id, row.end_at)
        await self.port.post(text_id, self.both("study.group.welcome", until=until, voice=_channel(voice_id)))
        await self._touch(row, force=True)
        return Answer("study.group.created", {"room": f"<#{text_id}>"})

    async def stoppable(self, guild_id: int, channel_id: int, actor: Person) -> int:
        """``/studie stop``: the moment the host may close now (answer first: the room may be deleted)."""
        return (await self._as_host(guild_id, channel_id, actor)).id

    async def open_moments(self, guild_id: int) -> Sequence[StudyRoom]:
        return await self.store.open_rooms(guild_id)

    # -- closing -----------------------------------------------------------------------------------------------

    async def _on_end(self, job: Job) -> None:
        row = await self.store.room(int(job.payload["room"]))
        if row is not None and row.status == "open":
            await self.close(row.id, end_reason(row.end_at, await self._hours(row.guild_id)))

    async def _on_warn(self, job: Job) -> None:
        row = await self.store.room(int(job.payload["room"]))
        if row is None or row.status != "open":
            return
        reason = end_reason(row.end_at, await self._hours(row.guild_id))
        key = "study.warn.closing" if reason == "closing" else "study.warn.end"
        text = self.both(
            key, minutes=self.config.closing_warning_minutes, until=await self._until(row.guild_id, row.end_at)
        )
        for room in [row, *await self.store.open_rooms(parent=row.id)]:
            await self.port.post(room.text_id, text)

    async def _touch(self, row: StudyRoom, *, force: bool = False) -> None:
        """Something happened in the room: the empty-room count starts again."""
        now = self.clock.now()
        last = self._touched.get(row.id)
        if not force and last is not None and now - last < TOUCH_EVERY:
            return
        self._touched[row.id] = now
        await self.store.update(row.id, last_active_at=now)
        due = now + timedelta(minutes=self.config.empty_close_minutes)
        await self.scheduler.schedule(IDLE, due, {"room": row.id}, key=f"study:{row.id}:idle", guild_id=row.guild_id)

    async def _on_idle(self, job: Job) -> None:
        row = await self.store.room(int(job.payload["room"]))
        if row is None or row.status != "open":
            return
        rooms = [row] if row.parent_id is not None else [row, *await self.store.open_rooms(parent=row.id)]
        present = False
        for room in rooms:
            if room.voice_id is not None and await self.port.voice_members(room.guild_id, room.voice_id):
                present = True
        now = self.clock.now()
        latest = max(room.last_active_at for room in rooms)
        due = empty_close_due(latest, now, present, self.config.empty_close_minutes)
        if due is None or due > now:  # someone is in voice (look again later), or a message came since
            again = due or now + timedelta(minutes=self.config.empty_close_minutes)
            await self.scheduler.schedule(
                IDLE, again, {"room": row.id}, key=f"study:{row.id}:idle", guild_id=row.guild_id
            )
            return
        await self.close(row.id, "empty")

    async def close(self, room_id: int, reason: str) -> None:
        """Goodbye, then archive (read-only) or delete per the guild's choice; a moment takes its group rooms."""
        row = await self.store.room(room_id)
        if row is None or row.status != "open":
            return
        await self.store.update(row.id, status="closed", closed_reason=reason)
        for job in await self.scheduler.pending(guild_id=row.guild_id):
            if job.key and job.key.startswith(f"study:{row.id}:"):
                await self.scheduler.cancel(key=job.key)
        if row.parent_id is None:
            for group in await self.store.open_rooms(parent=row.id):
                await self.close(group.id, reason)
            await self.store.drop_queue(row.id)
        key = f"study.close.{reason}" if row.parent_id is None else "study.close.group"
        await self.port.post(row.text_id, self.both(key, subject=row.subject))
        await self._tidy(row)
        await self.store.forget_joins(row.id)
        (await self._rooms()).pop(row.text_id, None)
        if row.voice_id is not None:
            self._voice_rooms.pop(row.voice_id, None)
        self._touched.pop(row.id, None)
        log.info("study room closed", extra={"room": row.id, "reason": reason})

    async def _tidy(self, row: StudyRoom) -> None:
        if row.voice_id is not None:
            await self.port.delete_room(row.voice_id)
        if (await self._settings(row.guild_id)).close_action == "delete":
            await self.port.delete_room(row.text_id)
            return
        core = await self._guild_config(row.guild_id)
        members = None
        if row.parent_id is not None:
            members = await self.store.joined(row.id)
        for grant in room_grants(row.guild_id, core.roles, members):
            await self.port.set_overwrite(row.text_id, archived(grant, core.roles))

    # -- what happens in the rooms ---------------------------------------------------------------------------

    async def _rooms(self) -> dict[int, int]:
        if self._text_rooms is None:
            rows = await self.store.open_rooms()
            self._text_rooms = {r.text_id: r.id for r in rows}
            self._voice_rooms = {r.voice_id: r.id for r in rows if r.voice_id is not None}
        return self._text_rooms

    async def warm(self) -> None:
        """Load the open rooms, so the message path decides from memory."""
        self._text_rooms = None
        await self._rooms()

    def message_work(self, channel_id: int) -> Awaitable[None] | None:
        """Only a message in an open study room has I/O to do (and at most once a minute)."""
        if self._text_rooms is not None and channel_id not in self._text_rooms:
            return None
        return self.on_message(channel_id)

    async def on_message(self, channel_id: int) -> None:
        room_id = (await self._rooms()).get(channel_id)
        if room_id is None:
            return
        last = self._touched.get(room_id)
        if last is not None and self.clock.now() - last < TOUCH_EVERY:
            return
        row = await self.store.room(room_id)
        if row is not None and row.status == "open":
            await self._touch(row)

    async def on_voice(self, left: int | None, joined: int | None) -> None:
        """Leaving a study voice room (or joining one) is activity: the empty count starts from now."""
        await self._rooms()
        for channel in {c for c in (left, joined) if c is not None}:
            room_id = self._voice_rooms.get(channel)
            row = await self.store.room(room_id) if room_id is not None else None
            if row is not None and row.status == "open":
                await self._touch(row, force=True)


def _channel(channel_id: int | None) -> str:
    return f"<#{channel_id}>" if channel_id is not None else "—"


def _iso_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise StudyRefused("study.err.until", value=text.strip()[:20])
