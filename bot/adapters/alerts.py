"""Where the bot tells the team something: the mod log, else the safety-alerts or system channel, else the owner."""

from __future__ import annotations

import logging
from typing import Any, TypeGuard

import discord

from bot.runtime import Runtime

log = logging.getLogger("happymood.alerts")


def _can_send(channel: object, guild: discord.Guild) -> TypeGuard[discord.TextChannel]:
    return isinstance(channel, discord.TextChannel) and channel.permissions_for(guild.me).send_messages


async def alert_target(runtime: Runtime, guild: discord.Guild) -> discord.abc.Messageable | None:
    config = await runtime.guild_config(guild.id)
    for channel in (
        guild.get_channel(config.channels.mod_log) if config.channels.mod_log else None,
        guild.safety_alerts_channel,
        guild.system_channel,
    ):
        if channel is not None and _can_send(channel, guild):
            return channel
    owner = guild.owner or (await guild.fetch_member(guild.owner_id) if guild.owner_id else None)
    return owner


async def send_alert(
    runtime: Runtime,
    guild: discord.Guild,
    content: str,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    allowed_mentions: discord.AllowedMentions | None = None,
) -> discord.Message | None:
    """Post to the alert target; returns the message, or None when no target accepted it."""
    target = await alert_target(runtime, guild)
    if target is None:
        log.warning("no alert target", extra={"guild_id": guild.id})
        return None
    kwargs: dict[str, Any] = {
        "content": content,
        "allowed_mentions": allowed_mentions or discord.AllowedMentions.none(),
    }
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    try:
        return await target.send(**kwargs)
    except discord.HTTPException as exc:
        log.warning("alert not delivered", extra={"guild_id": guild.id, "status": exc.status})
        return None
