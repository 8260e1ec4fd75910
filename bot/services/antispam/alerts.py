"""What the team is told: an incident's alert (posted once, edited as the attack grows) and the morning summary."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from bot.core import Core
from bot.scheduling import Job
from bot.services.antispam.port import AlertMessage, GuildPort
from bot.services.antispam.report import IncidentView, Reporter
from bot.services.antispam.settings import AntispamSettings
from bot.services.antispam.store import AntispamStore

MORNING = "antispam.morning"
ALERT_REFRESH_SECONDS = 2.0
"""An active incident's alert is edited at most this often as the attack grows."""


def job_key(kind: str, guild_id: int) -> str:
    """The one scheduled row of a kind per guild (a new one replaces it)."""
    return f"{kind}:{guild_id}"


class Alerts:
    """Renders incidents with the :class:`Reporter` and posts or edits them through the guild's port."""

    def __init__(
        self,
        core: Core,
        store: AntispamStore,
        ports: Callable[[int], GuildPort | None],
        settings: Callable[[int], Awaitable[AntispamSettings]],
        spawn: Callable[[Coroutine[Any, Any, None]], None],
    ) -> None:
        self.core = core
        self.store = store
        self.report = Reporter(core.i18n)
        self._ports = ports
        self._settings = settings
        self._spawn = spawn
        self._refreshing: set[int] = set()

    async def view(self, incident_id: int) -> IncidentView | None:
        incident = await self.store.incident(incident_id)
        if incident is None:
            return None
        found = await self.store.lockdown(incident_id)
        offenders = await self.store.offenders(incident_id)
        return IncidentView(incident, found[1] if found else None, found[0].status if found else None, offenders)

    async def _render(self, gid: int, incident_id: int, ended_by_user: int | None = None) -> Any:
        view = await self.view(incident_id)
        if view is None:
            return None
        settings, config = await self._settings(gid), await self.core.guild_config(gid)
        lang = await self.core.guild_lang(gid)
        return self.report.incident_alert(
            lang, view, settings, config, self.core.clock.now(), ended_by_user=ended_by_user
        )

    async def post(self, gid: int, incident_id: int) -> None:
        """Post the incident's alert and remember where, so later changes edit that one message."""
        port = self._ports(gid)
        alert = await self._render(gid, incident_id)
        if port is None or alert is None:
            return
        where = await port.post(alert)
        if where is not None:
            await self.store.update_incident(
                incident_id, alert_channel_id=where.channel_id, alert_message_id=where.message_id
            )

    async def refresh(self, gid: int, incident_id: int, ended_by_user: int | None = None) -> None:
        """Edit the posted alert to what the incident is now (without pinging anyone again)."""
        incident = await self.store.incident(incident_id)
        port = self._ports(gid)
        if incident is None or port is None or incident.alert_message_id is None or incident.alert_channel_id is None:
            return
        alert = await self._render(gid, incident_id, ended_by_user)
        if alert is not None:
            alert.ping_role_id = None
            await port.edit(AlertMessage(incident.alert_channel_id, incident.alert_message_id), alert)

    def touch(self, gid: int, incident_id: int) -> None:
        """Edit the incident's alert soon (at most every ``ALERT_REFRESH_SECONDS``) as the attack grows."""
        if incident_id in self._refreshing:
            return
        self._refreshing.add(incident_id)

        async def later() -> None:
            try:
                await asyncio.sleep(ALERT_REFRESH_SECONDS)
            finally:
                self._refreshing.discard(incident_id)
            await self.refresh(gid, incident_id)

        self._spawn(later())

    async def unlock_note(self, gid: int, incident_id: int) -> None:
        """The short "lifted" note under the alert, in its channel."""
        incident = await self.store.incident(incident_id)
        port = self._ports(gid)
        if incident is not None and port is not None:
            note = self.report.unlock_note(await self.core.guild_lang(gid), incident, await self._settings(gid))
            await port.post(note, channel_id=incident.alert_channel_id)

    # ------------------------------------------------------------------ the morning summary
    async def schedule_morning(self, gid: int, settings: AntispamSettings, at: datetime) -> None:
        due = settings.next_morning(at)
        pending = await self.core.scheduler.pending(MORNING, guild_id=gid)
        if any(job.due_at == due for job in pending):
            return
        await self.core.scheduler.schedule(MORNING, due, {}, key=job_key(MORNING, gid), guild_id=gid)

    async def on_morning(self, job: Job) -> None:
        """The morning summary of the night's incidents, in the staff channel (else the alert target)."""
        gid = job.guild_id
        port = self._ports(gid) if gid is not None else None
        if gid is None or port is None:
            return
        incidents = await self.store.night_unsummarized(gid, self.core.clock.now())
        if not incidents:
            return
        views = [v for v in [await self.view(i.id) for i in incidents] if v is not None]
        settings, config = await self._settings(gid), await self.core.guild_config(gid)
        alert = self.report.morning(await self.core.guild_lang(gid), views, settings)
        await port.post(alert, channel_id=config.channels.staff_desk)
        await self.store.mark_summarized(i.id for i in incidents)
