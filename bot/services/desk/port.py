"""The small Discord port the desk acts through (ids and plain text in, ids out), so it can be faked.

The discord.py implementation lives with the cog (it builds the persistent views); the service never
sees a discord object. Every method returns ``None``/``False`` instead of raising when Discord refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.services.contacts import Person

ButtonKind = Literal["talk", "stop", "send_now"]


@dataclass(frozen=True)
class Button:
    """A persistent button to put under a message; ``send_now`` carries the held reply's id."""

    kind: ButtonKind
    held_id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class MemberInfo:
    person: Person
    display_name: str


@dataclass(frozen=True)
class FetchedMessage:
    """A thread message fetched at the moment it is delivered (never stored)."""

    content: str
    author_id: int
    attachment_urls: tuple[str, ...] = ()


class DeskPort(Protocol):
    def escape(self, text: str) -> str:
        """A youth's text made safe to show in Discord (no markdown tricks, no mentions)."""
        ...

    async def mutual_guilds(self, user_id: int) -> list[int]:
        """Ids of the guilds the bot shares with this user, in a stable order (ascending id)."""
        ...

    async def member(self, guild_id: int, user_id: int) -> MemberInfo | None: ...

    async def channel_exists(self, channel_id: int) -> bool: ...

    async def members_with_roles(self, guild_id: int, role_ids: set[int]) -> list[int]: ...

    async def create_thread(self, channel_id: int, name: str, member_ids: list[int]) -> int | None:
        """A private, non-invitable thread in ``channel_id`` with those members added (no ping)."""
        ...

    async def thread_name(self, thread_id: int) -> str | None: ...

    async def edit_thread(self, thread_id: int, *, name: str | None = None, archived: bool | None = None) -> bool: ...

    async def post(
        self,
        channel_id: int,
        text: str,
        *,
        ping_role: int | None = None,
        ping_user: int | None = None,
        reply_to: int | None = None,
        button: Button | None = None,
    ) -> int | None:
        """Post in a guild channel or thread; mentions nobody unless ``ping_role``/``ping_user`` is given."""
        ...

    async def dm(self, user_id: int, text: str, *, button: Button | None = None) -> bool: ...

    async def fetch(self, channel_id: int, message_id: int) -> FetchedMessage | None: ...

    async def react(self, channel_id: int, message_id: int, emoji: str) -> None: ...

    async def clear_buttons(self, channel_id: int, message_id: int, text: str | None = None) -> None: ...
