"""The one interface through which every feature records a contact (implemented by the ledger service).

Cogs describe *who* as a :class:`Person` (roles and flags only); the recorder decides whether that person
counts as a youth (staff, guests, administrators and bots never do), pseudonymises the ID and buffers the
write off the message path. Nothing about message content ever crosses this interface.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.ledger.kinds import ContactKind


@dataclass(frozen=True)
class Person:
    user_id: int
    role_ids: frozenset[int] = frozenset()
    is_bot: bool = False
    is_admin: bool = False
    #: Discord permission names that matter for access before setup (see ``Access``), e.g. ``manage_guild``.
    permissions: frozenset[str] = frozenset()


class ContactRecorder(Protocol):
    async def record(
        self,
        guild_id: int,
        person: Person,
        kind: ContactKind,
        *,
        tags: Mapping[str, str] | None = None,
        after_hours: bool = False,
        at: datetime | None = None,
    ) -> bool:
        """Queue one contact; returns False when the person does not count as a youth."""
        ...

    async def discard_newcomer(self, guild_id: int, user_id: int, joined_at: datetime | None) -> int:
        """An account flagged as a spam/raid account soon after joining was never a youth: drop its contacts."""
        ...
