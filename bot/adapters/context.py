"""What a command or component handler reaches through its interaction, typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from bot.runtime import Runtime


def runtime_of(interaction: discord.Interaction[Any]) -> Runtime:
    """The runtime of the bot the interaction arrived on (every handler here runs on a Happy Mood bot)."""
    runtime: Runtime = interaction.client.runtime
    return runtime
