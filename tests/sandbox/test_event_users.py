"""Members pressing *Interested* on a scheduled event: the users route, user_count and the gateway events."""

from __future__ import annotations

from datetime import timedelta

import discord

from sandbox import connected, wait_for
from tests.sandbox.support import World, make_client
from tests.support.checks import present


async def test_interested_users_are_listed_and_dispatched(world: World) -> None:
    sb = world.sb
    voice = sb.add_voice_channel(world.guild, "Praatcafé")
    client = make_client()
    added: list[int] = []

    @client.event
    async def on_scheduled_event_user_add(event: discord.ScheduledEvent, user: discord.User) -> None:
        added.append(user.id)

    async with connected(sb, client, world.bot.token):
        guild = client.get_guild(world.guild)
        assert guild is not None
        event = await guild.create_scheduled_event(
            name="Safe space",
            start_time=discord.utils.utcnow() + timedelta(days=1),
            channel=present(guild.get_channel(voice)),
            privacy_level=discord.PrivacyLevel.guild_only,
        )
        await sb.set_event_interest(world.guild, event.id, world.alice)
        await sb.set_event_interest(world.guild, event.id, world.alice)  # twice: still one
        users = [u.id async for u in event.users()]
        assert users == [world.alice]
        assert sb.guilds[world.guild].scheduled_events[event.id]["user_count"] == 1
        await sb.set_event_interest(world.guild, event.id, world.alice, interested=False)
        assert [u.id async for u in event.users()] == []
        await wait_for(lambda: added)
    assert added == [world.alice]
