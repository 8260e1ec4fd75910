"""Migrations reach every head on an empty database and match the models exactly (no drift); data
migrations fill what they derive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select
from sqlalchemy.engine import Connection

from bot.db.engine import Database
from bot.db.migrate import alembic_config, current_heads, script_heads, upgrade
from bot.db.models import Base, LedgerContact, LedgerFirstContact
from tests.conftest import create_pg_database, drop_pg_database


async def test_upgrade_reaches_heads_and_autogenerate_finds_no_drift(db: Database) -> None:
    assert await current_heads(db) == script_heads()

    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []


def test_every_feature_branch_starts_from_core() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    assert list(script.get_bases()) == ["0001_core"]
    for head in script.get_heads():
        chain = [rev.revision for rev in script.iterate_revisions(head, "base")]
        assert chain[-1] == "0001_core"


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database without any migration, on SQLite and on PostgreSQL."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}" if request.param == "sqlite" else await create_pg_database()
    database = Database(url)
    try:
        yield database
    finally:
        await database.dispose()
        if request.param == "postgresql":
            await drop_pg_database(url)


async def test_the_first_contacts_are_derived_from_the_rows_stored_before_0002d(empty_db: Database) -> None:
    await upgrade(empty_db, "0002c_ledger_daily")
    rows = [  # (pseudonym, kind, hour): p1 joined before its first contact, p2 only joined, p3 wrote twice
        ("p1", "join", "2026-09-01 10:00"),
        ("p1", "desk", "2026-09-03 10:00"),
        ("p2", "join", "2026-09-02 10:00"),
        ("p3", "study", "2026-09-05 16:00"),
        ("p3", "checkin_sent", "2026-09-04 09:00"),
        ("p3", "desk", "2026-09-04 20:00"),
    ]
    async with empty_db.session() as session:
        for n, (alias, kind, hour) in enumerate(rows):
            at = datetime.fromisoformat(hour).replace(tzinfo=UTC)
            session.add(
                LedgerContact(
                    guild_id=1,
                    moment_key=f"k{n}",
                    pseudonym=alias,
                    kind=kind,
                    context="",
                    hour_bucket=at,
                    after_hours=False,
                )
            )
    await upgrade(empty_db)
    async with empty_db.session() as session:
        stored = (await session.execute(select(LedgerFirstContact.pseudonym, LedgerFirstContact.first_contact))).all()
    assert {alias: first.astimezone(UTC).strftime("%m-%d %H") for alias, first in stored} == {
        "p1": "09-03 10",
        "p3": "09-04 20",
    }
