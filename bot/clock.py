"""Clocks: services never call ``datetime.now()`` themselves; they are handed a :class:`Clock`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of the current instant (always timezone-aware, UTC)."""

    def now(self) -> datetime: ...

    @property
    def simulated(self) -> bool: ...


class SystemClock:
    """The real wall clock."""

    simulated = False

    def now(self) -> datetime:
        return datetime.now(UTC)


Listener = Callable[[datetime], Awaitable[None]]


class FakeClock:
    """A clock that only moves when told to; listeners run after every move (the scheduler is one)."""

    simulated = True

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._listeners: list[Listener] = []
        self._lock = asyncio.Lock()

    def now(self) -> datetime:
        return self._now

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    async def set(self, when: datetime) -> None:
        """Jump to ``when`` (never backwards) and let listeners run what fell due."""
        when = when.astimezone(UTC)
        if when < self._now:
            raise ValueError("time does not go backwards")
        async with self._lock:
            self._now = when
            for listener in list(self._listeners):
                await listener(when)

    async def advance(self, delta: timedelta) -> None:
        await self.set(self._now + delta)
