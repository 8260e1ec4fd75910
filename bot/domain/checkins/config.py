"""Deployment settings of the check-ins (``[checkins]`` in config.toml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.hours import Weekday


class CheckinsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default_interval_days: int = Field(default=14, ge=1, le=365)
    """Quiet days before the team is reminded, when the youth names no interval."""
    min_interval_days: int = Field(default=3, ge=1, le=365)
    max_interval_days: int = Field(default=60, ge=1, le=365)
    proposal_days: int = Field(default=7, ge=1, le=60)
    """An outreacher's proposal (Ja / Nee) not answered within this many days means no."""
    nudge_limit: int = Field(default=2, ge=1, le=10)
    """After this many unanswered check-ins the bot stops ("geen reactie — niet verder opgevolgd")."""
    postpone_days: int = Field(default=7, ge=1, le=60)
    """**Week uitstellen** moves the reminder this many days."""
    send_margin_minutes: int = Field(default=10, ge=0, le=120)
    """A check-in goes out only this long before closing at the latest (else at the next opening)."""
    weekly_list_day: Weekday = "mon"
    """The day the staff desk gets the list of running check-ins (at that day's opening)."""

    @model_validator(mode="after")
    def _ordered(self) -> CheckinsConfig:
        if not self.min_interval_days <= self.default_interval_days <= self.max_interval_days:
            raise ValueError("need min_interval_days <= default_interval_days <= max_interval_days")
        return self
