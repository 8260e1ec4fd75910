"""The command tree: every failure becomes a clear, localized, ephemeral answer — never a silent error."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.adapters.checks import NotAllowed
from bot.adapters.replies import reply
from bot.services.guild_settings import InvalidSetting

log = logging.getLogger("happymood.commands")


class UserError(app_commands.AppCommandError):
    """Bad input from the user: answered with ``key`` and ``params``; nothing was changed."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


class HappyTree(app_commands.CommandTree[Any]):
    async def on_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        runtime = interaction.client.runtime  # type: ignore[attr-defined]
        original = getattr(error, "original", error)
        if isinstance(original, NotAllowed):
            await reply(runtime, interaction, f"errors.not_allowed.{original.need}")
        elif isinstance(original, UserError):
            await reply(runtime, interaction, original.key, **original.params)
        elif isinstance(original, InvalidSetting):
            await reply(runtime, interaction, "errors.invalid_setting", key=original.key, reason=original.reason)
        elif isinstance(error, app_commands.NoPrivateMessage):
            await reply(runtime, interaction, "errors.guild_only")
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command failed", exc_info=original, extra={"command": command})
            await reply(runtime, interaction, "errors.unexpected")
