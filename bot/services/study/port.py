"""The Discord actions study moments need (ids and plain text in, ids out), so tests can fake them.

The discord.py implementation lives in ``cogs/study/_port.py``. Methods return None/False instead of raising
when Discord refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.domain.study.rooms import Grant
from bot.services.contacts import Person

RoomKind = Literal["text", "voice"]
ButtonKind = Literal["join", "help", "leave", "next"]


@dataclass(frozen=True)
class Button:
    """A persistent button under the panel; ``ref`` is the study room id."""

    kind: ButtonKind
    ref: int


class StudyPort(Protocol):
    async def is_category(self, guild_id: int, channel_id: int) -> bool: ...

    async def create_room(
        self, guild_id: int, category_id: int, name: str, kind: RoomKind, grants: Sequence[Grant]
    ) -> int | None:
        """A new text or voice room in the category with exactly these overwrites (and the bot's own)."""
        ...

    async def set_overwrite(self, channel_id: int, grant: Grant) -> bool: ...

    async def delete_room(self, channel_id: int) -> bool:
        """Delete a channel (True when it is gone, also when it already was)."""
        ...

    async def post(self, channel_id: int, text: str, *, buttons: Sequence[Button] = ()) -> int | None:
        """Post without pinging anyone, with persistent ``buttons`` under it."""
        ...

    async def dm(self, user_id: int, text: str) -> bool: ...

    async def member(self, guild_id: int, user_id: int) -> Person | None: ...

    async def display_name(self, guild_id: int, user_id: int) -> str | None:
        """A member's display name, escaped (shown to the host only; never stored)."""
        ...

    async def voice_members(self, guild_id: int, channel_id: int) -> list[int]: ...

    async def voice_channel_of(self, guild_id: int, user_id: int) -> int | None: ...

    async def move_to(self, guild_id: int, user_id: int, channel_id: int) -> bool:
        """Move a member who is connected to voice into ``channel_id``."""
        ...
