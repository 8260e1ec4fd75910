"""The in-memory write buffer between :meth:`record` and the database.

Contacts wait here until the next flush. Entries are merged per (guild, user, kind, context, local
slot), so a chatty evening is one entry, not 200. The buffer is bounded (``buffer_max`` entries):
when it is full, the OLDEST entry is dropped to make room for the newest, the drop is counted and
logged at ERROR level. Reasoning: the buffer only fills when the database has been unreachable for
a long time; the newest contacts are the ones still inside anyone's reporting window, and a dropped
entry costs at most one contact moment.

Entries hold the raw user ID only in memory, never on disk: pseudonyms are computed at flush time,
because the key of a new key period may have to be read from (or created in) the database.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from dataclasses import dataclass, replace
from datetime import datetime

from bot.domain.ledger import ContactKind
from bot.services.contacts import Person

log = logging.getLogger("happymood.ledger")


@dataclass(frozen=True)
class Pending:
    """One buffered contact moment (merged: earliest instant, after-hours if any contact was)."""

    guild_id: int
    user_id: int
    kind: ContactKind
    context: str
    at: datetime
    after_hours: bool
    #: set when the guild's roles could not be read at record time: decided at flush time instead
    undecided: Person | None = None

    def merged(self, other: Pending) -> Pending:
        return replace(self, at=min(self.at, other.at), after_hours=self.after_hours or other.after_hours)


class ContactBuffer:
    """Insertion-ordered, merged, bounded; entries leave only when a flush stored them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: dict[Hashable, Pending] = {}
        self.dropped = 0
        self._dropped_unreported = 0
        self._overflowing = False

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, key: Hashable, entry: Pending) -> None:
        seen = self._entries.get(key)
        if seen is not None:
            self._entries[key] = seen.merged(entry)
            return
        if len(self._entries) >= self.limit:
            oldest = next(iter(self._entries))
            del self._entries[oldest]
            self.dropped += 1
            self._dropped_unreported += 1
            if not self._overflowing:  # the first drop is reported at once, later ones at every flush attempt
                self._overflowing = True
                self.report_drops()
        self._entries[key] = entry

    def report_drops(self) -> None:
        """Log (ERROR) how many entries were dropped since the last report."""
        if self._dropped_unreported:
            log.error(
                "ledger buffer full: oldest contacts dropped",
                extra={"dropped": self._dropped_unreported, "dropped_total": self.dropped, "limit": self.limit},
            )
            self._dropped_unreported = 0

    def snapshot(self) -> list[tuple[Hashable, Pending]]:
        return list(self._entries.items())

    def discard(self, items: list[tuple[Hashable, Pending]]) -> None:
        """Remove entries that were stored, unless they were merged with a newer contact meanwhile."""
        for key, entry in items:
            if self._entries.get(key) is entry:
                del self._entries[key]
        if len(self._entries) < self.limit:
            self._overflowing = False

    def remove_user(self, guild_id: int, user_id: int) -> int:
        doomed = [k for k, e in self._entries.items() if e.guild_id == guild_id and e.user_id == user_id]
        for key in doomed:
            del self._entries[key]
        return len(doomed)
