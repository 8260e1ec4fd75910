"""The permissions the bot asks for when it is invited (every feature's needs, nothing more)."""

from __future__ import annotations

import discord

REQUIRED = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_private_threads=True,
    create_public_threads=True,
    manage_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    manage_messages=True,
    manage_channels=True,
    manage_roles=True,
    manage_guild=True,
    moderate_members=True,
    ban_members=True,
    manage_events=True,
    create_instant_invite=True,
    add_reactions=True,
    connect=True,  # study moments: the voice rooms the bot creates and may move a youth into
    speak=True,
    move_members=True,
)


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=REQUIRED, scopes=("bot", "applications.commands"))
