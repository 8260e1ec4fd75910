"""Sharding, a 10,000-member guild and a burst of messages to one client."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import discord

from bot.clock import FakeClock
from sandbox import DiscordSandbox, connected, wait_for
from sandbox import permissions as P
from tests.sandbox.support import make_client
from tests.support.checks import present


class QuickShardedClient(discord.AutoShardedClient):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s pause between shard IDENTIFYs against the sandbox."""


async def test_auto_sharded_client_sees_guilds_on_both_shards() -> None:
    clock = FakeClock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))
    async with DiscordSandbox(clock) as sb:
        owner = sb.create_user("owner")
        bot = sb.create_bot()
        bot.recommended_shards = 2
        guilds = []
        for name in ("Antwerpen", "Gent"):
            guilds.append(sb.create_guild(name, owner_id=owner))
            await sb.add_bot_to_guild(guilds[-1], bot, permissions=P.VIEW_CHANNEL | P.SEND_MESSAGES)
            await clock.advance(timedelta(milliseconds=1))
        assert {(g >> 22) % 2 for g in guilds} == {0, 1}
        client = make_client(QuickShardedClient)
        seen: list[discord.Message] = []

        @client.event
        async def on_message(message: discord.Message) -> None:
            seen.append(message)

        async with connected(sb, client, bot.token):
            assert client.shard_count == 2
            assert sorted(g.id for g in client.guilds) == sorted(guilds)
            assert {present(client.get_guild(g)).shard_id for g in guilds} == {0, 1}
            for gid in guilds:
                await sb.post_message(sb.guilds[gid].system_channel_id or 0, owner, "hallo")
            await wait_for(lambda: len(seen) == 2)
        assert sorted(m.guild.id for m in seen if m.guild) == sorted(guilds)
        assert [r.route for r in sb.requests].count("GET /gateway/bot") == 1
        shards = sorted(tuple(d["shard"]) for op, d in sb.gateway.received if op == 2)
        assert shards == [(0, 2), (1, 2)]


async def test_large_guild_is_chunked_with_members_intent() -> None:
    async with DiscordSandbox() as sb:
        owner = sb.create_user("owner")
        bot = sb.create_bot()
        gid = sb.create_guild("Groot", owner_id=owner)
        sb.populate_guild(gid, 10_000)
        await sb.add_bot_to_guild(gid, bot, permissions=P.VIEW_CHANNEL)
        client = make_client()
        async with connected(sb, client, bot.token, timeout=30):
            guild = client.get_guild(gid)
            assert guild is not None
            assert guild.member_count == 10_002
            assert guild.chunked and len(guild.members) == 10_002
            assert guild.large
        requests = [d for op, d in sb.gateway.received if op == 8]
        assert len(requests) == 1 and requests[0]["limit"] == 0


async def test_burst_of_messages_reaches_one_client() -> None:
    count = 5_000
    async with DiscordSandbox() as sb:
        owner = sb.create_user("owner")
        bot = sb.create_bot()
        gid = sb.create_guild("Druk", owner_id=owner)
        await sb.add_bot_to_guild(gid, bot, permissions=P.VIEW_CHANNEL)
        channel = sb.guilds[gid].system_channel_id or 0
        client = make_client(max_messages=None)
        received = 0

        @client.event
        async def on_message(message: discord.Message) -> None:
            nonlocal received
            received += 1

        async with connected(sb, client, bot.token):
            started = time.perf_counter()
            await sb.post_messages_bulk(channel, ((owner, f"bericht {i}") for i in range(count)))
            await wait_for(lambda: received == count, timeout=20)
            elapsed = time.perf_counter() - started
        assert len(sb.channel_messages(channel)) == count
        assert elapsed < 15, f"{count} messages took {elapsed:.1f}s"
