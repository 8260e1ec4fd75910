"""A real discord.py client against the sandbox: login, READY, cache, messages, errors, 429s, resume."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import discord
import pytest
from discord.http import Route

from sandbox import DiscordSandbox, connected, wait_for
from sandbox import permissions as P
from tests.sandbox.support import World, intents, make_client
from tests.support.checks import present


async def test_login_ready_and_guild_cache(world: World) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        assert client.user is not None and client.user.id == world.bot.user_id
        assert client.application_id == world.bot.application_id
        guild = client.get_guild(world.guild)
        assert guild is not None
        assert guild.name == "Happy Mood"
        assert guild.preferred_locale == discord.Locale.dutch
        assert guild.owner_id == world.owner
        assert [r.name for r in guild.roles] == ["@everyone", "Helper", "Happy Mood", "Moderator"]
        assert guild.me.top_role.id == world.bot_role
        assert guild.me.top_role.managed is True
        assert {c.name for c in guild.text_channels} == {"general", "staff"}
        assert guild.system_channel is not None and guild.system_channel.id == world.general
        assert {m.id for m in guild.members} == {world.owner, world.mod, world.alice, world.bob, world.bot.user_id}
        assert guild.chunked
        staff = guild.get_channel(world.staff)
        assert isinstance(staff, discord.TextChannel)
        assert staff.permissions_for(guild.me).send_messages is False
    first = [r.route for r in sb.requests[:2]]
    assert first == ["GET /users/@me", "GET /oauth2/applications/@me"]
    assert sb.gateway.identifies[0]["intents"] == intents().value


async def test_user_posts_reach_on_message(world: World) -> None:
    sb = world.sb
    client = make_client()
    seen: list[discord.Message] = []
    client.event(_collector(seen))
    async with connected(sb, client, world.bot.token):
        await sb.post_message(world.general, world.alice, f"hoi <@{world.bob}>")
        message = await wait_for(lambda: seen and seen[0])
        assert isinstance(message, discord.Message)
        assert message.content == f"hoi <@{world.bob}>"
        assert message.author.id == world.alice
        assert isinstance(message.author, discord.Member)
        assert [m.id for m in message.mentions] == [world.bob]
        assert message.guild is not None and message.guild.id == world.guild


async def test_without_message_content_intent_only_mentions_have_content(world: World) -> None:
    sb = world.sb
    client = make_client(intents=intents(message_content=False))
    seen: list[discord.Message] = []
    client.event(_collector(seen))
    async with connected(sb, client, world.bot.token):
        await sb.post_message(world.general, world.alice, "geheim")
        await sb.post_message(world.general, world.alice, f"<@{world.bot.user_id}> help")
        await wait_for(lambda: len(seen) == 2)
    assert [m.content for m in seen] == ["", f"<@{world.bot.user_id}> help"]


async def test_bot_send_is_recorded_with_allowed_mentions(world: World) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        channel = client.get_channel(world.general)
        assert isinstance(channel, discord.TextChannel)
        alice = channel.guild.get_member(world.alice)
        assert alice is not None
        sent = await channel.send(
            f"Dag <@{world.alice}> en <@{world.bob}> @everyone",
            allowed_mentions=discord.AllowedMentions(everyone=False, users=[alice], roles=False),
        )
        rec = await sb.wait_for_request(lambda r: r.route == "POST /channels/{channel_id}/messages")
    assert rec.status == 200
    assert rec.json["allowed_mentions"] == {"users": [world.alice], "replied_user": True, "parse": []}
    stored = sb.channel_messages(world.general)[-1]
    assert stored.id == sent.id
    assert stored.author_id == world.bot.user_id
    assert stored.allowed_mentions == {"users": [world.alice], "replied_user": True, "parse": []}
    assert stored.mention_ids == [world.alice]
    assert stored.mention_everyone is False


async def test_send_without_permission_is_forbidden(world: World) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        staff = client.get_channel(world.staff)
        assert isinstance(staff, discord.TextChannel)
        with pytest.raises(discord.Forbidden) as caught:
            await staff.send("mag niet")
    assert caught.value.code == 50013
    assert sb.requests[-1].status == 403
    assert sb.channel_messages(world.staff) == []


async def test_role_edits_respect_hierarchy_and_grants(world: World) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        guild = client.get_guild(world.guild)
        assert guild is not None
        above = guild.get_role(world.mod_role)
        below = guild.get_role(world.helper_role)
        assert above is not None and below is not None
        with pytest.raises(discord.Forbidden):
            await above.edit(name="hacked")
        with pytest.raises(discord.Forbidden):
            await below.edit(permissions=discord.Permissions(administrator=True))
        await below.edit(name="Helpers", permissions=discord.Permissions(send_messages=True, view_channel=True))
        await wait_for(lambda: present(guild.get_role(world.helper_role)).name == "Helpers")
    assert sb.guilds[world.guild].roles[world.mod_role].name == "Moderator"
    assert sb.guilds[world.guild].roles[world.helper_role].permissions == P.SEND_MESSAGES | P.VIEW_CHANNEL
    statuses = [r.status for r in sb.requests_to("PATCH /guilds/{guild_id}/roles/{role_id}")]
    assert statuses == [403, 403, 200]


@pytest.mark.parametrize("scope", ["user", "global"])
async def test_injected_429s_are_retried(world: World, scope: str) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        channel = client.get_channel(world.general)
        assert isinstance(channel, discord.TextChannel)
        sb.inject_429(route="POST /channels/{channel_id}/messages", ratio=0.5, retry_after=0.01, scope=scope)
        for i in range(4):
            await channel.send(f"bericht {i}")
        sb.clear_faults()
    posts = sb.requests_to("POST /channels/{channel_id}/messages")
    assert [r.status for r in posts] == [200, 429, 200, 429, 200, 429, 200]
    assert all(r.response["retry_after"] == 0.01 for r in posts if r.status == 429)
    assert [m.content for m in sb.channel_messages(world.general)] == [f"bericht {i}" for i in range(4)]


async def test_unknown_route_is_a_loud_404(world: World, caplog: pytest.LogCaptureFixture) -> None:
    sb = world.sb
    client = make_client()
    async with connected(sb, client, world.bot.token):
        with pytest.raises(discord.NotFound):
            await client.http.request(Route("GET", "/guilds/{guild_id}/onboarding", guild_id=world.guild))
    path = f"/guilds/{world.guild}/onboarding"
    assert sb.unknown_routes == [f"GET {path}"]
    assert [r.status for r in sb.requests if r.path == path] == [404]
    assert any("unknown route" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")


async def test_requests_need_a_bot_token(sandbox: DiscordSandbox) -> None:
    sb = sandbox
    client = make_client()
    with pytest.raises(RuntimeError, match="LoginFailure"):
        async with connected(sb, client, "not-a-token", timeout=5):
            pass
    assert sb.requests[0].status == 401


async def test_gateway_disconnect_resumes_and_replays(world: World) -> None:
    sb = world.sb
    client = make_client()
    seen: list[discord.Message] = []
    resumed: list[bool] = []
    client.event(_collector(seen))

    async def on_resumed() -> None:
        resumed.append(True)

    client.event(on_resumed)
    async with connected(sb, client, world.bot.token):
        assert await sb.disconnect_gateway(world.bot) == 1
        await sb.post_message(world.general, world.alice, "tijdens de onderbreking")
        await wait_for(lambda: resumed and seen)
        await sb.post_message(world.general, world.alice, "erna")
        await wait_for(lambda: len(seen) == 2)
    assert [m.content for m in seen] == ["tijdens de onderbreking", "erna"]
    ops = [op for op, _ in sb.gateway.received]
    assert ops.count(2) == 1 and ops.count(6) == 1  # one IDENTIFY, one RESUME


def _collector(seen: list[discord.Message]) -> Callable[[discord.Message], Coroutine[Any, Any, None]]:
    async def on_message(message: discord.Message) -> None:
        seen.append(message)

    return on_message
