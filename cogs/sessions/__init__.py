"""/safespace plan|lijst|wijzig|annuleer (outreachers, coordinators) and the attendance events of a running room.

Every decision is made in ``bot/services/sessions`` and ``bot/domain/sessions``; this is thin glue.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.checks import require
from bot.adapters.replies import interaction_lang, reply
from bot.adapters.tree import UserError
from bot.domain.guild_config import Access, RoleName
from bot.domain.hours import OfficeHoursConfig
from bot.domain.sessions import THEMES, SessionKind
from bot.domain.sessions.bands import BANDS
from bot.events import Seen, events_of
from bot.i18n.translator import _, choices
from bot.runtime import Runtime
from bot.services.sessions import PlanRequest, SessionsService, SessionText
from cogs.sessions import _views
from cogs.sessions._age import AgeCog
from cogs.sessions._port import DiscordSessionsPort

if TYPE_CHECKING:
    from bot.app import HappyCore

log = logging.getLogger("happymood.sessions")

KIND_CHOICES = choices("sessions.choice", (SessionKind.SAFE_SPACE.value, SessionKind.HAPPY_MONDAY.value))
BAND_CHOICES = choices("sessions.band", BANDS)
LABELS = ("talk", "follow", "unfollow", "ask", "approve", "reject")
Room = discord.TextChannel | discord.VoiceChannel | discord.StageChannel


def build_sessions(runtime: Runtime, bot: discord.Client) -> SessionsService:
    """The one factory of the sessions service (the composition root can move it)."""

    async def hours(guild_id: int) -> OfficeHoursConfig:
        base = await runtime.guild_settings.get(guild_id, "hours", runtime.settings.hours)
        zone = (await runtime.guild_config(guild_id)).timezone
        return base.model_copy(update={"timezone": zone}) if zone and zone != base.timezone else base

    service = SessionsService(
        runtime.db,
        runtime.clock,
        runtime.scheduler,
        DiscordSessionsPort(bot, {name: runtime.i18n.t(f"sessions.button.{name}", "nl") for name in LABELS}),
        text=SessionText(runtime.i18n, runtime.settings.safety.help_lines),
        contacts=runtime.contacts,
        config=runtime.settings.sessions,
        hours=hours,
        guild_config=runtime.guild_config,
    )
    return service


@app_commands.guild_only()
@app_commands.default_permissions(manage_events=True)
class SessionsCog(
    commands.GroupCog, group_name="safespace", group_description=_("Plan safe spaces", "cmd.sessions.description")
):
    def __init__(self, bot: commands.Bot, runtime: Runtime, service: SessionsService) -> None:
        self.bot = bot
        self.runtime = runtime
        self.service = service
        super().__init__()

    async def _host(self, interaction: discord.Interaction[Any]) -> tuple[int, int]:
        """Outreachers and coordinators host sessions (administrators too); checked here, on the server."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        config = await self.runtime.guild_config(guild.id)
        is_admin = member.guild_permissions.administrator or member.id == guild.owner_id
        hosts = config.role_ids((RoleName.outreacher, RoleName.coordinator))
        if not (is_admin or Access(config).is_coordinator({r.id for r in member.roles}, is_admin)) and hosts.isdisjoint(
            r.id for r in member.roles
        ):
            raise UserError("sessions.err.not_host")
        return guild.id, member.id

    async def theme_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        lang = await interaction_lang(self.runtime, interaction)
        labels = [(slug, self.service.text.theme(SessionKind.SAFE_SPACE, slug, lang)) for slug in THEMES]
        return [
            app_commands.Choice(name=label, value=slug)
            for slug, label in labels
            if current.casefold() in label.casefold()
        ][:25]

    @app_commands.command(name="plan", description=_("Plan a safe space or Happy Mood Monday", "cmd.sessions.plan"))
    @app_commands.describe(
        soort=_("Safe space or Happy Mood Monday", "cmd.sessions.option.kind"),
        thema=_("Theme (pick one or type your own)", "cmd.sessions.option.theme"),
        start=_('Start, e.g. "woensdag 14:00", "wo 14u", "24/03 14:00"', "cmd.sessions.option.start"),
        duur=_("Duration in minutes (default 120)", "cmd.sessions.option.duration"),
        plek=_("Room (default: a new room in the safe-space category)", "cmd.sessions.option.place"),
        wekelijks=_("Repeat every week", "cmd.sessions.option.weekly"),
        expert=_("Invited expert (a member)", "cmd.sessions.option.expert"),
        min_leeftijd=_("Minimum age (only that group and older get in)", "cmd.sessions.option.min_band"),
    )
    @app_commands.choices(soort=KIND_CHOICES, min_leeftijd=BAND_CHOICES)
    @app_commands.autocomplete(thema=theme_autocomplete)
    @require("staff")
    async def plan(
        self,
        interaction: discord.Interaction[Any],
        soort: str = SessionKind.SAFE_SPACE.value,
        thema: str = "",
        start: str | None = None,
        duur: app_commands.Range[int, 15, 480] | None = None,
        plek: Room | None = None,
        wekelijks: bool = False,
        expert: discord.User | None = None,
        min_leeftijd: str | None = None,
    ) -> None:
        guild_id, host_id = await self._host(interaction)
        kind = SessionKind(soort)
        if kind is SessionKind.SAFE_SPACE and not thema.strip():
            raise UserError("sessions.err.theme_empty")
        await interaction.response.defer(ephemeral=True, thinking=True)
        request = PlanRequest(
            kind, thema, start, duur, plek.id if plek else None, wekelijks, expert.id if expert else None, min_leeftijd
        )
        planned = await self.service.plan(guild_id, host_id, request)
        reminders = ", ".join(planned.reminders) or "—"
        await reply(
            self.runtime,
            interaction,
            "sessions.planned",
            id=planned.session_id,
            start=planned.start,
            end=planned.end,
            room=f"<#{planned.room_id}>",
            reminders=reminders,
        )

    @app_commands.command(name="lijst", description=_("Upcoming sessions", "cmd.sessions.list"))
    @require("staff")
    async def list_(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        lang = await interaction_lang(self.runtime, interaction)
        lines = [
            self.runtime.i18n.t(
                "sessions.list.line",
                lang,
                id=row.id,
                when=when,
                theme=self.service.text.theme(row.kind, row.theme, lang),
                room=f"<#{row.room_id}>",
                status=self.runtime.i18n.t(f"sessions.status.{row.status}", lang),
                weekly="🔁" if row.weekly else "",
            )
            for row, when in await self.service.upcoming(interaction.guild_id)
        ]
        await reply(self.runtime, interaction, "sessions.list", lines="\n".join(lines) or "—")

    @app_commands.command(name="wijzig", description=_("Move or lengthen a planned session", "cmd.sessions.edit"))
    @app_commands.describe(
        id=_("Session number (see /safespace list)", "cmd.sessions.option.id"),
        start=_('New start, e.g. "woensdag 15:00"', "cmd.sessions.option.start"),
        duur=_("New duration in minutes", "cmd.sessions.option.duration"),
    )
    @require("staff")
    async def edit(
        self,
        interaction: discord.Interaction[Any],
        id: int,
        start: str | None = None,
        duur: app_commands.Range[int, 15, 480] | None = None,
    ) -> None:
        guild_id, _host = await self._host(interaction)
        planned = await self.service.edit(guild_id, id, start=start, duration_minutes=duur)
        await reply(self.runtime, interaction, "sessions.edited", id=id, start=planned.start, end=planned.end)

    @app_commands.command(name="annuleer", description=_("Cancel a planned session", "cmd.sessions.cancel"))
    @app_commands.describe(id=_("Session number (see /safespace list)", "cmd.sessions.option.id"))
    @require("staff")
    async def cancel(self, interaction: discord.Interaction[Any], id: int) -> None:
        guild_id, _host = await self._host(interaction)
        await self.service.cancel(guild_id, id)
        await reply(self.runtime, interaction, "sessions.cancelled_staff", id=id)

    @app_commands.command(name="feedback", description=_("Feedback on the latest sessions", "cmd.sessions.feedback"))
    @require("staff")
    async def feedback(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        lang = await interaction_lang(self.runtime, interaction)
        lines = [
            self.runtime.i18n.t(
                "sessions.feedback.line",
                lang,
                id=row.id,
                when=when,
                theme=self.service.text.theme(row.kind, row.theme, lang),
                good=totals.good,
                ok=totals.ok,
                bad=totals.bad,
            )
            for row, totals, when in await self.service.feedback(interaction.guild_id)
        ]
        await reply(self.runtime, interaction, "sessions.feedback.list", lines="\n".join(lines) or "—")

    # -- attendance ---------------------------------------------------------------------------------------

    async def cog_load(self) -> None:
        await self.service.warm()
        events_of(self.bot).observe("message", self.on_message)

    async def cog_unload(self) -> None:
        events_of(self.bot).forget("message", self.on_message)

    def on_message(self, seen: Seen[discord.Message]) -> Awaitable[None] | None:
        """Attendance: only a message in an open session room has anything to do (errors are logged by the hub)."""
        message = seen.item
        if message.guild is None or message.author.bot:
            return None
        return self.service.message_work(message.channel.id, message.author.id)

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        if member.bot:
            return
        try:
            await self.service.on_voice(
                member.id, before.channel.id if before.channel else None, after.channel.id if after.channel else None
            )
        except Exception:
            log.exception("sessions could not note a voice change")


async def setup(bot: HappyCore) -> None:
    runtime = bot.runtime
    service = build_sessions(runtime, bot)
    service.register()
    runtime.services.sessions = service
    _views.register(bot)
    bot.on_startup(service.reconcile_voice)
    await bot.add_cog(SessionsCog(bot, runtime, service))
    await bot.add_cog(AgeCog(runtime))
