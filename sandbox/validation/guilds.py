"""Guilds: settings, roles, members, bans, incident actions, audit log, auto-moderation and scheduled events."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sandbox.validation.base import (
    Bitfield,
    Body,
    Bool,
    Color,
    Int,
    QueryBool,
    QueryInt,
    Snowflake,
    SnowflakeSet,
    Str,
)

LOCALES = Literal[
    "ar", "bg", "cs", "da", "de", "el", "en-GB", "en-US", "es-419", "es-ES", "fi", "fr", "he", "hi", "hr", "hu",
    "id", "it", "ja", "ko", "lt", "nl", "no", "pl", "pt-BR", "ro", "ru", "sv-SE", "th", "tr", "uk", "vi", "zh-CN",
    "zh-TW",
]  # fmt: skip
DeleteSeconds = Annotated[Int, Field(ge=0, le=604800)]


class GuildQuery(Body):
    with_counts: QueryBool | None = None


class GuildEdit(Body):
    name: Annotated[Str, Field(min_length=2, max_length=100)] | None = None
    description: Annotated[Str, Field(max_length=300)] | None = None
    icon: Str | None = None
    verification_level: Literal[0, 1, 2, 3, 4] | None = None
    default_message_notifications: Literal[0, 1] | None = None
    explicit_content_filter: Literal[0, 1, 2] | None = None
    preferred_locale: LOCALES | None = None
    afk_timeout: Literal[60, 300, 900, 1800, 3600] | None = None
    afk_channel_id: Snowflake | None = None
    system_channel_id: Snowflake | None = None
    rules_channel_id: Snowflake | None = None
    public_updates_channel_id: Snowflake | None = None
    safety_alerts_channel_id: Snowflake | None = None
    system_channel_flags: Int | None = None
    features: Annotated[list[Str], Field(max_length=1521)] | None = None
    premium_progress_bar_enabled: Bool | None = None


class IncidentActions(Body):
    invites_disabled_until: Str | None = None
    dms_disabled_until: Str | None = None


class RoleColors(Body):
    primary_color: Color
    secondary_color: Color | None = None
    tertiary_color: Color | None = None


class RoleFields(Body):
    name: Annotated[Str, Field(min_length=1, max_length=100)] | None = None
    permissions: Bitfield | None = None
    color: Color | None = None
    colors: RoleColors | None = None
    hoist: Bool | None = None
    mentionable: Bool | None = None
    icon: Str | None = None
    unicode_emoji: Annotated[Str, Field(max_length=100)] | None = None


class RolePosition(Body):
    id: Snowflake
    position: Int | None = None


class MemberEdit(Body):
    nick: Annotated[Str, Field(max_length=32)] | None = None
    roles: Annotated[SnowflakeSet, Field(max_length=350)] | None = None
    mute: Bool | None = None
    deaf: Bool | None = None
    channel_id: Snowflake | None = None
    communication_disabled_until: Str | None = None
    flags: Int | None = None


class MyMemberEdit(Body):
    nick: Annotated[Str, Field(max_length=32)] | None = None
    avatar: Str | None = None
    banner: Str | None = None
    bio: Annotated[Str, Field(max_length=190)] | None = None


class MembersQuery(Body):
    limit: QueryInt | None = Field(None, ge=1, le=1000)
    after: QueryInt | None = Field(None, ge=0)


class MemberSearchQuery(Body):
    query: Annotated[Str, Field(min_length=1, max_length=100)]
    limit: QueryInt | None = Field(None, ge=1, le=1000)


class Ban(Body):
    delete_message_seconds: DeleteSeconds | None = None
    delete_message_days: Annotated[Int, Field(ge=0, le=7)] | None = None


class BanQuery(Body):
    """discord.py sends a ban's ``delete_message_seconds`` as a query parameter (Discord honours it)."""

    delete_message_seconds: QueryInt | None = Field(None, ge=0, le=604800)


class BulkBan(Body):
    user_ids: Annotated[SnowflakeSet, Field(max_length=200)]
    delete_message_seconds: DeleteSeconds | None = None


class BansQuery(Body):
    limit: QueryInt | None = Field(None, ge=1, le=1000)
    before: Snowflake | None = None
    after: Snowflake | None = None


class AuditLogQuery(Body):
    user_id: Snowflake | None = None
    target_id: Snowflake | None = None
    action_type: QueryInt | None = Field(None, ge=1, le=255)
    before: Snowflake | None = None
    after: Snowflake | None = None
    limit: QueryInt | None = Field(None, ge=1, le=100)


class AutomodRuleFields(Body):
    name: Annotated[Str, Field(max_length=100)] | None = None
    event_type: Literal[1, 2] | None = None
    trigger_metadata: dict[str, Any] | None = None
    actions: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=5)] | None = None
    enabled: Bool | None = None
    exempt_roles: Annotated[SnowflakeSet, Field(max_length=20)] | None = None
    exempt_channels: Annotated[SnowflakeSet, Field(max_length=50)] | None = None


class AutomodRuleCreate(AutomodRuleFields):
    name: Annotated[Str, Field(max_length=100)]
    event_type: Literal[1, 2]
    trigger_type: Literal[1, 3, 4, 5, 6]


class EventFields(Body):
    name: Annotated[Str, Field(min_length=1, max_length=100)] | None = None
    description: Annotated[Str, Field(max_length=1000)] | None = None
    image: Str | None = None
    scheduled_start_time: Str | None = None
    scheduled_end_time: Str | None = None
    privacy_level: Literal[2] | None = None
    entity_type: Literal[1, 2, 3] | None = None
    channel_id: Snowflake | None = None
    entity_metadata: dict[str, Any] | None = None
    status: Literal[1, 2, 3, 4] | None = None
    recurrence_rule: dict[str, Any] | None = None


class EventCreate(EventFields):
    name: Annotated[Str, Field(min_length=1, max_length=100)]
    scheduled_start_time: Str
    privacy_level: Literal[2]
    entity_type: Literal[1, 2, 3]


class EventUsersQuery(Body):
    limit: QueryInt | None = Field(None, ge=1, le=100)
    with_member: QueryBool | None = None
    before: Snowflake | None = None
    after: Snowflake | None = None


class EventsQuery(Body):
    with_user_count: QueryBool | None = None
