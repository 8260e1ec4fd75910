"""Payload shapes discord.py must parse: joins, voice, overwrites, roles, history, automod, events, audit log."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from sandbox import connected, wait_for
from sandbox import permissions as P
from tests.sandbox.support import World, make_client
from tests.support.checks import present


async def test_joining_a_guild_and_voice_states(world: World) -> None:
    sb = world.sb
    other = sb.create_guild("Tweede huis", owner_id=world.owner)
    voice = sb.add_voice_channel(world.guild, "Babbelhoek")
    client = make_client()
    joined: list[discord.Guild] = []
    moves: list[tuple[int, int | None]] = []

    @client.event
    async def on_guild_join(guild: discord.Guild) -> None:
        joined.append(guild)

    @client.event
    async def on_voice_state_update(
        member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        moves.append((member.id, after.channel.id if after.channel else None))

    async with connected(sb, client, world.bot.token):
        await sb.add_bot_to_guild(other, world.bot, permissions=P.VIEW_CHANNEL)
        await wait_for(lambda: joined)
        await sb.join_voice(world.guild, voice, world.alice)
        await sb.join_voice(world.guild, None, world.alice)
        await wait_for(lambda: len(moves) == 2)
        assert joined[0].id == other and joined[0].chunked
    assert moves == [(world.alice, voice), (world.alice, None)]


async def test_overwrites_cannot_grant_what_the_bot_lacks(world: World) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        guild = client.get_guild(world.guild)
        assert guild is not None
        channel = guild.get_channel(world.general)
        helper = guild.get_role(world.helper_role)
        assert isinstance(channel, discord.TextChannel) and helper is not None
        await channel.set_permissions(helper, send_messages=False, view_channel=True)
        with pytest.raises(discord.Forbidden):
            await channel.set_permissions(helper, manage_webhooks=True)
        await channel.edit(topic="Welkom", slowmode_delay=30)
        await wait_for(lambda: channel.topic == "Welkom")
    stored = sb.channels[world.general]
    assert stored.rate_limit_per_user == 30
    assert stored.overwrites[world.helper_role].deny == P.SEND_MESSAGES
    assert sb.permissions(sb.guilds[world.guild], world.bob, stored) & P.SEND_MESSAGES == 0


async def test_member_roles_and_managed_roles(world: World) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        guild = client.get_guild(world.guild)
        assert guild is not None
        alice = guild.get_member(world.alice)
        helper = guild.get_role(world.helper_role)
        mod = guild.get_role(world.mod_role)
        managed = guild.get_role(world.bot_role)
        assert alice is not None and helper is not None and mod is not None and managed is not None
        await alice.add_roles(helper)
        await wait_for(lambda: helper in present(guild.get_member(world.alice)).roles)
        with pytest.raises(discord.Forbidden):
            await alice.add_roles(mod)
        with pytest.raises(discord.HTTPException):
            await alice.add_roles(managed)
        await alice.remove_roles(helper)
    assert sb.guilds[world.guild].members[world.alice].roles == []


async def test_messages_history_edit_reply_react_pin(world: World) -> None:
    sb = world.sb
    first = await sb.post_message(world.general, world.alice, "eerste")
    for i in range(4):
        await sb.post_message(world.general, world.bob, f"nummer {i}")
    client = make_client()
    async with connected(sb, client, world.bot.token):
        channel = client.get_channel(world.general)
        assert isinstance(channel, discord.TextChannel)
        newest = [m.content async for m in channel.history(limit=3)]
        oldest = [m.content async for m in channel.history(limit=2, oldest_first=True)]
        original = await channel.fetch_message(int(first["id"]))
        reply = await original.reply("antwoord", mention_author=False)
        await reply.edit(content="antwoord (bewerkt)")
        await original.add_reaction("👍")
        await reply.pin()
        await reply.delete()
    assert newest == ["nummer 3", "nummer 2", "nummer 1"]
    assert oldest == ["eerste", "nummer 0"]
    stored = sb.message_index[reply.id]
    assert stored.deleted and stored.content == "antwoord (bewerkt)" and stored.type == 19
    assert stored.mention_ids == []
    assert sb.message_index[int(first["id"])].reactions == {"👍": [world.bot.user_id]}


async def test_automod_events_audit_log(world: World) -> None:
    sb = world.sb
    voice = sb.add_voice_channel(world.guild, "Praatcafé")
    client = make_client()
    async with connected(sb, client, world.bot.token):
        guild = client.get_guild(world.guild)
        assert guild is not None
        rule = await guild.create_automod_rule(
            name="scheldwoorden",
            event_type=discord.AutoModRuleEventType.message_send,
            trigger=discord.AutoModTrigger(keyword_filter=["stom*"]),
            actions=[discord.AutoModRuleAction(custom_message="Let op je woorden")],
            enabled=True,
        )
        start = discord.utils.utcnow() + timedelta(days=1)
        event = await guild.create_scheduled_event(
            name="Open huis",
            start_time=start,
            channel=present(guild.get_channel(voice)),
            privacy_level=discord.PrivacyLevel.guild_only,
        )
        await event.edit(name="Open huis (verzet)")
        await guild.ban(discord.Object(world.alice), reason="spam")
        entries = [e async for e in guild.audit_logs(limit=5)]
        await rule.delete()
    assert entries[0].action is discord.AuditLogAction.ban and entries[0].reason == "spam"
    assert entries[0].target is not None and entries[0].target.id == world.alice
    assert sb.guilds[world.guild].automod_rules == {}
    assert [e["name"] for e in sb.guilds[world.guild].scheduled_events.values()] == ["Open huis (verzet)"]
