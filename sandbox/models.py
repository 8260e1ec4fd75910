"""The sandbox's world: plain records that REST handlers mutate and payload builders serialise."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.permissions import Overwrite

JSON = dict[str, Any]

# Channel types (https://discord.com/developers/docs/resources/channel#channel-object-channel-types)
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_CATEGORY = 4
GUILD_ANNOUNCEMENT = 5
ANNOUNCEMENT_THREAD = 10
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
GUILD_STAGE_VOICE = 13
GUILD_FORUM = 15
THREAD_TYPES = frozenset({ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD})
TEXT_TYPES = frozenset({GUILD_TEXT, GUILD_ANNOUNCEMENT, GUILD_VOICE, GUILD_STAGE_VOICE}) | THREAD_TYPES


def iso(when: datetime | None) -> str | None:
    """Discord's timestamp format (ISO 8601 with offset)."""
    return None if when is None else when.isoformat()


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    avatar: str | None = None
    bot: bool = False
    system: bool = False
    dms_open: bool = True

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": self.avatar,
            "bot": self.bot,
            "system": self.system,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
        }


@dataclass
class SandboxBot:
    """A bot application: its user, application id and token."""

    user_id: int
    application_id: int
    token: str
    name: str
    owner_id: int
    #: privileged intents the application may request (GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT)
    privileged_intents: int = (1 << 1) | (1 << 8) | (1 << 15)
    #: what ``GET /gateway/bot`` recommends
    recommended_shards: int = 1
    application_flags: int = (1 << 15) | (1 << 13) | (1 << 19)
    global_commands: dict[int, JSON] = field(default_factory=dict)
    guild_commands: dict[int, dict[int, JSON]] = field(default_factory=dict)


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None
    icon: str | None = None
    unicode_emoji: str | None = None

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": self.icon,
            "unicode_emoji": self.unicode_emoji,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Member:
    user_id: int
    guild_id: int
    joined_at: datetime
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    communication_disabled_until: datetime | None = None
    deaf: bool = False
    mute: bool = False
    pending: bool = False

    def partial_payload(self) -> JSON:
        """Member object without ``user`` (as embedded in messages and mentions)."""
        return {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": self.deaf,
            "mute": self.mute,
            "pending": self.pending,
            "flags": 0,
            "communication_disabled_until": iso(self.communication_disabled_until),
        }


@dataclass
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    content: str
    timestamp: datetime
    type: int = 0
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[JSON] = field(default_factory=list)
    mention_ids: list[int] = field(default_factory=list)
    mention_role_ids: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    edited_timestamp: datetime | None = None
    flags: int = 0
    tts: bool = False
    pinned: bool = False
    message_reference: JSON | None = None
    #: exactly what the sender passed as ``allowed_mentions`` (None if absent)
    allowed_mentions: JSON | None = None
    nonce: str | int | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: JSON | None = None
    thread_id: int | None = None
    poll: JSON | None = None
    reactions: dict[str, list[int]] = field(default_factory=dict)
    deleted: bool = False
    #: raw bytes of uploaded files by attachment id
    files: dict[int, bytes] = field(default_factory=dict)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)


@dataclass
class Channel:
    id: int
    type: int
    guild_id: int | None
    name: str | None = None
    position: int = 0
    parent_id: int | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    topic: str | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    last_message_id: int | None = None
    bitrate: int = 64000
    user_limit: int = 0
    flags: int = 0
    # threads
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 4320
    archive_timestamp: datetime | None = None
    create_timestamp: datetime | None = None
    thread_members: dict[int, datetime] = field(default_factory=dict)
    total_message_sent: int = 0
    # DMs
    recipients: list[int] = field(default_factory=list)
    # contents
    messages: dict[int, Message] = field(default_factory=dict)
    message_ids: list[int] = field(default_factory=list)
    pins: list[tuple[int, datetime]] = field(default_factory=list)
    webhooks: list[JSON] = field(default_factory=list)

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    def add_message(self, message: Message) -> None:
        self.messages[message.id] = message
        ids = self.message_ids
        if not ids or message.id > ids[-1]:
            ids.append(message.id)
        else:
            bisect.insort(ids, message.id)
        if self.last_message_id is None or message.id > self.last_message_id:
            self.last_message_id = message.id

    def remove_message(self, message_id: int) -> Message | None:
        message = self.messages.pop(message_id, None)
        if message is not None:
            index = bisect.bisect_left(self.message_ids, message_id)
            if index < len(self.message_ids) and self.message_ids[index] == message_id:
                del self.message_ids[index]
            message.deleted = True
        return message

    def visible_messages(self) -> list[Message]:
        """Non-ephemeral messages, oldest first."""
        return [self.messages[i] for i in self.message_ids if not self.messages[i].ephemeral]


@dataclass
class Invite:
    code: str
    guild_id: int
    channel_id: int
    inviter_id: int | None
    created_at: datetime
    max_age: int = 86400
    max_uses: int = 0
    temporary: bool = False
    uses: int = 0


@dataclass
class Ban:
    user_id: int
    reason: str | None = None


@dataclass
class VoiceState:
    user_id: int
    channel_id: int
    session_id: str
    self_mute: bool = False
    self_deaf: bool = False


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    preferred_locale: str = "nl"
    description: str | None = None
    features: list[str] = field(default_factory=list)
    system_channel_id: int | None = None
    rules_channel_id: int | None = None
    verification_level: int = 0
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    bans: dict[int, Ban] = field(default_factory=dict)
    invites: dict[str, Invite] = field(default_factory=dict)
    incidents_data: JSON = field(
        default_factory=lambda: {
            "invites_disabled_until": None,
            "dms_disabled_until": None,
            "dm_spam_detected_at": None,
            "raid_detected_at": None,
        }
    )
    #: every PUT /incident-actions body received, in order
    incident_actions: list[JSON] = field(default_factory=list)
    automod_rules: dict[int, JSON] = field(default_factory=dict)
    scheduled_events: dict[int, JSON] = field(default_factory=dict)
    #: event id → ids of the users who pressed Interested, in order
    scheduled_event_users: dict[int, list[int]] = field(default_factory=dict)
    voice_states: dict[int, VoiceState] = field(default_factory=dict)
    audit_log: list[JSON] = field(default_factory=list)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    @property
    def threads(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.is_thread]

    @property
    def messages(self) -> list[Message]:
        """All non-ephemeral messages in this guild's channels and threads, oldest first."""
        out = [m for c in self.channels.values() for m in c.visible_messages()]
        out.sort(key=lambda m: m.id)
        return out
