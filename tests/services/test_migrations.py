"""Migrations reach every head on an empty database and match the models exactly (no drift)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.db.engine import Database
from bot.db.migrate import alembic_config, current_heads, script_heads
from bot.db.models import Base


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
