"""Channels: edit/create bodies, permission overwrites, threads, thread members and invites."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sandbox.validation.base import Bitfield, Body, Bool, Int, QueryBool, QueryInt, Snowflake, Str

ArchiveDuration = Literal[60, 1440, 4320, 10080]
RateLimit = Annotated[Int, Field(ge=0, le=21600)]
GUILD_CHANNEL_TYPES = Literal[0, 2, 4, 5, 13, 14, 15, 16]


class Overwrite(Body):
    id: Snowflake
    type: Literal[0, 1] | None = None
    allow: Bitfield | None = None
    deny: Bitfield | None = None


class OverwriteEdit(Body):
    """``PUT /channels/{id}/permissions/{overwrite_id}`` (the id is in the path)."""

    type: Literal[0, 1] | None = None
    allow: Bitfield | None = None
    deny: Bitfield | None = None


class ChannelFields(Body):
    type: GUILD_CHANNEL_TYPES | None = None
    position: Annotated[Int, Field(ge=0)] | None = None
    topic: Annotated[Str, Field(max_length=1024)] | None = None
    bitrate: Annotated[Int, Field(ge=8000)] | None = None
    user_limit: Annotated[Int, Field(ge=0, le=99)] | None = None
    nsfw: Bool | None = None
    rate_limit_per_user: RateLimit | None = None
    parent_id: Snowflake | None = None
    permission_overwrites: Annotated[list[Overwrite], Field(max_length=100)] | None = None
    rtc_region: Str | None = None
    video_quality_mode: Literal[1, 2] | None = None
    default_auto_archive_duration: ArchiveDuration | None = None
    default_thread_rate_limit_per_user: RateLimit | None = None
    flags: Int | None = None


class ChannelCreate(ChannelFields):
    name: Annotated[Str, Field(min_length=1, max_length=100)]


class ChannelEdit(ChannelFields):
    """``PATCH /channels/{id}`` for a guild channel or a thread (the thread fields are here too)."""

    name: Annotated[Str, Field(min_length=1, max_length=100)] | None = None
    archived: Bool | None = None
    locked: Bool | None = None
    invitable: Bool | None = None
    auto_archive_duration: ArchiveDuration | None = None
    applied_tags: Annotated[list[Snowflake], Field(max_length=5)] | None = None


class ChannelPosition(Body):
    id: Snowflake
    position: Annotated[Int, Field(ge=0)] | None = None
    parent_id: Snowflake | None = None
    lock_permissions: Bool | None = None


class ThreadFromMessage(Body):
    name: Annotated[Str, Field(min_length=1, max_length=100)]
    auto_archive_duration: ArchiveDuration | None = None
    rate_limit_per_user: RateLimit | None = None


class ThreadCreate(ThreadFromMessage):
    type: Literal[10, 11, 12] | None = None
    invitable: Bool | None = None


class InviteCreate(Body):
    max_age: Annotated[Int, Field(ge=0, le=604800)] | None = None
    max_uses: Annotated[Int, Field(ge=0, le=100)] | None = None
    temporary: Bool | None = None
    unique: Bool | None = None
    target_type: Literal[1, 2] | None = None
    target_user_id: Snowflake | None = None
    target_application_id: Snowflake | None = None


class ArchivedThreadsQuery(Body):
    before: Str | None = None
    limit: QueryInt | None = Field(None, ge=2, le=100)


class PinsQuery(Body):
    before: Str | None = None
    limit: QueryInt | None = Field(None, ge=1, le=50)


class ThreadMembersQuery(Body):
    with_member: QueryBool | None = None
    after: Snowflake | None = None
    limit: QueryInt | None = Field(None, ge=1, le=100)


class InviteQuery(Body):
    with_counts: QueryBool | None = None
    with_expiration: QueryBool | None = None
    guild_scheduled_event_id: Snowflake | None = None
