"""Builders for spam-detector tests: members, synthetic timestamps and a feed that records every verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.spam import JoinEvent, MessageEvent, SpamDetector, SpamPolicy, Verdict, VerdictKind

BRUSSELS = ZoneInfo("Europe/Brussels")
GUILD = 4242


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: float = 0) -> datetime:
    """A Brussels wall-clock time as an aware UTC datetime."""
    whole = int(second)
    stamp = datetime(year, month, day, hour, minute, whole, tzinfo=BRUSSELS)
    return stamp.astimezone(UTC) + timedelta(seconds=second - whole)


@dataclass(frozen=True)
class Member:
    user_id: int
    created_at: datetime
    joined_at: datetime | None
    has_avatar: bool = True


def established(user_id: int, now: datetime) -> Member:
    """A youth who has been around for months."""
    return Member(user_id, now - timedelta(days=3 * 365), now - timedelta(days=200))


def newcomer(
    user_id: int, now: datetime, *, joined_ago: timedelta, account_age: timedelta, avatar: bool = False
) -> Member:
    return Member(user_id, now - account_age, now - joined_ago, avatar)


@dataclass
class Feed:
    """A detector plus a log of what it answered."""

    policy: SpamPolicy = field(default_factory=SpamPolicy)
    log: list[tuple[MessageEvent | JoinEvent, Verdict]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.detector = SpamDetector(self.policy)
        self._ids = count(10_000)

    def say(self, member: Member, at: datetime, content: str = "", channel: int = 1, **extra: Any) -> Verdict:
        event = MessageEvent(
            at=at,
            guild_id=GUILD,
            channel_id=channel,
            message_id=next(self._ids),
            author_id=member.user_id,
            content=content,
            account_created_at=member.created_at,
            joined_at=member.joined_at,
            has_avatar=member.has_avatar,
            **extra,
        )
        verdict = self.detector.observe_message(event)
        self.log.append((event, verdict))
        return verdict

    def join(self, member: Member, at: datetime) -> Verdict:
        event = JoinEvent(at, GUILD, member.user_id, member.created_at, member.has_avatar)
        verdict = self.detector.observe_join(event)
        self.log.append((event, verdict))
        return verdict

    @property
    def verdicts(self) -> list[Verdict]:
        return [verdict for _, verdict in self.log]

    def of_kind(self, kind: VerdictKind) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if verdict.kind is kind]

    @property
    def deleted(self) -> set[int]:
        return {mid for verdict in self.verdicts for mid in verdict.message_ids}

    @property
    def offenders(self) -> set[int]:
        return {uid for verdict in self.verdicts for uid in verdict.offenders}

    def message_ids(self, user_id: int) -> set[int]:
        return {
            event.message_id for event, _ in self.log if isinstance(event, MessageEvent) and event.author_id == user_id
        }
