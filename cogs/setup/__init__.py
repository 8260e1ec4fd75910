"""/setup: roles, channels, language, time zone and the permission self-audit (admins and coordinators)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.alerts import send_alert
from bot.adapters.audit import audit_guild, digest, render
from bot.adapters.checks import require
from bot.adapters.replies import interaction_lang, reply
from bot.adapters.tree import UserError
from bot.db.models import BotState
from bot.domain.errors import typed
from bot.domain.guild_config import ChannelName, GuildConfig, RoleName
from bot.domain.values import check_zone
from bot.i18n.translator import _, choices
from bot.runtime import Runtime

if TYPE_CHECKING:
    from bot.app import HappyCore

log = logging.getLogger("happymood.setup")

ROLE_CHOICES = choices("setup.role", RoleName)
CHANNEL_CHOICES = choices("setup.channel", ChannelName)
LANGUAGE_CHOICES = choices("setup.language", ("nl", "en"))
#: The permissions that count before roles are set up (named in ``/setup check``).
ACCESS_PERMISSIONS = ("administrator", "manage_guild", "moderate_members")


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SetupCog(
    commands.GroupCog, group_name="setup", group_description=_("Set up Happy Mood", "cmd.setup.description")
):
    def __init__(self, bot: commands.Bot, runtime: Runtime) -> None:
        self.bot = bot
        self.runtime = runtime
        super().__init__()

    async def _save(self, interaction: discord.Interaction[Any], changes: dict[str, Any]) -> GuildConfig:
        assert interaction.guild_id is not None
        return await self.runtime.guild_settings.update(interaction.guild_id, "core", GuildConfig(), changes)

    async def _function_name(self, interaction: discord.Interaction[Any], key: str) -> str:
        return self.runtime.i18n.t(key, await interaction_lang(self.runtime, interaction))

    @app_commands.command(name="rol", description=_("Link a function to a role", "cmd.setup.role.description"))
    @app_commands.describe(functie=_("Which function", "cmd.option.function"), rol=_("The role", "cmd.option.role"))
    @app_commands.choices(functie=ROLE_CHOICES)
    @require("configure")
    async def role(self, interaction: discord.Interaction[Any], functie: str, rol: discord.Role) -> None:
        await self._save(interaction, {f"roles.{functie}": rol.id})
        name = await self._function_name(interaction, f"setup.role.{functie}")
        await reply(self.runtime, interaction, "setup.saved.role", function=name, target=rol.mention)

    @app_commands.command(name="kanaal", description=_("Link a function to a channel", "cmd.setup.channel.description"))
    @app_commands.describe(
        functie=_("Which function", "cmd.option.function"), kanaal=_("The channel", "cmd.option.channel")
    )
    @app_commands.choices(functie=CHANNEL_CHOICES)
    @require("configure")
    async def channel(
        self,
        interaction: discord.Interaction[Any],
        functie: str,
        kanaal: discord.TextChannel | discord.CategoryChannel,
    ) -> None:
        name = await self._function_name(interaction, f"setup.channel.{functie}")
        wants_category = functie.endswith("_category")
        if wants_category and not isinstance(kanaal, discord.CategoryChannel):
            raise UserError("setup.need_category", function=name)
        if not wants_category and not isinstance(kanaal, discord.TextChannel):
            raise UserError("setup.need_text", function=name)
        await self._save(interaction, {f"channels.{functie}": kanaal.id})
        await reply(self.runtime, interaction, "setup.saved.channel", function=name, target=kanaal.mention)

    @app_commands.command(name="taal", description=_("Choose the bot's language", "cmd.setup.language.description"))
    @app_commands.describe(taal=_("Language", "cmd.option.language"))
    @app_commands.choices(taal=LANGUAGE_CHOICES)
    @require("configure")
    async def language(self, interaction: discord.Interaction[Any], taal: str) -> None:
        await self._save(interaction, {"language": taal})
        await reply(self.runtime, interaction, "setup.saved.language", value=taal)

    @app_commands.command(name="tijdzone", description=_("Choose the time zone", "cmd.setup.timezone.description"))
    @app_commands.describe(zone=_("Time zone", "cmd.option.zone"))
    @require("configure")
    async def timezone(self, interaction: discord.Interaction[Any], zone: str) -> None:
        try:
            check_zone(zone)
        except ValueError:
            raise UserError("setup.unknown_timezone", value=typed(zone)) from None
        await self._save(interaction, {"timezone": zone})
        await reply(self.runtime, interaction, "setup.saved.timezone", value=zone)

    @app_commands.command(name="toon", description=_("Show the current settings", "cmd.setup.show.description"))
    @require("configure")
    async def show(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        cfg = await self.runtime.guild_config(interaction.guild_id)
        lang = await interaction_lang(self.runtime, interaction)
        unset = self.runtime.i18n.t("setup.unset", lang)
        t = self.runtime.i18n.t
        roles = "\n".join(
            f"• {t(f'setup.role.{k}', lang)}: {f'<@&{v}>' if v else unset}" for k, v in cfg.roles.model_dump().items()
        )
        channels = "\n".join(
            f"• {t(f'setup.channel.{k}', lang)}: {f'<#{v}>' if v else unset}"
            for k, v in cfg.channels.model_dump().items()
        )
        await reply(
            self.runtime,
            interaction,
            "setup.show",
            language=cfg.language or self.runtime.settings.general.language,
            timezone=cfg.timezone or self.runtime.settings.general.timezone,
            roles=roles,
            channels=channels,
        )

    @app_commands.command(name="check", description=_("Check the bot's permissions", "cmd.setup.check.description"))
    @require("configure")
    async def check(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild is not None
        findings = await audit_guild(self.runtime, interaction.guild)
        lang = await interaction_lang(self.runtime, interaction)
        roles = (await self.runtime.guild_config(interaction.guild.id)).roles
        who = "setup.access.configured" if roles.moderator or roles.coordinator else "setup.access.before_setup"
        named = {flag: self.runtime.i18n.permission(flag, lang) for flag in ACCESS_PERMISSIONS}
        report = render(self.runtime, findings, lang) + "\n\n" + self.runtime.i18n.t(who, lang, **named)
        await reply(self.runtime, interaction, "setup.audit", report=report)

    async def report_audit(self, guild: discord.Guild, *, force: bool = False) -> None:
        """Post the audit to the alert target when it found something new (start-up, joining a guild)."""
        findings = await audit_guild(self.runtime, guild)
        mark = digest(findings)
        key = f"audit:{guild.id}"
        async with self.runtime.db.session() as session:
            state = await session.get(BotState, key)
            if not force and (state.value.get("digest") if state else digest([])) == mark:
                return
            if state is None:
                session.add(BotState(key=key, value={"digest": mark}))
            else:
                state.value = {"digest": mark}
        log.warning("permission audit", extra={"guild_id": guild.id, "findings": len(findings)})
        lang = await self.runtime.guild_lang(guild.id)
        await send_alert(self.runtime, guild, render(self.runtime, findings, lang))

    async def audit_all(self) -> None:
        for guild in self.bot.guilds:
            await self.report_audit(guild)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.report_audit(guild, force=True)


async def setup(bot: HappyCore) -> None:
    runtime = bot.runtime
    cog = SetupCog(bot, runtime)
    await bot.add_cog(cog)
    bot.on_startup(cog.audit_all)
