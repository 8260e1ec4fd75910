"""Run Alembic programmatically against the configured database (used by ``run``, ``migrate`` and tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

import migrations
from bot.db.engine import Database


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def upgrade(db: Database, revision: str = "heads") -> None:
    """Upgrade ``db`` to ``revision`` on the running event loop.

    Each feature keeps its tables on its own Alembic branch off ``0001_core`` (``branch_labels``), so the
    default target is ``heads``: every branch at its newest revision.
    """
    cfg = alembic_config(db.url)

    def _run(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(_run)


async def current_heads(db: Database) -> tuple[str, ...]:
    """The revisions the database is at (one per feature branch), sorted."""
    from alembic.runtime.migration import MigrationContext

    def _get(connection: Connection) -> tuple[str, ...]:
        return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))

    async with db.engine.connect() as conn:
        return await conn.run_sync(_get)


def script_heads(url: str = "sqlite+aiosqlite://") -> tuple[str, ...]:
    """The newest revision of every branch in ``migrations/``, sorted."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config(url)).get_heads()))
