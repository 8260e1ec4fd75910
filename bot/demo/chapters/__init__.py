"""The demo's chapters, in story order. A feature adds its chapter module and one line below."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.demo.chapters import antispam, checkins, core, desk, ledger, sessions, study
from bot.demo.timeline import Timeline
from bot.demo.world import World

Chapter = Callable[[World, Timeline], Awaitable[None]]

CHAPTERS: list[Chapter] = [
    core.chapter,
    desk.chapter,
    antispam.chapter,
    ledger.chapter,
    sessions.chapter,
    study.chapter,
    checkins.chapter,
]
