"""``happymood demo``: the real bot against the local sandbox, a scripted scenario in simulated time.

Each feature adds a chapter (``bot/demo/chapters/``). No token, no network, nothing left behind unless
``--database`` is given.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from bot.demo.chapters import CHAPTERS
from bot.demo.timeline import Timeline
from bot.demo.world import build_world, close_world


def _database_url(database: str | None, tmp: Path) -> str:
    if database is None:
        return f"sqlite+aiosqlite:///{tmp / 'demo.db'}"
    if "://" in database:
        return database
    return f"sqlite+aiosqlite:///{Path(database).resolve()}"


async def run_demo(database: str | None = None, out: TextIO = sys.stdout, verbose: bool = False) -> int:
    logging.basicConfig(level=logging.INFO if verbose else logging.CRITICAL, stream=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix="happymood-demo-"))
    started = time.perf_counter()
    world = None
    try:
        world = await build_world(_database_url(database, tmp), tmp)
        timeline = Timeline(out, world.clock, world.sandbox)
        timeline.emit("Happy Mood demo — the real bot against a local Discord sandbox, in simulated time.")
        for chapter in CHAPTERS:
            await chapter(world, timeline)
        unknown = list(world.sandbox.unknown_routes)
        if unknown:
            timeline.emit(f"\n✗ the bot called routes the sandbox does not know: {unknown}")
            return 1
        timeline.emit(f"\n✓ demo finished in {time.perf_counter() - started:.1f} s (wall clock).")
        return 0
    finally:
        if world is not None:
            await close_world(world)
        shutil.rmtree(tmp, ignore_errors=True)
