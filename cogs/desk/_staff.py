"""Staff commands: ``/desk …`` in a conversation thread or for the desk's settings, and ``/doorverwijzen``.

``uren`` is moved under ``/setup`` when the cog loads (``/setup uren``); the others stay under ``/desk``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.checks import NotAllowed, member_may, require
from bot.adapters.replies import interaction_lang
from bot.adapters.setup_group import remove_from_setup
from bot.adapters.tree import UserError
from bot.domain.desk import msg
from bot.domain.desk.config import WELCOME_MODES, WelcomeMode
from bot.domain.hours import WEEKDAYS, Weekday
from bot.i18n.translator import _, choices
from bot.runtime import Runtime
from bot.services.desk import DeskService, UiKeys
from cogs.desk._views import respond_staff

T = TypeVar("T")

DAY_CHOICES = choices("cmd.desk.day", WEEKDAYS)
HOLIDAY_CHOICES = choices("cmd.desk.holidays", ("closed", "open"))
WELCOME_CHOICES = choices("cmd.desk.welcome", WELCOME_MODES)
#: Who sees the staff commands in the menu (the team works in the desk's private threads); checked on the server.
STAFF_MENU = discord.Permissions(manage_threads=True)


@app_commands.guild_only()
class DeskStaffCog(commands.Cog):
    desk = app_commands.Group(
        name="desk",
        description=_("The contact desk (for the team)", "cmd.desk.group"),
        guild_only=True,
        default_permissions=STAFF_MENU,
    )

    def __init__(self, bot: commands.Bot, runtime: Runtime, service: DeskService) -> None:
        self.bot = bot
        self.runtime = runtime
        self.service = service

    async def cog_unload(self) -> None:
        remove_from_setup(self.bot, "uren")

    # -- in a conversation thread ----------------------------------------------------------------------

    @desk.command(name="sluit", description=_("Close this conversation", "cmd.desk.close"))
    @require("staff")
    async def close(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.channel_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await self.service.lifecycle.close(interaction.channel_id, interaction.user.id)
        await respond_staff(interaction, answer)

    @desk.command(name="heropen", description=_("Reopen this conversation", "cmd.desk.reopen"))
    @require("staff")
    async def reopen(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.channel_id is not None
        answer = await self.service.lifecycle.reopen(interaction.channel_id, interaction.user.id)
        await respond_staff(interaction, answer)

    @desk.command(name="blokkeer", description=_("Block this youth for a while (abuse)", "cmd.desk.block"))
    @app_commands.describe(duur=_("How long, e.g. 12u, 7d or 2w", "cmd.desk.option.duration"))
    @require("staff")
    async def block(self, interaction: discord.Interaction[Any], duur: str) -> None:
        assert interaction.channel_id is not None
        answer = await self.service.lifecycle.block(interaction.channel_id, duur, interaction.user.id)
        await respond_staff(interaction, answer)

    @block.autocomplete("duur")
    async def _durations(self, interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        offered = self.runtime.settings.desk.block_durations
        return [app_commands.Choice(name=d, value=d) for d in offered if current.strip().casefold() in d][:25]

    @desk.command(name="deblokkeer", description=_("Lift this youth's block", "cmd.desk.unblock"))
    @require("staff")
    async def unblock(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.channel_id is not None
        answer = await self.service.lifecycle.unblock(interaction.channel_id, interaction.user.id)
        await respond_staff(interaction, answer)

    @desk.command(name="nu", description=_("Send the held replies in this thread now (urgent)", "cmd.desk.now"))
    @require("staff")
    async def now(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.channel_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await self.service.staff.send_now_in_thread(interaction.channel_id, interaction.user.id)
        await respond_staff(interaction, answer)

    @app_commands.command(
        name="doorverwijzen", description=_("Send the youth local help (in a conversation thread)", "cmd.desk.refer")
    )
    @app_commands.describe(gemeente=_("The youth's municipality", "cmd.desk.option.municipality"))
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_threads=True)
    @require("staff")
    async def refer(self, interaction: discord.Interaction[Any], gemeente: str) -> None:
        assert interaction.channel_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await self.service.staff.refer(interaction.channel_id, gemeente, interaction.user.id)
        await respond_staff(interaction, answer)

    @refer.autocomplete("gemeente")
    async def _municipalities(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in self.service.staff.municipalities(current)]

    # -- the desk's settings ---------------------------------------------------------------------------

    @desk.command(name="uren", description=_("Show or change the opening hours", "cmd.desk.set_hours"))
    @app_commands.describe(
        dag=_("Which day", "cmd.desk.option.day"),
        tijden=_("Hours, e.g. 10:00-21:00 or gesloten", "cmd.desk.option.times"),
        gesloten=_("Extra closed day, e.g. 2026-12-24", "cmd.desk.option.closed"),
        open=_("Remove an extra closed day again", "cmd.desk.option.open"),
        feestdagen=_("Closed or open on public holidays", "cmd.desk.option.holidays"),
    )
    @app_commands.choices(dag=DAY_CHOICES, feestdagen=HOLIDAY_CHOICES)
    @require("staff")
    async def set_hours(
        self,
        interaction: discord.Interaction[Any],
        dag: str | None = None,
        tijden: str | None = None,
        gesloten: str | None = None,
        open: str | None = None,
        feestdagen: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        changes = any(value is not None for value in (dag, tijden, gesloten, open, feestdagen))
        if changes and not await member_may(interaction, "configure"):
            raise NotAllowed("configure")
        day: Weekday | None = dag if dag in WEEKDAYS else None
        summary = await self.service.change_hours(
            interaction.guild_id,
            day=day,
            times=tijden,
            close=gesloten,
            reopen=open,
            holidays_closed=None if feestdagen is None else feestdagen == "closed",
        )
        await respond_staff(interaction, *summary)

    @desk.command(name="opties", description=_("Welcome message and signature", "cmd.desk.options"))
    @app_commands.describe(
        welkom=_("How new members are welcomed", "cmd.desk.option.welcome"),
        voornamen=_("Sign replies with the youth worker's first name", "cmd.desk.option.first_names"),
    )
    @app_commands.choices(welkom=WELCOME_CHOICES)
    @require("configure")
    async def options(
        self, interaction: discord.Interaction[Any], welkom: str | None = None, voornamen: bool | None = None
    ) -> None:
        assert interaction.guild_id is not None
        mode: WelcomeMode | None = welkom if welkom in WELCOME_MODES else None
        chosen, names = await self.service.change_options(
            interaction.guild_id, welcome_mode=mode, first_names=voornamen
        )
        text = self.service.core.text
        lang = await interaction_lang(self.runtime, interaction)
        modes = {"channel": UiKeys.OPTION_CHANNEL, "dm": UiKeys.OPTION_DM, "off": UiKeys.OPTION_OFF}
        mode_text = text.staff(msg(modes[chosen]), lang)
        names_text = text.staff(msg(UiKeys.OPTION_YES if names else UiKeys.OPTION_NO), lang)
        await respond_staff(interaction, msg(UiKeys.REPLY_OPTIONS, mode=mode_text, names=names_text))

    @desk.command(name="paneel", description=_("Post the welcome message with the button", "cmd.desk.panel"))
    @require("configure")
    async def panel(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        channel = (await self.runtime.guild_config(interaction.guild_id)).channels.welcome
        if channel is None:
            raise UserError(UiKeys.ERR_NO_WELCOME)
        await interaction.response.defer(ephemeral=True, thinking=True)
        youth = self.service.youth
        chunks = await youth.welcome_chunks(interaction.guild_id)
        port = self.service.core.port
        for index, chunk in enumerate(chunks):
            await port.post(channel, chunk, button=youth.talk_button() if index == len(chunks) - 1 else None)
        await respond_staff(interaction, msg(UiKeys.REPLY_PANEL, channel=f"<#{channel}>"))
