"""Other features add staff subcommands under the desk's ``/desk`` group (e.g. ``/desk checkin``).

Cogs load in name order, so a feature may load before the desk: :func:`add_to_desk` then queues the command
and the desk cog attaches it (:func:`attach_desk_extras`) right after adding its group.
"""

from __future__ import annotations

from typing import Any

from discord import app_commands
from discord.ext import commands

DESK = "desk"


def _queued(bot: commands.Bot) -> list[Any]:
    queued: list[Any] = bot.__dict__.setdefault("_desk_extras", [])
    return queued


def add_to_desk(bot: commands.Bot, command: Any) -> None:
    group = bot.tree.get_command(DESK)
    if isinstance(group, app_commands.Group):
        group.add_command(command)
    else:
        _queued(bot).append(command)


def attach_desk_extras(bot: commands.Bot, group: app_commands.Group) -> None:
    queued = _queued(bot)
    while queued:
        group.add_command(queued.pop(0))


def remove_from_desk(bot: commands.Bot, name: str) -> None:
    group = bot.tree.get_command(DESK)
    if isinstance(group, app_commands.Group):
        group.remove_command(name)
