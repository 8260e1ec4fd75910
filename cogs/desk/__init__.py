"""Contact desk glue: DMs and thread messages in, /over /uren /hulp, welcome on join, persistent buttons.

The staff commands (/desk …, /doorverwijzen) are in ``_staff.py``; every decision is made in
``bot/services/desk`` and ``bot/domain/desk``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.desk_group import attach_desk_extras
from bot.adapters.people import author
from bot.adapters.setup_group import move_to_setup
from bot.domain.guild_config import Access, GuildConfig
from bot.events import Seen, events_of
from bot.i18n.translator import _
from bot.runtime import Runtime
from bot.services.desk import DeskService
from cogs.desk import _views
from cogs.desk._port import DiscordDeskPort
from cogs.desk._staff import DeskStaffCog
from cogs.desk._views import respond_youth

if TYPE_CHECKING:
    from bot.app import HappyCore


log = logging.getLogger("happymood.desk")

info_contexts = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)


class DeskCog(commands.Cog):
    def __init__(self, bot: commands.Bot, runtime: Runtime, service: DeskService) -> None:
        self.bot = bot
        self.runtime = runtime
        self.service = service

    # -- events ----------------------------------------------------------------------------------------

    async def cog_load(self) -> None:
        hub = events_of(self.bot)
        hub.observe("message", self.on_message)
        hub.observe("member_join", self.on_member_join)
        self.service.youth.resume()  # DMs an earlier run kept during a database outage go to the team now

    async def cog_unload(self) -> None:
        hub = events_of(self.bot)
        hub.forget("message", self.on_message)
        hub.forget("member_join", self.on_member_join)

    def on_message(self, seen: Seen[discord.Message]) -> Awaitable[None] | None:
        """DMs, desk-thread messages and outreacher mentions need the desk; everything else is let go at once."""
        message = seen.item
        if message.author.bot or message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return None
        if message.guild is None or seen.config is None:
            return self._handle(seen)
        if self._in_desk_thread(message, seen.config) or self._mentions_outreacher(seen, seen.config):
            return self._handle(seen)
        if self._youth_in_crisis(seen, seen.config):
            return self._public_crisis(message)
        return None

    def _youth_in_crisis(self, seen: Seen[discord.Message], config: GuildConfig) -> bool:
        """Crisis words from a youth in a server channel (staff quoting a phrase is not a crisis)."""
        message = seen.item
        if not isinstance(message.author, discord.Member) or not self.service.youth.core.hours.is_crisis(
            message.content
        ):
            return False
        who = author(seen)
        return Access(config).is_youth(who.role_ids, who.is_admin, who.is_bot, who.permissions)

    async def _public_crisis(self, message: discord.Message) -> None:
        assert message.guild is not None
        try:
            await self.service.youth.on_public_crisis(
                message.guild.id, message.author.id, message.channel.id, message.id
            )
        except Exception:
            log.exception("desk could not answer crisis words in a channel")

    async def _handle(self, seen: Seen[discord.Message]) -> None:
        message = seen.item
        attachments = [a.url for a in message.attachments]
        try:
            if message.guild is None:
                await self.service.youth.on_dm(message.author.id, message.content, attachments)
                return
            guild_id = message.guild.id
            if isinstance(message.channel, discord.PartialMessageable) or self._in_desk_thread(
                message, await self.runtime.guild_config(guild_id)
            ):
                await self.service.staff.on_thread_message(
                    guild_id, message.channel.id, message.id, message.author.id, message.content, attachments
                )
            elif self._mentions_outreacher(seen, await self.runtime.guild_config(guild_id)):
                await self.service.youth.on_mention(message.guild.id, message.author.id, message.channel.id, message.id)
        except Exception:
            log.exception("desk could not handle a message")

    @staticmethod
    def _in_desk_thread(message: discord.Message, config: GuildConfig) -> bool:
        channel = message.channel
        if isinstance(channel, discord.PartialMessageable):
            return True
        desk = config.channels.staff_desk
        return isinstance(channel, discord.Thread) and desk is not None and channel.parent_id == desk

    @staticmethod
    def _mentions_outreacher(seen: Seen[discord.Message], config: GuildConfig) -> bool:
        message = seen.item
        role = config.roles.outreacher
        if role is None or not isinstance(message.author, discord.Member):
            return False
        if not message.raw_role_mentions and not message.mentions:
            return False
        who = author(seen)
        if not Access(config).is_youth(who.role_ids, who.is_admin, who.is_bot, who.permissions):
            return False
        if role in message.raw_role_mentions:
            return True
        return any(isinstance(m, discord.Member) and any(r.id == role for r in m.roles) for m in message.mentions)

    def on_member_join(self, seen: Seen[discord.Member]) -> Awaitable[None]:
        return self._welcome(seen.item)

    async def _welcome(self, member: discord.Member) -> None:
        try:
            await self.service.youth.welcome_member(member.guild.id, member.id)
        except Exception:
            log.exception("desk welcome failed")

    # -- information for anyone ------------------------------------------------------------------------

    @app_commands.command(name="over", description=_("Who are the Happy Mood youth workers?", "cmd.desk.about"))
    @info_contexts
    async def about(self, interaction: discord.Interaction[Any]) -> None:
        await respond_youth(interaction, *self.service.about())

    @app_commands.command(name="uren", description=_("When is the team around?", "cmd.desk.hours"))
    @info_contexts
    async def hours(self, interaction: discord.Interaction[Any]) -> None:
        guild_id = await self.service.info_guild(interaction.guild_id, interaction.user.id)
        await respond_youth(interaction, *await self.service.hours(guild_id))

    @app_commands.command(name="hulp", description=_("Help lines you can always reach", "cmd.desk.help"))
    @info_contexts
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        await respond_youth(interaction, *self.service.help())


async def setup(bot: HappyCore) -> None:
    runtime = bot.runtime
    service = DeskService(runtime, DiscordDeskPort(bot), runtime.contacts)
    runtime.services.desk = service
    _views.register(bot)
    await bot.add_cog(DeskCog(bot, runtime, service))
    staff = DeskStaffCog(bot, runtime, service)
    await bot.add_cog(staff)
    move_to_setup(bot, staff.desk, "uren")  # /setup uren
    attach_desk_extras(bot, staff.desk)  # e.g. /desk checkin (cogs/checkins)
