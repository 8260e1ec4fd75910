"""Features add their configuration subcommands to the one ``/setup`` group (owned by the setup cog).

A feature cog defines the command in its own group as usual, then moves it under ``/setup`` after it is
added; the command stays bound to its cog. ``cogs.setup`` is loaded first so the group exists.
"""

from __future__ import annotations

from typing import Any

from discord import app_commands
from discord.ext import commands

SETUP = "setup"


def _setup_group(bot: commands.Bot) -> app_commands.Group:
    group = bot.tree.get_command(SETUP)
    if not isinstance(group, app_commands.Group):
        raise RuntimeError("the /setup group is missing: cogs.setup must be loaded first")
    return group


def move_to_setup(bot: commands.Bot, group: app_commands.Group, name: str) -> None:
    """Move ``/<group> <name>`` to ``/setup <name>``."""
    command: Any = group.get_command(name)
    if command is None:
        raise LookupError(f"/{group.name} has no subcommand {name!r}")
    group.remove_command(name)
    _setup_group(bot).add_command(command)


def remove_from_setup(bot: commands.Bot, name: str) -> None:
    """Undo :func:`move_to_setup` when the feature's cog is unloaded."""
    group = bot.tree.get_command(SETUP)
    if isinstance(group, app_commands.Group):
        group.remove_command(name)
