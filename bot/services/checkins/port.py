"""The Discord actions check-ins need (ids and plain text in, ids out); ``cogs/checkins/_port.py`` implements it.

Methods return None/False instead of raising when Discord refuses (DMs closed, channel gone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.services.contacts import Person

ButtonKind = Literal["yes", "no", "stop", "send", "postpone", "handover", "release"]


@dataclass(frozen=True)
class Button:
    """A persistent button: its custom_id is ``checkins:<kind>:<ref>`` (ref: consent row or proposal id)."""

    kind: ButtonKind
    ref: int


class CheckinsPort(Protocol):
    async def dm(self, user_id: int, text: str, *, buttons: Sequence[Button] = ()) -> bool: ...

    async def post(self, channel_id: int, text: str, *, buttons: Sequence[Button] = ()) -> int | None:
        """Post in a staff channel without pinging anyone."""
        ...

    async def member(self, guild_id: int, user_id: int) -> Person | None: ...
