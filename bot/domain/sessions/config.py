"""Deployment settings of the sessions feature (``[sessions]`` in config.toml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SessionsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default_duration_minutes: int = Field(default=120, ge=15, le=8 * 60)
    """A safe space lasts this long unless the host says otherwise."""
    happy_monday_duration_minutes: int = Field(default=90, ge=15, le=8 * 60)
    """Happy Mood Mondays: 19:00-20:30 by default."""
    reminder_minutes: list[int] = Field(default_factory=lambda: [24 * 60, 15])
    """Reminders this many minutes before the start (never after hours: moved earlier or dropped)."""
    min_voice_minutes: int = Field(default=10, ge=1)
    """Time in the session's voice/stage room that counts as having attended."""
    question_limit: int = Field(default=3, ge=1)
    """Anonymous questions per youth per session (counted in memory only)."""
    feedback_days: int = Field(default=3, ge=1)
    """Days the three-faces feedback stays open after a session (then who voted is forgotten)."""
    max_follower_dms: int = Field(default=500, ge=0)
    """At most this many followers get a reminder or change by DM (the announcement reaches everyone)."""
    room_name: str = "safe-space"
    """Name of the room the bot creates in the safe-space category when no place is given."""
