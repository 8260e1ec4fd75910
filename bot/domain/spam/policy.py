"""Anti-spam settings: per-account, cross-account and join-burst thresholds, and the day/night policy.

Per-account defaults follow python-discord/bot's ``config-default.yml`` ``anti_spam.rules``
(attachments 6/10 s, burst 7/10 s, discord_emojis 20/10 s, duplicates 3/10 s, links 10/10 s,
mentions 5/10 s, role_mentions 3/10 s, newlines 100/10 s). Where a youth server chats differently we relax
and say so: friends are tagged in groups, and emoji come in handfuls.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain.values import TimeZone

__all__ = ["SpamPolicy", "SpamThresholds"]

Seconds = float


class SpamThresholds(BaseModel):
    """One profile of limits. A ``*_max`` is the most allowed: one more within its window is an offence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # --- per account (python-discord's value in brackets where it has one) ---
    burst_max: int = Field(default=7, ge=2, le=50)  # [7 / 10 s]
    burst_seconds: Seconds = Field(default=10, ge=1, le=120)
    duplicates_max: int = Field(default=3, ge=1, le=30)  # same skeleton [3 / 10 s]
    duplicates_seconds: Seconds = Field(default=10, ge=1, le=300)
    mentions_per_message_max: int = Field(default=8, ge=1, le=50)
    mentions_max: int = Field(default=10, ge=1, le=100)  # [5 / 10 s]; friends get tagged in groups
    role_mentions_max: int = Field(default=3, ge=0, le=50)  # [3 / 10 s]
    mentions_seconds: Seconds = Field(default=10, ge=1, le=300)
    everyone_max: int = Field(default=1, ge=0, le=10)  # @everyone/@here tries without the right to ping
    new_member_everyone_max: int = Field(default=1, ge=0, le=10)  # a newcomer's first try is no offence
    everyone_seconds: Seconds = Field(default=60, ge=1, le=3600)
    links_max: int = Field(default=10, ge=1, le=100)  # [10 / 10 s]
    new_member_links_max: int = Field(default=3, ge=0, le=100)
    links_seconds: Seconds = Field(default=10, ge=1, le=300)
    invites_max: int = Field(default=3, ge=0, le=50)
    new_member_invites_max: int = Field(default=1, ge=0, le=50)
    invites_seconds: Seconds = Field(default=60, ge=1, le=3600)
    attachments_max: int = Field(default=6, ge=1, le=100)  # [6 / 10 s]
    attachments_seconds: Seconds = Field(default=10, ge=1, le=300)
    emoji_per_message_max: int = Field(default=20, ge=1, le=200)
    emoji_max: int = Field(default=30, ge=1, le=500)  # [20 / 10 s]; youths use more
    emoji_seconds: Seconds = Field(default=10, ge=1, le=300)
    newlines_max: int = Field(default=100, ge=1, le=1000)  # [100 / 10 s]
    newlines_seconds: Seconds = Field(default=10, ge=1, le=300)
    new_member_minutes: float = Field(default=10, ge=0, le=1440)  # joined less ago: the new_member_* limits

    # --- cross-account (a raid) ---
    cluster_min_accounts: int = Field(default=5, ge=2, le=100)  # young accounts posting near-same content
    link_min_accounts: int = Field(default=3, ge=2, le=100)  # young/recent accounts posting one domain/any invite
    cluster_seconds: Seconds = Field(default=15, ge=1, le=120)
    cluster_similarity: float = Field(default=0.6, ge=0.3, le=1.0)  # 3-gram Jaccard of skeletons
    cluster_min_chars: int = Field(default=12, ge=1, le=200)  # skeleton length that counts without link/mention
    cluster_young_fraction: float = Field(default=0.6, ge=0.5, le=1.0)  # young share of a cluster's authors
    young_join_hours: float = Field(default=24, ge=0, le=720)  # joined less ago: young
    young_account_days: float = Field(default=7, ge=0, le=365)  # account created less ago: young
    mass_mention_min: int = Field(default=3, ge=2, le=50)  # members pinged in one message: grouped like a link

    # --- coordinated offences (a raid of different rules) ---
    coordinated_min_accounts: int = Field(default=3, ge=2, le=100)  # recent accounts earning verdicts together
    coordinated_seconds: Seconds = Field(default=30, ge=1, le=600)
    recent_join_days: float = Field(default=14, ge=0, le=365)  # joined less ago: counts (sleepers); else established
    raid_sweep_messages: int = Field(default=2, ge=2, le=50)  # young posters this fast in burst_seconds join a raid
    raid_sweep_seconds: Seconds = Field(default=5, ge=0, le=60)  # any young poster this close to a raid's start
    rapid_messages: int = Field(default=3, ge=2, le=50)  # a young account posting this many within rapid_seconds
    rapid_seconds: Seconds = Field(default=1, ge=0.1, le=30)  # counts as a coordinated offence (a bot's pace)

    # --- join burst ---
    join_burst_count: int = Field(default=10, ge=2, le=1000)  # weighted suspicious joins per window
    join_burst_seconds: Seconds = Field(default=60, ge=1, le=3600)
    no_avatar_weight: float = Field(default=0.5, ge=0, le=1)  # what an old account without avatar weighs
    join_burst_follow_minutes: float = Field(default=10, ge=1, le=240)  # burst joiners stay suspects this long
    join_burst_min_spammers: int = Field(default=3, ge=1, le=100)  # spamming suspects that make it a raid

    @classmethod
    def night_defaults(cls) -> SpamThresholds:
        """Stricter limits for when nobody is awake to step in."""
        return cls(
            burst_max=6,
            mentions_per_message_max=6,
            mentions_max=8,
            role_mentions_max=2,
            links_max=8,
            new_member_links_max=2,
            invites_max=2,
            attachments_max=5,
            emoji_per_message_max=16,
            emoji_max=24,
            newlines_max=80,
            new_member_minutes=30,
            cluster_min_accounts=4,
            coordinated_seconds=60,
            join_burst_count=6,
        )

    def is_young(self, at: datetime, account_created_at: datetime, joined_at: datetime | None) -> bool:
        """Joined recently or a fresh account: the accounts a raid is made of."""
        if joined_at is not None and at - joined_at < timedelta(hours=self.young_join_hours):
            return True
        return at - account_created_at < timedelta(days=self.young_account_days)

    def is_recent(self, at: datetime, account_created_at: datetime, joined_at: datetime | None) -> bool:
        """Young, or joined within ``recent_join_days`` (a raid's sleepers): counts for coordinated offences."""
        if joined_at is not None and at - joined_at < timedelta(days=self.recent_join_days):
            return True
        return self.is_young(at, account_created_at, joined_at)

    def is_new_member(self, at: datetime, joined_at: datetime | None) -> bool:
        """Joined within ``new_member_minutes``: link, invite and @everyone limits are stricter."""
        return joined_at is not None and at - joined_at < timedelta(minutes=self.new_member_minutes)

    def join_weight(self, at: datetime, account_created_at: datetime, has_avatar: bool) -> float:
        """How much one join counts towards a burst: 1 for a young account, ``no_avatar_weight`` without avatar."""
        young = 1.0 if at - account_created_at < timedelta(days=self.young_account_days) else 0.0
        return min(1.0, young + (0.0 if has_avatar else self.no_avatar_weight))


class SpamPolicy(BaseModel):
    """A guild's anti-spam policy: a day and a (stricter) night profile plus what to do about offenders."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    day: SpamThresholds = Field(default_factory=SpamThresholds)
    night: SpamThresholds = Field(default_factory=SpamThresholds.night_defaults)
    night_start: time = time(23, 0)
    night_end: time = time(7, 0)
    timezone: TimeZone = "Europe/Brussels"  # set from general.timezone / the guild, never configured here
    exempt_role_ids: frozenset[int] = frozenset()
    exempt_channel_ids: frozenset[int] = frozenset()
    timeout_minutes: int = Field(default=720, ge=1, le=40320, description="Discord allows at most 28 days")
    action: Literal["timeout", "ban"] = "timeout"
    quiet_minutes: int = Field(default=30, ge=1, le=1440, description="no spam for this long: the raid may end")
    member_window_seconds: Seconds = Field(
        default=60, ge=5, le=3600, description="one MEMBER verdict per account per window; later messages only deleted"
    )
    record_retention_days: int = Field(
        default=90, ge=1, le=3650, description="offender rows (Discord user IDs) are deleted this long after closing"
    )

    @field_validator("night_start", "night_end")
    @classmethod
    def _local_time(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("night hours are local wall-clock times without a time zone")
        return value

    def is_night(self, at: datetime) -> bool:
        """Whether ``at`` falls in the night hours, in the policy's time zone (a window may cross midnight)."""
        local = at.astimezone(_zone(self.timezone)).time()
        start, end = self.night_start, self.night_end
        if start <= end:
            return start <= local < end
        return local >= start or local < end

    def thresholds_at(self, at: datetime) -> SpamThresholds:
        """The profile in force at ``at``."""
        return self.night if self.is_night(at) else self.day

    def is_exempt(self, role_ids: Iterable[int], channel_id: int) -> bool:
        """Staff roles and exempt channels are never checked (for the caller filling ``is_exempt``)."""
        return channel_id in self.exempt_channel_ids or not self.exempt_role_ids.isdisjoint(role_ids)


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
