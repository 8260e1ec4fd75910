"""Everything one bot process shares, built once: settings, clock, database, scheduler, catalogs, services.

Cogs receive the runtime through the bot (``bot.runtime``) and hold their own feature services; nothing
in ``bot/`` imports a cog.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock, SystemClock
from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.domain.guild_config import GuildConfig
from bot.i18n import I18n, lang_for
from bot.scheduling import Owns, Scheduler
from bot.services.contacts import ContactRecorder
from bot.services.guild_settings import GuildSettingsService
from bot.services.ledger import LedgerService
from bot.settings import Settings


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
class Runtime:
    settings: Settings
    clock: Clock
    db: Database
    scheduler: Scheduler
    i18n: I18n
    guild_settings: GuildSettingsService
    services: dict[str, Any] = field(default_factory=dict)
    _closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _configs: dict[int, GuildConfig] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.guild_settings.subscribe(self._settings_changed)

    async def _settings_changed(self, guild_id: int, section: str) -> None:
        if section == "core":
            self._configs.pop(guild_id, None)

    def add_service(self, name: str, service: Any, close: Callable[[], Awaitable[None]] | None = None) -> None:
        """Share a service between cogs; ``close`` runs (in reverse order) when the bot shuts down."""
        self.services[name] = service
        if close is not None:
            self._closers.append(close)

    async def stop_services(self) -> None:
        """Stop the scheduler, then flush and close the shared services (e.g. the ledger's buffer)."""
        await self.scheduler.shutdown()
        while self._closers:
            await self._closers.pop()()

    @property
    def ledger(self) -> LedgerService:
        """The contact ledger (registered as service ``"ledger"``): counting, reports, forget-me."""
        ledger: LedgerService = self.services["ledger"]
        return ledger

    @property
    def contacts(self) -> ContactRecorder:
        """The contact ledger's recording interface."""
        return self.ledger

    async def guild_config(self, guild_id: int) -> GuildConfig:
        """The guild's core settings; cached (every message asks) and dropped when they change."""
        config = self._configs.get(guild_id)
        if config is None:
            config = self._configs[guild_id] = await self.guild_settings.get(guild_id, "core", GuildConfig())
        return config

    def cached_guild_config(self, guild_id: int) -> GuildConfig | None:
        """The guild's core settings if they are in memory (the message path's synchronous read)."""
        return self._configs.get(guild_id)

    async def guild_lang(self, guild_id: int | None) -> str:
        if guild_id is None:
            return self.settings.general.language
        return (await self.guild_config(guild_id)).language or self.settings.general.language

    async def lang(self, guild_id: int | None, discord_locale: str | None = None) -> str:
        """The interaction's locale where a catalog exists, else the guild's language."""
        return lang_for(discord_locale, await self.guild_lang(guild_id))

    def zone_of(self, config: GuildConfig | None) -> str:
        """The one rule for a guild's time zone: its ``/setup tijdzone``, else ``general.timezone``."""
        return (config.timezone if config is not None else None) or self.settings.general.timezone

    async def guild_zone(self, guild_id: int | None) -> ZoneInfo:
        """The guild's time zone (office hours, night profile and reports all use this)."""
        return ZoneInfo(self.zone_of(None if guild_id is None else await self.guild_config(guild_id)))

    async def close(self) -> None:
        await self.stop_services()
        await self.db.dispose()


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
    runtime.add_service("ledger", ledger, close=ledger.close)
    return runtime
