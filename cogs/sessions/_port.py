"""The sessions port on discord.py (raw REST where exact overwrite bits matter)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import discord

from bot.adapters.people import find_member, person, send_dm
from bot.adapters.replies import NO_PINGS, escape
from bot.domain.sessions.room import VIEW_CHANNEL, Overwrite
from bot.services.contacts import Person
from bot.services.sessions.port import Button, EventStatus, RoomKind
from cogs.sessions._views import view_for

log = logging.getLogger("happymood.sessions")


EVENT_STATUS = {
    "active": discord.EventStatus.active,
    "completed": discord.EventStatus.completed,
    "cancelled": discord.EventStatus.cancelled,
}


class DiscordSessionsPort:
    def __init__(self, bot: discord.Client, labels: dict[str, str] | None = None) -> None:
        self.bot = bot
        self.labels = {"talk": "Praat met ons", "follow": "Volg", "unfollow": "Niet meer volgen", **(labels or {})}

    def _guild(self, guild_id: int) -> discord.Guild | None:
        return self.bot.get_guild(guild_id)

    async def room_kind(self, guild_id: int, channel_id: int) -> RoomKind | None:
        guild = self._guild(guild_id)
        channel = guild.get_channel(channel_id) if guild else None
        if isinstance(channel, discord.StageChannel):
            return "stage"
        if isinstance(channel, discord.VoiceChannel):
            return "voice"
        if isinstance(channel, discord.TextChannel):
            return "text"
        return None

    async def create_room(self, guild_id: int, category_id: int, name: str) -> int | None:
        guild = self._guild(guild_id)
        category = guild.get_channel(category_id) if guild else None
        if guild is None or not isinstance(category, discord.CategoryChannel):
            return None
        overwrites: dict[Any, discord.PermissionOverwrite] = {
            guild.default_role: discord.PermissionOverwrite(view_channel=False),
            guild.me: discord.PermissionOverwrite(view_channel=True, send_messages=True, manage_channels=True),
        }
        try:
            channel = await guild.create_text_channel(name, category=category, overwrites=overwrites)
        except discord.HTTPException:
            log.exception("could not create a session room")
            return None
        return channel.id

    async def own_role(self, guild_id: int) -> int | None:
        guild = self._guild(guild_id)
        role = guild.self_role if guild else None
        return role.id if role else None

    async def get_overwrite(self, channel_id: int, target_id: int) -> Overwrite:
        data: Any = await self.bot.http.get_channel(channel_id)
        for raw in data.get("permission_overwrites", []):
            if int(raw["id"]) == target_id:
                return int(raw["allow"]), int(raw["deny"])
        return None

    async def set_overwrite(self, channel_id: int, target_id: int, value: Overwrite) -> bool:
        try:
            if value is None:
                await self.bot.http.delete_channel_permissions(channel_id, target_id)
            else:
                await self.bot.http.edit_channel_permissions(channel_id, target_id, str(value[0]), str(value[1]), 0)
        except discord.NotFound:
            return value is None
        except discord.HTTPException:
            log.exception("could not change a session room's permissions")
            raise
        return True

    async def create_event(
        self,
        guild_id: int,
        *,
        name: str,
        description: str,
        start: datetime,
        end: datetime,
        channel_id: int,
        room_kind: RoomKind,
        location: str,
    ) -> int | None:
        guild = self._guild(guild_id)
        if guild is None:
            return None
        try:
            if room_kind == "text":
                event = await guild.create_scheduled_event(
                    name=name,
                    description=description,
                    start_time=start,
                    end_time=end,
                    entity_type=discord.EntityType.external,
                    location=location,
                    privacy_level=discord.PrivacyLevel.guild_only,
                )
            else:
                channel = guild.get_channel(channel_id)
                assert isinstance(channel, discord.VoiceChannel | discord.StageChannel)
                event = await guild.create_scheduled_event(
                    name=name,
                    description=description,
                    start_time=start,
                    end_time=end,
                    channel=channel,
                    privacy_level=discord.PrivacyLevel.guild_only,  # required by Discord for every event
                )
        except discord.HTTPException:
            log.exception("could not create the scheduled event")
            return None
        return event.id

    async def edit_event(
        self,
        guild_id: int,
        event_id: int,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        status: EventStatus | None = None,
    ) -> bool:
        payload: dict[str, Any] = {}
        if start is not None:
            payload["scheduled_start_time"] = start.isoformat()
        if end is not None:
            payload["scheduled_end_time"] = end.isoformat()
        if status is not None:
            payload["status"] = EVENT_STATUS[status].value
        try:
            await self.bot.http.edit_scheduled_event(guild_id, event_id, **payload)
        except discord.HTTPException:
            log.warning("could not update the scheduled event", extra={"event": event_id})
            return False
        return True

    async def _member(self, guild_id: int, user_id: int) -> discord.Member | None:
        return await find_member(self.bot, guild_id, user_id)

    async def member(self, guild_id: int, user_id: int) -> Person | None:
        member = await self._member(guild_id, user_id)
        return None if member is None else person(member)

    async def member_name(self, guild_id: int, user_id: int) -> tuple[str, frozenset[int]] | None:
        member = await self._member(guild_id, user_id)
        if member is None:
            return None
        return escape(member.display_name), frozenset(role.id for role in member.roles)

    async def voice_members(self, guild_id: int, channel_id: int) -> list[int]:
        guild = self._guild(guild_id)
        channel = guild.get_channel(channel_id) if guild else None
        if isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            return [m.id for m in channel.members]
        return []

    async def _role(self, guild_id: int, user_id: int, role_id: int, *, add: bool) -> bool:
        member = await self._member(guild_id, user_id)
        if member is None:
            return False
        try:
            if add:
                await member.add_roles(discord.Object(role_id), reason="safe-space session (expert guest)")
            else:
                await member.remove_roles(discord.Object(role_id), reason="safe-space session ended")
        except discord.NotFound:
            return False
        return True

    async def add_role(self, guild_id: int, user_id: int, role_id: int) -> bool:
        return await self._role(guild_id, user_id, role_id, add=True)

    async def remove_role(self, guild_id: int, user_id: int, role_id: int) -> bool:
        return await self._role(guild_id, user_id, role_id, add=False)

    async def post(self, channel_id: int, text: str, *, buttons: Sequence[Button] = ()) -> int | None:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return None
        view = view_for(list(buttons), self.labels) if buttons else None
        try:
            if view is None:
                message = await channel.send(text, allowed_mentions=NO_PINGS)
            else:
                message = await channel.send(text, allowed_mentions=NO_PINGS, view=view)
        except discord.HTTPException:
            log.exception("could not post a session message")
            return None
        if view is not None:
            view.stop()  # the registered persistent items answer clicks, not this stand-in
        return message.id

    async def post_question(self, channel_id: int, question_id: int, header: str, question: str) -> int | None:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return None
        view = view_for([Button("approve", question_id), Button("reject", question_id)], self.labels)
        try:
            message = await channel.send(
                header, embed=discord.Embed(description=question), view=view, allowed_mentions=NO_PINGS
            )
        except discord.HTTPException:
            log.exception("could not post an anonymous question for the team")
            return None
        view.stop()
        return message.id

    async def fetch_question(self, channel_id: int, message_id: int) -> str | None:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return None
        try:
            message = await channel.fetch_message(message_id)
        except discord.HTTPException:
            return None
        return message.embeds[0].description if message.embeds else None

    async def settle_question(self, channel_id: int, message_id: int, note: str) -> None:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return
        try:
            message = await channel.fetch_message(message_id)
            await message.edit(content=f"{message.content}\n{note}"[:2000], view=None, allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            log.warning("could not update an anonymous question's post")

    async def dm(self, user_id: int, text: str) -> bool:
        return await send_dm(self.bot, user_id, text)  # DMs closed: the announcement still reaches them

    async def event_users(self, guild_id: int, event_id: int) -> list[int]:
        found: list[int] = []
        after = 0
        while len(found) < 1000:
            try:
                page: Any = await self.bot.http.get_scheduled_event_users(
                    guild_id, event_id, limit=100, with_member=False, after=after
                )
            except discord.HTTPException:
                break
            found.extend(int(entry["user"]["id"]) for entry in page)
            if len(page) < 100:
                break
            after = found[-1]
        return found


__all__ = ["VIEW_CHANNEL", "DiscordSessionsPort"]
