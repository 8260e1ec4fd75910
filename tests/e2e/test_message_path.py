"""One message path: the bot listens once per gateway event type; the features observe through its hub."""

from __future__ import annotations

import pytest

from bot.demo.world import World

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
async def test_no_feature_has_its_own_discord_listener_and_a_chat_message_makes_no_feature_task(world: World) -> None:
    bot = world.bot
    assert bot is not None
    for event in ("on_message", "on_member_join", "on_member_remove"):
        assert not bot.extra_events.get(event), event  # features observe through bot.events, not discord.py
    with pytest.raises(AttributeError):
        bot.on_message  # noqa: B018 — no prefix commands, so discord.py schedules no task for it
    assert all(bot.events.wants(e) for e in ("message", "member_join", "member_remove", "guild_join"))

    seen: list[int] = []
    bot.events.observe("message", lambda event: seen.append(event.item.id))
    await world.say("youth1", "general", "wie komt er morgen voetballen?")
    await world.until(lambda: bool(seen))
    assert bot.events.running == 0  # the features decided from memory: nothing to await for a chat message
