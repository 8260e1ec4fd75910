"""Helpers for the sandbox tests: the bot's permissions, the shared world record and client factories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from sandbox import DiscordSandbox, SandboxBot
from sandbox import permissions as P

BOT_PERMISSIONS = (
    P.VIEW_CHANNEL
    | P.SEND_MESSAGES
    | P.READ_MESSAGE_HISTORY
    | P.EMBED_LINKS
    | P.MANAGE_MESSAGES
    | P.MANAGE_ROLES
    | P.MANAGE_CHANNELS
    | P.MODERATE_MEMBERS
    | P.BAN_MEMBERS
    | P.KICK_MEMBERS
    | P.MANAGE_GUILD
    | P.CREATE_PRIVATE_THREADS
    | P.SEND_MESSAGES_IN_THREADS
    | P.MANAGE_THREADS
    | P.CREATE_INSTANT_INVITE
    | P.VIEW_AUDIT_LOG
)


@dataclass
class World:
    sb: DiscordSandbox
    bot: SandboxBot
    owner: int
    mod: int
    alice: int
    bob: int
    guild: int
    general: int
    staff: int
    mod_role: int
    helper_role: int
    bot_role: int


def intents(*, members: bool = True, message_content: bool = True) -> discord.Intents:
    value = discord.Intents.default()
    value.members = members
    value.message_content = message_content
    return value


def make_client(cls: type[Any] = discord.Client, **kwargs: Any) -> Any:
    kwargs.setdefault("intents", intents())
    kwargs.setdefault("guild_ready_timeout", 0.05)
    return cls(**kwargs)
