"""Shared by the end-to-end tests: the ledger's record calls as seen, and waiting until the bot is quiet."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from bot.runtime import Runtime
from bot.services.contacts import Person
from sandbox import DiscordSandbox


@dataclass
class Recorded:
    """Every ``record`` call on the ledger: (user id, kind, tags, counted as a youth)."""

    calls: list[tuple[int, str, dict[str, str], bool]] = field(default_factory=list)

    def install(self, runtime: Runtime) -> None:
        ledger = runtime.services.ledger
        original = ledger.record

        async def record(guild_id: int, person: Person, kind: Any, **kwargs: Any) -> bool:
            counted = bool(await original(guild_id, person, kind, **kwargs))
            self.calls.append((person.user_id, str(kind), dict(kwargs.get("tags") or {}), counted))
            return counted

        ledger.record = record  # type: ignore[method-assign]  # a spy on the real service


async def quiet(sandbox: DiscordSandbox, idle: float = 0.08, timeout: float = 8.0) -> None:
    """Wait (real time) until the bot has made no request to the sandbox for ``idle`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    seen, since = len(sandbox.requests), loop.time()
    while loop.time() < deadline:
        await asyncio.sleep(0.02)
        now = len(sandbox.requests)
        if now != seen:
            seen, since = now, loop.time()
        elif loop.time() - since >= idle:
            return
