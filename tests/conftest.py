"""Shared fixtures: a fresh, migrated database per test on SQLite and on the machine's PostgreSQL.

The migrations run once per test session and dialect, into a template; each test gets a copy (SQLite: a
file copy; PostgreSQL: ``CREATE DATABASE … TEMPLATE``), which is much cheaper than migrating again.
PostgreSQL tests get a uniquely named database, dropped afterwards (the template at the session's end).
Where no PostgreSQL is reachable they skip with the reason — unless ``HAPPYMOOD_REQUIRE_POSTGRES=1`` (set by
CI), which turns the skip into a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.db.migrate import upgrade

if TYPE_CHECKING:
    import asyncpg  # no annotations of its own: a connection is Any to the type checker

PG_BASE = os.environ.get("HAPPYMOOD_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
REQUIRE_PG = os.environ.get("HAPPYMOOD_REQUIRE_POSTGRES") == "1"


async def _pg_admin() -> asyncpg.Connection:
    import asyncpg

    return await asyncpg.connect(PG_BASE + "/postgres", timeout=3)


def _pg_url(name: str) -> str:
    return PG_BASE.replace("postgresql://", "postgresql+asyncpg://", 1) + "/" + name


class _Templates:
    """The session's migrated templates, built on first use: a SQLite file and a PostgreSQL database."""

    def __init__(self) -> None:
        self._dir: Path | None = None
        self.sqlite: Path | None = None
        self.pg: str | None = None

    async def sqlite_copy(self, target: Path) -> None:
        if self.sqlite is None:
            self._dir = Path(tempfile.mkdtemp(prefix="happymood_template_"))
            path = self._dir / "template.db"
            database = Database(f"sqlite+aiosqlite:///{path}")
            try:
                await upgrade(database)
            finally:
                await database.dispose()
            with sqlite3.connect(path) as conn:  # everything in the main file, so one file is the whole database
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.sqlite = path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.sqlite, target)

    async def pg_template(self, conn: asyncpg.Connection) -> str:
        if self.pg is None:
            name = f"happymood_template_{uuid.uuid4().hex[:12]}"
            await conn.execute(f'CREATE DATABASE "{name}"')
            database = Database(_pg_url(name))
            try:
                await upgrade(database)
            finally:
                await database.dispose()  # a template must have no open connections to be copied
            self.pg = name
        return self.pg

    async def drop(self) -> None:
        if self.pg is not None:
            conn = await _pg_admin()
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{self.pg}" WITH (FORCE)')
            finally:
                await conn.close()
            self.pg = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = self.sqlite = None


TEMPLATES = _Templates()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--seeds",
        type=int,
        default=None,
        help="generative anti-spam tests: run this many random seeds instead of the fixed CI seeds",
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    asyncio.run(TEMPLATES.drop())


async def create_pg_database(*, migrated: bool = False) -> str:
    """Create a database and return its SQLAlchemy URL (skips or fails when PG is unreachable).

    Empty by default; ``migrated=True`` copies the session's migrated template instead.
    """
    try:
        conn = await _pg_admin()
    except (OSError, Exception) as exc:
        reason = f"PostgreSQL not reachable at {PG_BASE}: {exc!r}"
        if REQUIRE_PG:
            pytest.fail(reason + " (HAPPYMOOD_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    name = f"happymood_test_{uuid.uuid4().hex[:12]}"
    try:
        if migrated:
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{await TEMPLATES.pg_template(conn)}"')
        else:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return _pg_url(name)


async def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    conn = await _pg_admin()
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A database at the newest migration (a copy of the session's template), on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "happymood.db"
        await TEMPLATES.sqlite_copy(path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url = await create_pg_database(migrated=True)
    try:
        yield url
    finally:
        await drop_pg_database(url)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """A database at the newest migration."""
    database = Database(db_url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    yield FakeClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="session", autouse=True)
def sandbox_traffic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every REST exchange with a sandbox this session, as JSON lines (``tests/sandbox/test_conformance.py``
    judges them against Discord's spec); an already set ``HAPPYMOOD_SANDBOX_TRAFFIC`` is kept."""
    from sandbox.rest import TRAFFIC_ENV

    preset = os.environ.get(TRAFFIC_ENV)
    path = Path(preset) if preset else tmp_path_factory.mktemp("sandbox") / "traffic.jsonl"
    os.environ[TRAFFIC_ENV] = str(path)
    try:
        yield path
    finally:
        if not preset:
            os.environ.pop(TRAFFIC_ENV, None)
