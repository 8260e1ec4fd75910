"""Sandbox world state: lookups, permission checks and Discord-shaped payloads (no networking here)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sandbox import errors
from sandbox import permissions as P
from sandbox.clock import Clock, SystemClock
from sandbox.errors import ApiError
from sandbox.models import (
    DM,
    JSON,
    PRIVATE_THREAD,
    TEXT_TYPES,
    Channel,
    Guild,
    Invite,
    Member,
    Message,
    Role,
    SandboxBot,
    User,
    iso,
)
from sandbox.snowflake import SnowflakeFactory

if TYPE_CHECKING:
    from sandbox.interactions import SandboxInteraction

log = logging.getLogger("happymood.sandbox")

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_CHARS = 6000
EPHEMERAL = 1 << 6
LOADING = 1 << 7


class SandboxState:
    """Everything the fake Discord knows; REST handlers and user actions both go through it."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.ids = SnowflakeFactory()
        self.users: dict[int, User] = {}
        self.bots: dict[int, SandboxBot] = {}
        self._bots_by_token: dict[str, SandboxBot] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.message_index: dict[int, Message] = {}
        self.invites: dict[str, Invite] = {}
        self.interactions: dict[int, SandboxInteraction] = {}
        self._interactions_by_token: dict[str, SandboxInteraction] = {}
        self._dm_channels: dict[tuple[int, int], int] = {}

    # ------------------------------------------------------------------ basics
    def now(self) -> datetime:
        return self.clock.now()

    def new_id(self) -> int:
        return self.ids.next(self.now())

    def bot_for_token(self, token: str) -> SandboxBot | None:
        return self._bots_by_token.get(token)

    # ------------------------------------------------------------------ lookups (404s)
    def guild_or_404(self, guild_id: int | str) -> Guild:
        guild = self.guilds.get(_int(guild_id))
        if guild is None:
            raise errors.unknown("Guild", errors.UNKNOWN_GUILD)
        return guild

    def channel_or_404(self, channel_id: int | str) -> Channel:
        channel = self.channels.get(_int(channel_id))
        if channel is None:
            raise errors.unknown("Channel", errors.UNKNOWN_CHANNEL)
        return channel

    def user_or_404(self, user_id: int | str) -> User:
        user = self.users.get(_int(user_id))
        if user is None:
            raise errors.unknown("User", errors.UNKNOWN_USER)
        return user

    def member_or_404(self, guild: Guild, user_id: int | str) -> Member:
        member = guild.members.get(_int(user_id))
        if member is None:
            raise errors.unknown("Member", errors.UNKNOWN_MEMBER)
        return member

    def role_or_404(self, guild: Guild, role_id: int | str) -> Role:
        role = guild.roles.get(_int(role_id))
        if role is None:
            raise errors.unknown("Role", errors.UNKNOWN_ROLE)
        return role

    def message_or_404(self, channel: Channel, message_id: int | str) -> Message:
        message = channel.messages.get(_int(message_id))
        if message is None:
            raise errors.unknown("Message", errors.UNKNOWN_MESSAGE)
        return message

    def guild_of(self, channel: Channel) -> Guild | None:
        return None if channel.guild_id is None else self.guilds.get(channel.guild_id)

    def parent_of(self, channel: Channel) -> Channel:
        """The channel whose overwrites apply (a thread's parent, else the channel itself)."""
        if channel.is_thread and channel.parent_id is not None:
            return self.channels.get(channel.parent_id, channel)
        return channel

    # ------------------------------------------------------------------ permissions
    def permissions(self, guild: Guild, user_id: int, channel: Channel | None = None) -> int:
        """Effective permissions of ``user_id`` in ``guild`` (and ``channel``), computed like Discord."""
        member = guild.members.get(user_id)
        if member is None:
            return 0
        overwrites = None
        text = True
        if channel is not None:
            source = self.parent_of(channel)
            overwrites = source.overwrites
            text = source.type in TEXT_TYPES
        perms = P.effective_permissions(
            guild.roles,
            member.roles,
            guild_id=guild.id,
            member_id=user_id,
            is_owner=guild.owner_id == user_id,
            overwrites=overwrites,
            timed_out_until=member.communication_disabled_until,
            now=self.now(),
            text_channel=text,
        )
        if (
            channel is not None
            and channel.type == PRIVATE_THREAD
            and perms != P.ALL_PERMISSIONS
            and user_id not in channel.thread_members
            and not perms & P.MANAGE_THREADS
        ):
            return 0
        return perms

    def require(self, guild: Guild, user_id: int, needed: int, channel: Channel | None = None) -> int:
        """Raise 403 unless every bit of ``needed`` is granted (50001 if the channel is not even visible)."""
        perms = self.permissions(guild, user_id, channel)
        if channel is not None and not perms & P.VIEW_CHANNEL:
            raise errors.missing_access()
        if perms & needed != needed:
            log.info(
                "sandbox: user %s lacks %s%s",
                user_id,
                P.names(needed & ~perms),
                f" in #{channel.name}" if channel else "",
            )
            raise errors.missing_permissions()
        return perms

    def can_view(self, channel: Channel, user_id: int) -> bool:
        if channel.type == DM:
            return user_id in channel.recipients
        guild = self.guild_of(channel)
        return guild is not None and bool(self.permissions(guild, user_id, channel) & P.VIEW_CHANNEL)

    def rank(self, guild: Guild, user_id: int) -> tuple[int, int, int]:
        """Hierarchy rank of a member (the owner outranks everyone)."""
        if guild.owner_id == user_id:
            return (2, 0, 0)
        member = guild.members.get(user_id)
        roles = member.roles if member else []
        return P.role_rank(P.top_role(guild.roles, roles, guild.id), guild.id)

    def outranks(self, guild: Guild, actor_id: int, target_id: int) -> bool:
        if target_id == guild.owner_id:
            return False
        return self.rank(guild, actor_id) > self.rank(guild, target_id)

    def role_below(self, guild: Guild, actor_id: int, role: Role) -> bool:
        return guild.owner_id == actor_id or P.role_rank(role, guild.id) < self.rank(guild, actor_id)

    def is_timed_out(self, member: Member) -> bool:
        until = member.communication_disabled_until
        return until is not None and until > self.now()

    # ------------------------------------------------------------------ payloads
    def user_payload(self, user_id: int) -> JSON:
        return self.users[user_id].payload()

    def member_payload(self, member: Member, *, guild_id: bool = False) -> JSON:
        data = member.partial_payload()
        data["user"] = self.users[member.user_id].payload()
        if guild_id:
            data["guild_id"] = str(member.guild_id)
        return data

    def channel_payload(self, channel: Channel) -> JSON:
        if channel.type == DM:
            return {
                "id": str(channel.id),
                "type": DM,
                "last_message_id": _opt(channel.last_message_id),
                "flags": 0,
                "recipients": [self.user_payload(u) for u in channel.recipients if u not in self.bots]
                or [self.user_payload(u) for u in channel.recipients],
            }
        data: JSON = {
            "id": str(channel.id),
            "type": channel.type,
            "guild_id": str(channel.guild_id),
            "name": channel.name,
            "parent_id": _opt(channel.parent_id),
            "flags": channel.flags,
            "rate_limit_per_user": channel.rate_limit_per_user,
            "last_message_id": _opt(channel.last_message_id),
        }
        if channel.is_thread:
            data.update(
                owner_id=_opt(channel.owner_id),
                message_count=channel.total_message_sent,
                member_count=min(len(channel.thread_members), 50),
                total_message_sent=channel.total_message_sent,
                applied_tags=[],
                thread_metadata={
                    "archived": channel.archived,
                    "auto_archive_duration": channel.auto_archive_duration,
                    "archive_timestamp": iso(channel.archive_timestamp or channel.create_timestamp),
                    "locked": channel.locked,
                    "invitable": channel.invitable,
                    "create_timestamp": iso(channel.create_timestamp),
                },
            )
            return data
        data.update(
            position=channel.position,
            permission_overwrites=[ow.payload() for ow in channel.overwrites.values()],
            nsfw=channel.nsfw,
            topic=channel.topic,
        )
        if channel.type in (2, 13):
            data.update(bitrate=channel.bitrate, user_limit=channel.user_limit, rtc_region=None, video_quality_mode=1)
        return data

    def thread_member_payload(self, thread: Channel, user_id: int, *, with_member: bool = False) -> JSON:
        data: JSON = {
            "id": str(thread.id),
            "user_id": str(user_id),
            "join_timestamp": iso(thread.thread_members.get(user_id, self.now())),
            "flags": 0,
        }
        guild = self.guild_of(thread)
        if with_member and guild is not None and user_id in guild.members:
            data["member"] = self.member_payload(guild.members[user_id])
        return data

    def guild_payload(self, guild: Guild, *, counts: bool = False) -> JSON:
        roles = sorted(guild.roles.values(), key=lambda r: P.role_rank(r, guild.id))
        data: JSON = {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "icon_hash": None,
            "home_header": None,
            "region": "deprecated",
            "nsfw": False,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "widget_channel_id": None,
            "verification_level": guild.verification_level,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in roles],
            "emojis": [],
            "stickers": [],
            "features": list(guild.features),
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": _opt(guild.system_channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": _opt(guild.rules_channel_id),
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_presences": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "description": guild.description,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": guild.preferred_locale,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "incidents_data": dict(guild.incidents_data),
        }
        if counts:
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return data

    def voice_state_payload(self, guild: Guild, user_id: int, *, event: bool = False) -> JSON:
        state = guild.voice_states.get(user_id)
        data: JSON = {
            "user_id": str(user_id),
            "channel_id": _opt(state.channel_id if state else None),
            "session_id": state.session_id if state else "",
            "deaf": False,
            "mute": False,
            "self_deaf": state.self_deaf if state else False,
            "self_mute": state.self_mute if state else False,
            "self_video": False,
            "self_stream": False,
            "suppress": False,
            "request_to_speak_timestamp": None,
        }
        if event:
            data["guild_id"] = str(guild.id)
            member = guild.members.get(user_id)
            if member is not None:
                data["member"] = self.member_payload(member)
        return data

    def message_payload(self, message: Message, *, gateway: bool = False, depth: int = 0) -> JSON:
        guild = self.guilds.get(message.guild_id) if message.guild_id else None
        data: JSON = {
            "id": str(message.id),
            "channel_id": str(message.channel_id),
            "type": message.type,
            "author": self.user_payload(message.author_id),
            "content": message.content,
            "timestamp": iso(message.timestamp),
            "edited_timestamp": iso(message.edited_timestamp),
            "tts": message.tts,
            "mention_everyone": message.mention_everyone,
            "mentions": [self._mention_payload(guild, uid) for uid in message.mention_ids if uid in self.users],
            "mention_roles": [str(r) for r in message.mention_role_ids],
            "attachments": list(message.attachments),
            "embeds": [_embed_out(e) for e in message.embeds],
            "components": _components_out(message.components),
            "pinned": message.pinned,
            "flags": message.flags,
        }
        if message.webhook_id is not None:
            data["webhook_id"] = str(message.webhook_id)
        if message.application_id is not None:
            data["application_id"] = str(message.application_id)
        if message.interaction_metadata is not None:
            data["interaction_metadata"] = message.interaction_metadata
        if message.nonce is not None:
            data["nonce"] = message.nonce
        if message.poll is not None:
            data["poll"] = message.poll
        if message.reactions:
            data["reactions"] = [_reaction_payload(emoji, users) for emoji, users in message.reactions.items()]
        if message.thread_id is not None and message.thread_id in self.channels:
            data["thread"] = self.channel_payload(self.channels[message.thread_id])
        if message.message_reference is not None:
            data["message_reference"] = message.message_reference
            if depth == 0:
                ref = self.message_index.get(int(message.message_reference.get("message_id", 0) or 0))
                data["referenced_message"] = None if ref is None or ref.deleted else self.message_payload(ref, depth=1)
        if gateway and guild is not None:
            data["guild_id"] = str(guild.id)
            member = guild.members.get(message.author_id)
            if member is not None and message.webhook_id is None:
                data["member"] = member.partial_payload()
        return data

    def _mention_payload(self, guild: Guild | None, user_id: int) -> JSON:
        data = self.user_payload(user_id)
        if guild is not None and user_id in guild.members:
            data["member"] = guild.members[user_id].partial_payload()
        return data

    def invite_payload(self, invite: Invite, *, metadata: bool = True) -> JSON:
        guild = self.guilds[invite.guild_id]
        channel = self.channels[invite.channel_id]
        data: JSON = {
            "type": 0,
            "code": invite.code,
            "guild_id": str(guild.id),
            "guild": {
                "id": str(guild.id),
                "name": guild.name,
                "splash": None,
                "banner": None,
                "description": guild.description,
                "icon": None,
                "features": list(guild.features),
                "verification_level": guild.verification_level,
                "vanity_url_code": None,
                "nsfw_level": 0,
                "nsfw": False,
                "premium_subscription_count": 0,
            },
            "channel": {"id": str(channel.id), "name": channel.name, "type": channel.type},
            "expires_at": None,
        }
        if invite.inviter_id is not None:
            data["inviter"] = self.user_payload(invite.inviter_id)
        if metadata:
            data.update(
                uses=invite.uses,
                max_uses=invite.max_uses,
                max_age=invite.max_age,
                temporary=invite.temporary,
                created_at=iso(invite.created_at),
            )
        return data

    # ------------------------------------------------------------------ messages
    def resolve_mentions(
        self,
        guild: Guild | None,
        channel: Channel,
        author_id: int,
        content: str,
        *,
        allowed: JSON | None,
        reply_to: Message | None = None,
        extra_users: Iterable[int] = (),
        extra_roles: Iterable[int] = (),
        everyone: bool = False,
    ) -> tuple[list[int], list[int], bool]:
        """Mentioned users, roles and @everyone, filtered by ``allowed_mentions`` like Discord does."""
        parse = None if allowed is None else set(allowed.get("parse") or [])
        allowed_users = set() if allowed is None else {int(u) for u in allowed.get("users") or []}
        allowed_roles = set() if allowed is None else {int(r) for r in allowed.get("roles") or []}
        can_everyone = guild is not None and bool(self.permissions(guild, author_id, channel) & P.MENTION_EVERYONE)

        users: list[int] = []
        for uid in [*map(int, USER_MENTION.findall(content)), *extra_users]:
            if uid in self.users and uid not in users and (parse is None or "users" in parse or uid in allowed_users):
                users.append(uid)
        if reply_to is not None and allowed is not None and allowed.get("replied_user"):
            if reply_to.author_id not in users:
                users.append(reply_to.author_id)
        elif reply_to is not None and allowed is None and reply_to.author_id not in users:
            users.append(reply_to.author_id)

        roles: list[int] = []
        if guild is not None:
            for rid in [*map(int, ROLE_MENTION.findall(content)), *extra_roles]:
                role = guild.roles.get(rid)
                if role is None or rid in roles:
                    continue
                if parse is not None and "roles" not in parse and rid not in allowed_roles:
                    continue
                if role.mentionable or can_everyone:
                    roles.append(rid)

        wants_everyone = everyone or "@everyone" in content or "@here" in content
        mention_everyone = wants_everyone and can_everyone and (parse is None or "everyone" in parse)
        return users, roles, mention_everyone

    def validate_outgoing(self, body: JSON, *, has_files: bool) -> None:
        """Discord's limits on a bot-sent message body."""
        content = body.get("content")
        if content is not None and not isinstance(content, str):
            content = str(content)
        embeds = body.get("embeds") or []
        if content is not None and len(content) > MAX_CONTENT:
            raise errors.invalid_form("content", "Must be 2000 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
        if len(embeds) > MAX_EMBEDS:
            raise errors.invalid_form("embeds", "Must be 10 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
        total = sum(_embed_chars(e) for e in embeds)
        if total > MAX_EMBED_CHARS:
            raise errors.invalid_form("embeds", "Embed size exceeds maximum size of 6000", "MAX_EMBED_SIZE_EXCEEDED")
        if not (
            content or embeds or body.get("components") or has_files or body.get("sticker_ids") or body.get("poll")
        ):
            raise ApiError(400, 50006, "Cannot send an empty message")

    def store_message(self, channel: Channel, message: Message) -> None:
        self.message_index[message.id] = message
        if message.ephemeral:
            return
        channel.add_message(message)
        if channel.is_thread:
            channel.total_message_sent += 1

    def new_message(
        self,
        channel: Channel,
        author_id: int,
        content: str,
        *,
        timestamp: datetime | None = None,
        **fields: Any,
    ) -> Message:
        """Create and store a message (ids follow the sandbox clock; ``timestamp`` backdates it)."""
        when = timestamp or self.now()
        message_id = self.ids.at(when) if timestamp is not None else self.new_id()
        message = Message(
            id=message_id,
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author_id=author_id,
            content=content,
            timestamp=when,
            **fields,
        )
        self.store_message(channel, message)
        return message

    def dm_channel(self, user_id: int, other_id: int) -> Channel:
        """The DM channel between two users, created on first use."""
        key = (min(user_id, other_id), max(user_id, other_id))
        channel_id = self._dm_channels.get(key)
        if channel_id is None:
            channel = Channel(id=self.new_id(), type=DM, guild_id=None, recipients=[user_id, other_id])
            self.channels[channel.id] = channel
            self._dm_channels[key] = channel.id
            return channel
        return self.channels[channel_id]

    def dm_recipient(self, channel: Channel, me: int) -> int | None:
        return next((u for u in channel.recipients if u != me), None)

    def shares_guild(self, user_a: int, user_b: int) -> bool:
        return any(user_a in g.members and user_b in g.members for g in self.guilds.values())

    # ------------------------------------------------------------------ assertions helpers
    def channel_messages(self, channel_id: int) -> list[Message]:
        """Messages visible in a channel (no ephemerals, no deleted ones), oldest first."""
        return self.channels[channel_id].visible_messages()

    def dms_to(self, user_id: int) -> list[Message]:
        """What bots sent to ``user_id`` in DMs, oldest first."""
        out: list[Message] = []
        for (a, b), channel_id in self._dm_channels.items():
            if user_id not in (a, b):
                continue
            out.extend(m for m in self.channels[channel_id].visible_messages() if m.author_id != user_id)
        out.sort(key=lambda m: m.id)
        return out

    @property
    def dm_log(self) -> dict[int, list[Message]]:
        """Per user, what the bot(s) sent them in DMs."""
        users = {u for key in self._dm_channels for u in key if u not in self.bots}
        return {u: self.dms_to(u) for u in sorted(users)}


def _int(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise errors.invalid_form("snowflake", f"Value {value!r} is not snowflake.", "NUMBER_TYPE_COERCE") from None


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)


def _embed_chars(embed: JSON) -> int:
    total = len(str(embed.get("title") or "")) + len(str(embed.get("description") or ""))
    total += len(str((embed.get("footer") or {}).get("text") or ""))
    total += len(str((embed.get("author") or {}).get("name") or ""))
    for f in embed.get("fields") or []:
        total += len(str(f.get("name") or "")) + len(str(f.get("value") or ""))
    return total


def _embed_out(embed: JSON) -> JSON:
    """An embed as Discord answers it: typed (``rich`` unless given) and without null fields."""
    return {"type": "rich", **_without_nulls(embed)}


def _without_nulls(data: JSON) -> JSON:
    """Discord leaves unset fields out of embeds and components rather than answering null."""
    return {k: _without_nulls(v) if isinstance(v, dict) else v for k, v in data.items() if v is not None}


def _components_out(components: list[JSON]) -> list[JSON]:
    """Components as Discord answers them: every one numbered with an ``id`` (in order) unless it has one."""
    counter = iter(range(1, 1_000_000))
    taken = {c["id"] for c in _walk_components(components) if isinstance(c.get("id"), int)}

    def number(component: JSON) -> JSON:
        out = _without_nulls(component)
        if not isinstance(out.get("id"), int):
            out["id"] = next(i for i in counter if i not in taken)
        if isinstance(out.get("components"), list):
            out["components"] = [number(c) if isinstance(c, dict) else c for c in out["components"]]
        for key in ("accessory", "component"):
            if isinstance(out.get(key), dict):
                out[key] = number(out[key])
        return out

    return [number(c) for c in components]


def _walk_components(components: list[Any]) -> Iterable[JSON]:
    for component in components:
        if not isinstance(component, dict):
            continue
        yield component
        if isinstance(component.get("components"), list):
            yield from _walk_components(component["components"])
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                yield from _walk_components([component[key]])


def _reaction_payload(emoji: str, users: list[int]) -> JSON:
    if ":" in emoji:
        name, _, emoji_id = emoji.partition(":")
        emoji_data: JSON = {"id": emoji_id, "name": name}
    else:
        emoji_data = {"id": None, "name": emoji}
    return {
        "count": len(users),
        "count_details": {"burst": 0, "normal": len(users)},
        "me": False,
        "me_burst": False,
        "burst_colors": [],
        "emoji": emoji_data,
    }
