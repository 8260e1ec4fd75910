"""discord.py side of the ledger's ports: posting the scheduled report in the coordinators' channel."""

from __future__ import annotations

import io

import discord
from discord.ext import commands

from bot.adapters.replies import NO_PINGS


class DiscordReportPoster:
    """Implements :class:`bot.services.ledger.digest.ReportPoster`."""

    def __init__(self, bot: commands.Bot) -> None:
        self._bot = bot

    async def post(self, guild_id: int, channel_id: int, content: str, files: list[tuple[str, bytes]]) -> None:
        channel = self._bot.get_channel(channel_id) or await self._bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.TextChannel) or channel.guild.id != guild_id:
            raise LookupError(f"channel {channel_id} is not a text channel of guild {guild_id}")
        attachments = [discord.File(io.BytesIO(data), filename=name) for name, data in files]
        await channel.send(content, files=attachments, allowed_mentions=NO_PINGS)
