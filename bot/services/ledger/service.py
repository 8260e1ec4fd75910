"""The ledger service: records contacts (the :class:`ContactRecorder` every cog uses), writes them in
batches off the message path, builds suppressed reports, logs offline moments and forgets people;
``service.retention`` (:mod:`.retention`) runs the daily rollup and key destruction.

Writing: :meth:`record` only decides (youth or not), validates the tags and puts the contact in the
bounded :class:`ContactBuffer`. A background task flushes it every ``flush_interval_seconds``; a flush
pseudonymises the IDs and upserts one row per moment. When the database is unreachable the entries
stay buffered and the flush is retried (back-off up to :data:`MAX_RETRY_SECONDS`); upserts are
idempotent, so a flush that timed out after its commit does no harm when repeated. :meth:`close`
(runtime shutdown, SIGTERM) flushes whatever is left, retrying for up to ``close_timeout`` seconds; a
contact recorded after that is written at once, and :meth:`drain` (from the cog's ``cog_unload``, when
no listener can record any more) waits for those writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db.engine import Database
from bot.domain.errors import typed
from bot.domain.guild_config import Access, GuildConfig, RoleName
from bot.domain.ledger import (
    FURTHER_CONTACT_KINDS,
    ContactKind,
    DateRange,
    LedgerConfig,
    OfflineMoment,
    PlaceType,
    Report,
    SuppressedReport,
    build_report_from_counts,
    canonical_tags,
    hour_bucket,
    moment_key,
    period_for,
    period_id_for_date,
    period_range,
    random_pseudonym,
    suppress,
)
from bot.domain.ledger.moments import slot
from bot.services.contacts import Person
from bot.services.ledger import aggregate, store
from bot.services.ledger.buffer import ContactBuffer, Pending
from bot.services.ledger.errors import LedgerInputError, LedgerUnavailable
from bot.services.ledger.exchange import ExchangeTracker
from bot.services.ledger.forget import ForgetRegistry
from bot.services.ledger.keys import KeyRing
from bot.services.ledger.retention import Retention

log = logging.getLogger("happymood.ledger")

GuildConfigSource = Callable[[int], Awaitable[GuildConfig]]
#: (guild, start, end) -> votes per face of the sessions that started in [start, end) (UTC bounds).
FeedbackSource = Callable[[int, datetime, datetime], Awaitable[Mapping[str, int]]]
ContactObserver = Callable[[int, int, ContactKind, datetime], Awaitable[object] | None]
"""Told of every contact the ledger accepted: ``(guild_id, user_id, kind, at)``; decides in memory and
returns a coroutine only when it has I/O to do (e.g. check-ins noting a youth's last contact)."""

CONFIG_TIMEOUT_SECONDS = 2.0
FLUSH_TIMEOUT_SECONDS = 15.0
MAX_RETRY_SECONDS = 5.0
MAX_YOUTHS_PER_MOMENT = 500
NEWCOMER_BAN_WINDOW = timedelta(hours=24)
MAX_NOT_YOUTHS = 10_000  # discarded accounts remembered before expired marks are swept


@dataclass(frozen=True)
class ForgetResult:
    rows_rekeyed: int
    buffered_dropped: int
    failed_features: list[str]


class LedgerService:
    """Implements :class:`bot.services.contacts.ContactRecorder`; registered as runtime service ``"ledger"``."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        config: LedgerConfig,
        *,
        guild_config: GuildConfigSource,
        default_tz: str | tzinfo = "Europe/Brussels",
        close_timeout: float = 10.0,
    ) -> None:
        self._db = db
        self._clock = clock
        self.config = config
        self._guild_config = guild_config
        self.default_tz = ZoneInfo(default_tz) if isinstance(default_tz, str) else default_tz
        self._close_timeout = close_timeout
        self.keys = KeyRing(db, clock, config.read_pepper())
        self.buffer = ContactBuffer(config.buffer_max)
        self.forget_registry = ForgetRegistry()
        self.exchanges = ExchangeTracker(timedelta(minutes=config.public_exchange_window_minutes))
        self.retention = Retention(self, db, clock)
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._late = 0  # contacts recorded after close() whose write is still in flight
        # Accounts discarded as raid/spam newcomers: (guild, user) -> joined_at. A contact of theirs in the
        # newcomer window that arrives after the discard (a join whose record was still on its way) is dropped.
        self._not_youths: dict[tuple[int, int], datetime] = {}
        self._feedback: FeedbackSource | None = None
        self.accepted = 0  # contacts taken into the buffer (youths only)
        self._observers: list[ContactObserver] = []
        self.flush_failures = 0

    # ------------------------------------------------------------------------------- recording

    def tz_of(self, config: GuildConfig | None) -> tzinfo:
        return ZoneInfo(config.timezone) if config is not None and config.timezone else self.default_tz

    async def _config_or_none(self, guild_id: int) -> GuildConfig | None:
        try:
            return await asyncio.wait_for(self._guild_config(guild_id), CONFIG_TIMEOUT_SECONDS)
        except Exception:
            log.warning("guild roles unavailable; deciding at flush time", extra={"guild_id": guild_id})
            return None

    async def record(
        self,
        guild_id: int,
        person: Person,
        kind: ContactKind,
        *,
        tags: Mapping[str, str] | None = None,
        after_hours: bool = False,
        at: datetime | None = None,
    ) -> bool:
        """Queue one contact; returns False (and stores nothing) when the person does not count as a youth.

        If the guild's roles cannot be read right now (database away, not cached), the contact is queued
        and the youth check is made at flush time instead (True is returned).
        """
        kind = ContactKind(kind)
        context = canonical_tags(tags or {})
        when = at or self._clock.now()
        if when.tzinfo is None:
            raise ValueError("at must be timezone-aware")
        if person.is_bot:
            return False
        config = await self._config_or_none(guild_id)
        if config is not None and not Access(config).is_youth(
            person.role_ids, person.is_admin, person.is_bot, person.permissions
        ):
            return False
        if self._discarded(guild_id, person.user_id, when):  # checked after the await, right before buffering
            return False
        tz = self.tz_of(config) if config is not None else UTC
        granularity = self.config.moment_granularity if config is not None else "hour"
        key: Hashable = (guild_id, person.user_id, kind, context, slot(when, tz, granularity), config is None)
        entry = Pending(guild_id, person.user_id, kind, context, when, after_hours, None if config else person)
        self.buffer.add(key, entry)
        self.accepted += 1
        if self._closed:  # a contact arriving during shutdown: write it now rather than lose it
            self._late += 1
            try:
                with contextlib.suppress(LedgerUnavailable):
                    await self.flush()
            finally:
                self._late -= 1
        else:
            self._ensure_loop()
        await self._tell_observers(guild_id, person.user_id, kind, when)
        return True

    def observe_contacts(self, observer: ContactObserver) -> None:
        """Be told of each accepted contact (the one "last contact" hook other features use)."""
        if observer not in self._observers:
            self._observers.append(observer)

    def forget_observer(self, observer: ContactObserver) -> None:
        if observer in self._observers:
            self._observers.remove(observer)

    async def _tell_observers(self, guild_id: int, user_id: int, kind: ContactKind, when: datetime) -> None:
        for observer in list(self._observers):
            try:
                work = observer(guild_id, user_id, kind, when)
                if work is not None:
                    await work
            except Exception:
                log.exception("contact observer failed")

    async def observe_message(self, guild_id: int, channel_id: int, parent_id: int | None, person: Person) -> int:
        """A message in a public channel: record public exchanges youth↔staff; returns how many youths."""
        if person.is_bot:
            return 0
        work = self.observe_message_with(await self._guild_config(guild_id), guild_id, channel_id, parent_id, person)
        return 0 if work is None else await work

    def observe_message_with(
        self, config: GuildConfig, guild_id: int, channel_id: int, parent_id: int | None, person: Person
    ) -> Awaitable[int] | None:
        """:meth:`observe_message` with the guild's settings in hand: decided in memory, and only when there
        are youths to count is there anything to await."""
        if person.is_bot:
            return None
        access = Access(config)
        now = self._clock.now()
        if access.is_staff(person.role_ids, person.is_admin, person.permissions):
            youths = self.exchanges.staff_wrote(channel_id, now)
        elif access.is_youth(person.role_ids, person.is_admin, person.is_bot, person.permissions):
            youths = [person] if self.exchanges.youth_wrote(channel_id, person, now) else []
        else:
            return None
        if not youths:
            return None
        return self._record_exchanges(guild_id, youths, {"category": self._category(config, parent_id)}, now)

    async def _record_exchanges(
        self, guild_id: int, youths: list[Person], tags: Mapping[str, str], now: datetime
    ) -> int:
        counted = 0
        for youth in youths:
            counted += await self.record(guild_id, youth, ContactKind.PUBLIC_EXCHANGE, tags=tags, at=now)
        return counted

    @staticmethod
    def _category(config: GuildConfig, parent_id: int | None) -> str:
        if parent_id is not None and parent_id == config.channels.safe_space_category:
            return "safe_space"
        if parent_id is not None and parent_id == config.channels.study_category:
            return "study"
        return "public"

    # --------------------------------------------------------------------------------- flushing

    def _ensure_loop(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush_loop(), name="ledger-flush")

    async def _flush_loop(self) -> None:
        delay = self.config.flush_interval_seconds
        while not self._closed:
            await asyncio.sleep(delay)
            try:
                await self.flush()
            except LedgerUnavailable:
                delay = min(max(delay * 2, 0.5), MAX_RETRY_SECONDS)
            else:
                delay = self.config.flush_interval_seconds

    async def flush(self) -> int:
        """Write every buffered contact; returns how many moments were written.

        Raises :class:`LedgerUnavailable` (entries kept for the next try) when the database failed.
        """
        async with self._lock:
            self.buffer.report_drops()
            items = self.buffer.snapshot()
            if not items:
                return 0
            try:
                written = await asyncio.wait_for(self._write([entry for _, entry in items]), FLUSH_TIMEOUT_SECONDS)
            except Exception as exc:
                self.flush_failures += 1
                log.warning(
                    "ledger flush failed; contacts kept for retry",
                    extra={"pending": len(items), "error": type(exc).__name__},
                )
                raise LedgerUnavailable(str(type(exc).__name__)) from exc
            self.buffer.discard(items)
            return written

    async def _write(self, entries: list[Pending]) -> int:
        configs: dict[int, GuildConfig] = {}
        rows: dict[tuple[int, str], dict[str, Any]] = {}
        for entry in entries:
            if entry.guild_id not in configs:
                configs[entry.guild_id] = await self._guild_config(entry.guild_id)
            config = configs[entry.guild_id]
            who = entry.undecided
            if who is not None and not Access(config).is_youth(who.role_ids, who.is_admin, who.is_bot, who.permissions):
                continue
            tz = self.tz_of(config)
            secret = await self.keys.key(entry.guild_id, period_for(entry.at, tz, self.config.period))
            alias = self.keys.pseudonym(entry.user_id, secret)
            mkey = moment_key(alias, entry.kind, entry.context, entry.at, tz, self.config.moment_granularity)
            row = {
                "guild_id": entry.guild_id,
                "moment_key": mkey,
                "pseudonym": alias,
                "kind": str(entry.kind),
                "context": entry.context,
                "hour_bucket": hour_bucket(entry.at),
                "after_hours": entry.after_hours,
            }
            seen = rows.get((entry.guild_id, mkey))
            if seen is not None:
                row["hour_bucket"] = min(row["hour_bucket"], seen["hour_bucket"])
                row["after_hours"] = row["after_hours"] or seen["after_hours"]
            rows[(entry.guild_id, mkey)] = row
        if rows:
            async with self._db.session() as session:
                await store.upsert_contacts(session, list(rows.values()))
        return len(rows)

    async def close(self) -> None:
        """Stop the flush loop and write what is left (retrying up to ``close_timeout`` seconds)."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        deadline = asyncio.get_running_loop().time() + self._close_timeout
        while True:
            try:
                await self.flush()
                break
            except LedgerUnavailable:
                if asyncio.get_running_loop().time() >= deadline:
                    break
                await asyncio.sleep(0.5)
        self._log_state("ledger closed")

    async def drain(self) -> None:
        """After :meth:`close`: wait until contacts that still arrived during shutdown are written.

        The bot keeps receiving gateway events until its cogs are unloaded, which happens after the
        runtime's services were closed; the ledger cog calls this from ``cog_unload``.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._close_timeout
        while (len(self.buffer) or self._late) and loop.time() < deadline:
            await asyncio.sleep(0.01)  # lets in-flight writes (and listeners already scheduled) run
            try:
                await self.flush()
            except LedgerUnavailable:
                await asyncio.sleep(0.5)
        self._log_state("ledger drained")

    def _log_state(self, event: str) -> None:
        pending = len(self.buffer)
        (log.error if pending else log.info)(
            event, extra={"accepted": self.accepted, "pending": pending, "dropped": self.buffer.dropped}
        )

    # ---------------------------------------------------------------------------------- reports

    async def guild_tz(self, guild_id: int) -> tzinfo:
        return self.tz_of(await self._guild_config(guild_id))

    async def today(self, guild_id: int) -> date:
        return self._clock.now().astimezone(await self.guild_tz(guild_id)).date()

    def count_feedback_with(self, source: FeedbackSource) -> None:
        """The sessions feature reports its anonymous feedback totals (votes per face) for the KPI report."""
        self._feedback = source

    async def figures(self, guild_id: int, span: DateRange, today: date | None = None) -> Report:
        """The raw (unsuppressed) report. Internal: only :meth:`report`'s result may be published."""
        with contextlib.suppress(LedgerUnavailable):
            await self.flush()
        tz = await self.guild_tz(guild_id)
        start, end = span.utc_bounds(tz)
        options = self.config.report_options()
        async with self._lock:  # no flush in between: every query of the report sees the same rows
            counts = await aggregate.online_counts(self._db.session, guild_id, start, end, FURTHER_CONTACT_KINDS)
        async with self._db.session() as session:  # counted by the database: a few thousand rows come back
            offline = await store.offline_between(session, guild_id, span.start, span.end)
            weekly = await store.weekly_between_years(session, guild_id, span.start.year - 1, span.end.year + 1)
            # from the key period's start: rolled-up days before the range make "new youths" unknown
            since = min(span.start, period_range(period_id_for_date(span.start, self.config.period))[0])
            daily = await store.daily_between(session, guild_id, since, span.end)
        options.pop("granularity")  # the writer made each row one moment of this granularity already
        feedback = await self._feedback(guild_id, start, end) if self._feedback is not None else None
        return build_report_from_counts(
            counts,
            offline,
            span,
            tz,
            self.config.targets,
            today or self._clock.now().astimezone(tz).date(),
            rollups=[*weekly, *daily],
            feedback=feedback,
            **options,
        )

    async def report(self, guild_id: int, span: DateRange, today: date | None = None) -> SuppressedReport:
        """The publishable report: every figure has been through small-cell suppression."""
        return suppress(await self.figures(guild_id, span, today))

    async def guilds(self) -> list[int]:
        async with self._db.session() as session:
            return await store.ledger_guilds(session)

    # ---------------------------------------------------------------------------- offline moments

    def places(self, current: str = "", limit: int = 25) -> list[str]:
        """Configured places matching what was typed so far (for autocomplete)."""
        needle = current.strip().lower()
        return [p for p in self.config.places if needle in p][:limit]

    async def log_offline(
        self, guild_id: int, place_type: str, place: str, day: date, youth_count: int
    ) -> OfflineMoment:
        """Store an offline happy-place moment (a head count); raises :class:`LedgerInputError`."""
        if not self.config.places:
            raise LedgerInputError("ledger.moment.no_places")
        if place not in self.config.places:
            raise LedgerInputError("ledger.moment.unknown_place", place=typed(place))
        if not 1 <= youth_count <= MAX_YOUTHS_PER_MOMENT:
            raise LedgerInputError("ledger.moment.bad_count", max=MAX_YOUTHS_PER_MOMENT)
        if day > await self.today(guild_id):
            raise LedgerInputError("ledger.input.future_date", value=day.strftime("%d/%m/%Y"))
        try:
            moment = OfflineMoment(day, PlaceType(place_type), place, youth_count)
        except ValueError:
            raise LedgerInputError("ledger.moment.unknown_place", place=typed(place)) from None
        async with self._db.session() as session:
            await store.add_offline(session, guild_id, moment, self._clock.now())
        return moment

    @staticmethod
    def may_log_offline(config: GuildConfig, role_ids: Collection[int], is_admin: bool) -> bool:
        """Outreachers (and coordinators, administrators) log offline moments."""
        allowed = config.role_ids((RoleName.outreacher, RoleName.coordinator))
        return is_admin or not allowed.isdisjoint(role_ids)

    # ------------------------------------------------------------------------------- forget-me

    async def forget(self, guild_id: int, user_id: int) -> ForgetResult:
        """Unlink a person: drop their buffered contacts, re-key their rows to random pseudonyms (counts
        stay, the link is gone) and run every feature's registered forget callback."""
        async with self._lock:
            dropped = self.buffer.remove_user(guild_id, user_id)
            aliases = await self.keys.pseudonyms_of(guild_id, user_id)
            mapping = {alias: random_pseudonym() for alias in aliases.values()}
            async with self._db.session() as session:
                rekeyed = await store.rekey(session, guild_id, mapping)
        failed = await self.forget_registry.run(guild_id, user_id)
        log.info("forget-me done", extra={"rows": rekeyed, "failed": len(failed)})
        return ForgetResult(rekeyed, dropped, failed)

    def _discarded(self, guild_id: int, user_id: int, when: datetime) -> bool:
        since = self._not_youths.get((guild_id, user_id))
        return since is not None and timedelta(0) <= when - since <= NEWCOMER_BAN_WINDOW

    def _mark_not_youth(self, guild_id: int, user_id: int, joined_at: datetime, now: datetime) -> None:
        self._not_youths[(guild_id, user_id)] = joined_at
        if len(self._not_youths) > MAX_NOT_YOUTHS:  # forget marks whose newcomer window is over
            for key, since in list(self._not_youths.items()):
                if now - since > NEWCOMER_BAN_WINDOW:
                    del self._not_youths[key]

    async def discard_newcomer(self, guild_id: int, user_id: int, joined_at: datetime | None) -> int:
        """Hook for moderation features: an account banned or flagged as a raid/spam account within
        :data:`NEWCOMER_BAN_WINDOW` of joining was never a youth, so its contacts since joining are
        removed (buffered and stored). Returns how many were removed; 0 outside the window."""
        now = self._clock.now()
        if joined_at is None or not timedelta(0) <= now - joined_at <= NEWCOMER_BAN_WINDOW:
            return 0
        self._mark_not_youth(guild_id, user_id, joined_at, now)  # before any await: later records see it
        async with self._lock:
            dropped = self.buffer.remove_user(guild_id, user_id)
            aliases = list((await self.keys.pseudonyms_of(guild_id, user_id)).values())
            async with self._db.session() as session:
                deleted = await store.delete_contacts_of(session, guild_id, aliases, hour_bucket(joined_at))
        return dropped + deleted
