"""A complete little Happy Mood server in the sandbox, with the real bot connected to it.

Used by ``happymood demo`` and by the end-to-end tests: one guild with the roles and channels a real
deployment has, staff and youths, and the unmodified discord.py client (HappyBot) talking to the sandbox
over REST and the gateway. Time is a :class:`~bot.clock.FakeClock` shared by the sandbox and the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord

from bot.adapters.invite import REQUIRED
from bot.app import HappyBot, create_bot
from bot.clock import FakeClock
from bot.domain.guild_config import GuildConfig
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from sandbox import DiscordSandbox, SandboxBot, wait_for

P = discord.Permissions
BOT_PERMISSIONS = REQUIRED.value
STAFF_PERMISSIONS = P(view_channel=True, send_messages=True, read_message_history=True, manage_messages=True).value

ROLES = ("coordinator", "moderator", "outreacher", "peer_supporter", "expert_guest", "youth")
STAFF = {"sam": "outreacher", "noor": "moderator", "lien": "coordinator"}
YOUTHS = ("youth1", "youth2", "youth3", "youth4", "youth5")


@dataclass
class World:
    sandbox: DiscordSandbox
    clock: FakeClock
    settings: Settings
    app: SandboxBot
    guild_id: int
    roles: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    runtime: Runtime | None = None
    bot: HappyBot | Any = None
    runtime_hooks: list[Callable[[Runtime], None]] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    # ---- the bot's lifecycle -------------------------------------------------------------------
    async def start_bot(self, *, timeout: float = 15.0) -> Any:
        """Build a runtime on the world's database and connect a fresh HappyBot to the sandbox."""
        self.runtime = await build_runtime(self.settings, self.clock)
        for hook in self.runtime_hooks:
            hook(self.runtime)
        self.bot = create_bot(self.runtime)
        self._task = asyncio.create_task(self.bot.start(self.app.token))
        waiter = asyncio.create_task(self.bot.wait_until_ready())
        done, _ = await asyncio.wait({waiter, self._task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            self._task.result()
        if waiter not in done:
            waiter.cancel()
            raise TimeoutError("the bot did not become ready in the sandbox")
        await self.until(lambda: self.runtime is not None and self.runtime.scheduler.started, timeout=timeout)
        return self.bot

    async def stop_bot(self) -> None:
        """A clean shutdown: scheduler stopped, buffers flushed, gateway closed."""
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self.runtime is not None:
            await self.runtime.db.dispose()
        self.bot, self.runtime, self._task = None, None, None

    async def kill_bot(self) -> None:
        """What SIGKILL leaves behind: nothing flushed, nothing stopped cleanly, in-memory state gone."""
        assert self.bot is not None and self.runtime is not None
        self.runtime.scheduler.detach()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        # A dead process has no heartbeat thread either (discord.py's keep-alive would outlive the loop).
        keep_alive = getattr(getattr(self.bot, "ws", None), "_keep_alive", None)
        if keep_alive is not None:
            keep_alive.stop()
        with contextlib.suppress(Exception):
            await self.bot.http.close()
        await self.runtime.db.dispose()
        self.bot, self.runtime, self._task = None, None, None

    async def restart(self, *, clean: bool = True) -> Any:
        await (self.stop_bot() if clean else self.kill_bot())
        return await self.start_bot()

    # ---- conveniences --------------------------------------------------------------------------
    async def until(self, predicate: Any, *, timeout: float = 5.0) -> None:
        """Wait (real time) until ``predicate()`` (sync or async) is true."""
        await wait_for(predicate, timeout)

    async def settle(self, rounds: int = 3) -> None:
        """Let the bot process what the sandbox just dispatched."""
        for _ in range(rounds):
            await asyncio.sleep(0.02)

    async def configure(self, **changes: Any) -> GuildConfig:
        assert self.runtime is not None
        return await self.runtime.guild_settings.update(self.guild_id, "core", GuildConfig(), changes)

    async def slash(self, user: str, name: str, **kwargs: Any) -> Any:
        channel = kwargs.pop("channel", "general")
        return await self.sandbox.run_slash_command(
            self.guild_id, self.channels[channel], self.users[user], name, **kwargs
        )

    async def say(self, user: str, channel: str, content: str, **kwargs: Any) -> dict[str, Any]:
        return await self.sandbox.post_message(self.channels[channel], self.users[user], content, **kwargs)

    async def at(self, when: datetime) -> None:
        """Move the shared clock (and so the sandbox and the bot's scheduler) to ``when``."""
        await self.clock.set(when)
        await self.settle()


def demo_settings(database_url: str, sandbox: DiscordSandbox, data_dir: Path) -> Settings:
    return Settings.model_validate(
        {
            "general": {"data_dir": str(data_dir), "log_format": "text"},
            "database": {"url": database_url},
            "discord": {
                "api_base": sandbox.api_base,
                "gateway_url": sandbox.gateway_url,
                "guild_ready_timeout": 0.05,
                "sync_commands": "always",
            },
        }
    )


async def build_world(
    database_url: str,
    data_dir: Path,
    *,
    start: datetime = datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
    configure: bool = True,
    sandbox: DiscordSandbox | None = None,
) -> World:
    """Create the sandbox guild, start the bot and (by default) point its settings at the guild's parts."""
    clock = FakeClock(start)
    sandbox = sandbox or DiscordSandbox(clock)
    await sandbox.start()
    app = sandbox.create_bot("Happy Mood")
    owner = sandbox.create_user("owner", created_at=start - timedelta(days=3000))
    guild_id = sandbox.create_guild("Happy Mood", owner_id=owner)
    world = World(sandbox, clock, demo_settings(database_url, sandbox, data_dir), app, guild_id)
    world.users["owner"] = owner

    position = len(ROLES) + 1
    for name in ROLES:
        perms = STAFF_PERMISSIONS if name in ("coordinator", "moderator", "outreacher") else 0
        world.roles[name] = sandbox.add_role(guild_id, name, permissions=perms, position=position)
        position -= 1
    world.roles["bot"] = await sandbox.add_bot_to_guild(guild_id, app, permissions=BOT_PERMISSIONS)

    staff_only = [
        {"id": guild_id, "type": 0, "allow": 0, "deny": P(view_channel=True).value},
        *[
            {"id": world.roles[r], "type": 0, "allow": P(view_channel=True).value, "deny": 0}
            for r in ("coordinator", "moderator", "outreacher", "bot")
        ],
    ]
    general = sandbox.guilds[guild_id].system_channel_id
    assert general is not None, "the sandbox gives every new guild a system channel"
    world.channels["general"] = general
    for name in ("welcome", "announcements", "chill", "study"):
        world.channels[name] = sandbox.add_text_channel(guild_id, name)
    for name in ("mod_log", "staff_desk"):
        world.channels[name] = sandbox.add_text_channel(guild_id, name.replace("_", "-"), overwrites=staff_only)
    world.channels["safe_space_category"] = sandbox.add_category(guild_id, "Safe space")
    world.channels["safe_space"] = sandbox.add_text_channel(
        guild_id, "safe-space", parent_id=world.channels["safe_space_category"]
    )

    for user, role in STAFF.items():
        world.users[user] = sandbox.create_user(user.capitalize(), created_at=start - timedelta(days=900))
        await sandbox.add_member(guild_id, world.users[user], roles=[world.roles[role]])
    for i, user in enumerate(YOUTHS):
        world.users[user] = sandbox.create_user(f"Youth{i + 1}", created_at=start - timedelta(days=400 + i))
        await sandbox.add_member(
            guild_id, world.users[user], roles=[world.roles["youth"]], joined_at=start - timedelta(days=60)
        )

    await world.start_bot()
    if configure:
        await world.configure(
            **{f"roles.{name}": world.roles[name] for name in ROLES},
            **{f"channels.{name}": world.channels[name] for name in ("mod_log", "staff_desk", "welcome")},
            **{"channels.announcements": world.channels["announcements"]},
            **{"channels.safe_space_category": world.channels["safe_space_category"]},
        )
    return world


async def close_world(world: World) -> None:
    await world.stop_bot()
    await world.sandbox.stop()
