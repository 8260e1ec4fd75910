"""Shared fixtures: a fresh database per test on SQLite and on the machine's PostgreSQL.

PostgreSQL tests create a uniquely named database and drop it afterwards. Where no PostgreSQL is
reachable they skip with the reason — unless ``HAPPYMOOD_REQUIRE_POSTGRES=1`` (set by CI), which turns the
skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.db.migrate import upgrade

PG_BASE = os.environ.get("HAPPYMOOD_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
REQUIRE_PG = os.environ.get("HAPPYMOOD_REQUIRE_POSTGRES") == "1"


async def _pg_admin():  # type: ignore[no-untyped-def]
    import asyncpg

    return await asyncpg.connect(PG_BASE + "/postgres", timeout=3)


async def create_pg_database() -> str:
    """Create a fresh database and return its SQLAlchemy URL (skips or fails when PG is unreachable)."""
    try:
        conn = await _pg_admin()
    except (OSError, Exception) as exc:
        reason = f"PostgreSQL not reachable at {PG_BASE}: {exc!r}"
        if REQUIRE_PG:
            pytest.fail(reason + " (HAPPYMOOD_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    name = f"happymood_test_{uuid.uuid4().hex[:12]}"
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_BASE.replace("postgresql://", "postgresql+asyncpg://", 1) + "/" + name


async def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    conn = await _pg_admin()
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """An empty database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "happymood.db"
        yield f"sqlite+aiosqlite:///{path}"
        return
    url = await create_pg_database()
    try:
        yield url
    finally:
        await drop_pg_database(url)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """A database upgraded to the newest migration."""
    database = Database(db_url)
    await upgrade(database)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    yield FakeClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
