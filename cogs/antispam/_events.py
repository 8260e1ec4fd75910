"""discord.py objects turned into the plain events the detector takes (cheap: no I/O, nothing stored)."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.adapters.people import person
from bot.domain.spam import JoinEvent, MessageEvent
from bot.services.antispam.guard import GuildProfile
from bot.services.contacts import Person

EVERYONE_MARKERS = ("@everyone", "@here")
CHECKED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def message_event(message: discord.Message, profile: GuildProfile, who: Person | None = None) -> MessageEvent | None:
    """The detector's view of a guild message; None for messages it should not see (system, webhooks).

    ``who`` is the author as a Person when the caller has worked it out already (a member's roles and
    permissions are computed from every role: once per message is enough)."""
    author = message.author
    if message.guild is None or message.webhook_id is not None or message.type not in CHECKED_TYPES:
        return None
    channel = message.channel
    channel_ids = (channel.id, getattr(channel, "parent_id", None) or channel.id)
    if isinstance(author, discord.Member):
        who = who or person(author)
        exempt = profile.is_exempt(who.role_ids, channel_ids, who.is_admin)
        joined_at = author.joined_at
    else:
        exempt = profile.is_exempt((), channel_ids, False)
        joined_at = None
    content = message.content
    everyone = any(marker in content for marker in EVERYONE_MARKERS)
    if everyone and isinstance(author, discord.Member) and channel.permissions_for(author).mention_everyone:
        everyone = False
    return MessageEvent(
        at=message.created_at,
        guild_id=message.guild.id,
        channel_id=channel.id,
        message_id=message.id,
        author_id=author.id,
        content=content,
        account_created_at=discord.utils.snowflake_time(author.id),
        joined_at=joined_at,
        has_avatar=author.avatar is not None,
        is_exempt=exempt,
        mention_user_count=len(message.raw_mentions),
        mention_role_count=len(message.raw_role_mentions),
        everyone_attempt=everyone,
        attachment_count=len(message.attachments),
    )


def join_event(member: discord.Member, now: datetime) -> JoinEvent:
    """A member joining, stamped with their ``joined_at`` (Discord's clock, like message timestamps)."""
    created = discord.utils.snowflake_time(member.id)
    return JoinEvent(member.joined_at or now, member.guild.id, member.id, created, member.avatar is not None)
