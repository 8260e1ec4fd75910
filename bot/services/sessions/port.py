"""The Discord actions the sessions service needs (ids and plain text in, ids out), so tests can fake them.

The discord.py implementation lives in ``cogs/sessions/_port.py``. Methods return None/False instead of
raising when Discord refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bot.domain.sessions.room import Overwrite
from bot.services.contacts import Person

RoomKind = Literal["text", "voice", "stage"]
ButtonKind = Literal["talk", "follow", "unfollow", "ask", "vote_good", "vote_ok", "vote_bad", "approve", "reject"]
FACE_BUTTONS: tuple[ButtonKind, ...] = ("vote_good", "vote_ok", "vote_bad")
FACES: dict[str, str] = dict(zip(FACE_BUTTONS, ("good", "ok", "bad"), strict=True))


@dataclass(frozen=True)
class Button:
    """A persistent button under a post: ``talk`` is the desk's "Praat met ons"; the others carry a session id."""

    kind: ButtonKind
    ref: int = 0


EventStatus = Literal["active", "completed", "cancelled"]


class SessionsPort(Protocol):
    async def room_kind(self, guild_id: int, channel_id: int) -> RoomKind | None:
        """The kind of a guild channel usable as a room, else None."""
        ...

    async def create_room(self, guild_id: int, category_id: int, name: str) -> int | None:
        """A new text room in the category, hidden from @everyone until a session opens it."""
        ...

    async def get_overwrite(self, channel_id: int, target_id: int) -> Overwrite: ...

    async def own_role(self, guild_id: int) -> int | None:
        """The bot's own (managed) role in the guild."""
        ...

    async def set_overwrite(self, channel_id: int, target_id: int, value: Overwrite) -> bool:
        """Set a role overwrite to ``(allow, deny)``, or remove it with None."""
        ...

    async def create_event(
        self,
        guild_id: int,
        *,
        name: str,
        description: str,
        start: datetime,
        end: datetime,
        channel_id: int,
        room_kind: RoomKind,
        location: str,
    ) -> int | None: ...

    async def edit_event(
        self,
        guild_id: int,
        event_id: int,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        status: EventStatus | None = None,
    ) -> bool: ...

    async def member(self, guild_id: int, user_id: int) -> Person | None: ...

    async def member_name(self, guild_id: int, user_id: int) -> tuple[str, frozenset[int]] | None:
        """A member's display name and role ids (for the host's private roster; never stored)."""
        ...

    async def voice_members(self, guild_id: int, channel_id: int) -> list[int]:
        """Who sits in a voice or stage channel right now."""
        ...

    async def add_role(self, guild_id: int, user_id: int, role_id: int) -> bool: ...

    async def remove_role(self, guild_id: int, user_id: int, role_id: int) -> bool: ...

    async def post(self, channel_id: int, text: str, *, buttons: Sequence[Button] = ()) -> int | None:
        """Post without pinging anyone, with persistent ``buttons`` under it."""
        ...

    async def post_question(self, channel_id: int, question_id: int, header: str, question: str) -> int | None:
        """The question for the team (text already escaped) with Approve / Reject; the text lives only here."""
        ...

    async def fetch_question(self, channel_id: int, message_id: int) -> str | None:
        """The question text back from the team's post (read at the moment it is approved)."""
        ...

    async def settle_question(self, channel_id: int, message_id: int, note: str) -> None:
        """Remove the Approve / Reject buttons and add who decided what."""
        ...

    async def dm(self, user_id: int, text: str) -> bool: ...

    async def event_users(self, guild_id: int, event_id: int) -> list[int]:
        """Who pressed *Interested* on the scheduled event (at most a few hundred)."""
        ...
