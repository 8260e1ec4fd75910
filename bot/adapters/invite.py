"""The permissions the bot asks for when it is invited (every feature's needs, nothing more)."""

from __future__ import annotations

import discord

from bot.domain.permissions_audit import invite_permissions

#: What the invite asks for: the union of every feature's needs in the one table (``REQUIREMENTS``).
REQUIRED = discord.Permissions(**dict.fromkeys(sorted(invite_permissions()), True))


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=REQUIRED, scopes=("bot", "applications.commands"))
