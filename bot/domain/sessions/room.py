"""Opening a session's room: which permission bits a participant gets, and how to undo it exactly."""

from __future__ import annotations

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
READ_MESSAGE_HISTORY = 1 << 16
CONNECT = 1 << 20
SPEAK = 1 << 21
OPEN_BITS = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | CONNECT | SPEAK

Overwrite = tuple[int, int] | None
"""A channel overwrite as ``(allow, deny)`` bits, or None when the channel has none for that target."""


def opened(before: Overwrite) -> tuple[int, int]:
    """The overwrite while the session runs: the open bits allowed (and no longer denied), the rest kept."""
    allow, deny = before or (0, 0)
    return allow | OPEN_BITS, deny & ~OPEN_BITS


def encode(saved: dict[int, Overwrite]) -> dict[str, list[int] | None]:
    """For the session row's JSON column (keys are strings there)."""
    return {str(target): (None if value is None else [value[0], value[1]]) for target, value in saved.items()}


def decode(stored: dict[str, list[int] | None] | None) -> dict[int, Overwrite]:
    return {int(target): (None if value is None else (value[0], value[1])) for target, value in (stored or {}).items()}
