"""Turn discord.py members into the plain :class:`~bot.services.contacts.Person` the services take.

This is the one place that reads a member's administrator flag and Discord permissions for access decisions.
"""

from __future__ import annotations

import discord

from bot.domain.guild_config import MODERATOR_PERMISSIONS
from bot.events import Seen
from bot.services.contacts import Person


def _access_permissions(perms: discord.Permissions) -> frozenset[str]:
    """The Discord permissions that count for access while no staff role is configured."""
    return frozenset(name for name in MODERATOR_PERMISSIONS if getattr(perms, name))


def person(member: discord.Member | discord.User) -> Person:
    if isinstance(member, discord.Member):
        perms = member.guild_permissions  # computed from every role (the owner gets all): read once
        return Person(
            user_id=member.id,
            role_ids=frozenset(role.id for role in member.roles),
            is_bot=member.bot,
            is_admin=perms.administrator,
            permissions=_access_permissions(perms),
        )
    return Person(user_id=member.id, is_bot=member.bot)


def author(seen: Seen[discord.Message]) -> Person:
    """The message author as a :class:`Person`, worked out once per event however many observers ask."""
    found: Person | None = seen.memo.get("author")
    if found is None:
        found = seen.memo["author"] = person(seen.item.author)
    return found


async def find_member(bot: discord.Client, guild_id: int, user_id: int) -> discord.Member | None:
    """The member from the cache, else from Discord; None when the server or the member is not there."""
    guild = bot.get_guild(guild_id)
    if guild is None:
        return None
    member = guild.get_member(user_id)
    if member is None:
        try:
            member = await guild.fetch_member(user_id)
        except discord.HTTPException:
            return None
    return member


async def send_dm(bot: discord.Client, user_id: int, text: str, view: discord.ui.View | None = None) -> bool:
    """A private message pinging nobody; False when it could not be delivered (e.g. DMs closed)."""
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        if view is None:
            await user.send(text, allowed_mentions=discord.AllowedMentions.none())
        else:
            await user.send(text, allowed_mentions=discord.AllowedMentions.none(), view=view)
    except discord.HTTPException:
        return False
    return True
