"""Interactions the sandbox sends to a bot, and what the bot answered (callbacks, edits, follow-ups)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from sandbox.models import JSON

# Interaction types
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Application command option types
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9
NUMBER = 10
ATTACHMENT = 11


@dataclass
class SandboxInteraction:
    """One interaction sent to a bot; tests await what the bot did with it."""

    id: int
    token: str
    type: int
    application_id: int
    bot_user_id: int
    guild_id: int | None
    channel_id: int
    user_id: int
    payload: JSON
    message_id: int | None = None
    #: the interaction whose modal response this one submits (modal submits only)
    trigger_id: int | None = None
    created: float = field(default_factory=time.monotonic)
    #: callback bodies (``{"type": 4, "data": {...}}``), in order
    responses: list[JSON] = field(default_factory=list)
    #: follow-up messages (payloads as stored), in order
    followups: list[JSON] = field(default_factory=list)
    #: PATCH bodies sent to ``@original``
    edits: list[JSON] = field(default_factory=list)
    #: id of the message the initial response created (types 4 and 5)
    original_message_id: int | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def acknowledged(self) -> bool:
        return bool(self.responses)

    def _notify(self) -> None:
        self._changed.set()

    async def _wait(self, check: Any, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"interaction {self.id}: no {what} within {timeout}s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue

    async def wait_response(self, timeout: float = 5.0) -> JSON:
        """The first callback body the bot posted (``type`` + ``data`` with flags/content/embeds/components)."""
        result: JSON = await self._wait(lambda: self.responses[0] if self.responses else None, timeout, "response")
        return result

    async def wait_followup(self, count: int = 1, timeout: float = 5.0) -> JSON:
        """The ``count``-th follow-up message payload."""
        result: JSON = await self._wait(
            lambda: self.followups[count - 1] if len(self.followups) >= count else None, timeout, "follow-up"
        )
        return result

    async def wait_edit(self, count: int = 1, timeout: float = 5.0) -> JSON:
        """The ``count``-th edit of the original response (typical after a deferral)."""
        result: JSON = await self._wait(
            lambda: self.edits[count - 1] if len(self.edits) >= count else None, timeout, "edit"
        )
        return result

    @property
    def ephemeral(self) -> bool:
        """Whether the initial response was ephemeral (flag 64)."""
        if not self.responses:
            return False
        data = self.responses[0].get("data") or {}
        return bool(int(data.get("flags") or 0) & 64)


def infer_option_type(value: Any) -> int:
    """Option type for a raw Python value when the command schema is unknown."""
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    return STRING
