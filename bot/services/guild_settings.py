"""Per-guild settings sections stored as overrides of their defaults (Red's ``register_guild`` idea)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import GuildSetting
from bot.domain.errors import UserFacingError

M = TypeVar("M", bound=BaseModel)
Listener = Callable[[int, str], Awaitable[None]]


class InvalidSetting(UserFacingError):
    """A setting was refused; ``setting`` names it and nothing was stored."""

    def __init__(self, setting: str, value: Any, reason: str) -> None:
        super().__init__("errors.invalid_setting", key=setting, reason=reason)
        self.setting, self.value, self.reason = setting, value, reason

    def __str__(self) -> str:
        return f"{self.setting} = {self.value!r}: {self.reason}"


def _set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[leaf] = value


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class GuildSettingsService:
    """Read and change a guild's sections; every change is validated by the section's model first."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._cache: dict[tuple[int, str], dict[str, Any]] = {}
        self._loading: dict[tuple[int, str], asyncio.Future[dict[str, Any]]] = {}
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(guild_id, section)`` after every stored change (for caches on hot paths)."""
        self._listeners.append(listener)

    async def _changed(self, guild_id: int, section: str) -> None:
        for listener in self._listeners:
            await listener(guild_id, section)

    async def _overrides(self, guild_id: int, section: str) -> dict[str, Any]:
        """Stored overrides, cached; concurrent first reads share one query (a burst of events all ask)."""
        key = (guild_id, section)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        loading = self._loading.get(key)
        if loading is None:
            loading = self._loading[key] = asyncio.ensure_future(self._read(guild_id, section))
            loading.add_done_callback(lambda _: self._loading.pop(key, None))
        return await asyncio.shield(loading)

    async def _read(self, guild_id: int, section: str) -> dict[str, Any]:
        async with self._db.session() as session:
            row = await session.get(GuildSetting, (guild_id, section))
        data = dict(row.data) if row is not None else {}
        self._cache.setdefault((guild_id, section), data)
        return self._cache[(guild_id, section)]

    async def get(self, guild_id: int, section: str, defaults: M) -> M:
        """The section for a guild: ``defaults`` with the stored overrides applied."""
        overrides = await self._overrides(guild_id, section)
        if not overrides:
            return defaults
        return type(defaults).model_validate(_merge(defaults.model_dump(mode="json"), overrides))

    async def update(self, guild_id: int, section: str, defaults: M, changes: dict[str, Any]) -> M:
        """Apply dotted-key ``changes`` (``{"roles.moderator": 123}``); raise :class:`InvalidSetting`."""
        overrides = _merge({}, await self._overrides(guild_id, section))
        for key, value in changes.items():
            _set_path(overrides, key, value)
        try:
            result = type(defaults).model_validate(_merge(defaults.model_dump(mode="json"), overrides))
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"]) or next(iter(changes))
            raise InvalidSetting(key, err.get("input"), err["msg"]) from None
        async with self._db.session() as session:
            row = await session.get(GuildSetting, (guild_id, section))
            if row is None:
                session.add(
                    GuildSetting(guild_id=guild_id, section=section, data=overrides, updated_at=self._clock.now())
                )
            else:
                row.data = overrides
                row.updated_at = self._clock.now()
        self._cache[(guild_id, section)] = overrides
        await self._changed(guild_id, section)
        return result

    async def reset(self, guild_id: int, section: str) -> None:
        async with self._db.session() as session:
            row = await session.get(GuildSetting, (guild_id, section))
            if row is not None:
                await session.delete(row)
        self._cache.pop((guild_id, section), None)
        await self._changed(guild_id, section)

    async def configured_guilds(self, section: str) -> list[int]:
        async with self._db.session() as session:
            rows = await session.scalars(select(GuildSetting.guild_id).where(GuildSetting.section == section))
            return list(rows)

    def forget_cache(self) -> None:
        self._cache.clear()
