"""Storage: SQLAlchemy 2 async models, the engine/session factory and migrations."""

from bot.db.engine import Database

__all__ = ["Database"]
