"""Turn discord.py members into the plain :class:`~bot.services.contacts.Person` the services take.

This is the one place that reads a member's administrator flag and Discord permissions for access decisions.
"""

from __future__ import annotations

import discord

from bot.domain.guild_config import MODERATOR_PERMISSIONS
from bot.services.contacts import Person


def is_admin(member: discord.Member) -> bool:
    """Administrator permission (discord.py already grants it to the owner)."""
    return member.guild_permissions.administrator


def access_permissions(member: discord.Member) -> frozenset[str]:
    """The member's Discord permissions that count for access while no staff role is configured."""
    perms = member.guild_permissions
    return frozenset(name for name in MODERATOR_PERMISSIONS if getattr(perms, name))


def person(member: discord.Member | discord.User) -> Person:
    if isinstance(member, discord.Member):
        return Person(
            user_id=member.id,
            role_ids=frozenset(role.id for role in member.roles),
            is_bot=member.bot,
            is_admin=is_admin(member),
            permissions=access_permissions(member),
        )
    return Person(user_id=member.id, is_bot=member.bot)
