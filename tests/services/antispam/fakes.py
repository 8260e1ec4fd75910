"""An in-memory guild behind the anti-spam port, and a runtime on a real database with a fake clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.domain.guild_config import GuildConfig
from bot.domain.spam import MessageEvent, Reason, Verdict, VerdictKind
from bot.i18n import I18n
from bot.runtime import Runtime
from bot.scheduling import Scheduler
from bot.services.antispam import LOCK_BITS, MORNING, PURGE, QUIET, RENEW, AntispamService
from bot.services.antispam.port import Alert, AlertMessage, Blocked, GuildState
from bot.services.guild_settings import GuildSettingsService
from bot.settings import Settings

GUILD = 4242
GENERAL, CHILL, STUDY, MOD_LOG, STAFF = 11, 12, 13, 14, 15
MODERATOR_ROLE = 77
EVERYONE = 0b1111_1111_1111_1111 | LOCK_BITS | (1 << 10)  # view + the lock bits + more
MIDNIGHT = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # 00:00 in Brussels
BASE_ID = (int(MIDNIGHT.timestamp() * 1000) - 1_420_070_400_000) << 22


def mid(n: int) -> int:
    """A message id minted at midnight (the n-th one)."""
    return BASE_ID + n


@dataclass
class FakeGuild:
    """The guild state a lockdown touches, plus what was done to members and messages."""

    everyone: int = EVERYONE
    overwrites: dict[int, tuple[int, int]] = field(default_factory=dict)
    slowmode: dict[int, int] = field(default_factory=lambda: {GENERAL: 0, CHILL: 5, STUDY: 0, MOD_LOG: 0, STAFF: 0})
    invites_until: datetime | None = None
    dms_until: datetime | None = None
    timeouts: dict[int, datetime | None] = field(default_factory=dict)
    banned: set[int] = field(default_factory=set)

    def snapshot(self) -> tuple[Any, ...]:
        return (self.everyone, dict(self.overwrites), dict(self.slowmode), self.invites_until, self.dms_until)


class FakePort:
    """Implements :class:`~bot.services.antispam.port.GuildPort`; ``forbid`` lists steps that get a 403."""

    def joined_at(self, user_id: int) -> datetime | None:
        return None

    def __init__(self, guild: FakeGuild, guild_id: int = GUILD) -> None:
        self.guild = guild
        self.guild_id = guild_id
        self.forbid: set[str] = set()
        self.calls: list[tuple[str, Any]] = []
        self.posts: list[tuple[Alert, int | None]] = []
        self.edits: list[tuple[AlertMessage, Alert]] = []
        self.postable = {MOD_LOG, STAFF}
        self._next = 1000

    def _step(self, step: str, target: int | None = None) -> None:
        if step in self.forbid:
            raise Blocked(step, target)

    async def read_state(self, *, fresh: bool) -> GuildState:
        g = self.guild
        self.calls.append(("read", fresh))
        return GuildState(g.everyone, dict(g.overwrites), dict(g.slowmode), g.invites_until, g.dms_until)

    async def set_everyone_permissions(self, value: int, reason: str) -> None:
        self._step("role")
        self.calls.append(("role", value))
        self.guild.everyone = value

    async def set_everyone_overwrite(self, channel_id: int, allow: int, deny: int, reason: str) -> None:
        self._step("overwrite", channel_id)
        self.calls.append(("overwrite", (channel_id, allow, deny)))
        self.guild.overwrites[channel_id] = (allow, deny)

    async def set_slowmode(self, channel_id: int, seconds: int, reason: str) -> None:
        self._step("slowmode", channel_id)
        self.calls.append(("slowmode", (channel_id, seconds)))
        self.guild.slowmode[channel_id] = seconds

    async def set_incident_actions(
        self, invites_until: datetime | None, dms_until: datetime | None, reason: str
    ) -> None:
        self._step("invites_dms")
        self.calls.append(("incident_actions", (invites_until, dms_until)))
        self.guild.invites_until, self.guild.dms_until = invites_until, dms_until

    async def delete_messages(self, channel_id: int, message_ids: list[int], reason: str) -> int:
        self._step("delete", channel_id)
        assert 1 <= len(message_ids) <= 100
        self.calls.append(("bulk" if len(message_ids) > 1 else "delete", (channel_id, list(message_ids))))
        return 1

    async def timeout(self, user_id: int, until: datetime | None, reason: str) -> None:
        self._step("timeout" if until else "untimeout", user_id)
        self.calls.append(("timeout", (user_id, until)))
        self.guild.timeouts[user_id] = until

    async def ban(self, user_ids: Iterable[int], reason: str) -> set[int]:
        self._step("ban")
        ids = set(user_ids)
        self.calls.append(("ban", sorted(ids)))
        self.guild.banned |= ids
        return ids

    async def post(self, alert: Alert, *, channel_id: int | None = None) -> AlertMessage | None:
        target = channel_id if channel_id in self.postable else MOD_LOG
        self.posts.append((alert, target))
        self._next += 1
        return AlertMessage(target, self._next)

    async def edit(self, where: AlertMessage, alert: Alert) -> None:
        self.edits.append((where, alert))

    def can_post(self, channel_id: int) -> bool:
        return channel_id in self.postable

    def deleted(self) -> set[int]:
        return {mid for kind, (_, ids) in ((k, v) for k, v in self.calls if k in ("bulk", "delete")) for mid in ids}

    def named(self, kind: str) -> list[Any]:
        return [value for k, value in self.calls if k == kind]


async def make_runtime(db: Database, clock: FakeClock) -> Runtime:
    runtime = Runtime(
        settings=Settings(),
        clock=clock,
        db=db,
        scheduler=Scheduler(db, clock),
        i18n=I18n(),
        guild_settings=GuildSettingsService(db, clock),
    )
    await runtime.guild_settings.update(
        GUILD,
        "core",
        GuildConfig(),
        {"roles.moderator": MODERATOR_ROLE, "channels.mod_log": MOD_LOG, "channels.staff_desk": STAFF},
    )
    return runtime


async def make_service(runtime: Runtime, port: FakePort, *, start: bool = True) -> AntispamService:
    service = AntispamService(runtime, lambda gid: port if gid == port.guild_id else None, window=0.001)
    runtime.scheduler.register(QUIET, service.on_quiet)
    runtime.scheduler.register(RENEW, service.on_renew)
    runtime.scheduler.register(MORNING, service.alerts.on_morning)
    runtime.scheduler.register(PURGE, service.on_purge)
    if start:
        await service.resume([GUILD])
        await runtime.scheduler.start()
    return service


def event(
    author: int,
    at: datetime,
    message_id: int,
    *,
    channel: int = GENERAL,
    young: bool = True,
) -> MessageEvent:
    return MessageEvent(
        at=at,
        guild_id=GUILD,
        channel_id=channel,
        message_id=mid(message_id),
        author_id=author,
        content="free nitro discord.gg/x",
        account_created_at=at - (timedelta(days=1) if young else timedelta(days=900)),
        joined_at=at - (timedelta(minutes=5) if young else timedelta(days=200)),
    )


def raid_verdict(offenders: Iterable[int], delete: dict[int, list[int]], *, new: bool = True) -> Verdict:
    return Verdict(
        VerdictKind.RAID,
        (Reason("cross_account", 4, 4, 15),) if offenders else (),
        frozenset(offenders),
        delete,
        is_new_raid=new,
    )


def member_verdict(author: int, delete: dict[int, list[int]]) -> Verdict:
    return Verdict(VerdictKind.MEMBER, (Reason("burst", 8, 7, 10),), frozenset({author}), delete)
