"""Point an unmodified discord.py at a sandbox and run a client against it."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import discord
import discord.gateway
import discord.http

from bot.endpoints import point_discord_at
from sandbox.server import DiscordSandbox

ClientT = TypeVar("ClientT", bound=discord.Client)


def configure_discord(sandbox: DiscordSandbox) -> Callable[[], None]:
    """Point discord.py at ``sandbox``; returns a restore callable."""
    return point_discord_at(sandbox.api_base, sandbox.gateway_url)


async def wait_for(
    predicate: Callable[[], object] | Callable[[], Awaitable[object]], timeout: float = 5.0, interval: float = 0.005
) -> object:
    """Poll ``predicate`` (sync or async) until it returns something truthy; returns that value."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def connected(
    sandbox: DiscordSandbox, client: ClientT, token: str, timeout: float = 10.0
) -> AsyncIterator[ClientT]:
    """Run ``client.start(token)`` against the sandbox until the block ends; yields once the client is ready.

    Works for ``discord.Client``, ``commands.Bot`` and ``AutoShardedClient``. On exit the client is closed,
    its task cancelled and discord.py's endpoints restored.
    """
    restore = configure_discord(sandbox)
    task = asyncio.create_task(client.start(token), name="sandbox-client")
    try:
        deadline = time.monotonic() + timeout
        while not client.is_ready():
            if task.done():
                exc = task.exception()
                raise RuntimeError(f"client stopped before it was ready: {exc!r}") from exc
            if time.monotonic() >= deadline:
                raise TimeoutError(f"client not ready within {timeout}s")
            await asyncio.sleep(0.005)
        yield client
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.close(), 10)
        if not task.done():
            task.cancel()
        with contextlib.suppress(BaseException):
            await task
        restore()
