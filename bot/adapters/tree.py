"""The command tree: every failure becomes a clear, localized, ephemeral answer — never a silent error."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
from discord import app_commands

from bot.adapters.components import answer_failure, unavailable
from bot.domain.errors import UserFacingError

log = logging.getLogger("happymood.commands")

#: Discord lets an interaction wait 3 s for its first answer; past this a command says "temporarily unavailable".
RESPONSE_DEADLINE = 2.5


class UserError(app_commands.AppCommandError, UserFacingError):
    """Bad input from the user: answered with ``key`` and ``params``; nothing was changed."""

    def __init__(self, key: str, /, **params: Any) -> None:
        UserFacingError.__init__(self, key, **params)


class HappyTree(app_commands.CommandTree[Any]):
    async def _call(self, interaction: discord.Interaction[Any]) -> None:
        """Run the command, but answer "temporarily unavailable" if it has not answered before Discord's deadline."""
        if interaction.type is discord.InteractionType.autocomplete:
            await super()._call(interaction)
            return
        task = asyncio.ensure_future(super()._call(interaction))
        done, _ = await asyncio.wait({task}, timeout=RESPONSE_DEADLINE)
        if not done and not interaction.response.is_done():
            task.cancel()
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command had no answer in time (storage slow or away)", extra={"command": command})
            with contextlib.suppress(BaseException):
                await task
            await unavailable(interaction)
            return
        await task

    async def on_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        await answer_failure(interaction, error, what=f"command /{command}")
