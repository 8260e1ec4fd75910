"""Public exchanges: a youth and a staff member both writing in one public channel within a window.

Kept in memory only (it spans minutes); the ledger row it produces is the durable part. Either order
counts: a youth answering a staff message, or a staff member answering youths who wrote before.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from bot.services.contacts import Person


class ExchangeTracker:
    def __init__(self, window: timedelta) -> None:
        self.window = window
        self._staff: dict[int, datetime] = {}
        # Per channel, youths in the order they last wrote: pruning pops from the front (O(1) per message).
        self._youths: dict[int, OrderedDict[int, tuple[datetime, Person]]] = {}

    def _prune(self, channel_id: int, now: datetime) -> None:
        oldest = now - self.window
        staff = self._staff.get(channel_id)
        if staff is not None and staff < oldest:
            del self._staff[channel_id]
        youths = self._youths.get(channel_id)
        if youths:
            while youths and next(iter(youths.values()))[0] < oldest:
                youths.popitem(last=False)
            if not youths:
                del self._youths[channel_id]

    def youth_wrote(self, channel_id: int, person: Person, now: datetime) -> bool:
        """Remember the youth; True when a staff member wrote here within the window."""
        self._prune(channel_id, now)
        youths = self._youths.setdefault(channel_id, OrderedDict())
        youths[person.user_id] = (now, person)
        youths.move_to_end(person.user_id)
        return channel_id in self._staff

    def staff_wrote(self, channel_id: int, now: datetime) -> list[Person]:
        """Remember the staff message; returns the youths who wrote here within the window."""
        self._prune(channel_id, now)
        self._staff[channel_id] = now
        return [person for _, person in self._youths.get(channel_id, {}).values()]
