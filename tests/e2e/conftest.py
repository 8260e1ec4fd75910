"""End-to-end fixtures: the real HappyBot (unmodified discord.py) connected to the local sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo.world import World, build_world, close_world


@pytest.fixture
async def world(db_url: str, tmp_path: Path) -> AsyncIterator[World]:
    """A configured Happy Mood guild with the bot connected, on SQLite and on PostgreSQL."""
    w = await build_world(db_url, tmp_path)
    try:
        yield w
    finally:
        await close_world(w)


@pytest.fixture
async def bare_world(db_url: str, tmp_path: Path) -> AsyncIterator[World]:
    """The same guild before anyone ran /setup."""
    w = await build_world(db_url, tmp_path, configure=False)
    try:
        yield w
    finally:
        await close_world(w)
