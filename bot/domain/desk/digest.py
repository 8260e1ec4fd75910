"""The opening digest: which conversations got messages while the desk was closed (counts, urgent first)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.desk.messages import Keys, Msg, msg
from bot.domain.desk.state import WaitingConversation


@dataclass(frozen=True, slots=True)
class Digest:
    """Waiting conversations, urgent ones first, then oldest first. Holds no message text."""

    entries: tuple[WaitingConversation, ...]
    since: datetime | None

    @property
    def is_empty(self) -> bool:
        return not self.entries

    @property
    def total_messages(self) -> int:
        return sum(entry.after_hours_messages for entry in self.entries)

    @property
    def urgent_count(self) -> int:
        return sum(1 for entry in self.entries if entry.urgent)

    def messages(self) -> tuple[Msg, ...]:
        """Header and one line per conversation, ready for the staff desk channel."""
        if self.is_empty:
            return (msg(Keys.DIGEST_EMPTY),)
        header = msg(
            Keys.DIGEST_HEADER,
            conversations=len(self.entries),
            messages=self.total_messages,
            urgent=self.urgent_count,
        )
        lines = (
            msg(
                Keys.DIGEST_LINE_URGENT if entry.urgent else Keys.DIGEST_LINE,
                thread_id=entry.thread_id,
                count=entry.after_hours_messages,
            )
            for entry in self.entries
        )
        return (header, *lines)


def build_digest(waiting: Iterable[WaitingConversation], since: datetime | None) -> Digest:
    """Keep conversations with after-hours messages after ``since`` (the last closing), urgent first."""
    kept = [
        entry
        for entry in waiting
        if entry.after_hours_messages > 0 and (since is None or entry.last_message_at >= since)
    ]
    kept.sort(key=lambda entry: (not entry.urgent, entry.first_message_at, entry.thread_id))
    return Digest(entries=tuple(kept), since=since)
