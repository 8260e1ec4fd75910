"""Plain data the detector is fed: a message seen and a member joining. The caller resolves Discord objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["JoinEvent", "MessageEvent"]


def _require_aware(**stamps: datetime | None) -> None:
    for name, value in stamps.items():
        if value is not None and value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True, slots=True)
class MessageEvent:
    """A message as the detector needs it. ``at`` is the message's own timestamp: the detector's only clock."""

    at: datetime
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    content: str
    account_created_at: datetime
    joined_at: datetime | None
    has_avatar: bool = True
    is_exempt: bool = False
    """Staff role or exempt channel, resolved by the caller (see ``SpamPolicy.is_exempt``)."""
    mention_user_count: int = 0
    mention_role_count: int = 0
    everyone_attempt: bool = False
    """``@everyone``/``@here`` written by someone without the right to ping everyone."""
    attachment_count: int = 0

    def __post_init__(self) -> None:
        _require_aware(at=self.at, account_created_at=self.account_created_at, joined_at=self.joined_at)


@dataclass(frozen=True, slots=True)
class JoinEvent:
    """A member joining the guild."""

    at: datetime
    guild_id: int
    user_id: int
    account_created_at: datetime
    has_avatar: bool = True

    def __post_init__(self) -> None:
        _require_aware(at=self.at, account_created_at=self.account_created_at)
