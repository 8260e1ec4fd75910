"""A ledger service on a fresh database (SQLite and PostgreSQL) with a configured guild."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.db.models import LedgerContact
from bot.domain.guild_config import GuildConfig
from bot.domain.ledger import LedgerConfig
from bot.services.contacts import Person
from bot.services.guild_settings import GuildSettingsService
from bot.services.ledger import LedgerService

BRUSSELS = ZoneInfo("Europe/Brussels")
GUILD = 4242
OUTREACHER, MODERATOR, COORDINATOR, PEER, YOUTH_ROLE = 101, 102, 103, 104, 105


def youth(user_id: int) -> Person:
    return Person(user_id, frozenset({YOUTH_ROLE}))


STAFF = Person(9001, frozenset({OUTREACHER}))


def local(text: str) -> datetime:
    """``"2026-10-25 02:30"`` in Brussels (use ``fold=1`` via :func:`local_fold` for the repeated hour)."""
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def local_fold(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS, fold=1)


@pytest.fixture
async def guild_settings(db: Database, clock: FakeClock) -> GuildSettingsService:
    service = GuildSettingsService(db, clock)
    await service.update(
        GUILD,
        "core",
        GuildConfig(),
        {
            "roles.outreacher": OUTREACHER,
            "roles.moderator": MODERATOR,
            "roles.coordinator": COORDINATOR,
            "roles.peer_supporter": PEER,
            "roles.youth": YOUTH_ROLE,
        },
    )
    return service


MakeLedger = Callable[..., LedgerService]


@pytest.fixture
async def make_ledger(
    db: Database, clock: FakeClock, guild_settings: GuildSettingsService
) -> AsyncIterator[MakeLedger]:
    made: list[LedgerService] = []

    def make(**config: Any) -> LedgerService:
        async def core(guild_id: int) -> GuildConfig:
            return await guild_settings.get(guild_id, "core", GuildConfig())

        service = LedgerService(db, clock, LedgerConfig(**config), guild_config=core, close_timeout=2.0)
        made.append(service)
        return service

    yield make
    for service in made:
        await service.close()


@pytest.fixture
async def ledger(make_ledger: MakeLedger) -> LedgerService:
    return make_ledger(flush_interval_seconds=60)


async def rows(db: Database) -> list[LedgerContact]:
    async with db.session() as session:
        return list((await session.scalars(select(LedgerContact).order_by(LedgerContact.hour_bucket))).all())


async def count(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(LedgerContact)) or 0)
