"""Fixtures for the sandbox tests: a running sandbox and one guild with a bot, a moderator and two youths."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox import DiscordSandbox
from sandbox import permissions as P
from tests.sandbox.support import BOT_PERMISSIONS, World


@pytest.fixture
async def sandbox() -> AsyncIterator[DiscordSandbox]:
    async with DiscordSandbox() as sb:
        yield sb
        assert sb.internal_errors == []


@pytest.fixture
async def world(sandbox: DiscordSandbox) -> World:
    sb = sandbox
    owner = sb.create_user("owner")
    mod = sb.create_user("moderator")
    alice = sb.create_user("alice")
    bob = sb.create_user("bob")
    guild = sb.create_guild("Happy Mood", owner_id=owner)
    helper_role = sb.add_role(guild, "Helper", permissions=P.SEND_MESSAGES)
    mod_role = sb.add_role(guild, "Moderator", permissions=P.ADMINISTRATOR)
    bot = sb.create_bot()
    bot_role = await sb.add_bot_to_guild(guild, bot, permissions=BOT_PERMISSIONS, position=2)
    # hierarchy, top to bottom: Moderator, Happy Mood (bot), Helper, @everyone
    await sb.add_member(guild, mod, roles=[mod_role])
    await sb.add_member(guild, alice)
    await sb.add_member(guild, bob, roles=[helper_role])
    staff = sb.add_text_channel(
        guild,
        "staff",
        overwrites=[
            {"id": guild, "type": 0, "allow": 0, "deny": P.SEND_MESSAGES},
            {"id": mod_role, "type": 0, "allow": P.SEND_MESSAGES, "deny": 0},
        ],
    )
    general = sb.guilds[guild].system_channel_id
    assert general is not None
    return World(sb, bot, owner, mod, alice, bob, guild, general, staff, mod_role, helper_role, bot_role)
