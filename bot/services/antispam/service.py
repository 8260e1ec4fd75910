"""The anti-spam response pipeline: every deletion, timeout, ban, lockdown and unlock goes through here.

Like python-discord's ``apply_infraction``: the state is recorded in the database *before* acting (the
incident, the accounts as ``pending``, the exact state a lockdown replaces), then Discord is acted on with
the bot's own permissions — each step on its own, a refused step reported, never stopping the others —
then the outcome is stored and the team is told. Unlocks, renewals of the invite/DM pause and the morning
summary are scheduled actions (rows), so a restart in the middle of a lockdown still unlocks on time.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.core import Core
from bot.domain.guild_config import GuildConfig
from bot.domain.spam import JoinEvent, MessageEvent, Verdict, VerdictKind
from bot.domain.spam.quiet import quiet_at
from bot.scheduling import Job
from bot.services.antispam import lockdown
from bot.services.antispam.actions import CleanupActions
from bot.services.antispam.alerts import Alerts, job_key
from bot.services.antispam.batcher import Batch, Batcher, Owner
from bot.services.antispam.guard import Guard, GuildProfile
from bot.services.antispam.port import Blocked, GuildPort, GuildState, blocked_entry
from bot.services.antispam.report import IncidentView
from bot.services.antispam.settings import SECTION, AntispamSettings, section_defaults
from bot.services.antispam.store import AntispamStore, OffenderAction

log = logging.getLogger("happymood.antispam")

QUIET, RENEW, PURGE = "antispam.quiet", "antispam.renew", "antispam.purge"
PURGE_EVERY = timedelta(days=1)
MAX_TRACKED_ACCOUNTS = 5_000
ALERT_SETTLE_SECONDS = 1.0
ALERT_FOLD_SECONDS = 1.5
"""A young account's own alert waits this long: when a raid starts meanwhile it is folded into the raid's."""

PortFactory = Callable[[int], GuildPort | None]


@dataclass
class _Guild:
    """Per-guild runtime state; the database stays the source of truth."""

    lock: asyncio.Lock
    batcher: Batcher
    incident_id: int | None = None
    """The active raid or manual incident (loaded from the database when unknown)."""
    loaded: bool = False
    accounts: OrderedDict[int, int] = field(default_factory=OrderedDict)
    """Account → its latest incident, to count later deletions of an account already dealt with."""


class AntispamService:
    """One per process; ``ports(guild_id)`` gives the Discord side of a guild (None when not available)."""

    def __init__(self, core: Core, ports: PortFactory, *, window: float = 0.004) -> None:
        self.core = core
        self.clock = core.clock
        self.store = AntispamStore(core.db)
        self.guard = Guard(self._load)
        core.guild_settings.subscribe(self._settings_changed)
        self._ports = ports
        self._window = window
        self.alerts = Alerts(core, self.store, ports, self.settings, self._spawn)
        self.report = self.alerts.report
        self.actions = CleanupActions(self.store, core.clock, self._reason)
        #: Drops a raid/spam newcomer's contacts from the ledger (set by :func:`bot.wiring.wire`).
        self.not_a_youth: Callable[[int, int, datetime | None], Awaitable[int]] | None = None
        self._guilds: dict[int, _Guild] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    # ------------------------------------------------------------------ settings
    async def _load(self, guild_id: int) -> tuple[AntispamSettings, GuildConfig]:
        config = await self.core.guild_config(guild_id)
        defaults = section_defaults(self.core.settings.antispam, self.core.zone_of(config))
        return await self.core.guild_settings.get(guild_id, SECTION, defaults), config

    async def settings(self, guild_id: int) -> AntispamSettings:
        return (await self.guard.profile(guild_id)).settings

    async def update_settings(self, guild_id: int, changes: dict[str, Any]) -> AntispamSettings:
        """Validate and store overrides (raises ``InvalidSetting``); the detector sees them at once."""
        config = await self.core.guild_config(guild_id)
        defaults = section_defaults(self.core.settings.antispam, self.core.zone_of(config))
        return await self.core.guild_settings.update(guild_id, SECTION, defaults, changes)

    async def _settings_changed(self, guild_id: int, section: str) -> None:
        """Roles, channels and thresholds reach the message path at once (no DB read per message)."""
        if section in ("core", SECTION):
            await self.guard.invalidate(guild_id)

    def _state(self, guild_id: int) -> _Guild:
        st = self._guilds.get(guild_id)
        if st is None:

            async def flush(batch: Batch) -> None:
                await self._flush(guild_id, batch)

            st = self._guilds[guild_id] = _Guild(asyncio.Lock(), Batcher(flush, window=self._window))
        return st

    def _port(self, guild_id: int) -> GuildPort | None:
        return self._ports(guild_id)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _lang(self, guild_id: int) -> str:
        return await self.core.guild_lang(guild_id)

    async def _reason(self, guild_id: int, key: str, **params: Any) -> str:
        return self.core.i18n.t(f"antispam.audit.{key}", await self._lang(guild_id), **params)

    # ------------------------------------------------------------------ the message path
    async def handle(self, event: MessageEvent, verdict: Verdict) -> None:
        """Act on one verdict: deletions are queued at once; offenders after their incident is recorded."""
        gid = event.guild_id
        st = self._state(gid)
        raid = verdict.kind is VerdictKind.RAID
        if not verdict.offenders:
            if verdict.delete:
                owner: Owner = ("raid", 0) if raid else ("user", event.author_id)
                st.batcher.add_deletes(verdict.delete, owner, event.at)
            return
        profile = await self.guard.profile(gid)
        settings, now = profile.settings, self.clock.now()
        young = False
        if raid:
            if verdict.delete:
                st.batcher.add_deletes(verdict.delete, ("raid", 0), event.at)
            incident_id = await self._raid_incident(gid, event.at, verdict, profile)
            action = settings.action
            minutes = settings.timeout_minutes
            alert = None
        else:
            young = settings.thresholds_at(event.at).is_young(event.at, event.account_created_at, event.joined_at)
            active = st.incident_id
            if active is not None:  # one incident, one alert: an account offending during an attack is part of it
                incident_id, alert = active, None
            else:
                incident_id = await self.store.open_incident(
                    gid, "member", event.at, night=settings.is_night(event.at), reasons=verdict.reasons
                )
                alert = None if young else incident_id
                if young:  # perhaps the first of a raid: wait a moment before alerting on its own
                    self._spawn(self._member_alert_later(gid, incident_id))
            self._remember(st, event.author_id, incident_id)
            if verdict.delete:
                st.batcher.add_deletes(verdict.delete, ("user", event.author_id), event.at)
            action = settings.action if young else "timeout"
            minutes = settings.timeout_minutes if young else settings.member_timeout_minutes
            if settings.is_night(event.at):
                await self.alerts.schedule_morning(gid, settings, event.at)
        if raid or young:
            # Raid accounts (those that joined in the burst, posting or not) and fresh spammers are no youths.
            burst = profile.detector.join_burst_accounts(event.at) if verdict.is_new_raid else frozenset()
            self._spawn(self._not_youths(gid, verdict.offenders | burst))
        until = now + timedelta(minutes=minutes) if action == "timeout" else None
        for uid in verdict.offenders:
            self._remember(st, uid, incident_id)
        actions = [OffenderAction(incident_id, uid, action, until) for uid in sorted(verdict.offenders)]
        st.batcher.add_offenders(actions, alert=alert)

    async def _not_youths(self, gid: int, user_ids: Iterable[int]) -> None:
        """Raid and fresh spam accounts were never youths: keep them out of the contact ledger's KPIs."""
        port, discard = self._port(gid), self.not_a_youth
        if port is None or discard is None:
            return
        for uid in user_ids:
            await discard(gid, uid, port.joined_at(uid))

    async def handle_join(self, event: JoinEvent, verdict: Verdict) -> None:
        """A join flood: pause invites at once and time the burst's accounts out before they post; at night or
        with ``lockdown_on_join_burst`` the guild is locked too. One incident, whose alert grows."""
        if verdict.kind is not VerdictKind.JOIN_BURST or not verdict.offenders:
            return
        gid = event.guild_id
        st = self._state(gid)
        profile = await self.guard.profile(gid)
        settings = profile.settings
        full = settings.is_night(event.at) or settings.lockdown_on_join_burst
        incident_id = await self._raid_incident(gid, event.at, verdict, profile, full=full)
        until = self.clock.now() + timedelta(minutes=settings.timeout_minutes)
        for uid in verdict.offenders:
            self._remember(st, uid, incident_id)
        st.batcher.add_offenders(
            [OffenderAction(incident_id, uid, "timeout", until) for uid in sorted(verdict.offenders)]
        )
        self._spawn(self._not_youths(gid, verdict.offenders))

    async def _member_alert_later(self, gid: int, incident_id: int) -> None:
        """A young account's own alert, unless a raid started meanwhile: then it is folded into the raid's."""
        await asyncio.sleep(ALERT_FOLD_SECONDS)
        st = self._state(gid)
        await st.batcher.idle(ALERT_SETTLE_SECONDS)
        raid = st.incident_id
        if raid is None or raid == incident_id:
            await self.alerts.post(gid, incident_id)
            return
        moved = await self.store.fold_incident(incident_id, raid)
        for uid in moved:
            self._remember(st, uid, raid)
        self.alerts.touch(gid, raid)

    @staticmethod
    def _remember(st: _Guild, user_id: int, incident_id: int) -> None:
        st.accounts[user_id] = incident_id
        st.accounts.move_to_end(user_id)
        if len(st.accounts) > MAX_TRACKED_ACCOUNTS:
            st.accounts.popitem(last=False)

    async def _active_id(self, guild_id: int) -> int | None:
        st = self._state(guild_id)
        if st.incident_id is None and not st.loaded:
            active = await self.store.active_lockdown(guild_id)
            st.incident_id = active.id if active is not None else None
            st.loaded = True
        return st.incident_id

    # ------------------------------------------------------------------ lockdown
    async def _raid_incident(
        self, gid: int, at: datetime, verdict: Verdict, profile: GuildProfile, *, full: bool = True
    ) -> int:
        """The raid's incident; the first raid verdict records it and locks the guild (role edit first).
        Without ``full`` (a join flood by day) only invites are paused."""
        st = self._state(gid)
        if st.incident_id is not None:
            return st.incident_id
        async with st.lock:
            existing = await self._active_id(gid)
            if existing is not None:
                return existing
            settings = profile.settings
            port = self._port(gid) if settings.lockdown_on_raid else None
            state = await port.read_state(fresh=False) if port is not None else None
            make = lockdown.plan if full else lockdown.pause_plan
            plan = make(state, settings, self.clock.now()) if state is not None else None
            incident_id = await self.store.open_incident(
                gid, "raid", at, night=settings.is_night(at), reasons=verdict.reasons, lock=plan
            )
            st.incident_id = incident_id
        log.warning("raid detected", extra={"guild_id": gid, "incident_id": incident_id, "kind": str(verdict.kind)})
        self._spawn(self._lock_guild(gid, incident_id, plan, state, settings, at))
        return incident_id

    async def _lock_guild(
        self,
        gid: int,
        incident_id: int,
        plan: lockdown.LockPlan | None,
        state: GuildState | None,
        settings: AntispamSettings,
        at: datetime,
    ) -> None:
        st = self._state(gid)
        async with st.lock:
            if st.incident_id != incident_id:  # unlocked before it could even lock
                return
            blocked = await self._apply(gid, incident_id, plan, state)
        await self._after_open(gid, incident_id, settings, at, blocked)

    async def _apply(
        self, gid: int, incident_id: int, plan: lockdown.LockPlan | None, state: GuildState | None
    ) -> list[Blocked]:
        port = self._port(gid)
        if plan is None or state is None or port is None:
            return []
        blocked = await lockdown.apply(port, plan, state, await self._reason(gid, "lockdown", id=incident_id))
        await self.store.set_lockdown(incident_id, status="locked")
        return blocked

    async def _after_open(
        self, gid: int, incident_id: int, settings: AntispamSettings, at: datetime, blocked: list[Blocked]
    ) -> None:
        """After the lock: record what was refused, arm the unlock/renewal/summary, then tell the team."""
        await self.store.add_blocked(incident_id, [blocked_entry(b) for b in blocked])
        incident = await self.store.incident(incident_id)
        if incident is None:
            return
        payload = {"incident_id": incident_id}
        if not incident.keep_locked:
            due = quiet_at((at,), settings.quiet_minutes)
            await self.core.scheduler.schedule(QUIET, due, payload, key=job_key(QUIET, gid), guild_id=gid)
        found = await self.store.lockdown(incident_id)
        if found is not None and found[1].paused_until is not None:
            due = self.clock.now() + lockdown.RENEW_EVERY
            await self.core.scheduler.schedule(RENEW, due, payload, key=job_key(RENEW, gid), guild_id=gid)
        if incident.night:
            await self.alerts.schedule_morning(gid, settings, at)
        await self._state(gid).batcher.idle(ALERT_SETTLE_SECONDS)
        await self.alerts.post(gid, incident_id)

    async def manual_lockdown(self, gid: int, user_id: int) -> tuple[int, bool]:
        """``/lockdown on``: the same pipeline, with the bot's permissions; stays until someone unlocks."""
        st = self._state(gid)
        profile = await self.guard.profile(gid)
        now = self.clock.now()
        async with st.lock:
            existing = await self._active_id(gid)
            if existing is not None:
                return existing, False
            port = self._port(gid)
            state = await port.read_state(fresh=True) if port is not None else None
            plan = lockdown.plan(state, profile.settings, now) if state is not None else None
            incident_id = await self.store.open_incident(
                gid,
                "manual",
                now,
                night=profile.settings.is_night(now),
                started_by=user_id,
                keep_locked=True,
                lock=plan,
            )
            st.incident_id = incident_id
            blocked = await self._apply(gid, incident_id, plan, state)
        log.warning("manual lockdown", extra={"guild_id": gid, "incident_id": incident_id})
        await self._after_open(gid, incident_id, profile.settings, now, blocked)
        return incident_id, True

    async def unlock(
        self, gid: int, *, by: str, user_id: int | None = None, incident_id: int | None = None
    ) -> int | None:
        """Restore exactly what the active lockdown changed and end it; returns the incident, or None."""
        st = self._state(gid)
        async with st.lock:
            active = await self._active_id(gid)
            if active is None or (incident_id is not None and active != incident_id):
                return None
            blocked = await self._restore(gid, active)
            now = self.clock.now()
            await self.store.update_incident(active, status="ended", ended_at=now, ended_by=by)
            await self.store.add_blocked(active, [blocked_entry(b) for b in blocked])
            st.incident_id = None
            self.guard.end_raid(gid)
            await self.core.scheduler.cancel(key=job_key(QUIET, gid))
            await self.core.scheduler.cancel(key=job_key(RENEW, gid))
        log.info("lockdown lifted", extra={"guild_id": gid, "incident_id": active, "by": by})
        await self.alerts.refresh(gid, active, ended_by_user=user_id)
        await self.alerts.unlock_note(gid, active)
        return active

    async def _restore(self, gid: int, incident_id: int) -> list[Blocked]:
        found = await self.store.lockdown(incident_id)
        port = self._port(gid)
        if found is None or found[0].status == "restored" or port is None:
            return []
        await self.store.set_lockdown(incident_id, status="restoring")
        state = await port.read_state(fresh=True)
        reason = await self._reason(gid, "unlock", id=incident_id)
        blocked = await lockdown.restore(port, found[1], state, self.clock.now(), reason)
        await self.store.set_lockdown(incident_id, status="restored", restored_at=self.clock.now())
        return blocked

    async def keep_locked(self, incident_id: int) -> bool:
        incident = await self.store.incident(incident_id)
        if incident is None or incident.status != "active" or incident.kind not in ("raid", "manual"):
            return False
        await self.store.update_incident(incident_id, keep_locked=True)
        await self.core.scheduler.cancel(key=job_key(QUIET, incident.guild_id))
        await self.alerts.refresh(incident.guild_id, incident_id)
        return True

    async def ban_flagged(self, incident_id: int) -> int:
        """Ban the incident's accounts (one bulk call); raises :class:`Blocked` without the permission."""
        incident = await self.store.incident(incident_id)
        port = self._port(incident.guild_id) if incident is not None else None
        if incident is None or port is None:
            return 0
        targets = [o.user_id for o in await self.store.offenders(incident_id) if o.action != "ban"]
        if not targets:
            return 0
        banned = await port.ban(targets, await self._reason(incident.guild_id, "ban", id=incident_id))
        await self.store.set_offender_status(incident_id, {uid: "applied" for uid in banned}, action="ban")
        await self.alerts.refresh(incident.guild_id, incident_id)
        return len(banned)

    async def undo_timeouts(self, incident_id: int) -> int:
        """A false positive: lift the incident's timeouts and forget what the detector held against them."""
        incident = await self.store.incident(incident_id)
        port = self._port(incident.guild_id) if incident is not None else None
        if incident is None or port is None:
            return 0
        gid = incident.guild_id
        reason = await self._reason(gid, "undo", id=incident_id)
        targets = [
            o.user_id
            for o in await self.store.offenders(incident_id)
            if o.action == "timeout" and o.status == "applied"
        ]
        for uid in targets:
            await port.timeout(uid, None, reason)
            self.guard.forget(gid, uid)
        await self.store.set_offender_status(incident_id, dict.fromkeys(targets, "undone"))
        await self.alerts.refresh(gid, incident_id)
        return len(targets)

    async def status(self, gid: int) -> IncidentView | None:
        active = await self._active_id(gid)
        return None if active is None else await self.alerts.view(active)

    # ------------------------------------------------------------------ batches: deletions and accounts
    async def _flush(self, gid: int, batch: Batch) -> None:
        """Run one batch: deletions and account actions together, then store the counts and refusals."""
        port = self._port(gid)
        if port is None:
            return
        st = self._state(gid)
        refused, acted = await asyncio.gather(
            self.actions.delete(port, batch.deletes), self.actions.act(port, gid, batch.offenders)
        )
        if st.incident_id is None and any(owner[0] == "raid" for owner in batch.counts):
            async with st.lock:  # the raid's incident is being recorded right now
                pass
        progress = self._progress(st, batch)
        await self.store.add_progress(progress)
        grown = {a.incident_id for a in batch.offenders} | set(progress)
        if st.incident_id is not None and st.incident_id in grown:
            self.alerts.touch(gid, st.incident_id)
        blocked = dict(acted)
        for incident in progress or ([st.incident_id] if st.incident_id else []):
            blocked.setdefault(incident, []).extend(blocked_entry(exc) for exc in refused)
        for incident, entries in blocked.items():
            await self.store.add_blocked(incident, entries)
        for incident in sorted(batch.alerts):
            await self.alerts.post(gid, incident)

    @staticmethod
    def _progress(st: _Guild, batch: Batch) -> dict[int, tuple[int, datetime | None]]:
        """Deleted-message counts and the latest spam per incident (an owner resolved to its incident)."""
        progress: dict[int, tuple[int, datetime | None]] = {}
        for owner, n in batch.counts.items():
            incident = st.incident_id if owner[0] == "raid" else st.accounts.get(owner[1])
            if incident is None:
                continue
            count, last = progress.get(incident, (0, None))
            at = batch.last_at.get(owner)
            latest = at if last is None else (last if at is None else max(last, at))
            progress[incident] = (count + n, latest)
        return progress

    # ------------------------------------------------------------------ scheduled work
    async def on_quiet(self, job: Job) -> None:
        """The quiet timer: unlock when no spam came for ``quiet_minutes``, else look again later."""
        incident = await self.store.incident(int(job.payload["incident_id"]))
        if incident is None or incident.status != "active" or incident.keep_locked:
            return
        gid = incident.guild_id
        settings = await self.settings(gid)
        seen = (incident.last_spam_at, incident.started_at, self.guard.last_spam_at(gid))
        due = quiet_at(seen, settings.quiet_minutes)
        if self.clock.now() < due:
            await self.core.scheduler.schedule(QUIET, due, job.payload, key=job_key(QUIET, gid), guild_id=gid)
            return
        await self.unlock(gid, by="quiet", incident_id=incident.id)

    async def on_renew(self, job: Job) -> None:
        """Push the invite/DM pause another 24 h ahead while the lockdown lasts."""
        incident_id = int(job.payload["incident_id"])
        incident = await self.store.incident(incident_id)
        found = await self.store.lockdown(incident_id)
        if incident is None or incident.status != "active" or found is None or found[1].paused_until is None:
            return
        gid = incident.guild_id
        port = self._port(gid)
        if port is None:
            return
        until = self.clock.now() + lockdown.PAUSE_AHEAD
        blocked = await lockdown.renew(port, found[1], until, await self._reason(gid, "lockdown", id=incident_id))
        await self.store.add_blocked(incident_id, [blocked_entry(b) for b in blocked])
        if not blocked:
            await self.store.set_lockdown(incident_id, paused_until=until)
        due = self.clock.now() + lockdown.RENEW_EVERY
        await self.core.scheduler.schedule(RENEW, due, job.payload, key=job_key(RENEW, gid), guild_id=gid)

    async def on_purge(self, job: Job) -> None:
        """Daily: offender rows expire ``record_retention_days`` after their incident closed."""
        days = self.core.settings.antispam.record_retention_days
        removed = await self.store.purge_offenders(self.clock.now() - timedelta(days=days))
        if removed:
            log.info("expired anti-spam records deleted", extra={"count": removed})
        await self.schedule_purge()

    async def schedule_purge(self, *, first: bool = False) -> None:
        """Keep one purge row scheduled (restart-safe: the row survives; at start-up only armed when missing)."""
        if first and await self.core.scheduler.pending(PURGE):
            return
        due = self.clock.now() + (timedelta(0) if first else PURGE_EVERY)
        await self.core.scheduler.schedule(PURGE, due, {}, key=PURGE)

    async def resume(self, guild_ids: Iterable[int]) -> None:
        """At start-up: make sure every active lockdown is whole and will end (``guild_ids``: this shard's)."""
        owned = set(guild_ids)
        for incident in await self.store.active_lockdowns():
            gid = incident.guild_id
            port = self._port(gid)
            if port is None or gid not in owned:
                continue
            st = self._state(gid)
            st.incident_id, st.loaded = incident.id, True
            found = await self.store.lockdown(incident.id)
            if found is not None and found[0].status == "locking":
                async with st.lock:
                    state = await port.read_state(fresh=True)
                    blocked = await self._apply(gid, incident.id, found[1], state)
                await self.store.add_blocked(incident.id, [blocked_entry(b) for b in blocked])
            elif found is not None and found[0].status == "restoring":
                await self.unlock(gid, by=incident.ended_by or "moderator", incident_id=incident.id)
                continue
            await self._ensure_scheduled(
                gid, incident.id, incident.keep_locked, found is not None and found[1].paused_until is not None
            )

    async def _ensure_scheduled(self, gid: int, incident_id: int, keep_locked: bool, paused: bool) -> None:
        pending = {job.key for job in await self.core.scheduler.pending(guild_id=gid)}
        payload = {"incident_id": incident_id}
        now = self.clock.now()
        if not keep_locked and job_key(QUIET, gid) not in pending:
            await self.core.scheduler.schedule(QUIET, now, payload, key=job_key(QUIET, gid), guild_id=gid)
        if paused and job_key(RENEW, gid) not in pending:
            await self.core.scheduler.schedule(RENEW, now, payload, key=job_key(RENEW, gid), guild_id=gid)

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait until queued clean-up and follow-up work (alerts, scheduling) is done."""
        for _ in range(3):
            for st in list(self._guilds.values()):
                await st.batcher.idle(timeout)
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=timeout)

    async def close(self) -> None:
        await self.drain()
