"""The command tree: every failure becomes a clear, localized, ephemeral answer — never a silent error."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
from discord import app_commands

from bot.adapters.checks import NotAllowed
from bot.adapters.replies import NO_PINGS, reply
from bot.i18n import lang_for
from bot.services.guild_settings import InvalidSetting

log = logging.getLogger("happymood.commands")

#: Discord lets an interaction wait 3 s for its first answer; past this a command says "temporarily unavailable".
RESPONSE_DEADLINE = 2.5
#: Errors that mean the data behind a command is out of reach (database away or too slow), not a bug.
UNAVAILABLE = (OSError, TimeoutError, ConnectionError)


class UserError(app_commands.AppCommandError):
    """Bad input from the user: answered with ``key`` and ``params``; nothing was changed."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def _unreachable(error: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError  # the database layer's "could not reach it"

    return isinstance(error, (*UNAVAILABLE, DBAPIError))


def _option_of(interaction: discord.Interaction[Any], error: app_commands.TransformerError) -> str:
    """The name of the option whose value could not be used (for the error message)."""
    data: dict[str, Any] = dict(interaction.data or {})
    options: list[dict[str, Any]] = list(data.get("options", []))
    found: list[dict[str, Any]] = []
    while options:
        option = options.pop(0)
        options.extend(option.get("options", []))
        if option.get("type") == error.type.value:
            found.append(option)
    named = [o for o in found if str(o.get("value")) == str(getattr(error.value, "id", error.value))] or found
    return str(named[0].get("name", "?")) if named else "?"


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
            await self._unavailable(interaction)
            return
        await task

    async def _unavailable(self, interaction: discord.Interaction[Any]) -> None:
        """Answered from the interaction's locale alone: nothing here may wait for storage."""
        runtime = interaction.client.runtime  # type: ignore[attr-defined]
        text = runtime.i18n.t("errors.unavailable", lang_for(str(interaction.locale)))
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    async def on_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        runtime = interaction.client.runtime  # type: ignore[attr-defined]
        original = getattr(error, "original", error)
        if _unreachable(original):
            log.error("command could not reach its data", exc_info=original)
            await self._unavailable(interaction)
        elif isinstance(error, app_commands.TransformerError):
            await reply(runtime, interaction, "errors.bad_option", option=_option_of(interaction, error))
        elif isinstance(original, NotAllowed):
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
