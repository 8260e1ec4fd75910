"""The composition root: the shared :class:`~bot.core.Core` and this process's typed feature services.

Cogs receive the runtime through the bot (``bot.runtime``), build their feature service and set it on
``runtime.services``; :func:`bot.wiring.wire` joins them. Services never import this module (they take the
core and their collaborators explicitly); nothing in ``bot/`` imports a cog.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock, SystemClock
from bot.core import Core
from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.i18n import I18n
from bot.scheduling import Owns, Scheduler
from bot.services.contacts import ContactRecorder
from bot.services.guild_settings import GuildSettingsService
from bot.services.ledger import LedgerService
from bot.settings import Settings
from bot.wiring import Services


def shard_owner(shard_count: int | None, shard_ids: list[int] | None) -> Owns:
    """A predicate: does this process own the guild's scheduled work? (Discord's shard formula.)"""
    if shard_count is None or shard_ids is None:
        return lambda _guild_id: True
    owned = set(shard_ids)

    def owns(guild_id: int | None) -> bool:
        if guild_id is None:
            return 0 in owned
        return (guild_id >> 22) % shard_count in owned

    return owns


@dataclass
class Runtime(Core):
    """The core plus this process's feature services (typed, see :class:`bot.wiring.Services`)."""

    services: Services = field(init=False)

    @property
    def ledger(self) -> LedgerService:
        """The contact ledger: counting, reports, forget-me."""
        return self.services.ledger

    @property
    def contacts(self) -> ContactRecorder:
        """The contact ledger's recording interface."""
        return self.services.ledger


async def build_runtime(settings: Settings, clock: Clock | None = None, *, migrate: bool = True) -> Runtime:
    """Open the database (migrating it to head unless told not to) and wire the core services."""
    clock = clock or SystemClock()
    db = Database(settings.database_url, echo=settings.database.echo)
    if migrate:
        await upgrade(db)
    owns = shard_owner(settings.discord.shard_count, settings.discord.shard_ids)
    runtime = Runtime(
        settings=settings,
        clock=clock,
        db=db,
        scheduler=Scheduler(db, clock, owns=owns),
        i18n=I18n(),
        guild_settings=GuildSettingsService(db, clock),
    )
    ledger = LedgerService(
        db, clock, settings.ledger, guild_config=runtime.guild_config, default_tz=settings.general.timezone
    )
    runtime.services = Services(ledger=ledger)
    runtime.on_close(ledger.close)
    return runtime
