"""/leeftijd: a youth picks an age-band role from a select menu (no age is ever stored, only the role)."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.components import HappyView
from bot.adapters.replies import NO_PINGS
from bot.domain.sessions.bands import band_change, band_roles
from bot.i18n.translator import _
from bot.runtime import Runtime

log = logging.getLogger("happymood.sessions")


class BandSelect(discord.ui.Select["BandView"]):
    def __init__(self, runtime: Runtime, options: list[discord.SelectOption], placeholder: str) -> None:
        super().__init__(custom_id="sessions:age", placeholder=placeholder, options=options, min_values=1, max_values=1)
        self.runtime = runtime

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        guild, member = interaction.guild, interaction.user
        if guild is None or not isinstance(member, discord.Member):
            return
        roles = band_roles((await self.runtime.guild_config(guild.id)).roles)
        chosen = self.values[0]
        i18n = self.runtime.i18n
        if chosen not in roles:
            await interaction.response.send_message(i18n.both("sessions.age.unset"), ephemeral=True)
            return
        add, remove = band_change(chosen, (r.id for r in member.roles), roles)
        try:
            if remove:
                await member.remove_roles(*(discord.Object(r) for r in remove), reason="/leeftijd")
            if add:
                await member.add_roles(*(discord.Object(r) for r in add), reason="/leeftijd")
        except discord.HTTPException:
            log.exception("could not set an age band role")
            await interaction.response.send_message(i18n.t("errors.unexpected", "nl"), ephemeral=True)
            return
        labels = {lang: i18n.t(f"sessions.band.{chosen}", lang) for lang in ("nl", "en")}
        text = "\n\n".join(i18n.t("sessions.age.saved", lang, band=labels[lang]) for lang in ("nl", "en"))
        await interaction.response.edit_message(content=text, view=None)


class BandView(HappyView):
    def __init__(self, runtime: Runtime, options: list[discord.SelectOption], placeholder: str) -> None:
        super().__init__(timeout=600)
        self.add_item(BandSelect(runtime, options, placeholder))


class AgeCog(commands.Cog):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @app_commands.command(name="leeftijd", description=_("Pick your age group", "cmd.sessions.age"))
    @app_commands.guild_only()
    async def age(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        i18n = self.runtime.i18n
        roles = band_roles((await self.runtime.guild_config(interaction.guild_id)).roles)
        if not roles:
            await interaction.response.send_message(i18n.both("sessions.age.unset"), ephemeral=True)
            return
        options = [discord.SelectOption(label=i18n.t(f"sessions.band.{band}", "nl"), value=band) for band in roles]
        await interaction.response.send_message(
            i18n.both("sessions.age.prompt"),
            view=BandView(self.runtime, options, i18n.t("sessions.age.placeholder", "nl")),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
