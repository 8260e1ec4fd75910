"""Coalesce a guild's clean-up work: whatever arrives within a few milliseconds (or while the previous batch
is still running) goes out together, so a 5 msg/s × 20 accounts raid becomes a few bulk deletes, not 100
calls a second.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.services.antispam.store import OffenderAction

log = logging.getLogger("happymood.antispam")

Owner = tuple[str, int]
"""Who a deletion is counted for: ``("raid", 0)`` or ``("user", author_id)``; resolved to an incident later."""


@dataclass
class Batch:
    deletes: dict[int, set[int]] = field(default_factory=dict)
    counts: dict[Owner, int] = field(default_factory=dict)
    last_at: dict[Owner, datetime] = field(default_factory=dict)
    offenders: list[OffenderAction] = field(default_factory=list)
    alerts: set[int] = field(default_factory=set)
    """Incidents whose alert is posted once this batch's actions are done (single-account spam)."""

    def empty(self) -> bool:
        return not (self.deletes or self.offenders or self.counts or self.alerts)


class Batcher:
    """One per guild: ``add_*`` is synchronous and cheap; a single task flushes batch after batch."""

    def __init__(self, flush: Callable[[Batch], Awaitable[None]], *, window: float = 0.004) -> None:
        self._flush = flush
        self._window = window
        self._pending = Batch()
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    def add_deletes(self, delete: dict[int, list[int]], owner: Owner, at: datetime) -> None:
        batch = self._pending
        n = 0
        for channel_id, ids in delete.items():
            batch.deletes.setdefault(channel_id, set()).update(ids)
            n += len(ids)
        batch.counts[owner] = batch.counts.get(owner, 0) + n
        if owner not in batch.last_at or batch.last_at[owner] < at:
            batch.last_at[owner] = at
        self._kick()

    def add_offenders(self, actions: Iterable[OffenderAction], *, alert: int | None = None) -> None:
        self._pending.offenders.extend(actions)
        if alert is not None:
            self._pending.alerts.add(alert)
        self._kick()

    def _kick(self) -> None:
        self._idle.clear()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            while True:
                await asyncio.sleep(self._window)
                batch, self._pending = self._pending, Batch()
                if batch.empty():
                    return
                try:
                    await self._flush(batch)
                except Exception:
                    log.exception("anti-spam batch failed")
        finally:
            if self._pending.empty():
                self._idle.set()

    async def idle(self, timeout: float) -> bool:
        """Wait until nothing is pending or running (at most ``timeout`` seconds); returns whether idle."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            await asyncio.wait({self._task}, timeout=5)
