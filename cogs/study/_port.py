"""The study port on discord.py (raw REST for rooms with exact overwrites)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.adapters.people import find_member, person, send_dm
from bot.adapters.replies import NO_PINGS, escape
from bot.domain.study.rooms import (
    CONNECT,
    MANAGE_MESSAGES,
    MOVE_MEMBERS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SPEAK,
    VIEW_CHANNEL,
    Grant,
)
from bot.services.contacts import Person
from bot.services.study.port import Button, RoomKind
from cogs.study._views import view_for

log = logging.getLogger("happymood.study")

MANAGE_CHANNELS = 1 << 4
MANAGE_ROLES = 1 << 28
OWN = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | MANAGE_MESSAGES | CONNECT | SPEAK | MOVE_MEMBERS
"""The bot's own overwrite in every study room: it must keep managing the room it will close."""


def _raw(grant: Grant) -> dict[str, Any]:
    return {
        "id": str(grant.target),
        "type": 1 if grant.member else 0,
        "allow": str(grant.allow),
        "deny": str(grant.deny),
    }


class DiscordStudyPort:
    def __init__(self, bot: discord.Client, labels: dict[str, str]) -> None:
        self.bot, self.labels = bot, labels

    def _guild(self, guild_id: int) -> discord.Guild | None:
        return self.bot.get_guild(guild_id)

    async def is_category(self, guild_id: int, channel_id: int) -> bool:
        guild = self._guild(guild_id)
        return guild is not None and isinstance(guild.get_channel(channel_id), discord.CategoryChannel)

    async def create_room(
        self, guild_id: int, category_id: int, name: str, kind: RoomKind, grants: Sequence[Grant]
    ) -> int | None:
        guild = self._guild(guild_id)
        if guild is None or guild.me is None:
            return None
        own = Grant(guild.me.id, OWN | MANAGE_CHANNELS | MANAGE_ROLES, member=True)
        try:
            data: Any = await self.bot.http.create_channel(
                guild_id,
                0 if kind == "text" else 2,
                name=name,
                parent_id=str(category_id),
                permission_overwrites=[_raw(g) for g in (own, *grants)],
                reason="study moment",
            )
        except discord.HTTPException:
            log.exception("could not create a study room")
            return None
        return int(data["id"])

    async def set_overwrite(self, channel_id: int, grant: Grant) -> bool:
        try:
            await self.bot.http.edit_channel_permissions(
                channel_id, grant.target, str(grant.allow), str(grant.deny), 1 if grant.member else 0
            )
        except discord.HTTPException:
            log.warning("could not change a study room's permissions", extra={"channel": channel_id})
            return False
        return True

    async def delete_room(self, channel_id: int) -> bool:
        try:
            await self.bot.http.delete_channel(channel_id, reason="study moment closed")
        except discord.NotFound:
            return True
        except discord.HTTPException:
            log.warning("could not delete a study room", extra={"channel": channel_id})
            return False
        return True

    async def post(self, channel_id: int, text: str, *, buttons: Sequence[Button] = ()) -> int | None:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return None
        view = view_for(buttons, self.labels) if buttons else None
        try:
            if view is None:
                message = await channel.send(text, allowed_mentions=NO_PINGS)
            else:
                message = await channel.send(text, allowed_mentions=NO_PINGS, view=view)
                view.stop()
        except discord.HTTPException:
            log.exception("could not post in a study room")
            return None
        return message.id

    async def dm(self, user_id: int, text: str) -> bool:
        return await send_dm(self.bot, user_id, text)

    async def _member(self, guild_id: int, user_id: int) -> discord.Member | None:
        return await find_member(self.bot, guild_id, user_id)

    async def member(self, guild_id: int, user_id: int) -> Person | None:
        member = await self._member(guild_id, user_id)
        return None if member is None else person(member)

    async def display_name(self, guild_id: int, user_id: int) -> str | None:
        member = await self._member(guild_id, user_id)
        return None if member is None else escape(member.display_name)

    async def voice_members(self, guild_id: int, channel_id: int) -> list[int]:
        guild = self._guild(guild_id)
        channel = guild.get_channel(channel_id) if guild else None
        if isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            return [m.id for m in channel.members if not m.bot]
        return []

    async def voice_channel_of(self, guild_id: int, user_id: int) -> int | None:
        guild = self._guild(guild_id)
        member = guild.get_member(user_id) if guild else None
        return member.voice.channel.id if member and member.voice and member.voice.channel else None

    async def move_to(self, guild_id: int, user_id: int, channel_id: int) -> bool:
        try:
            await self.bot.http.edit_member(guild_id, user_id, channel_id=str(channel_id), reason="study help")
        except discord.HTTPException:
            log.warning("could not move a member to the study voice room")
            return False
        return True
