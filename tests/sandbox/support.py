"""Helpers for the sandbox tests: the bot's permissions, the shared world record and client factories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, overload

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


ClientT = TypeVar("ClientT", bound=discord.Client)


@overload
def make_client(**kwargs: Any) -> discord.Client: ...
@overload
def make_client(cls: type[ClientT], **kwargs: Any) -> ClientT: ...
def make_client(cls: type[discord.Client] = discord.Client, **kwargs: Any) -> discord.Client:
    """A client of ``cls`` with the sandbox's intents and a short guild-ready wait."""
    kwargs.setdefault("intents", intents())
    kwargs.setdefault("guild_ready_timeout", 0.05)
    return cls(**kwargs)
