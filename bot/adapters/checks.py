"""Server-side permission checks for slash commands (``default_permissions`` is only a hint)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import discord
from discord import app_commands

from bot.adapters.context import runtime_of
from bot.adapters.people import person
from bot.domain.errors import UserFacingError
from bot.domain.guild_config import Access

Need = Literal["configure", "coordinator", "moderator", "staff"]


class NotAllowed(app_commands.CheckFailure, UserFacingError):
    """The member lacks the role for this command or button; answered with a localized ephemeral message."""

    def __init__(self, need: Need) -> None:
        UserFacingError.__init__(self, f"errors.not_allowed.{need}")
        self.need = need


async def member_may(interaction: discord.Interaction[Any], need: Need) -> bool:
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    runtime = runtime_of(interaction)
    access = Access(await runtime.guild_config(interaction.guild.id))
    who = person(member)
    return {
        "configure": access.can_configure,
        "coordinator": access.is_coordinator,
        "moderator": access.is_moderator,
        "staff": access.is_staff,
    }[need](who.role_ids, who.is_admin, who.permissions)


def require(need: Need) -> Callable[[Any], Any]:
    """Decorator for app commands: refuse server-side unless the member has ``need``."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if not await member_may(interaction, need):
            raise NotAllowed(need)
        return True

    return app_commands.check(predicate)
