"""Desk-only settings (deployment defaults and per-guild options) and the parsers its commands need."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

WelcomeMode = Literal["channel", "dm", "off"]
WELCOME_MODES: tuple[WelcomeMode, ...] = get_args(WelcomeMode)

_DURATION = re.compile(r"^(\d{1,4})\s*(m|min|u|h|d|w)$")
_UNITS = {"m": "minutes", "min": "minutes", "u": "hours", "h": "hours", "d": "days", "w": "weeks"}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_duration(text: str) -> timedelta:
    """``"30m"``, ``"12u"``/``"12h"``, ``"7d"``, ``"2w"`` → timedelta; ValueError when not of that form."""
    found = _DURATION.match(text.strip().casefold())
    if found is None:
        raise ValueError(f"{text!r} is not a duration such as 12u, 7d or 2w")
    amount = int(found.group(1))
    if amount <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    return timedelta(**{_UNITS[found.group(2)]: amount})


def ends_at(start: datetime, length: timedelta, tz: tzinfo) -> datetime:
    """``start + length``, where whole days end at the same local wall-clock time, DST or not.

    A block of ``7d`` set on Saturday 12:00 before the clocks go forward ends the next Saturday at 12:00
    local time, not 13:00; hours and minutes are exact durations.
    """
    if length % timedelta(days=1):
        return start + length
    local = start.astimezone(tz).replace(tzinfo=None) + length
    return local.replace(tzinfo=tz).astimezone(UTC)


def parse_day(text: str) -> date:
    """``"2026-12-24"`` or ``"24/12/2026"`` → date; ValueError otherwise."""
    cleaned = text.strip()
    found = _DAY_MONTH_YEAR.match(cleaned)
    try:
        if found is not None:
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day)
        return datetime.strptime(cleaned, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{text!r} is not a date such as 2026-12-24 or 24/12/2026") from None


class DeskConfig(BaseModel):
    """Deployment defaults of the contact desk (``[desk]`` in config.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    welcome_mode: WelcomeMode = "channel"
    """How a new member is welcomed: a post in the welcome channel, a DM, or not at all."""
    welcome_min_interval_seconds: int = Field(default=60, ge=0, le=3600)
    """At most one welcome post in the channel per this many seconds: a join flood is not echoed by the bot."""
    allow_first_names: bool = False
    """Sign staff replies with the worker's first name instead of "Happy Mood team"."""
    link_retention_days: int = Field(default=30, ge=0, le=365)
    """Days the thread↔youth link is kept after a conversation is closed."""
    block_durations: list[str] = Field(default_factory=lambda: ["1u", "24u", "7d", "30d"], min_length=1)
    """Durations offered by ``/desk blokkeer`` (any duration up to ``max_block_days`` is accepted)."""
    max_block_days: int = Field(default=90, ge=1, le=3650)
    note_prefixes: list[str] = Field(default_factory=lambda: ["//", "!note"], min_length=1)
    """Thread messages starting with one of these are staff notes and never reach the youth."""

    @field_validator("block_durations")
    @classmethod
    def _check_durations(cls, values: list[str]) -> list[str]:
        for value in values:
            parse_duration(value)
        return values

    @field_validator("note_prefixes")
    @classmethod
    def _check_prefixes(cls, values: list[str]) -> list[str]:
        if any(not value.strip() for value in values):
            raise ValueError("note prefixes may not be empty")
        return values


class DeskGuildOptions(BaseModel):
    """The ``desk`` settings section of a guild; ``None`` means "use the deployment default"."""

    model_config = ConfigDict(extra="forbid")

    welcome_mode: WelcomeMode | None = None
    allow_first_names: bool | None = None

    def resolve(self, defaults: DeskConfig) -> tuple[WelcomeMode, bool]:
        """(welcome mode, first names allowed) for this guild."""
        mode = self.welcome_mode if self.welcome_mode is not None else defaults.welcome_mode
        names = self.allow_first_names if self.allow_first_names is not None else defaults.allow_first_names
        return mode, names


def is_note(text: str, prefixes: list[str]) -> bool:
    """A staff note in a desk thread: starts with one of the prefixes (case-insensitive)."""
    head = text.lstrip().casefold()
    return any(head.startswith(prefix.casefold()) for prefix in prefixes)


_STOP = re.compile(r"^\s*stop\s*[.!]*\s*$", re.IGNORECASE)


def is_stop(text: str) -> bool:
    """A youth ending the conversation by writing just "stop"."""
    return bool(_STOP.match(text))
