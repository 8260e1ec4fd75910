"""The sandbox's notion of time: anything with ``now()`` (the bot's ``FakeClock`` fits, so tests share one clock)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
