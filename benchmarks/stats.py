"""Ledger reports and recording on SQLite: a year of synthetic contact moments at 10,000 and 1,000,000 rows.

Two databases are built with bulk ``executemany`` inserts (the same schema as ``happymood migrate``):

* small: guild A, a year (2026) of 10,000 moments;
* large: the same guild A year plus guild B, a busy guild with the rest of the rows (990,000 by default).

Timed through the service, exactly like ``/stats`` (query + :func:`build_report` + suppression):

* ``weekly_ms_small`` / ``weekly_ms_large``: an ISO week of guild A in each database. Guild A's data is
  identical, so ``scale_ratio = weekly_ms_large / weekly_ms_small`` shows whether the weekly query reads
  only that week of that guild (the (guild_id, hour_bucket) index) or scans the table (ratio ~100).
* ``yearly_ms_small`` / ``yearly_ms_large``: guild A's whole year in each database.
* ``weekly_ms_busy`` / ``yearly_ms_busy``: guild B, all of the remaining rows in one guild (worst case).
* same-run baseline: ``weekly_scan_ms_large``, guild A's weekly rows read with the index disabled
  (``NOT INDEXED``), i.e. what the weekly query would cost without the index.
* ``record_per_s``: contacts per second through the buffered writer (``record`` + the flush).
* ``loop_lag_ms_year``: the longest the event loop was blocked (a 5 ms ticker's worst lateness) while
  the busy guild's ``/stats periode:year`` answer was built: report, text, CSV and PNG (goal ≤ 100 ms).

Goals (issue #14, same run): ``yearly_ms_busy`` ≤ 1,000 ms over 1,000,000 moments, ``weekly_ms_busy``
≤ 50 ms, ``loop_lag_ms_year`` ≤ 100 ms. The figures are counted by the database (GROUP BY over the
covering index ``ix_ledger_contacts_report``), not row by row in Python.

    python benchmarks/stats.py [--small-only] [--rows N]

The last line of output is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.clock import FakeClock  # noqa: E402
from bot.db.engine import Database  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.domain.guild_config import GuildConfig  # noqa: E402
from bot.domain.ledger import ContactKind, LedgerConfig, iso_week_range, moment_key, year_range  # noqa: E402
from bot.i18n import I18n  # noqa: E402
from bot.services.contacts import Person  # noqa: E402
from bot.services.ledger import LedgerService, stats_answer, store  # noqa: E402

TZ = ZoneInfo("Europe/Brussels")
YEAR = 2026
GUILD_A, GUILD_B = 1_000_001, 1_000_002
SMALL_ROWS = 10_000
KINDS = [k.value for k in ContactKind]
CONTEXTS = ["", "theme=school", "theme=love", "theme=home", "category=public", "theme=friends", "session=s1"]
#: youths are busiest after school and in the evening
HOUR_WEIGHTS = [1, 1, 0, 0, 0, 0, 0, 1, 2, 2, 3, 3, 4, 4, 6, 8, 10, 10, 9, 9, 8, 6, 4, 2]
WEEK = iso_week_range(YEAR, 24)
RECORDS = 20_000


def _sqlite_utc(moment: datetime) -> str:
    """How SQLAlchemy stores a UTC DateTime on SQLite (naive, microseconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def synthetic_year(guild_id: int, rows: int, youths: int, seed: int) -> Iterator[tuple[object, ...]]:
    """``rows`` distinct moments (youth, kind, context, local day) spread over the year, as table tuples."""
    rnd = random.Random(seed)
    aliases = [f"{rnd.getrandbits(128):032x}" for _ in range(youths)]
    days = [date(YEAR, 1, 1) + timedelta(days=d) for d in range(365)]
    hours = range(24)
    buckets = {
        (d, h): _sqlite_utc(datetime(day.year, day.month, day.day, h, tzinfo=TZ))
        for d, day in enumerate(days)
        for h in hours
    }
    seen: set[int] = set()
    while len(seen) < rows:
        youth, day = rnd.randrange(youths), rnd.randrange(365)
        kind, context = rnd.randrange(len(KINDS)), rnd.randrange(len(CONTEXTS))
        code = ((youth * 365 + day) * len(KINDS) + kind) * len(CONTEXTS) + context
        if code in seen:
            continue
        seen.add(code)
        hour = rnd.choices(hours, HOUR_WEIGHTS)[0]
        alias, kind_name, ctx, iso_day = aliases[youth], KINDS[kind], CONTEXTS[context], days[day].isoformat()
        after_hours = int(kind_name == "desk" and hour >= 21)
        yield (
            guild_id,
            f"{alias}|{kind_name}|{ctx}|{iso_day}",
            alias,
            kind_name,
            ctx,
            buckets[(day, hour)],
            after_hours,
        )


def bulk_insert(path: Path, rows: Iterator[tuple[object, ...]]) -> int:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=OFF")
        cur = con.executemany(
            "INSERT INTO ledger_contacts (guild_id, moment_key, pseudonym, kind, context, hour_bucket, after_hours)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        con.commit()
        con.execute("ANALYZE")
        return cur.rowcount
    finally:
        con.close()


async def derive(path: Path) -> None:
    """What the writer keeps in step as it stores rows: each pseudonym's first contact (the bulk insert
    went around it)."""
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with db.session() as session:
            await store.rebuild_first_contacts(session)
    finally:
        await db.dispose()


async def create(path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(db)
    finally:
        await db.dispose()


def service(path: Path) -> tuple[Database, LedgerService]:
    db = Database(f"sqlite+aiosqlite:///{path}")
    clock = FakeClock(datetime(YEAR + 1, 1, 15, 12, tzinfo=UTC))

    async def core(_guild_id: int) -> GuildConfig:
        return GuildConfig(timezone="Europe/Brussels")

    return db, LedgerService(db, clock, LedgerConfig(flush_interval_seconds=300), guild_config=core)


async def timed_report(ledger: LedgerService, guild_id: int, span: object, runs: int) -> tuple[float, int]:
    """Median milliseconds of ``ledger.report`` (what /stats runs) and the report's online moments."""
    times = []
    moments = 0
    for _ in range(runs):
        started = time.perf_counter()
        report = await ledger.report(guild_id, span)  # type: ignore[arg-type]
        times.append((time.perf_counter() - started) * 1000)
        moments = int(dict(report.summary)["online_moments"].value or 0)
    return statistics.median(times), moments


async def loop_lag_ms(ledger: LedgerService, guild_id: int, span: object) -> float:
    """Worst event-loop lateness (ms) of a 5 ms ticker while the full ``/stats`` answer is built."""
    worst = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst
        loop = asyncio.get_running_loop()
        while not done.is_set():
            started = loop.time()
            await asyncio.sleep(0.005)
            worst = max(worst, (loop.time() - started - 0.005) * 1000)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    try:
        report = await ledger.report(guild_id, span)  # type: ignore[arg-type]
        await stats_answer(report, I18n(), "nl")
    finally:
        done.set()
        await task
    return worst


def weekly_scan_ms(path: Path, runs: int = 5) -> tuple[float, bool]:
    """Baseline: guild A's weekly rows with the index disabled; and whether the real query uses the index."""
    start, end = WEEK.utc_bounds(TZ)
    where = "guild_id = ? AND hour_bucket >= ? AND hour_bucket < ?"
    args = (GUILD_A, _sqlite_utc(start), _sqlite_utc(end))
    con = sqlite3.connect(path)
    try:
        plan = " ".join(
            str(r) for r in con.execute(f"EXPLAIN QUERY PLAN SELECT * FROM ledger_contacts WHERE {where}", args)
        )
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            con.execute(f"SELECT * FROM ledger_contacts NOT INDEXED WHERE {where}", args).fetchall()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times), "ix_ledger_contacts_report" in plan
    finally:
        con.close()


async def recording_rate(path: Path) -> float:
    """Contacts per second through ``record`` with the real flush loop running, until all are stored."""
    await create(path)
    db = Database(f"sqlite+aiosqlite:///{path}")
    clock = FakeClock(datetime(YEAR, 6, 10, 15, tzinfo=UTC))

    async def core(_guild_id: int) -> GuildConfig:
        return GuildConfig(timezone="Europe/Brussels")

    # a buffer that holds the whole burst: at 10,000+ contacts/s the default 10,000 fills during one flush
    config = LedgerConfig(flush_interval_seconds=0.25, buffer_max=RECORDS)
    ledger = LedgerService(db, clock, config, guild_config=core)
    try:
        started = time.perf_counter()
        for user_id in range(RECORDS):
            person = Person(10**17 + user_id)
            await ledger.record(GUILD_A, person, ContactKind.PUBLIC_EXCHANGE, tags={"category": "public"})
        await ledger.flush()
        elapsed = time.perf_counter() - started
        await ledger.close()
        async with db.session() as session:
            stored = (await session.execute(text("SELECT count(*) FROM ledger_contacts"))).scalar_one()
        assert (stored, ledger.buffer.dropped) == (RECORDS, 0), (stored, ledger.buffer.dropped)
    finally:
        await db.dispose()
    return RECORDS / elapsed


def check_format(path: Path) -> None:
    """The synthetic moment keys and timestamps are exactly what the service writes."""
    con = sqlite3.connect(path)
    try:
        key, bucket = con.execute("SELECT moment_key, hour_bucket FROM ledger_contacts LIMIT 1").fetchone()
    finally:
        con.close()
    alias, kind, context, _day = key.split("|")
    at = datetime.fromisoformat(bucket).replace(tzinfo=UTC)
    assert moment_key(alias, kind, context, at, TZ) == key, key


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small-only", action="store_true", help="skip the large database")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the large database (default 1,000,000)")
    args = parser.parse_args()
    result: dict[str, object] = {"rows_small": SMALL_ROWS}
    with tempfile.TemporaryDirectory(prefix="happymood-bench-") as tmp:
        small, large = Path(tmp) / "small.db", Path(tmp) / "large.db"
        await create(small)
        bulk_insert(small, synthetic_year(GUILD_A, SMALL_ROWS, 600, seed=1))
        await derive(small)
        check_format(small)
        db, ledger = service(small)
        try:
            result["weekly_ms_small"], week_moments = await timed_report(ledger, GUILD_A, WEEK, runs=7)
            result["yearly_ms_small"], _ = await timed_report(ledger, GUILD_A, year_range(YEAR), runs=3)
        finally:
            await db.dispose()
        print(f"small: {SMALL_ROWS} rows, week {WEEK.start}..{WEEK.end}: {week_moments} moments", flush=True)

        if not args.small_only:
            await create(large)
            started = time.perf_counter()
            bulk_insert(large, synthetic_year(GUILD_A, SMALL_ROWS, 600, seed=1))
            busy = args.rows - SMALL_ROWS
            bulk_insert(large, synthetic_year(GUILD_B, busy, max(1000, busy // 120), seed=2))
            await derive(large)
            result["generate_s_large"] = round(time.perf_counter() - started, 1)
            result["rows_large"] = args.rows
            print(f"large: {args.rows} rows generated in {result['generate_s_large']} s", flush=True)
            db, ledger = service(large)
            try:
                result["weekly_ms_large"], _ = await timed_report(ledger, GUILD_A, WEEK, runs=7)
                result["yearly_ms_large"], _ = await timed_report(ledger, GUILD_A, year_range(YEAR), runs=3)
                result["weekly_ms_busy"], busy_week = await timed_report(ledger, GUILD_B, WEEK, runs=7)
                result["yearly_ms_busy"], busy_year = await timed_report(ledger, GUILD_B, year_range(YEAR), runs=3)
                result["loop_lag_ms_year"] = await loop_lag_ms(ledger, GUILD_B, year_range(YEAR))
            finally:
                await db.dispose()
            print(f"busy guild: {busy} rows, {busy_week} moments in the week, {busy_year} in the year", flush=True)
            result["weekly_scan_ms_large"], result["weekly_uses_index"] = weekly_scan_ms(large)
            result["scale_ratio"] = round(float(result["weekly_ms_large"]) / float(result["weekly_ms_small"]), 2)  # type: ignore[arg-type]
        else:
            result.update(rows_large=None, weekly_ms_large=None, yearly_ms_large=None, scale_ratio=None)
            db, ledger = service(small)
            try:
                result["loop_lag_ms_year"] = await loop_lag_ms(ledger, GUILD_A, year_range(YEAR))
            finally:
                await db.dispose()
        result["record_per_s"] = round(await recording_rate(Path(tmp) / "record.db"))
    order = ["rows_small", "rows_large", "weekly_ms_small", "weekly_ms_large", "yearly_ms_large", "scale_ratio"]
    order += ["record_per_s", *sorted(k for k in result if k not in order and k != "record_per_s")]
    print(
        json.dumps(
            {
                k: round(v, 1) if isinstance(v, float) and k != "scale_ratio" else v
                for k, v in ((k, result[k]) for k in order)
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
