"""The desk's Discord port on discord.py: ids in, REST calls out; refusals become ``None``/``False``."""

from __future__ import annotations

import contextlib
import logging
from typing import Any, Literal

import discord

from bot.adapters.people import find_member, person
from bot.adapters.replies import escape
from bot.services.desk import Button, FetchedMessage, MemberInfo
from cogs.desk._views import build_view

log = logging.getLogger("happymood.desk")

NO_PINGS = discord.AllowedMentions.none()
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080
MAX_THREAD_MEMBERS = 50


class DiscordDeskPort:
    escape = staticmethod(escape)

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    async def _channel(self, channel_id: int) -> Any:
        channel = self.bot.get_channel(channel_id)
        if channel is not None:
            return channel
        try:
            return await self.bot.fetch_channel(channel_id)
        except discord.HTTPException:
            return None

    async def mutual_guilds(self, user_id: int) -> list[int]:
        found = []
        for guild in sorted(self.bot.guilds, key=lambda g: g.id):
            if guild.get_member(user_id) is not None:
                found.append(guild.id)
            elif not guild.chunked:
                with contextlib.suppress(discord.HTTPException):
                    await guild.fetch_member(user_id)
                    found.append(guild.id)
        return found

    async def member(self, guild_id: int, user_id: int) -> MemberInfo | None:
        member = await find_member(self.bot, guild_id, user_id)
        return None if member is None else MemberInfo(person(member), member.display_name)

    async def channel_exists(self, channel_id: int) -> bool:
        return await self._channel(channel_id) is not None

    async def members_with_roles(self, guild_id: int, role_ids: set[int]) -> list[int]:
        guild = self.bot.get_guild(guild_id)
        if guild is None or not role_ids:
            return []
        wanted = [m.id for m in guild.members if not m.bot and any(r.id in role_ids for r in m.roles)]
        return wanted[:MAX_THREAD_MEMBERS]

    async def create_thread(self, channel_id: int, name: str, member_ids: list[int]) -> int | None:
        channel = await self._channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return None
        try:
            thread = await channel.create_thread(
                name=name,
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
        except discord.HTTPException as exc:
            log.warning("desk thread not created", extra={"guild_id": channel.guild.id, "status": exc.status})
            return None
        for member_id in member_ids:
            with contextlib.suppress(discord.HTTPException):
                await thread.add_user(discord.Object(member_id))
        return thread.id

    async def thread_name(self, thread_id: int) -> str | None:
        thread = await self._channel(thread_id)
        return thread.name if isinstance(thread, discord.Thread) else None

    async def edit_thread(self, thread_id: int, *, name: str | None = None, archived: bool | None = None) -> bool:
        thread = await self._channel(thread_id)
        if not isinstance(thread, discord.Thread):
            return False
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = name
        if archived is not None:
            changes["archived"] = archived
        try:
            await thread.edit(**changes)
        except discord.HTTPException as exc:
            log.warning("desk thread not edited", extra={"status": exc.status})
            return False
        return True

    async def post(
        self,
        channel_id: int,
        text: str,
        *,
        ping_role: int | None = None,
        ping_user: int | None = None,
        reply_to: int | None = None,
        button: Button | None = None,
    ) -> int | None:
        mentions = NO_PINGS
        if ping_role is not None:
            text = f"<@&{ping_role}> {text}".strip()
            mentions = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(ping_role)])
        elif ping_user is not None:
            text = f"<@{ping_user}>\n{text}".strip()
            mentions = discord.AllowedMentions(everyone=False, users=[discord.Object(ping_user)], roles=False)
        kwargs: dict[str, Any] = {"allowed_mentions": mentions}
        if reply_to is not None:
            kwargs["reference"] = discord.MessageReference(
                message_id=reply_to, channel_id=channel_id, fail_if_not_exists=False
            )
        if button is not None:
            kwargs["view"] = build_view(button)
        try:
            sent = await self.bot.get_partial_messageable(channel_id).send(text, **kwargs)
        except discord.HTTPException as exc:
            log.warning("desk post failed", extra={"status": exc.status})
            return None
        return sent.id

    async def dm(self, user_id: int, text: str, *, button: Button | None = None) -> bool:
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS}
            if button is not None:
                kwargs["view"] = build_view(button)
            await user.send(text, **kwargs)
        except discord.HTTPException as exc:
            log.info("desk DM not delivered", extra={"status": exc.status})
            return False
        return True

    async def fetch(self, channel_id: int, message_id: int) -> FetchedMessage | None:
        try:
            message = await self.bot.get_partial_messageable(channel_id).fetch_message(message_id)
        except discord.HTTPException:
            return None
        return FetchedMessage(message.content, message.author.id, tuple(a.url for a in message.attachments))

    async def react(self, channel_id: int, message_id: int, emoji: str) -> None:
        with contextlib.suppress(discord.HTTPException):
            await self.bot.get_partial_messageable(channel_id).get_partial_message(message_id).add_reaction(emoji)

    async def clear_buttons(self, channel_id: int, message_id: int, text: str | None = None) -> None:
        partial = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        with contextlib.suppress(discord.HTTPException):
            if text is None:
                await partial.edit(view=None)
            else:
                await partial.edit(content=text, view=None, allowed_mentions=NO_PINGS)
