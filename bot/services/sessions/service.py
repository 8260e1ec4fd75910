"""Planning, opening and closing sessions; reminders; attendance into the ledger. Every step is a scheduler row.

Scheduled kinds (payload ``{"session": id}``): ``sessions.remind`` (+ ``offset``), ``sessions.open``,
``sessions.close``. Opening saves the room's overwrites in the session row *before* changing them, closing
restores exactly those, so a crash at any point is undone by the next run (overdue rows run at once).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models.sessions import SafeSession, SessionFeedback
from bot.domain.guild_config import GuildConfig
from bot.domain.hours import OfficeHours, OfficeHoursConfig
from bot.domain.ledger.kinds import ContactKind
from bot.domain.sessions import (
    PlanRefused,
    SessionKind,
    SessionPlan,
    SessionsConfig,
    StartParseError,
    check_plan,
    next_occurrence,
    parse_start,
    reminder_times,
    theme_slug,
)
from bot.domain.sessions.bands import band_roles, qualifying, roster
from bot.domain.sessions.room import Overwrite, decode, encode, opened, room_access, shut
from bot.domain.sessions.schedule import local_label
from bot.scheduling import Job, Scheduler
from bot.services.contacts import ContactRecorder
from bot.services.sessions.port import Button, RoomKind, SessionsPort
from bot.services.sessions.room_tools import RoomTools
from bot.services.sessions.store import SessionStore
from bot.services.sessions.text import SessionText

log = logging.getLogger("happymood.sessions")

REMIND, OPEN, CLOSE = "sessions.remind", "sessions.open", "sessions.close"
DEFAULT_START = {SessionKind.SAFE_SPACE: "woensdag 14:00", SessionKind.HAPPY_MONDAY: "maandag 19:00"}


@dataclass(frozen=True)
class PlanRequest:
    kind: SessionKind
    theme: str = ""
    start: str | None = None
    duration_minutes: int | None = None
    room_id: int | None = None
    weekly: bool = False
    expert_id: int | None = None
    min_band: str | None = None


@dataclass(frozen=True)
class Planned:
    session_id: int
    start: str
    end: str
    room_id: int
    reminders: tuple[str, ...]


HoursSource = Callable[[int], Awaitable[OfficeHoursConfig]]
ConfigSource = Callable[[int], Awaitable[GuildConfig]]


class SessionsService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        scheduler: Scheduler,
        port: SessionsPort,
        *,
        text: SessionText,
        contacts: ContactRecorder,
        config: SessionsConfig,
        hours: HoursSource,
        guild_config: ConfigSource,
    ) -> None:
        self.store = SessionStore(db)
        self.clock = clock
        self.scheduler = scheduler
        self.port = port
        self.text = text
        self.contacts = contacts
        self.config = config
        self._hours = hours
        self._guild_config = guild_config
        self._open_rooms: dict[int, int] | None = None
        self.tools = RoomTools(self.store, port, text, scheduler, clock, config, guild_config)

    async def forget(self, guild_id: int, user_id: int) -> None:
        """``/vergeet-mij`` (registered by :func:`bot.wiring.wire`): nothing of this person stays here."""
        await self.store.forget_person(guild_id, user_id)

    def register(self) -> None:
        self.scheduler.register(REMIND, self._on_remind)
        self.scheduler.register(OPEN, self._on_open)
        self.scheduler.register(CLOSE, self._on_close)
        self.tools.register()

    # -- planning ----------------------------------------------------------------------------------------

    async def plan(self, guild_id: int, host_id: int, request: PlanRequest) -> Planned:
        """Validate, create the room (if none given) and the scheduled event, store the row, schedule it all."""
        hours = await self._hours(guild_id)
        tz = ZoneInfo(hours.timezone)
        kind = request.kind
        theme = "chill" if kind is SessionKind.HAPPY_MONDAY else theme_slug(request.theme)
        try:
            start = parse_start(request.start or DEFAULT_START[kind], self.clock.now(), tz)
        except StartParseError as exc:
            raise PlanRefused(exc.key, value=(request.start or "")[:40]) from None
        default = (
            self.config.happy_monday_duration_minutes
            if kind is SessionKind.HAPPY_MONDAY
            else self.config.default_duration_minutes
        )
        plan = SessionPlan(
            kind,
            theme,
            start,
            timedelta(minutes=request.duration_minutes or default),
            room_id=request.room_id,
            weekly=request.weekly,
            min_band=request.min_band,
            expert_id=request.expert_id,
        )
        core = await self._guild_config(guild_id)
        room_kind = None
        if plan.room_id is not None:
            room_kind = await self.port.room_kind(guild_id, plan.room_id)
            if room_kind is None:
                raise PlanRefused("sessions.err.room")
        elif core.channels.safe_space_category is None:
            raise PlanRefused("sessions.err.no_place")
        if plan.min_band is not None and not set(qualifying(plan.min_band)) & set(band_roles(core.roles)):
            raise PlanRefused("sessions.err.no_bands")
        if plan.expert_id is not None and await self.port.member(guild_id, plan.expert_id) is None:
            raise PlanRefused("sessions.err.expert")
        check_plan(plan, self.clock.now(), hours, await self.store.bookings(guild_id))
        room_id = plan.room_id
        if room_id is None:
            assert core.channels.safe_space_category is not None
            room_id = await self.port.create_room(guild_id, core.channels.safe_space_category, self.config.room_name)
            if room_id is None:
                raise PlanRefused("sessions.err.discord")
            room_kind = "text"
        assert room_kind is not None
        row = await self._create(guild_id, host_id, plan, room_id, room_kind)
        return self._planned(row, tz, hours)

    async def _create(
        self, guild_id: int, host_id: int | None, plan: SessionPlan, room_id: int, room_kind: RoomKind
    ) -> SafeSession:
        name = self.text.render("sessions.event.name", "nl", kind=plan.kind, theme=plan.theme)[:100]
        description = self.text.render("sessions.event.description", "nl", kind=plan.kind, theme=plan.theme)
        event_id = await self.port.create_event(
            guild_id,
            name=name,
            description=description[:1000],
            start=plan.start,
            end=plan.end,
            channel_id=room_id,
            room_kind=room_kind,
            location=f"#{self.config.room_name}",
        )
        row = await self.store.add(
            SafeSession(
                guild_id=guild_id,
                kind=plan.kind.value,
                theme=plan.theme,
                start_at=plan.start,
                end_at=plan.end,
                room_id=room_id,
                room_kind=room_kind,
                event_id=event_id,
                weekly=plan.weekly,
                min_band=plan.min_band,
                expert_id=plan.expert_id,
                host_id=host_id,
                status="planned",
                saved_overwrites=None,
                expert_role_added=False,
                created_at=self.clock.now(),
            )
        )
        await self._schedule(row, OfficeHours(await self._hours(guild_id)))
        core = await self._guild_config(guild_id)
        if core.channels.announcements is not None:
            tz = ZoneInfo((await self._hours(guild_id)).timezone)
            await self.port.post(
                core.channels.announcements,
                self.text.youth(
                    ["sessions.announce"],
                    kind=row.kind,
                    theme=row.theme,
                    when=local_label(row.start_at, tz),
                    until=row.end_at.astimezone(tz).strftime("%H:%M"),
                    room=f"<#{room_id}>",
                ),
                buttons=(Button("follow", row.id), Button("unfollow", row.id)),
            )
        return row

    def _reminders(self, row: SafeSession, hours: OfficeHours) -> list[tuple[int, datetime]]:
        return reminder_times(row.start_at, self.clock.now(), hours, self.config.reminder_minutes)

    async def _schedule(self, row: SafeSession, hours: OfficeHours) -> None:
        payload = {"session": row.id}
        await self._unschedule(row.id)
        for offset, due in self._reminders(row, hours):
            await self.scheduler.schedule(
                REMIND,
                due,
                {**payload, "offset": offset},
                key=f"sessions:{row.id}:remind:{offset}",
                guild_id=row.guild_id,
            )
        await self.scheduler.schedule(OPEN, row.start_at, payload, key=f"sessions:{row.id}:open", guild_id=row.guild_id)
        await self.scheduler.schedule(CLOSE, row.end_at, payload, key=f"sessions:{row.id}:close", guild_id=row.guild_id)

    async def _unschedule(self, session_id: int) -> None:
        for job in await self.scheduler.pending():
            if job.key and job.key.startswith(f"sessions:{session_id}:"):
                await self.scheduler.cancel(key=job.key)

    def _planned(self, row: SafeSession, tz: ZoneInfo, hours: OfficeHoursConfig) -> Planned:
        reminders = tuple(local_label(due, tz) for _o, due in self._reminders(row, OfficeHours(hours)))
        return Planned(
            row.id, local_label(row.start_at, tz), row.end_at.astimezone(tz).strftime("%H:%M"), row.room_id, reminders
        )

    async def upcoming(self, guild_id: int) -> list[tuple[SafeSession, str]]:
        tz = ZoneInfo((await self._hours(guild_id)).timezone)
        return [(row, local_label(row.start_at, tz)) for row in await self.store.upcoming(guild_id, self.clock.now())]

    async def feedback(self, guild_id: int) -> list[tuple[SafeSession, SessionFeedback, str]]:
        """The three-faces totals of the latest sessions (counts only), newest first."""
        tz = ZoneInfo((await self._hours(guild_id)).timezone)
        return [(row, totals, local_label(row.start_at, tz)) for row, totals in await self.store.feedback(guild_id)]

    async def _own(self, guild_id: int, session_id: int) -> SafeSession:
        row = await self.store.get(session_id)
        if row is None or row.guild_id != guild_id or row.status not in ("planned", "open"):
            raise PlanRefused("sessions.err.unknown", id=session_id)
        return row

    async def edit(self, guild_id: int, session_id: int, *, start: str | None, duration_minutes: int | None) -> Planned:
        """Move or lengthen a planned session (validated like a new plan); the event and reminders follow."""
        row = await self._own(guild_id, session_id)
        if row.status != "planned":
            raise PlanRefused("sessions.err.running")
        hours = await self._hours(guild_id)
        tz = ZoneInfo(hours.timezone)
        new_start = row.start_at
        if start:
            try:
                new_start = parse_start(start, self.clock.now(), tz)
            except StartParseError as exc:
                raise PlanRefused(exc.key, value=start[:40]) from None
        duration = timedelta(minutes=duration_minutes) if duration_minutes else row.end_at - row.start_at
        plan = SessionPlan(SessionKind(row.kind), row.theme, new_start, duration, room_id=row.room_id)
        check_plan(plan, self.clock.now(), hours, await self.store.bookings(guild_id, except_id=row.id))
        await self.store.update(row.id, start_at=plan.start, end_at=plan.end)
        if row.event_id is not None:
            await self.port.edit_event(guild_id, row.event_id, start=plan.start, end=plan.end)
        row.start_at, row.end_at = plan.start, plan.end
        await self._schedule(row, OfficeHours(hours))
        await self._tell(row, "sessions.moved", when=local_label(plan.start, tz))
        return self._planned(row, tz, hours)

    async def cancel(self, guild_id: int, session_id: int) -> None:
        row = await self._own(guild_id, session_id)
        if row.status != "planned":
            raise PlanRefused("sessions.err.running")
        await self._unschedule(row.id)
        await self.store.update(row.id, status="cancelled")
        if row.event_id is not None:
            await self.port.edit_event(guild_id, row.event_id, status="cancelled")
        tz = ZoneInfo((await self._hours(guild_id)).timezone)
        await self._tell(row, "sessions.cancelled", when=local_label(row.start_at, tz))
        await self.store.drop_followers(row.id)

    async def _tell(self, row: SafeSession, key: str, **params: Any) -> None:
        """Post in the announcements channel and DM everyone who follows the session."""
        text = self.text.youth([key], kind=row.kind, theme=row.theme, **params)
        core = await self._guild_config(row.guild_id)
        if core.channels.announcements is not None:
            await self.port.post(core.channels.announcements, text)
        for user_id in await self.followers(row):
            await self.port.dm(user_id, text)

    async def followers(self, row: SafeSession) -> list[int]:
        """Who pressed **Volg**, and who pressed *Interested* on the event; each once."""
        found = dict.fromkeys(await self.store.followers(row.id))
        if row.event_id is not None:
            found.update(dict.fromkeys(await self.port.event_users(row.guild_id, row.event_id)))
        return list(found)[: self.config.max_follower_dms]

    async def follow(self, guild_id: int, session_id: int, user_id: int, on: bool) -> str:
        """The **Volg** / **Niet meer volgen** buttons; returns the youth-facing answer (both languages)."""
        row = await self.store.get(session_id)
        if row is None or row.guild_id != guild_id or row.status not in ("planned", "open"):
            return self.text.youth(["sessions.follow.gone"])
        await self.store.follow(session_id, user_id, on)
        key = "sessions.follow.on" if on else "sessions.follow.off"
        return self.text.youth([key], kind=row.kind, theme=row.theme)

    # -- scheduled steps ----------------------------------------------------------------------------------

    async def _on_remind(self, job: Job) -> None:
        row = await self.store.get(int(job.payload["session"]))
        now = self.clock.now()
        if row is None or row.status != "planned" or now >= row.start_at:
            return
        hours = await self._hours(row.guild_id)
        if not OfficeHours(hours).is_open(now):  # hours changed since planning: never remind after closing
            return
        tz = ZoneInfo(hours.timezone)
        key = "sessions.remind.day" if int(job.payload.get("offset", 0)) >= 60 else "sessions.remind.soon"
        await self._tell(row, key, when=local_label(row.start_at, tz), room=f"<#{row.room_id}>")

    async def _on_open(self, job: Job) -> None:
        row = await self.store.get(int(job.payload["session"]))
        if row is None or row.status != "planned" or self.clock.now() >= row.end_at:
            return  # cancelled, already open, or over while the bot was down (closing tidies up)
        core = await self._guild_config(row.guild_id)
        saved: dict[int, Overwrite] = decode(row.saved_overwrites)
        access = room_access(
            row.guild_id,
            core.roles,
            min_band=row.min_band,
            expert=row.expert_id is not None,
            own_role=await self.port.own_role(row.guild_id) if row.min_band is not None else None,
        )
        for target in access:
            if target not in saved:
                saved[target] = await self.port.get_overwrite(row.room_id, target)
        role_added = row.expert_role_added
        if row.expert_id is not None and core.roles.expert_guest is not None and not role_added:
            member = await self.port.member(row.guild_id, row.expert_id)
            role_added = member is not None and core.roles.expert_guest not in member.role_ids
        await self.store.update(row.id, saved_overwrites=encode(saved), expert_role_added=role_added)  # first: undoable
        for target, before in sorted(saved.items(), key=lambda item: access.get(item[0]) == "shut"):
            change = access.get(target, "open")
            await self.port.set_overwrite(row.room_id, target, opened(before) if change == "open" else shut(before))
        if role_added and row.expert_id is not None and core.roles.expert_guest is not None:
            await self.port.add_role(row.guild_id, row.expert_id, core.roles.expert_guest)
        if row.event_id is not None:
            await self.port.edit_event(row.guild_id, row.event_id, status="active")
        await self.store.update(row.id, status="open")
        (await self._rooms())[row.room_id] = row.id
        if row.room_kind != "text":
            await self.seed_voice(row.room_id, await self.port.voice_members(row.guild_id, row.room_id))
        keys = ["sessions.open.rules", "sessions.open.intro"]
        if SessionPlan(SessionKind(row.kind), row.theme, row.start_at, row.end_at - row.start_at).sensitive:
            keys.append("sessions.open.content_note")
        await self._gate_and_roster(row, core)
        tz = ZoneInfo((await self._hours(row.guild_id)).timezone)
        until = row.end_at.astimezone(tz).strftime("%H:%M")
        intro = self.text.youth([*keys, "sessions.open.ask"], kind=row.kind, theme=row.theme, until=until)
        await self.port.post(row.room_id, intro, buttons=(Button("ask", row.id),))

    async def _gate_and_roster(self, row: SafeSession, core: GuildConfig) -> None:
        """An age-gated session explains itself kindly to the others; the host privately gets who is there."""
        bands = band_roles(core.roles)
        if row.min_band is not None and core.channels.announcements is not None:
            labels = {lang: self.text.render(f"sessions.band.{row.min_band}", lang) for lang in ("nl", "en")}
            text = "\n\n—\n\n".join(
                self.text.render("sessions.gate.explain", lang, kind=row.kind, theme=row.theme, band=labels[lang])
                for lang in ("nl", "en")
            )
            await self.port.post(core.channels.announcements, text[:2000])
        if row.host_id is None:
            return
        present = dict.fromkeys(await self.port.voice_members(row.guild_id, row.room_id))
        present.update(dict.fromkeys(await self.followers(row)))
        people = []
        for user_id in present:
            found = await self.port.member_name(row.guild_id, user_id)
            if found is not None:
                people.append(found)
        lang = core.language or "nl"
        lines = [
            self.text.render(
                "sessions.roster.line",
                lang,
                band=self.text.render(f"sessions.band.{band}", lang),
                count=len(names),
                names=", ".join(names) or "—",
            )
            for band, names in roster(people, bands).items()
        ]
        await self.port.dm(
            row.host_id,
            self.text.render("sessions.roster", lang, kind=row.kind, theme=row.theme, lines="\n".join(lines))[:2000],
        )

    async def _on_close(self, job: Job) -> None:
        row = await self.store.get(int(job.payload["session"]))
        if row is None or row.status not in ("planned", "open"):
            return
        was_open = row.status == "open"
        for target, before in reversed(decode(row.saved_overwrites).items()):  # the bot's own role last
            await self.port.set_overwrite(row.room_id, target, before)
        core = await self._guild_config(row.guild_id)
        if row.expert_role_added and row.expert_id is not None and core.roles.expert_guest is not None:
            await self.port.remove_role(row.guild_id, row.expert_id, core.roles.expert_guest)
        if row.event_id is not None:
            await self.port.edit_event(row.guild_id, row.event_id, status="completed" if was_open else "cancelled")
        attended = await self._record_attendance(row)
        await self.store.update(row.id, status="closed", expert_role_added=False)
        (await self._rooms()).pop(row.room_id, None)
        if was_open:
            await self.port.post(row.room_id, self.text.youth(["sessions.close.talk"]), buttons=(Button("talk"),))
            await self.tools.open_feedback(row.id, row.room_id)
        self.tools.forget_limits(row.id)
        log.info("session closed", extra={"session": row.id, "attended": attended, "was_open": was_open})
        if row.weekly:
            await self._next_week(row)
        await self.store.drop_followers(row.id)

    async def _record_attendance(self, row: SafeSession) -> int:
        kind = ContactKind.HAPPY_MONDAY if row.kind == SessionKind.HAPPY_MONDAY else ContactKind.SAFE_SPACE
        tags = {"session": str(row.id), "theme": row.theme}
        counted = 0
        for user_id, wrote, seconds in await self.store.take_presence(row.id, min(self.clock.now(), row.end_at)):
            if not wrote and seconds < self.config.min_voice_minutes * 60:
                continue
            person = await self.port.member(row.guild_id, user_id)
            if person is not None and await self.contacts.record(
                row.guild_id, person, kind, tags=tags, at=row.start_at
            ):
                counted += 1
        return counted

    async def _next_week(self, row: SafeSession) -> None:
        hours = await self._hours(row.guild_id)
        start = next_occurrence(row.start_at, hours)
        if start is None:
            return
        plan = SessionPlan(
            SessionKind(row.kind),
            row.theme,
            start,
            row.end_at - row.start_at,
            room_id=row.room_id,
            weekly=True,
            min_band=row.min_band,
            expert_id=row.expert_id,
        )
        try:
            check_plan(plan, self.clock.now(), hours, await self.store.bookings(row.guild_id))
        except PlanRefused as refused:
            log.warning("weekly session not continued", extra={"session": row.id, "reason": refused.key})
            return
        room_kind = cast(RoomKind, row.room_kind)  # the column only ever holds what create stored
        following = await self._create(row.guild_id, row.host_id, plan, row.room_id, room_kind)
        await self.store.copy_followers(row.id, following.id)

    # -- attendance events ----------------------------------------------------------------------------------

    async def _rooms(self) -> dict[int, int]:
        if self._open_rooms is None:
            self._open_rooms = await self.store.open_rooms()
        return self._open_rooms

    async def warm(self) -> None:
        """Load the open session rooms, so the message path decides from memory from the first message on."""
        await self._rooms()

    def message_work(self, channel_id: int, user_id: int) -> Awaitable[None] | None:
        """Decided from memory once the open rooms are known: only a message in a session room has I/O to do."""
        if self._open_rooms is not None and channel_id not in self._open_rooms:
            return None
        return self.on_message(channel_id, user_id)

    async def on_message(self, channel_id: int, user_id: int) -> None:
        session_id = (await self._rooms()).get(channel_id)
        if session_id is not None:
            await self.store.wrote(session_id, user_id)

    async def on_voice(self, user_id: int, left: int | None, joined: int | None) -> None:
        if left == joined:
            return
        rooms = await self._rooms()
        now = self.clock.now()
        if left is not None and left in rooms:
            await self.store.voice(rooms[left], user_id, joined=False, at=now)
        if joined is not None and joined in rooms:
            await self.store.voice(rooms[joined], user_id, joined=True, at=now)

    async def reconcile_voice(self) -> None:
        """At start-up: voice joins and leaves of running sessions that happened while the bot was away."""
        self._open_rooms = None
        for room_id, session_id in (await self._rooms()).items():
            row = await self.store.get(session_id)
            if row is not None and row.room_kind != "text":
                present = set(await self.port.voice_members(row.guild_id, room_id))
                await self.store.reconcile_voice(session_id, present, self.clock.now())

    async def seed_voice(self, room_id: int, user_ids: Sequence[int]) -> None:
        """Who already sits in a room's voice channel when it opens (or when the bot comes back)."""
        session_id = (await self._rooms()).get(room_id)
        if session_id is None:
            return
        for user_id in user_ids:
            await self.store.voice(session_id, user_id, joined=True, at=self.clock.now())
