"""One path for gateway events: the core listens once per event type and tells each feature's observer.

A feature registers a *synchronous* observer per event type (``"message"``, ``"member_join"``,
``"member_remove"``, ``"guild_join"``, … — discord.py's event names without ``on_``)::

    def on_message(self, event: Seen[discord.Message]) -> Awaitable[object] | None:
        if event.item.author.bot:
            return None                     # nothing to do: no task, no await
        return self.service.handle(...)     # I/O to do: the hub runs this coroutine in a task

    bot.events.observe("message", self.on_message)      # e.g. in the cog's cog_load
    bot.events.forget("message", self.on_message)       # ... and in cog_unload

The observer gets a :class:`Seen`: the object discord.py parsed (``item``), the guild's id and its cached
core settings (``config``, ``None`` for DMs or before the first read), looked up once for all observers.
It decides from memory and returns ``None``, or a coroutine when there is I/O to do; only then is an
asyncio task created. An observer never blocks and never raises into the gateway: its errors are logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bot.domain.guild_config import GuildConfig

log = logging.getLogger("happymood.events")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Seen(Generic[T]):
    """One gateway event as every observer sees it."""

    item: T
    guild_id: int | None
    config: GuildConfig | None
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """What one observer worked out from ``item`` for the others (e.g. the author as a Person)."""


Observer = Callable[[Seen[Any]], Awaitable[object] | None]
ConfigCache = Callable[[int], GuildConfig | None]


def _guild_id(item: Any) -> int | None:
    """The guild of a message or member (``None`` in DMs); a guild event's own id."""
    guild: Any = getattr(item, "guild", _NO_GUILD)
    if guild is _NO_GUILD:  # the item is a guild itself (guild_join, guild_remove, …)
        return getattr(item, "id", None)
    return None if guild is None else int(guild.id)


_NO_GUILD = object()


class EventHub:
    """The observers per event type; :meth:`notify` is called once per gateway event by the bot."""

    def __init__(self, config: ConfigCache) -> None:
        self._config = config
        self._observers: dict[str, list[Observer]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def observe(self, event: str, observer: Observer) -> None:
        self._observers.setdefault(event, []).append(observer)

    def forget(self, event: str, observer: Observer) -> None:
        observers = self._observers.get(event, [])
        if observer in observers:
            observers.remove(observer)

    def wants(self, event: str) -> bool:
        return bool(self._observers.get(event))

    def notify(self, event: str, item: Any) -> None:
        """Hand ``item`` to every observer of ``event``; run what they return in tasks."""
        observers = self._observers.get(event)
        if not observers:
            return
        guild_id = _guild_id(item)
        seen = Seen(item, guild_id, self._config(guild_id) if guild_id is not None else None)
        for observer in observers:
            try:
                work = observer(seen)
            except Exception:
                log.exception("event observer failed", extra={"event": event})
                continue
            if work is not None:
                task = asyncio.ensure_future(self._run(event, work))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _run(event: str, work: Awaitable[object]) -> None:
        try:
            await work
        except Exception:
            log.exception("event observer failed", extra={"event": event})

    @property
    def running(self) -> int:
        """How many observers' coroutines are still running."""
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait for the observers' work that is still running (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def events_of(bot: Any) -> EventHub:
    """The bot's hub (a cog holds its bot typed as ``commands.Bot``)."""
    hub: EventHub = bot.events
    return hub
