"""Localized interaction replies: ephemeral by default, never pinging anyone."""

from __future__ import annotations

from typing import Any

import discord

from bot.core import Core

NO_PINGS = discord.AllowedMentions.none()


async def interaction_lang(runtime: Core, interaction: discord.Interaction[Any]) -> str:
    return await runtime.lang(interaction.guild_id, str(interaction.locale) if interaction.locale else None)


async def reply(
    runtime: Core,
    interaction: discord.Interaction[Any],
    key: str,
    /,
    *,
    ephemeral: bool = True,
    embed: discord.Embed | None = None,
    files: list[discord.File] | None = None,
    **params: Any,
) -> None:
    """Answer an interaction with the catalog message ``key`` in the user's language."""
    lang = await interaction_lang(runtime, interaction)
    content = runtime.i18n.t(key, lang, **params)
    kwargs: dict[str, Any] = {"content": content, "ephemeral": ephemeral, "allowed_mentions": NO_PINGS}
    if embed is not None:
        kwargs["embed"] = embed
    if files:
        kwargs["files"] = files
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def escape(text: str) -> str:
    """User text made safe to echo: no markdown tricks, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))
