"""Ledger settings (pydantic), read by the service layer from the bot's configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain.ledger.kinds import Granularity, Period
from bot.domain.ledger.moments import check_slug
from bot.domain.ledger.targets import Targets

MIN_PEPPER_BYTES = 16


class LedgerConfig(BaseModel):
    """How the anonymous contact ledger counts, keeps and reports."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    period: Period = "year"
    retention_days: int = Field(default=730, ge=7)
    moment_granularity: Granularity = "day"
    suppression_k: int = Field(default=5, ge=2, le=50)
    targets: Targets = Field(default_factory=lambda: Targets())
    places: list[str] = Field(default_factory=list)
    public_exchange_window_minutes: int = Field(default=10, ge=1, le=24 * 60)
    flush_interval_seconds: float = Field(default=2.0, gt=0, le=300)
    buffer_max: int = Field(default=10_000, ge=1)
    pepper_file: Path | None = None

    @field_validator("places")
    @classmethod
    def _places_are_slugs(cls, places: list[str]) -> list[str]:
        for place in places:
            check_slug(place, "places")
        if len(set(places)) != len(places):
            raise ValueError("places must be unique")
        return places

    def report_options(self) -> dict[str, Any]:
        """Keyword arguments for :func:`~bot.domain.ledger.report.build_report` that come from this config."""
        return {
            "k": self.suppression_k,
            "granularity": self.moment_granularity,
            "period": self.period,
            "happy_places": frozenset(self.places),
        }

    def read_pepper(self) -> bytes:
        """The pepper from ``pepper_file`` (trailing newline stripped), or ``b""`` when none is configured."""
        if self.pepper_file is None:
            return b""
        pepper = self.pepper_file.read_bytes().rstrip(b"\r\n")
        if len(pepper) < MIN_PEPPER_BYTES:
            raise ValueError(f"pepper file must hold at least {MIN_PEPPER_BYTES} bytes")
        return pepper
