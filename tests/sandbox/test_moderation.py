"""DMs, bulk delete, timeouts, incident actions, private threads, bans and invites through discord.py."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from sandbox import connected, wait_for
from sandbox import permissions as P
from tests.sandbox.support import World, make_client
from tests.support.checks import present


async def test_dm_in_both_directions_and_closed_dms(world: World) -> None:
    sb = world.sb
    stranger = sb.create_user("stranger")
    sb.set_dms_open(world.bob, False)
    client = make_client()
    seen: list[discord.Message] = []

    @client.event
    async def on_message(message: discord.Message) -> None:
        if message.author.id != world.bot.user_id:
            seen.append(message)
            await message.channel.send("Dag! Een begeleider komt eraan.")

    async with connected(sb, client, world.bot.token):
        await sb.send_dm(world.alice, world.bot, "hallo")
        await wait_for(lambda: sb.dms_to(world.alice))
        assert seen[0].guild is None and seen[0].content == "hallo"
        bob = await client.fetch_user(world.bob)
        with pytest.raises(discord.Forbidden) as closed:
            await bob.send("test")
        nobody = await client.fetch_user(stranger)
        with pytest.raises(discord.Forbidden) as no_guild:
            await nobody.send("test")
    assert [m.content for m in sb.dms_to(world.alice)] == ["Dag! Een begeleider komt eraan."]
    assert list(sb.dm_log) == [world.alice, world.bob, stranger]
    assert closed.value.code == 50007 and no_guild.value.code == 50007


async def test_bulk_delete_and_the_14_day_rule(world: World) -> None:
    sb = world.sb
    client = make_client()
    bulk_events: list[discord.RawBulkMessageDeleteEvent] = []

    @client.event
    async def on_raw_bulk_message_delete(event: discord.RawBulkMessageDeleteEvent) -> None:
        bulk_events.append(event)

    old = await sb.post_message(world.general, world.alice, "oud", created_at=sb.now() - timedelta(days=15))
    async with connected(sb, client, world.bot.token):
        ids = await sb.post_messages_bulk(world.general, [(world.alice, f"spam {i}") for i in range(5)])
        channel = client.get_channel(world.general)
        assert isinstance(channel, discord.TextChannel)
        await channel.delete_messages([discord.Object(i) for i in ids])
        await wait_for(lambda: bulk_events)
        with pytest.raises(discord.HTTPException) as too_old:
            await client.http.delete_messages(world.general, [int(old["id"]), ids[0] + 1])
    assert bulk_events[0].message_ids == set(ids)
    assert too_old.value.status == 400 and too_old.value.code == 50034
    assert [m.content for m in sb.channel_messages(world.general)] == ["oud"]
    assert sb.requests_to("POST /channels/{channel_id}/messages/bulk-delete")[0].json == {"messages": ids}


async def test_timeout_via_member_timeout(world: World) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        guild = client.get_guild(world.guild)
        assert guild is not None
        alice = guild.get_member(world.alice)
        mod = guild.get_member(world.mod)
        owner = guild.get_member(world.owner)
        assert alice is not None and mod is not None and owner is not None
        await alice.timeout(timedelta(minutes=10), reason="rustig aan")
        await wait_for(lambda: present(guild.get_member(world.alice)).is_timed_out())
        for untouchable in (mod, owner):
            with pytest.raises(discord.Forbidden):
                await untouchable.timeout(timedelta(minutes=10))
    member = sb.guilds[world.guild].members[world.alice]
    assert member.communication_disabled_until is not None
    assert timedelta(minutes=9) < member.communication_disabled_until - sb.now() <= timedelta(minutes=10)
    general = sb.channels[world.general]
    assert sb.permissions(sb.guilds[world.guild], world.alice, general) == P.VIEW_CHANNEL | P.READ_MESSAGE_HISTORY
    rec = sb.requests_to("PATCH /guilds/{guild_id}/members/{user_id}")[0]
    assert rec.reason == "rustig aan"


async def test_incident_actions_via_guild_edit(world: World) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        guild = client.get_guild(world.guild)
        assert guild is not None
        until = sb.now() + timedelta(hours=2)
        await guild.edit(invites_disabled_until=until, dms_disabled_until=until)
        await wait_for(lambda: present(client.get_guild(world.guild)).invites_paused_until is not None)
        assert present(client.get_guild(world.guild)).dms_paused_until == until
        with pytest.raises(discord.HTTPException) as too_far:
            await guild.edit(invites_disabled_until=sb.now() + timedelta(hours=25))
        channel = guild.get_channel(world.general)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.Forbidden):
            await channel.create_invite()
    data = sb.guilds[world.guild].incidents_data
    assert data["invites_disabled_until"] == until.isoformat()
    assert data["dms_disabled_until"] == until.isoformat()
    assert too_far.value.status == 400
    assert sb.guilds[world.guild].incident_actions == [
        {"invites_disabled_until": until.isoformat(), "dms_disabled_until": until.isoformat()}
    ]


async def test_private_thread_creation_and_members(world: World) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        channel = client.get_channel(world.general)
        assert isinstance(channel, discord.TextChannel)
        thread = await channel.create_thread(
            name="Gesprek met Alice", type=discord.ChannelType.private_thread, invitable=False
        )
        alice = channel.guild.get_member(world.alice)
        assert alice is not None
        await thread.add_user(alice)
        await thread.send(f"Hoi <@{world.alice}>")
        await wait_for(lambda: channel.guild.get_thread(thread.id) is not None)
    stored = sb.channels[thread.id]
    assert stored.type == 12 and stored.parent_id == world.general and stored.invitable is False
    assert set(stored.thread_members) == {world.bot.user_id, world.alice}
    assert [m.content for m in sb.channel_messages(thread.id)] == [f"Hoi <@{world.alice}>"]
    assert sb.can_view(stored, world.bob) is False
    assert sb.can_view(stored, world.mod) is True  # administrator


async def test_bans_and_bulk_ban(world: World) -> None:
    sb = world.sb
    raiders = [sb.create_user(f"raider{i}") for i in range(3)]
    for raider in raiders:
        await sb.add_member(world.guild, raider)
    await sb.post_message(world.general, raiders[0], "spam")
    client = make_client()
    async with connected(sb, client, world.bot.token):
        guild = client.get_guild(world.guild)
        assert guild is not None
        result = await guild.bulk_ban(
            [discord.Object(r) for r in raiders] + [discord.Object(world.mod)], delete_message_seconds=3600
        )
        with pytest.raises(discord.Forbidden):
            await guild.ban(discord.Object(world.owner))
        await wait_for(lambda: all(guild.get_member(r) is None for r in raiders))
    assert sorted(u.id for u in result.banned) == sorted(raiders)
    assert [u.id for u in result.failed] == [world.mod]
    assert set(sb.guilds[world.guild].bans) == set(raiders)
    assert sb.channel_messages(world.general) == []


async def test_invites_list_create_and_delete(world: World) -> None:
    sb = world.sb
    code = sb.create_invite(world.general, world.alice)
    client = make_client()
    async with connected(sb, client, world.bot.token):
        guild = client.get_guild(world.guild)
        assert guild is not None
        invites = await guild.invites()
        assert [i.code for i in invites] == [code]
        await invites[0].delete()
        channel = guild.get_channel(world.general)
        assert isinstance(channel, discord.TextChannel)
        mine = await channel.create_invite(max_age=600)
    assert list(sb.guilds[world.guild].invites) == [mine.code]
