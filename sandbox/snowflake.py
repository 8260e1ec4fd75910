"""Discord snowflakes generated from the sandbox clock (so ``created_at`` of ids follows simulated time)."""

from __future__ import annotations

from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000
_LOW_BITS = (1 << 22) - 1


def snowflake_time(snowflake: int) -> datetime:
    """The instant encoded in ``snowflake``."""
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def _epoch_ms(when: datetime) -> int:
    if when.tzinfo is None:
        raise ValueError("snowflakes need an aware datetime")
    return int(when.timestamp() * 1000) - DISCORD_EPOCH_MS


class SnowflakeFactory:
    """Unique, increasing ids: the timestamp part comes from the clock, the low 22 bits are a counter.

    ``next(now)`` never goes backwards (ids keep sorting in creation order even if the clock does not
    move); ``at(when)`` mints an id for an arbitrary instant (backdated users and messages).
    """

    def __init__(self) -> None:
        self._last_ms = 0
        self._counter = 0
        self._backdated: dict[int, int] = {}

    def next(self, now: datetime) -> int:
        ms = max(_epoch_ms(now), self._last_ms)
        if ms == self._last_ms:
            self._counter += 1
            if self._counter > _LOW_BITS:
                ms += 1
                self._counter = 0
        else:
            self._counter = 0
        self._last_ms = ms
        return (ms << 22) | self._counter

    def at(self, when: datetime) -> int:
        ms = _epoch_ms(when)
        if ms >= self._last_ms:
            return self.next(when)
        count = self._backdated.get(ms, (1 << 21)) + 1  # upper half of the counter space: never collides
        self._backdated[ms] = count
        return (ms << 22) | (count & _LOW_BITS)
