"""A raid account leaves the ledger whatever the order of events.

The join is recorded by the ledger's listener while the anti-spam feature discards the account from its own
task; on a busy machine the join's ``record`` may still be waiting for the guild's roles when the discard
runs. These tests force each ordering.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.domain.guild_config import GuildConfig
from bot.domain.ledger import ContactKind as K
from bot.domain.ledger import LedgerConfig
from bot.services.guild_settings import GuildSettingsService
from bot.services.ledger import LedgerService

from .conftest import GUILD, count, youth


class SlowRoles:
    """A guild-config source whose answers wait until released (a loaded machine, a slow database)."""

    def __init__(self, settings: GuildSettingsService) -> None:
        self._settings = settings
        self.gate = asyncio.Event()
        self.gate.set()
        self.waiting = asyncio.Event()

    async def __call__(self, guild_id: int) -> GuildConfig:
        self.waiting.set()
        await self.gate.wait()
        return await self._settings.get(guild_id, "core", GuildConfig())


async def test_a_join_recorded_after_its_discard_is_not_counted(
    db: Database, clock: FakeClock, guild_settings: GuildSettingsService
) -> None:
    roles = SlowRoles(guild_settings)
    ledger = LedgerService(db, clock, LedgerConfig(flush_interval_seconds=60), guild_config=roles)
    joined = clock.now()
    roles.gate.clear()
    recording = asyncio.create_task(ledger.record(GUILD, youth(1), K.JOIN, at=joined))
    await roles.waiting.wait()  # the join is on its way into the buffer...
    roles.gate.set()
    discarding = asyncio.create_task(ledger.discard_newcomer(GUILD, 1, joined))  # ...when the raid is found
    await asyncio.sleep(0)
    await asyncio.gather(recording, discarding)
    await ledger.record(GUILD, youth(1), K.PUBLIC_EXCHANGE)  # and whatever it still does in its window
    await ledger.flush()
    assert await count(db) == 0
    await ledger.close()


async def test_a_discard_before_the_join_arrives_at_all_still_holds(
    db: Database, clock: FakeClock, guild_settings: GuildSettingsService
) -> None:
    roles = SlowRoles(guild_settings)
    ledger = LedgerService(db, clock, LedgerConfig(flush_interval_seconds=60), guild_config=roles)
    joined = clock.now()
    assert await ledger.discard_newcomer(GUILD, 1, joined) == 0
    await ledger.record(GUILD, youth(1), K.JOIN, at=joined)
    await ledger.record(GUILD, youth(2), K.JOIN, at=joined)  # another youth is still counted
    await ledger.flush()
    assert await count(db) == 1
    # Outside the newcomer window the account counts like anyone else again.
    await clock.advance(timedelta(hours=25))
    await ledger.record(GUILD, youth(1), K.PUBLIC_EXCHANGE)
    await ledger.flush()
    assert await count(db) == 2
    await ledger.close()
