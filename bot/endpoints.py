"""Point discord.py at a Discord-compatible endpoint (Discord itself, or the local sandbox)."""

from __future__ import annotations

from collections.abc import Callable

import discord.gateway
import discord.http
import yarl


def point_discord_at(api_base: str, gateway_url: str) -> Callable[[], None]:
    """Set discord.py's documented ``Route.BASE`` and ``DEFAULT_GATEWAY``; returns a callable restoring them.

    A non-sharded client never asks ``/gateway/bot``, so the gateway address must be set here too.
    """
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def restore() -> None:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    return restore
