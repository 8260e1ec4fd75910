"""Contact ledger glue: joins and public exchanges are counted; /stats, /moment, /privacy, /vergeet-mij.

Everything is decided in :class:`bot.services.ledger.LedgerService`; this cog only translates Discord
events and commands into its calls.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.alerts import send_alert
from bot.adapters.checks import require
from bot.adapters.people import author, person
from bot.adapters.replies import NO_PINGS, interaction_lang, reply
from bot.adapters.tree import UserError
from bot.domain.ledger import ContactKind, PlaceType
from bot.events import Seen, events_of
from bot.i18n import LANGUAGES
from bot.i18n.translator import _, choice, choices
from bot.runtime import Runtime
from bot.services.ledger import LedgerService, parse_day, report_range, stats_answer
from bot.services.ledger.digest import Digest
from cogs.ledger._port import DiscordReportPoster

if TYPE_CHECKING:
    from bot.app import HappyCore


log = logging.getLogger("happymood.ledger")

PERIODS = ("week", "month", "year", "last-week", "last-month", "last-year")
PERIOD_CHOICES = [choice(f"cmd.ledger.stats.choice.{p.replace('-', '_')}", p) for p in PERIODS]
PLACE_TYPE_CHOICES = choices("ledger.place_type", PlaceType)


class LedgerCog(commands.Cog):
    def __init__(self, bot: commands.Bot, runtime: Runtime, service: LedgerService) -> None:
        self.bot = bot
        self.runtime = runtime
        self.service = service

    async def cog_load(self) -> None:
        hub = events_of(self.bot)
        hub.observe("member_join", self.on_member_join)
        hub.observe("message", self.on_message)

    async def cog_unload(self) -> None:
        hub = events_of(self.bot)
        hub.forget("member_join", self.on_member_join)
        hub.forget("message", self.on_message)
        # the runtime closed the ledger before the cogs unload; contacts that arrived meanwhile are written now
        await self.service.drain()

    # ------------------------------------------------------------------------------- observers

    def on_member_join(self, seen: Seen[discord.Member]) -> Awaitable[object]:
        member = seen.item
        return self.service.record(member.guild.id, person(member), ContactKind.JOIN)

    def on_message(self, seen: Seen[discord.Message]) -> Awaitable[object] | None:
        message, channel = seen.item, seen.item.channel
        if (
            message.guild is None
            or message.author.bot
            or not isinstance(message.author, discord.Member)
            or not isinstance(channel, discord.TextChannel)  # threads (the desk) count elsewhere
            or message.type not in (discord.MessageType.default, discord.MessageType.reply)
        ):
            return None
        who = author(seen)
        if seen.config is None:  # settings not in memory yet: read them first
            return self.service.observe_message(message.guild.id, channel.id, channel.category_id, who)
        return self.service.observe_message_with(seen.config, message.guild.id, channel.id, channel.category_id, who)

    # ---------------------------------------------------------------------------- coordinators

    @app_commands.command(name="stats", description=_("KPI report of contact moments", "cmd.ledger.stats.description"))
    @app_commands.describe(
        periode=_("Which period", "cmd.ledger.stats.option.period"),
        van=_("Own period: from (dd/mm/yyyy)", "cmd.ledger.stats.option.from"),
        tot=_("Own period: up to and including", "cmd.ledger.stats.option.to"),
    )
    @app_commands.choices(periode=PERIOD_CHOICES)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @require("coordinator")
    async def stats(
        self,
        interaction: discord.Interaction[Any],
        periode: str = "week",
        van: str | None = None,
        tot: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        span = report_range(periode, van, tot, await self.service.today(interaction.guild_id))
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.service.report(interaction.guild_id, span)
        content, files = await stats_answer(
            report, self.runtime.i18n, await interaction_lang(self.runtime, interaction)
        )
        await interaction.followup.send(
            content,
            files=[discord.File(io.BytesIO(data), filename=name) for name, data in files],
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    # ------------------------------------------------------------------------------ outreachers

    @app_commands.command(
        name="moment", description=_("Log an offline happy place moment", "cmd.ledger.moment.description")
    )
    @app_commands.describe(
        soort=_("Type of place", "cmd.ledger.moment.option.place_type"),
        plek=_("Which place", "cmd.ledger.moment.option.place"),
        aantal=_("How many youths", "cmd.ledger.moment.option.count"),
        datum=_("Date (dd/mm/yyyy, default today)", "cmd.ledger.moment.option.date"),
    )
    @app_commands.choices(soort=PLACE_TYPE_CHOICES)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_events=True)
    async def moment(
        self,
        interaction: discord.Interaction[Any],
        soort: str,
        plek: str,
        aantal: app_commands.Range[int, 1, 500],
        datum: str | None = None,
    ) -> None:
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        config = await self.runtime.guild_config(guild.id)
        roles = {role.id for role in member.roles}
        if not self.service.may_log_offline(config, roles, member.guild_permissions.administrator):
            raise UserError("ledger.moment.not_allowed")
        day = parse_day(datum, await self.service.today(guild.id))
        await self.service.log_offline(guild.id, soort, plek, day, aantal)
        lang = await interaction_lang(self.runtime, interaction)
        place_type = self.runtime.i18n.t(f"ledger.place_type.{soort}", lang)
        date_text = day.strftime("%d/%m/%Y")
        await reply(
            self.runtime,
            interaction,
            "ledger.moment.saved",
            count=aantal,
            date=date_text,
            place_type=place_type,
            place=plek,
        )

    @moment.autocomplete("plek")
    async def _places(self, _interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=p, value=p) for p in self.service.places(current)]

    # ----------------------------------------------------------------------------------- youths

    async def _both(self, interaction: discord.Interaction[Any], key: str, **params: Any) -> None:
        """Answer a youth: Dutch first, then English, only they see it."""
        text = self.runtime.i18n.both(key, **params)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(
        name="privacy", description=_("What Happy Mood keeps about you", "cmd.ledger.privacy.description")
    )
    async def privacy(self, interaction: discord.Interaction[Any]) -> None:
        config, t = self.service.config, self.runtime.i18n.t
        parts = [
            t(
                "ledger.privacy.text",
                lang,
                k=config.suppression_k,
                retention_days=config.retention_days,
                antispam_days=self.runtime.settings.antispam.record_retention_days,
                period=t(f"ledger.period.{config.period}", lang),
            )
            for lang in LANGUAGES
        ]
        await interaction.response.send_message("\n\n".join(parts), ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(
        name="vergeet-mij", description=_("Make Happy Mood forget you", "cmd.ledger.forget.description")
    )
    @app_commands.describe(bevestig=_("Choose True to confirm", "cmd.ledger.forget.option.confirm"))
    @app_commands.guild_only()
    async def forget_me(self, interaction: discord.Interaction[Any], bevestig: bool = False) -> None:
        guild = interaction.guild
        assert guild is not None
        if not bevestig:
            await self._both(interaction, "ledger.forget.confirm_needed")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.forget(guild.id, interaction.user.id)
        if result.failed_features:
            lang = await self.runtime.guild_lang(guild.id)
            features = ", ".join(result.failed_features)
            await send_alert(self.runtime, guild, self.runtime.i18n.t("ledger.forget.alert", lang, features=features))
            await self._both(interaction, "ledger.forget.partial")
        else:
            await self._both(interaction, "ledger.forget.done")


def build_digest(bot: commands.Bot, runtime: Runtime, service: LedgerService) -> Digest:
    """The scheduled Monday / first-working-day report to the coordinators' channel."""
    return Digest(
        service,
        runtime.clock,
        runtime.i18n,
        DiscordReportPoster(bot),
        guild_config=runtime.guild_config,
        default_lang=runtime.settings.general.language,
    )


async def setup(bot: HappyCore) -> None:
    runtime = bot.runtime
    service: LedgerService = runtime.services.ledger
    service.retention.install(runtime.scheduler)
    digest = build_digest(bot, runtime, service)
    digest.install(runtime.scheduler)

    async def arm_retention() -> None:
        await service.retention.ensure_scheduled(runtime.scheduler)
        await digest.ensure_scheduled(runtime.scheduler)

    bot.on_startup(arm_retention)
    await bot.add_cog(LedgerCog(bot, runtime, service))
