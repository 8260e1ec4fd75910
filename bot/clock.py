"""Clocks: services never call ``datetime.now()`` themselves; they are handed a :class:`Clock`.

A clock also hands out its *timer seam* (:meth:`Clock.timer`): how something that waits for an instant
(the scheduler) learns that the instant has come. The wall clock's timer fires at real instants
(APScheduler); a :class:`FakeClock`'s timer fires whenever the clock is moved. Callers never need to know
which clock they hold.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

Fire = Callable[[], Awaitable[None]]
Listener = Callable[[datetime], Awaitable[None]]


class Timer(Protocol):
    """Wakes its owner up: ``on_tick`` after every move of a simulated clock, ``arm``ed callbacks at instants."""

    def start(self, on_tick: Fire) -> None: ...

    def arm(self, name: str, when: datetime, fire: Fire) -> None: ...

    def disarm(self, name: str) -> None: ...

    def stop(self) -> None: ...


class Clock(Protocol):
    """Source of the current instant (always timezone-aware, UTC)."""

    def now(self) -> datetime: ...

    @property
    def simulated(self) -> bool: ...

    def timer(self) -> Timer: ...


class SystemClock:
    """The real wall clock."""

    simulated = False

    def now(self) -> datetime:
        return datetime.now(UTC)

    def timer(self) -> Timer:
        from bot.timers import WallTimer  # APScheduler stays out of everything that only reads the time

        return WallTimer()


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

    def timer(self) -> Timer:
        return _MoveTimer(self)

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


class _MoveTimer:
    """A simulated clock's timer: nothing fires on its own, ``on_tick`` runs after every move."""

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self._on_tick: Fire | None = None

    async def _tick(self, _now: datetime) -> None:
        if self._on_tick is not None:
            await self._on_tick()

    def start(self, on_tick: Fire) -> None:
        self._on_tick = on_tick
        self._clock.subscribe(self._tick)

    def arm(self, name: str, when: datetime, fire: Fire) -> None:
        """Nothing to do: whatever is due runs on the next move of the clock."""

    def disarm(self, name: str) -> None:
        """Nothing armed, nothing to remove."""

    def stop(self) -> None:
        self._clock.unsubscribe(self._tick)
        self._on_tick = None
