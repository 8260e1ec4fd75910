"""The guild settings section ``antispam``: the detector's :class:`SpamPolicy` plus how the bot responds.

Deployment defaults come from ``[antispam]`` in config.toml (a :class:`SpamPolicy`); a guild overrides any
key through its ``antispam`` section (``/antispam drempel``, ``/antispam uitzondering``,
``/antispam instelling``). The response keys below have code defaults and are per guild only.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator

from bot.domain.spam import SpamPolicy

SECTION = "antispam"

DEFAULT_KEYWORDS_NL = (
    "gratis nitro",
    "free nitro",
    "nitro gratis",
    "gratis robux",
    "free robux",
    "gratis v-bucks",
    "free vbucks",
    "steam cadeau",
    "steam gift",
    "verdien snel geld",
    "snel rijk",
    "crypto verdubbelen",
    "stuur je wachtwoord",
    "geef je code",
    "klik op deze link om te winnen",
)
"""The default Dutch (and the usual English) scam phrases for the AutoMod keyword rule."""


class AntispamSettings(SpamPolicy):
    """A guild's anti-spam policy and response. Passed to the detector as its :class:`SpamPolicy`."""

    lockdown_on_raid: bool = True
    lockdown_on_join_burst: bool = False
    """A join flood by day locks the guild too (at night it always does); else invites are only paused."""
    pause_invites: bool = True
    pause_dms: bool = True
    slowmode_seconds: int = Field(default=0, ge=0, le=21600, description="0: slowmode is not touched")
    slowmode_channel_ids: frozenset[int] = frozenset()
    member_timeout_minutes: int = Field(default=10, ge=1, le=40320)
    ping_at_night: bool = False
    morning_summary_time: time = time(8, 0)
    automod_keywords: tuple[str, ...] = DEFAULT_KEYWORDS_NL

    @field_validator("morning_summary_time")
    @classmethod
    def _wall_time(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("the morning summary time is a local wall-clock time without a time zone")
        return value

    @field_validator("automod_keywords")
    @classmethod
    def _keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(dict.fromkeys(k.strip().lower() for k in value if k.strip()))
        if len(cleaned) > 1000 or any(len(k) > 60 for k in cleaned):
            raise ValueError("at most 1000 keywords of at most 60 characters")
        return cleaned

    def policy_key(self) -> str:
        """Identifies the detector-relevant part: a detector is rebuilt only when this changes."""
        return SpamPolicy.model_validate(self.model_dump(include=set(SpamPolicy.model_fields))).model_dump_json()

    def next_morning(self, after: datetime) -> datetime:
        """The first ``morning_summary_time`` (local) strictly after ``after``, as an aware UTC instant."""
        zone = ZoneInfo(self.timezone)
        local = after.astimezone(zone)
        day = local.date()
        for _ in range(3):
            candidate = datetime.combine(day, self.morning_summary_time, tzinfo=zone)
            if candidate > local:
                return candidate.astimezone(UTC)
            day += timedelta(days=1)
        raise AssertionError("unreachable")  # pragma: no cover


def section_defaults(deployment: SpamPolicy, guild_timezone: str | None) -> AntispamSettings:
    """The section's defaults: the deployment policy, in the guild's own time zone when it has one."""
    data = deployment.model_dump()
    if guild_timezone:
        data["timezone"] = guild_timezone
    return AntispamSettings(**data)
