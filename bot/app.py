"""The Bot subclass: loads every cog, the translator and persistent views; runs the scheduler once ready."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
import logging
import pkgutil
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

import cogs
from bot.adapters.tree import HappyTree
from bot.db.models import BotState
from bot.endpoints import point_discord_at
from bot.events import EventHub
from bot.i18n.translator import CatalogTranslator
from bot.runtime import Runtime
from bot.wiring import wire

log = logging.getLogger("happymood.bot")

StartupHook = Callable[[], Awaitable[None]]


CORE_EXTENSIONS = ("cogs.setup",)  # first: features add their subcommands to its /setup group


def discover_extensions(package: Any = cogs) -> list[str]:
    """Every cog under ``cogs/`` (modules and packages not starting with ``_``), the core ones first."""
    found = []
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        leaf = info.name.rsplit(".", 1)[1]
        if leaf.startswith("_"):
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "setup"):
            found.append(info.name)
    return sorted(found, key=lambda name: (name not in CORE_EXTENSIONS, name))


def intents() -> discord.Intents:
    """Members (joins, roles), message content (spam detection, crisis words in DMs), voice (sessions)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.members = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = True
    wanted.voice_states = True
    wanted.auto_moderation_configuration = True
    wanted.guild_scheduled_events = True
    return wanted


if TYPE_CHECKING:  # the mixin is only ever combined with a commands.Bot (plain or sharded)
    _BotBase = commands.Bot
else:
    _BotBase = object


class HappyCore(_BotBase):
    """Start-up and shutdown shared by the plain and the sharded bot (what a cog's ``setup`` receives)."""

    runtime: Runtime
    _startup_hooks: list[StartupHook]
    _ready_task: asyncio.Task[None] | None
    events: EventHub

    def _init_core(self, runtime: Runtime, extensions: Sequence[str] | None) -> None:
        self.runtime = runtime
        self.events = EventHub(runtime.cached_guild_config)
        self._extensions = list(extensions) if extensions is not None else discover_extensions()
        self._startup_hooks = []
        self._ready_task = None

    def on_startup(self, hook: StartupHook) -> None:
        """Run ``hook`` once the guild cache is ready and before the scheduler replays stored work."""
        self._startup_hooks.append(hook)

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator(self.runtime.i18n))
        for name in self._extensions:
            await self.load_extension(name)
        wire(self.runtime.services)  # the features' hooks into each other, typed, in one place
        await self._sync_commands()
        self._ready_task = asyncio.create_task(self._after_ready())

    async def _after_ready(self) -> None:
        await self.wait_until_ready()
        for guild in self.guilds:
            await self.runtime.guild_config(guild.id)  # warm: the message path never waits for a first read
        for hook in self._startup_hooks:
            try:
                await hook()
            except Exception:
                log.exception("start-up hook failed")
        await self.runtime.scheduler.start()
        log.info("bot ready", extra={"guilds": len(self.guilds)})

    async def _sync_commands(self) -> None:
        """Sync global commands only when the tree changed (or when configured to always)."""
        mode = self.runtime.settings.discord.sync_commands
        if mode == "never":
            return
        translator = self.tree.translator  # the localized names are part of the tree: a catalog change syncs too
        payload = [
            await cmd.get_translated_payload(self.tree, translator) if translator else cmd.to_dict(self.tree)
            for cmd in self.tree.get_commands()
        ]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
        async with self.runtime.db.session() as session:
            state = await session.get(BotState, "command_tree")
            if mode == "auto" and state is not None and state.value.get("sha256") == digest:
                return
        await self.tree.sync()
        async with self.runtime.db.session() as session:
            state = await session.get(BotState, "command_tree")
            if state is None:
                session.add(BotState(key="command_tree", value={"sha256": digest}))
            else:
                state.value = {"sha256": digest}
        log.info("application commands synced", extra={"commands": len(payload)})

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """Every gateway event reaches the features' observers once (synchronously), then discord.py's own
        listeners and ``wait_for`` as usual."""
        if len(args) == 1 and self.events.wants(event_name):
            self.events.notify(event_name, args[0])
        super().dispatch(event_name, *args, **kwargs)

    @property
    def on_message(self) -> Any:
        """No prefix commands (every command is a slash command), and so no task per message for them:
        discord.py skips an ``on_message`` it cannot find."""
        raise AttributeError("on_message")

    async def close(self) -> None:
        if self._ready_task is not None:
            self._ready_task.cancel()
        await self.runtime.stop_services()
        await super().close()


def _options(runtime: Runtime) -> dict[str, Any]:
    return {
        "command_prefix": commands.when_mentioned,
        "intents": intents(),
        "help_command": None,
        "allowed_mentions": discord.AllowedMentions.none(),
        "guild_ready_timeout": runtime.settings.discord.guild_ready_timeout,
        "tree_cls": HappyTree,
    }


class HappyBot(HappyCore, commands.Bot):
    def __init__(self, runtime: Runtime, *, extensions: Sequence[str] | None = None) -> None:
        super().__init__(**_options(runtime))
        self._init_core(runtime, extensions)


class ShardedHappyBot(HappyCore, commands.AutoShardedBot):
    def __init__(self, runtime: Runtime, *, extensions: Sequence[str] | None = None) -> None:
        d = runtime.settings.discord
        # discord.py reads shard_ids=None as "all shards" but types the keyword as list[int]
        super().__init__(**_options(runtime), shard_count=d.shard_count, shard_ids=d.shard_ids)  # type: ignore[arg-type]
        self._init_core(runtime, extensions)


def create_bot(runtime: Runtime, *, extensions: Sequence[str] | None = None) -> HappyBot | ShardedHappyBot:
    """Point discord.py at the configured endpoints and build the plain or the sharded bot."""
    point_discord_at(runtime.settings.discord.api_base, runtime.settings.discord.gateway_url)
    if runtime.settings.discord.shard_count is not None:
        return ShardedHappyBot(runtime, extensions=extensions)
    return HappyBot(runtime, extensions=extensions)
