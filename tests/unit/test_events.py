"""The one message path: each observer is told synchronously; a task exists only where there is I/O."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass

import pytest

from bot.domain.guild_config import GuildConfig
from bot.events import EventHub, Seen


@dataclass
class Guild:
    id: int


@dataclass
class Message:
    guild: Guild | None
    text: str


CONFIG = GuildConfig()


def hub() -> EventHub:
    return EventHub(lambda guild_id: CONFIG if guild_id == 1 else None)


async def test_observers_see_one_plain_event_and_only_io_becomes_a_task() -> None:
    events = hub()
    seen: list[Seen[Message]] = []
    done: list[str] = []

    def quiet(event: Seen[Message]) -> None:
        seen.append(event)

    async def store(text: str) -> None:
        done.append(text)

    def busy(event: Seen[Message]) -> Awaitable[None] | None:
        return store(event.item.text) if event.item.text.startswith("!") else None

    events.observe("message", quiet)
    events.observe("message", busy)
    before = len(asyncio.all_tasks())
    events.notify("message", Message(Guild(1), "hoi"))
    assert len(asyncio.all_tasks()) == before  # nothing to do: no task at all
    events.notify("message", Message(None, "!dm"))
    assert len(asyncio.all_tasks()) == before + 1
    await events.drain()
    assert done == ["!dm"]
    assert [(s.guild_id, s.config) for s in seen] == [(1, CONFIG), (None, None)]
    assert seen[0] is not seen[1] and seen[0].item.text == "hoi"


async def test_a_failing_observer_is_logged_and_the_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    events = hub()
    ran: list[str] = []

    def broken(_event: Seen[Message]) -> None:
        raise RuntimeError("boom")

    async def fails_later() -> None:
        raise RuntimeError("later")

    events.observe("message", broken)
    events.observe("message", lambda _e: fails_later())
    events.observe("message", lambda e: ran.append(e.item.text))
    with caplog.at_level(logging.ERROR, "happymood.events"):
        events.notify("message", Message(Guild(2), "x"))
        await events.drain()
    assert ran == ["x"]
    assert [r.message for r in caplog.records] == ["event observer failed"] * 2


async def test_forget_and_guild_events() -> None:
    events = hub()
    seen: list[int | None] = []

    def observer(event: Seen[Guild]) -> None:
        seen.append(event.guild_id)

    events.observe("guild_join", observer)
    assert events.wants("guild_join") and not events.wants("message")
    events.notify("guild_join", Guild(1))
    events.forget("guild_join", observer)
    events.notify("guild_join", Guild(1))
    assert seen == [1] and not events.wants("guild_join")
