"""One detector per guild, with the guild's policy and exemptions cached in memory for the message path.

The hot path never reads the database: a guild's profile is loaded on its first message and rebuilt at
once when its core or anti-spam settings change (the settings service notifies :meth:`Guard.invalidate`);
as a safety net it is also refreshed in the background once it is ``ttl`` seconds old. A refresh keeps
the detector — and so an ongoing raid's state — unless the policy itself changed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.guild_config import STAFF_ROLES, GuildConfig
from bot.domain.spam import JoinEvent, MessageEvent, SpamDetector, Verdict
from bot.services.antispam.settings import AntispamSettings

log = logging.getLogger("happymood.antispam")

Loader = Callable[[int], Awaitable[tuple[AntispamSettings, GuildConfig]]]


@dataclass
class GuildProfile:
    settings: AntispamSettings
    config: GuildConfig
    detector: SpamDetector
    exempt_roles: frozenset[int]
    loaded_at: float

    def is_exempt(self, role_ids: Iterable[int], channel_ids: Iterable[int], is_admin: bool) -> bool:
        """Staff roles, the policy's exempt roles and channels, administrators and the owner."""
        if is_admin or not self.exempt_roles.isdisjoint(role_ids):
            return True
        return not self.settings.exempt_channel_ids.isdisjoint(channel_ids)


class Guard:
    """The per-guild detectors and their cached profiles."""

    def __init__(self, load: Loader, *, ttl: float = 300.0) -> None:
        self._load = load
        self._ttl = ttl
        self._profiles: dict[int, GuildProfile] = {}
        self._loading: dict[int, asyncio.Task[GuildProfile]] = {}

    def cached(self, guild_id: int) -> GuildProfile | None:
        """The profile without waiting; starts a background refresh when it is stale."""
        profile = self._profiles.get(guild_id)
        if profile is not None and time.monotonic() - profile.loaded_at > self._ttl:
            self._start(guild_id)
        return profile

    async def profile(self, guild_id: int) -> GuildProfile:
        profile = self.cached(guild_id)
        if profile is not None:
            return profile
        return await self._start(guild_id)

    def _start(self, guild_id: int) -> asyncio.Task[GuildProfile]:
        task = self._loading.get(guild_id)
        if task is None or task.done():
            task = self._loading[guild_id] = asyncio.create_task(self._reload(guild_id))
        return task

    async def _reload(self, guild_id: int) -> GuildProfile:
        settings, config = await self._load(guild_id)
        old = self._profiles.get(guild_id)
        keep = old is not None and old.settings.policy_key() == settings.policy_key()
        detector = old.detector if keep and old is not None else SpamDetector(settings)
        staff = frozenset(config.role_ids(STAFF_ROLES))
        profile = GuildProfile(settings, config, detector, staff | settings.exempt_role_ids, time.monotonic())
        self._profiles[guild_id] = profile
        return profile

    async def invalidate(self, guild_id: int) -> GuildProfile:
        """Reload now (after a settings change) and return the new profile."""
        task = self._loading.get(guild_id)
        if task is not None and not task.done():
            await task
        return await self._start(guild_id)

    def observe_message(self, profile: GuildProfile, event: MessageEvent) -> Verdict:
        return profile.detector.observe_message(event)

    def observe_join(self, profile: GuildProfile, event: JoinEvent) -> Verdict:
        return profile.detector.observe_join(event)

    def forget(self, guild_id: int, user_id: int) -> None:
        profile = self._profiles.get(guild_id)
        if profile is not None:
            profile.detector.forget(user_id)

    def end_raid(self, guild_id: int) -> None:
        profile = self._profiles.get(guild_id)
        if profile is not None:
            profile.detector.end_raid()

    def last_spam_at(self, guild_id: int) -> datetime | None:
        profile = self._profiles.get(guild_id)
        return None if profile is None else profile.detector.last_spam_at

    def drop(self, guild_id: int) -> None:
        self._profiles.pop(guild_id, None)
