"""SQL for the ledger tables, the same on SQLite and PostgreSQL (``INSERT … ON CONFLICT`` on both).

Functions take an open session; the service decides about transactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import LedgerContact, LedgerDaily, LedgerFirstContact, LedgerKey, LedgerOffline, LedgerWeekly
from bot.domain.ledger import (
    NOT_CONTACT_KINDS,
    ContactKind,
    ContactRow,
    DailyCount,
    OfflineMoment,
    PlaceType,
    WeeklyCount,
    parse_tags,
)
from bot.domain.ledger.pseudonym import PSEUDONYM_LENGTH

BATCH = 500
_NOT_CONTACT = sorted(str(kind) for kind in NOT_CONTACT_KINDS)


def none_of(column: Any, kinds: Sequence[str]) -> ColumnElement[bool]:
    """``column`` is none of ``kinds``, as a chain of ``!=``: SQLite probes a lookup table per row for a
    ``NOT IN`` list of two or more values (a year of a busy guild took 1.5× as long), not for ``!=``."""
    return and_(*(column != kind for kind in kinds))


def is_contact(kind: Any) -> ColumnElement[bool]:
    """A row of this ``kind`` column is a contact moment (not a join, not a check-in sent or let go)."""
    return none_of(kind, _NOT_CONTACT)


def _insert(session: AsyncSession, model: Any) -> postgresql.Insert | sqlite.Insert:
    dialect = session.get_bind().dialect.name
    return pg_insert(model) if dialect == "postgresql" else sqlite_insert(model)


# ------------------------------------------------------------------------------------------- keys


async def read_key(session: AsyncSession, guild_id: int, period_id: str) -> bytes | None:
    return await session.scalar(
        select(LedgerKey.secret).where(LedgerKey.guild_id == guild_id, LedgerKey.period_id == period_id)
    )


async def create_key(session: AsyncSession, guild_id: int, period_id: str, secret: bytes, now: datetime) -> bytes:
    """Store ``secret`` unless another process stored one first; returns the key in effect."""
    stmt = _insert(session, LedgerKey).values(guild_id=guild_id, period_id=period_id, secret=secret, created_at=now)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["guild_id", "period_id"]))
    stored = await read_key(session, guild_id, period_id)
    assert stored is not None
    return stored


async def keys_of(session: AsyncSession, guild_id: int) -> dict[str, bytes]:
    rows = await session.execute(select(LedgerKey.period_id, LedgerKey.secret).where(LedgerKey.guild_id == guild_id))
    return {period_id: secret for period_id, secret in rows.all()}


async def destroy_keys(session: AsyncSession, guild_id: int, period_ids: Iterable[str]) -> int:
    ids = list(period_ids)
    if not ids:
        return 0
    result = await session.execute(
        delete(LedgerKey).where(LedgerKey.guild_id == guild_id, LedgerKey.period_id.in_(ids))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------- contacts


async def upsert_contacts(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert moments; an existing moment keeps its earliest hour and becomes after-hours if either was.

    ``rows`` must not repeat a ``(guild_id, moment_key)`` (PostgreSQL refuses that in one statement).
    """
    table = LedgerContact.__table__
    ins = _insert(session, LedgerContact)
    excluded = ins.excluded
    earlier = excluded.hour_bucket < table.c.hour_bucket
    stmt = ins.on_conflict_do_update(
        index_elements=["guild_id", "moment_key"],
        set_={
            "hour_bucket": case((earlier, excluded.hour_bucket), else_=table.c.hour_bucket),
            "after_hours": or_(table.c.after_hours, excluded.after_hours),
        },
        where=or_(earlier, and_(excluded.after_hours, not_(table.c.after_hours))),
    )
    for start in range(0, len(rows), BATCH):
        await session.execute(stmt, list(rows[start : start + BATCH]))
    await _note_first_contacts(session, rows)


async def _note_first_contacts(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Each pseudonym's first contact becomes the earliest of the stored one and the new rows'."""
    firsts: dict[tuple[int, str], datetime] = {}
    for row in rows:
        if row["kind"] in _NOT_CONTACT:
            continue
        key = (row["guild_id"], row["pseudonym"])
        if key not in firsts or row["hour_bucket"] < firsts[key]:
            firsts[key] = row["hour_bucket"]
    if not firsts:
        return
    ins = _insert(session, LedgerFirstContact)
    stmt = ins.on_conflict_do_update(
        index_elements=["guild_id", "pseudonym"],
        set_={"first_contact": ins.excluded.first_contact},
        where=ins.excluded.first_contact < LedgerFirstContact.__table__.c.first_contact,
    )
    items = [{"guild_id": g, "pseudonym": p, "first_contact": at} for (g, p), at in sorted(firsts.items())]
    for start in range(0, len(items), BATCH):
        await session.execute(stmt, items[start : start + BATCH])


async def _derive_first_contacts(session: AsyncSession, *where: ColumnElement[bool]) -> None:
    """Insert the earliest contact hour of each pseudonym of the rows matching ``where``."""
    C = LedgerContact
    earliest = (
        select(C.guild_id, C.pseudonym, func.min(C.hour_bucket))
        .where(is_contact(C.kind), *where)
        .group_by(C.guild_id, C.pseudonym)
    )
    await session.execute(insert(LedgerFirstContact).from_select(["guild_id", "pseudonym", "first_contact"], earliest))


async def _recount_first_contacts(session: AsyncSession, guild_id: int, pseudonyms: Sequence[str]) -> None:
    """Derive the first contact of ``pseudonyms`` again from their remaining rows (after a delete)."""
    F = LedgerFirstContact
    for start in range(0, len(pseudonyms), BATCH):
        chunk = list(pseudonyms[start : start + BATCH])
        await session.execute(delete(F).where(F.guild_id == guild_id, F.pseudonym.in_(chunk)))
        await _derive_first_contacts(session, LedgerContact.guild_id == guild_id, LedgerContact.pseudonym.in_(chunk))


async def rebuild_first_contacts(session: AsyncSession) -> None:
    """Derive every first contact from ``ledger_contacts`` (for rows written around the store, as the
    benchmark's bulk insert does; migration 0002d_ledger_scale does the same once)."""
    await session.execute(delete(LedgerFirstContact))
    await _derive_first_contacts(session)


def new_youths_between(guild_id: int, start: datetime, end: datetime) -> ScalarSelect[int]:
    """Pseudonyms whose first contact lies in ``[start, end)``: one range count on the first-contact index."""
    F = LedgerFirstContact
    return (
        select(func.count())
        .where(F.guild_id == guild_id, F.first_contact >= start, F.first_contact < end)
        .scalar_subquery()
    )


RawContact = tuple[str, str, datetime, str, bool]


def to_rows(result: Iterable[RawContact]) -> list[ContactRow]:
    """Domain rows from raw (kind, context, hour_bucket, pseudonym, after_hours); contexts parsed once each.

    CPU-bound for big ranges: the service runs it in a worker thread, off the event loop."""
    tags: dict[str, dict[str, str]] = {}
    rows = []
    for kind, context, bucket, pseudonym, after_hours in result:
        parsed = tags.get(context)
        if parsed is None:
            parsed = tags[context] = parse_tags(context)
        rows.append(ContactRow(ContactKind(kind), parsed, bucket, pseudonym, bool(after_hours)))
    return rows


_ROW_COLUMNS = (
    LedgerContact.kind,
    LedgerContact.context,
    LedgerContact.hour_bucket,
    LedgerContact.pseudonym,
    LedgerContact.after_hours,
)


async def contacts_between(session: AsyncSession, guild_id: int, start: datetime, end: datetime) -> list[RawContact]:
    """Rows with ``start <= hour_bucket < end`` (served by the (guild_id, hour_bucket) index), see :func:`to_rows`."""
    result = await session.execute(
        select(*_ROW_COLUMNS).where(
            LedgerContact.guild_id == guild_id, LedgerContact.hour_bucket >= start, LedgerContact.hour_bucket < end
        )
    )
    return [tuple(row) for row in result.all()]  # type: ignore[misc]  # SQLAlchemy's Row is not typed per column


async def contacts_before(session: AsyncSession, guild_id: int, cutoff: datetime) -> list[RawContact]:
    result = await session.execute(
        select(*_ROW_COLUMNS).where(LedgerContact.guild_id == guild_id, LedgerContact.hour_bucket < cutoff)
    )
    return [tuple(row) for row in result.all()]  # type: ignore[misc]  # SQLAlchemy's Row is not typed per column


async def delete_contacts_before(session: AsyncSession, guild_id: int, cutoff: datetime) -> int:
    F = LedgerFirstContact
    affected = list(
        (await session.scalars(select(F.pseudonym).where(F.guild_id == guild_id, F.first_contact < cutoff))).all()
    )
    result = await session.execute(
        delete(LedgerContact).where(LedgerContact.guild_id == guild_id, LedgerContact.hour_bucket < cutoff)
    )
    await _recount_first_contacts(session, guild_id, affected)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def delete_contacts_of(session: AsyncSession, guild_id: int, pseudonyms: Sequence[str], since: datetime) -> int:
    if not pseudonyms:
        return 0
    result = await session.execute(
        delete(LedgerContact).where(
            LedgerContact.guild_id == guild_id,
            LedgerContact.pseudonym.in_(pseudonyms),
            LedgerContact.hour_bucket >= since,
        )
    )
    await _recount_first_contacts(session, guild_id, pseudonyms)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def rekey(session: AsyncSession, guild_id: int, mapping: Mapping[str, str]) -> int:
    """Replace pseudonyms (old -> new) in rows and their moment keys (which start with the pseudonym)."""
    changed = 0
    for old, new in mapping.items():
        result = await session.execute(
            update(LedgerContact)
            .where(LedgerContact.guild_id == guild_id, LedgerContact.pseudonym == old)
            .values(
                pseudonym=new,
                moment_key=literal(new) + func.substr(LedgerContact.moment_key, PSEUDONYM_LENGTH + 1),
            )
        )
        changed += int(result.rowcount)  # type: ignore[attr-defined]
        await session.execute(
            update(LedgerFirstContact)
            .where(LedgerFirstContact.guild_id == guild_id, LedgerFirstContact.pseudonym == old)
            .values(pseudonym=new)
        )
    return changed


# ------------------------------------------------------------------------------ offline and rollups


async def add_offline(session: AsyncSession, guild_id: int, moment: OfflineMoment, now: datetime) -> None:
    session.add(
        LedgerOffline(
            guild_id=guild_id,
            day=moment.day,
            place_type=str(moment.place_type),
            place=moment.place,
            youth_count=moment.youth_count,
            created_at=now,
        )
    )


async def offline_between(session: AsyncSession, guild_id: int, first: date, last: date) -> list[OfflineMoment]:
    result = await session.execute(
        select(LedgerOffline.day, LedgerOffline.place_type, LedgerOffline.place, LedgerOffline.youth_count).where(
            LedgerOffline.guild_id == guild_id, LedgerOffline.day >= first, LedgerOffline.day <= last
        )
    )
    return [OfflineMoment(day, PlaceType(place_type), place, count) for day, place_type, place, count in result.all()]


async def add_daily(session: AsyncSession, guild_id: int, counts: Sequence[DailyCount]) -> None:
    """Add rolled-up counts to what earlier retention runs stored for the same day, kind and theme.

    (Rolled-up weeks, :class:`LedgerWeekly`, are what earlier versions stored: only read any more.)"""
    if not counts:
        return
    ins = _insert(session, LedgerDaily)
    stmt = ins.on_conflict_do_update(
        index_elements=["guild_id", "day", "kind", "theme"],
        set_={"moments": LedgerDaily.__table__.c.moments + ins.excluded.moments},
    )
    rows = [
        {"guild_id": guild_id, "day": c.day, "kind": str(c.kind), "theme": c.theme or "", "moments": c.moments}
        for c in counts
    ]
    for start in range(0, len(rows), BATCH):
        await session.execute(stmt, rows[start : start + BATCH])


async def daily_between(session: AsyncSession, guild_id: int, first: date, last: date) -> list[DailyCount]:
    result = await session.execute(
        select(LedgerDaily.day, LedgerDaily.kind, LedgerDaily.theme, LedgerDaily.moments).where(
            LedgerDaily.guild_id == guild_id, LedgerDaily.day >= first, LedgerDaily.day <= last
        )
    )
    return [DailyCount(day, ContactKind(kind), theme or None, moments) for day, kind, theme, moments in result.all()]


async def weekly_between_years(session: AsyncSession, guild_id: int, first: int, last: int) -> list[WeeklyCount]:
    result = await session.execute(
        select(
            LedgerWeekly.iso_year, LedgerWeekly.iso_week, LedgerWeekly.kind, LedgerWeekly.theme, LedgerWeekly.moments
        ).where(LedgerWeekly.guild_id == guild_id, LedgerWeekly.iso_year >= first, LedgerWeekly.iso_year <= last)
    )
    return [
        WeeklyCount(year, week, ContactKind(kind), theme or None, moments)
        for year, week, kind, theme, moments in result.all()
    ]


async def ledger_guilds(session: AsyncSession) -> list[int]:
    """Every guild with anything in the ledger (contacts, keys, offline moments or rollups)."""
    query = union(
        select(LedgerContact.guild_id),
        select(LedgerKey.guild_id),
        select(LedgerOffline.guild_id),
        select(LedgerWeekly.guild_id),
        select(LedgerDaily.guild_id),
    )
    return sorted(int(g) for g in (await session.scalars(query)).all())
