"""Recording: who counts, one row per moment, buffering, retries and the bounded buffer."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.db.models import LedgerKey
from bot.domain.guild_config import GuildConfig
from bot.domain.ledger import ContactKind, pseudonym
from bot.services.contacts import Person
from bot.services.ledger import LedgerService, LedgerUnavailable, store

from .conftest import (
    COORDINATOR,
    GUILD,
    MODERATOR,
    PEER,
    STAFF,
    MakeLedger,
    count,
    local,
    rows,
    youth,
)

DESK = ContactKind.DESK


async def test_only_youths_are_counted(ledger: LedgerService, db: Database) -> None:
    assert await ledger.record(GUILD, youth(1), ContactKind.JOIN) is True
    assert await ledger.record(GUILD, Person(2), ContactKind.JOIN) is True  # no role at all: a youth
    refused = [
        STAFF,
        Person(3, frozenset({MODERATOR})),
        Person(4, frozenset({COORDINATOR, 105})),
        Person(5, frozenset({PEER})),
        Person(6, is_admin=True),
        Person(7, is_bot=True),
    ]
    for person in refused:
        assert await ledger.record(GUILD, person, ContactKind.JOIN) is False
    assert len(ledger.buffer) == 2
    assert await ledger.flush() == 2
    assert await count(db) == 2
    assert ledger.accepted == 2


async def test_a_chatty_evening_is_one_row_with_its_first_hour_and_after_hours(
    ledger: LedgerService, db: Database
) -> None:
    tags = {"theme": "school"}
    start = local("2026-11-30 19:05")
    for minute in range(0, 200):
        await ledger.record(GUILD, youth(1), DESK, tags=tags, at=start + timedelta(minutes=minute))
    assert len(ledger.buffer) == 1
    await ledger.flush()
    # later the same evening (a second flush), after hours, and an earlier contact arriving late
    await ledger.record(GUILD, youth(1), DESK, tags=tags, at=local("2026-11-30 22:10"), after_hours=True)
    await ledger.record(GUILD, youth(1), DESK, tags=tags, at=local("2026-11-30 08:10"))
    await ledger.flush()
    [row] = await rows(db)
    assert row.hour_bucket == local("2026-11-30 08:00")
    assert row.after_hours is True
    assert (row.kind, row.context) == ("desk", "theme=school")


async def test_kind_context_and_local_day_make_separate_moments(ledger: LedgerService, db: Database) -> None:
    who = youth(1)
    await ledger.record(GUILD, who, DESK, at=local("2026-11-30 10:00"))
    await ledger.record(GUILD, who, DESK, tags={"theme": "love"}, at=local("2026-11-30 10:00"))
    await ledger.record(GUILD, who, ContactKind.SAFE_SPACE, at=local("2026-11-30 10:00"))
    # 23:30 and 00:30 local are two local days, although both are on 30 November in UTC
    await ledger.record(GUILD, who, DESK, at=local("2026-11-30 23:30"))
    await ledger.record(GUILD, who, DESK, at=local("2026-12-01 00:30"))
    await ledger.flush()
    stored = await rows(db)
    assert len(stored) == 4
    assert {r.moment_key.split("|", 1)[1] for r in stored} == {
        "desk||2026-11-30",  # 10:00 and 23:30: one moment
        "desk||2026-12-01",
        "desk|theme=love|2026-11-30",
        "safe_space||2026-11-30",
    }


async def test_rows_hold_a_keyed_pseudonym_and_no_user_id(ledger: LedgerService, db: Database) -> None:
    user_id = 123456789012345678
    await ledger.record(GUILD, youth(user_id), DESK, at=local("2026-11-30 10:00"))
    await ledger.flush()
    [row] = await rows(db)
    async with db.session() as session:
        [key] = (await session.scalars(select(LedgerKey))).all()
    assert (key.guild_id, key.period_id) == (GUILD, "2026")
    assert row.pseudonym == pseudonym(user_id, key.secret)
    assert row.moment_key.startswith(row.pseudonym + "|")
    assert str(user_id) not in " ".join(str(v) for v in vars(row).values())
    assert row.pseudonym != hashlib.sha256(str(user_id).encode()).hexdigest()[:32]


async def test_bad_tags_are_refused_before_anything_is_buffered(ledger: LedgerService) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        await ledger.record(GUILD, youth(1), DESK, tags={"name": "noor"})
    with pytest.raises(ValueError, match="slug"):
        await ledger.record(GUILD, youth(1), DESK, tags={"theme": "Hallo daar, ik ben Noor"})
    assert len(ledger.buffer) == 0


async def test_full_buffer_drops_the_oldest_and_says_so(
    make_ledger: MakeLedger, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    ledger = make_ledger(buffer_max=3, flush_interval_seconds=60)
    with caplog.at_level(logging.ERROR, logger="happymood.ledger"):
        for user_id in range(1, 6):
            await ledger.record(GUILD, youth(user_id), ContactKind.JOIN, at=local("2026-11-30 10:00"))
    assert ledger.buffer.dropped == 2
    assert [r.message for r in caplog.records] == ["ledger buffer full: oldest contacts dropped"]
    assert [e.user_id for _, e in ledger.buffer.snapshot()] == [3, 4, 5]
    await ledger.flush()
    assert await count(db) == 3


async def test_failed_flush_keeps_everything_and_the_loop_retries(
    make_ledger: MakeLedger, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = make_ledger(flush_interval_seconds=0.05)
    real = store.upsert_contacts
    failures = 0

    async def flaky(session: AsyncSession, batch: Sequence[Mapping[str, Any]]) -> None:
        nonlocal failures
        if failures < 3:
            failures += 1
            raise OSError("database unreachable")
        await real(session, batch)

    monkeypatch.setattr(store, "upsert_contacts", flaky)
    for user_id in range(1, 21):
        await ledger.record(GUILD, youth(user_id), ContactKind.JOIN)
    with pytest.raises(LedgerUnavailable):
        await ledger.flush()
    assert len(ledger.buffer) == 20
    deadline = asyncio.get_running_loop().time() + 10
    while await count(db) < 20:
        assert asyncio.get_running_loop().time() < deadline, "the flush loop did not retry"
        await asyncio.sleep(0.05)
    assert failures == 3 and ledger.flush_failures >= 3
    assert len(ledger.buffer) == 0


async def test_close_writes_what_is_left(make_ledger: MakeLedger, db: Database) -> None:
    ledger = make_ledger(flush_interval_seconds=300)
    for user_id in range(1, 51):
        await ledger.record(GUILD, youth(user_id), ContactKind.JOIN)
    assert await count(db) == 0
    await ledger.close()
    assert await count(db) == 50
    # a contact arriving after close (the gateway still delivering during shutdown) is written at once
    assert await ledger.record(GUILD, youth(51), ContactKind.JOIN) is True
    assert await count(db) == 51


async def test_roles_unreadable_at_record_time_are_decided_at_flush(
    db: Database, clock: FakeClock, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger(flush_interval_seconds=60)
    real = ledger._guild_config
    calls = 0

    async def flaky(guild_id: int) -> GuildConfig:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise OSError("database unreachable")
        return await real(guild_id)

    ledger._guild_config = flaky
    assert await ledger.record(GUILD, youth(1), ContactKind.JOIN) is True
    assert await ledger.record(GUILD, STAFF, ContactKind.JOIN) is True  # undecided for now
    await ledger.flush()
    stored = await rows(db)
    assert len(stored) == 1  # the staff member was dropped once the roles could be read


async def test_public_exchange_counts_the_youth_once_in_either_order(
    ledger: LedgerService, db: Database, clock: FakeClock
) -> None:
    general, chill = 501, 502
    assert await ledger.observe_message(GUILD, general, None, youth(1)) == 0  # no staff yet
    assert await ledger.observe_message(GUILD, general, None, youth(1)) == 0
    await clock.advance(timedelta(minutes=3))
    assert await ledger.observe_message(GUILD, general, None, STAFF) == 1  # answers youth 1
    assert await ledger.observe_message(GUILD, general, None, youth(2)) == 1  # youth 2 answers staff
    for _ in range(20):  # a long chat: still one moment each
        await ledger.observe_message(GUILD, general, None, youth(1))
        await ledger.observe_message(GUILD, general, None, STAFF)
    await clock.advance(timedelta(minutes=11))
    assert await ledger.observe_message(GUILD, general, None, youth(3)) == 0  # staff wrote 11 minutes ago
    assert await ledger.observe_message(GUILD, chill, None, youth(4)) == 0  # another channel
    assert await ledger.observe_message(GUILD, general, None, Person(7, frozenset({PEER}))) == 0
    await ledger.flush()
    stored = await rows(db)
    assert [(r.kind, r.context) for r in stored] == [("public_exchange", "category=public")] * 2
