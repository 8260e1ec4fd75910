"""Deployment settings of study moments (``[study]`` in config.toml); a guild may override some with /setup studie."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CloseAction = Literal["archive", "delete"]


class StudyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default_duration_minutes: int = Field(default=120, ge=15, le=8 * 60)
    """A study moment lasts this long when the host gives no duration (never past the latest closing)."""
    empty_close_minutes: int = Field(default=10, ge=1, le=120)
    """A room closes by itself after this many minutes without a message and with nobody in its voice room."""
    closing_warning_minutes: int = Field(default=10, ge=1, le=60)
    """Minutes before the end (and the guild's latest closing) the room gets a friendly warning."""
    focus_minutes: int = Field(default=25, ge=5, le=120)
    """Focus timer: minutes of a focus round."""
    break_minutes: int = Field(default=5, ge=1, le=60)
    """Focus timer: minutes of a break."""
    help_minutes: int = Field(default=5, ge=1, le=60)
    """Estimated minutes of help per youth in the queue (for the waiting time a youth is shown)."""
    host_notify_minutes: int = Field(default=5, ge=0, le=60)
    """The host is told about new help requests at most once per this many minutes."""
    room_limit: int = Field(default=5, ge=1, le=50)
    """Default limit of open study rooms per guild (main rooms and group rooms together)."""
    close_action: CloseAction = "archive"
    """Default for closed rooms: ``archive`` (text room stays, read-only) or ``delete``."""
    room_name: str = "studeren"
    """Base name of a study moment's text and voice rooms."""
    group_name: str = "studiegroep"
    """Base name of a group room (``/studie kamer``)."""


class StudyGuildSettings(BaseModel):
    """Per-guild choices (``/setup studie``), section ``study`` of the guild settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    close_action: CloseAction = "archive"
    room_limit: int = Field(default=5, ge=1, le=50)

    @classmethod
    def defaults(cls, config: StudyConfig) -> StudyGuildSettings:
        return cls(close_action=config.close_action, room_limit=config.room_limit)
