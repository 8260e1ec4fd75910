"""discord.py implementation of :class:`~bot.services.checkins.CheckinsPort`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import discord

from bot.adapters.people import find_member, person, send_dm
from bot.adapters.replies import NO_PINGS
from bot.services.checkins import Button
from bot.services.contacts import Person

log = logging.getLogger("happymood.checkins")

ViewFactory = Callable[[Sequence[Button]], discord.ui.View]


class DiscordCheckinsPort:
    def __init__(self, bot: discord.Client, views: ViewFactory) -> None:
        self.bot = bot
        self._views = views

    async def dm(self, user_id: int, text: str, *, buttons: Sequence[Button] = ()) -> bool:
        view = self._views(buttons) if buttons else None
        try:
            return await send_dm(self.bot, user_id, text, view)  # False: DMs closed
        finally:
            if view is not None:
                view.stop()

    async def post(self, channel_id: int, text: str, *, buttons: Sequence[Button] = ()) -> int | None:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return None
        view = self._views(buttons) if buttons else None
        try:
            if view is None:
                message = await channel.send(text, allowed_mentions=NO_PINGS)
            else:
                message = await channel.send(text, allowed_mentions=NO_PINGS, view=view)
        except discord.HTTPException:
            log.exception("could not post a check-in message")
            return None
        finally:
            if view is not None:
                view.stop()
        return message.id

    async def member(self, guild_id: int, user_id: int) -> Person | None:
        found = await self.guild_member(guild_id, user_id)
        return None if found is None else person(found)

    async def guild_member(self, guild_id: int, user_id: int) -> discord.Member | None:
        return await find_member(self.bot, guild_id, user_id)
