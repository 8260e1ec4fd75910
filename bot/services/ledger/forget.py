"""``/vergeet-mij``: features register how to forget a person; the ledger runs them all.

A callback is ``async def forget(guild_id: int, user_id: int) -> None`` and must delete (or unlink)
everything its feature keeps about that person in that guild. It must be idempotent: a youth may ask
twice, and a failed run is retried by asking again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("happymood.ledger")

ForgetCallback = Callable[[int, int], Awaitable[None]]


class ForgetRegistry:
    def __init__(self) -> None:
        self._callbacks: dict[str, ForgetCallback] = {}

    def register(self, name: str, callback: ForgetCallback) -> None:
        """Add (or replace, e.g. after a cog reload) the callback of feature ``name``."""
        self._callbacks[name] = callback

    @property
    def names(self) -> list[str]:
        return sorted(self._callbacks)

    async def run(self, guild_id: int, user_id: int) -> list[str]:
        """Run every callback; returns the names of those that failed (logged, never raised)."""
        failed = []
        for name, callback in sorted(self._callbacks.items()):
            try:
                await callback(guild_id, user_id)
            except Exception:
                log.exception("forget callback failed", extra={"feature": name})
                failed.append(name)
        return failed
