"""The shared core of one bot process: settings, clock, database, scheduler, catalogs, guild settings.

Feature services receive it explicitly (``Core``); it builds no feature service and imports none (the
composition root, :mod:`bot.runtime` and :mod:`bot.wiring`, does that).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db.engine import Database
from bot.domain.guild_config import GuildConfig
from bot.i18n import I18n, lang_for
from bot.scheduling import Scheduler
from bot.services.guild_settings import GuildSettingsService
from bot.settings import Settings

Closer = Callable[[], Awaitable[None]]


@dataclass
class Core:
    settings: Settings
    clock: Clock
    db: Database
    scheduler: Scheduler
    i18n: I18n
    guild_settings: GuildSettingsService
    _closers: list[Closer] = field(default_factory=list)
    _configs: dict[int, GuildConfig] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.guild_settings.subscribe(self._settings_changed)

    async def _settings_changed(self, guild_id: int, section: str) -> None:
        if section == "core":
            self._configs.pop(guild_id, None)

    def on_close(self, close: Closer) -> None:
        """Run ``close`` (in reverse order of registration) when the bot shuts down, after the scheduler."""
        self._closers.append(close)

    async def stop_services(self) -> None:
        """Stop the scheduler, then flush and close what registered (e.g. the ledger's buffer)."""
        await self.scheduler.shutdown()
        while self._closers:
            await self._closers.pop()()

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
