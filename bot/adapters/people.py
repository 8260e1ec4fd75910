"""Turn discord.py members into the plain :class:`~bot.services.contacts.Person` the services take."""

from __future__ import annotations

import discord

from bot.services.contacts import Person


def person(member: discord.Member | discord.User) -> Person:
    if isinstance(member, discord.Member):
        return Person(
            user_id=member.id,
            role_ids=frozenset(role.id for role in member.roles),
            is_bot=member.bot,
            is_admin=member.guild_permissions.administrator or member.id == member.guild.owner_id,
        )
    return Person(user_id=member.id, is_bot=member.bot)
