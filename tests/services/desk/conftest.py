"""Desk service fixtures: the real service and database, a fake Discord port, a simulated clock."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.replies import escape
from bot.clock import FakeClock
from bot.domain.guild_config import GuildConfig
from bot.runtime import Runtime, build_runtime
from bot.services.contacts import Person
from bot.services.desk import Button, DeskService, FetchedMessage, MemberInfo
from bot.settings import Settings
from bot.wiring import wire

BXL = ZoneInfo("Europe/Brussels")
GUILD, DESK, WELCOME, OUTREACHER, COORDINATOR = 1000, 2000, 2001, 3000, 3001
SAM, LIEN, YOUTH, OTHER = 41, 42, 51, 52


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BXL)


@dataclass
class Sent:
    channel: int
    text: str
    ping_role: int | None = None
    ping_user: int | None = None
    reply_to: int | None = None
    button: Button | None = None
    id: int = 0


@dataclass
class FakePort:
    """Discord as the desk sees it: members per guild, channels, threads; records every action."""

    members: dict[int, dict[int, MemberInfo]] = field(default_factory=dict)
    channels: set[int] = field(default_factory=set)
    threads: dict[int, dict[str, object]] = field(default_factory=dict)
    thread_messages: dict[int, FetchedMessage] = field(default_factory=dict)
    posts: list[Sent] = field(default_factory=list)
    dms: list[tuple[int, str, Button | None]] = field(default_factory=list)
    reactions: list[tuple[int, int, str]] = field(default_factory=list)
    edited_notices: list[tuple[int, str | None]] = field(default_factory=list)
    dm_closed: set[int] = field(default_factory=set)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(9000))

    escape = staticmethod(escape)

    def add_member(self, guild: int, user: int, name: str, roles: frozenset[int] = frozenset()) -> None:
        self.members.setdefault(guild, {})[user] = MemberInfo(Person(user, roles), name)

    async def mutual_guilds(self, user_id: int) -> list[int]:
        return sorted(g for g, members in self.members.items() if user_id in members)

    async def member(self, guild_id: int, user_id: int) -> MemberInfo | None:
        return self.members.get(guild_id, {}).get(user_id)

    async def channel_exists(self, channel_id: int) -> bool:
        return channel_id in self.channels or channel_id in self.threads

    async def members_with_roles(self, guild_id: int, role_ids: set[int]) -> list[int]:
        return [u for u, m in self.members.get(guild_id, {}).items() if m.person.role_ids & role_ids]

    async def create_thread(self, channel_id: int, name: str, member_ids: list[int]) -> int | None:
        if channel_id not in self.channels:
            return None
        thread_id = next(self.ids)
        self.threads[thread_id] = {"name": name, "archived": False, "parent": channel_id, "members": member_ids}
        return thread_id

    async def thread_name(self, thread_id: int) -> str | None:
        thread = self.threads.get(thread_id)
        return None if thread is None else str(thread["name"])

    async def edit_thread(self, thread_id: int, *, name: str | None = None, archived: bool | None = None) -> bool:
        thread = self.threads.get(thread_id)
        if thread is None:
            return False
        if name is not None:
            thread["name"] = name
        if archived is not None:
            thread["archived"] = archived
        return True

    async def post(
        self,
        channel_id: int,
        text: str,
        *,
        ping_role: int | None = None,
        ping_user: int | None = None,
        reply_to: int | None = None,
        button: Button | None = None,
    ) -> int | None:
        if channel_id not in self.channels and channel_id not in self.threads:
            return None
        sent = Sent(channel_id, text, ping_role, ping_user, reply_to, button, next(self.ids))
        self.posts.append(sent)
        return sent.id

    async def dm(self, user_id: int, text: str, *, button: Button | None = None) -> bool:
        if user_id in self.dm_closed:
            return False
        self.dms.append((user_id, text, button))
        return True

    async def fetch(self, channel_id: int, message_id: int) -> FetchedMessage | None:
        return self.thread_messages.get(message_id)

    async def react(self, channel_id: int, message_id: int, emoji: str) -> None:
        self.reactions.append((channel_id, message_id, emoji))

    async def clear_buttons(self, channel_id: int, message_id: int, text: str | None = None) -> None:
        self.edited_notices.append((message_id, text))

    # -- reading back ------------------------------------------------------------------------------------
    def dms_to(self, user: int) -> list[str]:
        return [text for who, text, _ in self.dms if who == user]

    def in_thread(self, thread_id: int) -> list[str]:
        return [p.text for p in self.posts if p.channel == thread_id]

    def only_thread(self) -> int:
        [thread_id] = self.threads
        return thread_id


@dataclass
class DeskWorld:
    runtime: Runtime
    clock: FakeClock
    port: FakePort
    service: DeskService

    async def youth_writes(self, text: str, user: int = YOUTH) -> None:
        await self.service.youth.on_dm(user, text)

    async def staff_writes(self, thread_id: int, message_id: int, text: str, author: int = SAM) -> None:
        self.port.thread_messages[message_id] = FetchedMessage(text, author)
        await self.service.staff.on_thread_message(GUILD, thread_id, message_id, author, text)


def desk_settings(db_url: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings.model_validate({"general": {"data_dir": str(tmp_path)}, "database": {"url": db_url}, **extra})


async def make_world(db_url: str, tmp_path: Path, **extra: object) -> DeskWorld:
    clock = FakeClock(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    runtime = await build_runtime(desk_settings(db_url, tmp_path, **extra), clock)
    port = FakePort(channels={DESK, WELCOME})
    port.add_member(GUILD, SAM, "Sara Peeters", frozenset({OUTREACHER}))
    port.add_member(GUILD, LIEN, "Lien", frozenset({COORDINATOR}))
    port.add_member(GUILD, YOUTH, "Youth")
    port.add_member(GUILD, OTHER, "Other")
    await runtime.guild_settings.update(
        GUILD,
        "core",
        GuildConfig(),
        {
            "channels.staff_desk": DESK,
            "channels.welcome": WELCOME,
            "roles.outreacher": OUTREACHER,
            "roles.coordinator": COORDINATOR,
        },
    )
    service = DeskService(runtime, port, runtime.contacts)
    runtime.services.desk = service
    wire(runtime.services)
    await runtime.scheduler.start()
    return DeskWorld(runtime, clock, port, service)


@pytest.fixture
async def desk(db_url: str, tmp_path: Path) -> AsyncIterator[DeskWorld]:
    world = await make_world(db_url, tmp_path)
    try:
        yield world
    finally:
        await world.runtime.close()


def count_contacts(desk: DeskWorld, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The user ids the desk records as contacts, in order (the real ledger still records them)."""
    calls: list[int] = []
    ledger = desk.runtime.contacts
    real = ledger.record

    async def spy(guild_id: int, person: Any, *args: Any, **kwargs: Any) -> bool:
        calls.append(person.user_id)
        return await real(guild_id, person, *args, **kwargs)

    monkeypatch.setattr(ledger, "record", spy)
    return calls
