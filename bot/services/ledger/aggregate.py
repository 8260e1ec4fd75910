"""A range's online figures counted by the database (GROUP BY / COUNT DISTINCT), the same on SQLite and
PostgreSQL; returns the domain's :class:`~bot.domain.ledger.OnlineCounts`.

Every ledger row is one contact moment already (the writer upserts on ``moment_key``), so moments are
row counts. Three scans of ``[start, end)``, each served by a covering index (migration
``0002b_ledger_report_indexes``): moments per (kind, context), moments per hour bucket, and one pass per
pseudonym for the youth figures (with a ``NOT EXISTS`` probe for an earlier contact row) and new
members; plus, when any context carries a session tag, attendance per session. Only a few thousand
grouped rows reach Python whatever the range, so ``/stats periode:year`` on a busy server stays well under a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, not_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import LedgerContact
from bot.domain.ledger import AFTER_HOURS_KINDS, REACH_KINDS, ContactKind, OnlineCounts, SessionRow, parse_tags

C = LedgerContact
_REACH = sorted(str(kind) for kind in REACH_KINDS)


def _in_range(guild_id: int, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(C.guild_id == guild_id, C.hour_bucket >= start, C.hour_bucket < end)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.max(case((condition, 1), else_=0))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]


async def online_counts(
    sessions: SessionFactory,
    guild_id: int,
    start: datetime,
    end: datetime,
    further_contact_kinds: Collection[ContactKind],
    *,
    parallel: bool = True,
) -> OnlineCounts:
    """The online figures of the UTC interval ``[start, end)`` (a local date range's bounds).

    The three scans run on their own connections at the same time when ``parallel`` (each is one sort
    over the range's index entries; SQLite and PostgreSQL both run them on separate cores). The caller
    keeps writers out meanwhile, so the three see the same rows.
    """
    where = _in_range(guild_id, start, end)
    contact = and_(where, C.kind.not_in(_REACH))

    async def kinds_and_sessions() -> tuple[dict[tuple[str, str], int], tuple[SessionRow, ...]]:
        async with sessions() as session:
            result = await session.execute(
                select(C.kind, C.context, func.count()).where(contact).group_by(C.kind, C.context)
            )
            by_kind_context = {(kind, context): int(n) for kind, context, n in result.all()}
            return by_kind_context, await _sessions(session, contact, {context for _, context in by_kind_context})

    async def buckets() -> dict[datetime, int]:
        async with sessions() as session:
            result = await session.execute(select(C.hour_bucket, func.count()).where(contact).group_by(C.hour_bucket))
            return {_aware(bucket): int(n) for bucket, n in result.all()}

    async def youths() -> tuple[int, int, int, int, int]:
        async with sessions() as session:
            row = (await session.execute(_youth_figures(guild_id, start, end, further_contact_kinds))).one()
            return tuple(int(value or 0) for value in row)  # type: ignore[return-value]

    if parallel:
        (by_kind_context, held), by_bucket, people = await asyncio.gather(kinds_and_sessions(), buckets(), youths())
    else:
        (by_kind_context, held), by_bucket, people = await kinds_and_sessions(), await buckets(), await youths()
    unique, new, after_hours, further, members = people
    return OnlineCounts(
        by_kind_context=by_kind_context,
        by_bucket=by_bucket,
        unique_youths=unique,
        new_youths=new,
        after_hours_youths=after_hours,
        further_contact_youths=further,
        new_members=members,
        sessions=held,
    )


def _youth_figures(
    guild_id: int, start: datetime, end: datetime, further_contact_kinds: Collection[ContactKind]
) -> Select[tuple[int, int, int, int, int]]:
    """One pass per pseudonym: (unique youths, new youths, after-hours youths, further-contact youths,
    new members). New: no contact row of this pseudonym before ``start`` (one index probe each)."""
    is_contact = C.kind.not_in(_REACH)
    earlier = aliased(LedgerContact)
    seen_before = exists().where(
        earlier.guild_id == guild_id,
        earlier.pseudonym == C.pseudonym,
        earlier.hour_bucket < start,
        earlier.kind.not_in(_REACH),
    )
    after_hours = and_(C.after_hours, C.kind.in_(sorted(str(k) for k in AFTER_HOURS_KINDS)))
    further = C.kind.in_(sorted(str(k) for k in further_contact_kinds)) if further_contact_kinds else literal(False)
    per_youth = (
        select(
            _flag(is_contact).label("contact"),
            case((not_(seen_before), 1), else_=0).label("unseen"),
            _flag(after_hours).label("after_hours"),
            _flag(further).label("further"),
            _flag(C.kind.in_(_REACH)).label("joined"),
        )
        .where(_in_range(guild_id, start, end))
        .group_by(C.pseudonym)
        .subquery()
    )
    y = per_youth.c
    return select(
        func.coalesce(func.sum(y.contact), 0),
        func.coalesce(func.sum(y.contact * y.unseen), 0),
        func.coalesce(func.sum(y.after_hours), 0),
        func.coalesce(func.sum(y.further), 0),
        func.coalesce(func.sum(y.joined), 0),
    ).select_from(per_youth)


async def _sessions(session: AsyncSession, contact: ColumnElement[bool], contexts: set[str]) -> tuple[SessionRow, ...]:
    """One session per (kind, session tag): distinct youths and the first hour bucket, as
    :func:`bot.domain.ledger.sessions_from_rows` (a session id may appear in several contexts)."""
    session_of = {context: tag for context in contexts if (tag := parse_tags(context).get("session"))}
    if not session_of:
        return ()
    sid = case(session_of, value=C.context)
    result = await session.execute(
        select(C.kind, sid, func.count(func.distinct(C.pseudonym)), func.min(C.hour_bucket))
        .where(contact, C.context.in_(sorted(session_of)))
        .group_by(C.kind, sid)
    )
    rows = [SessionRow(ContactKind(kind), tag, _aware(first), int(n)) for kind, tag, n, first in result.all()]
    return tuple(sorted(rows, key=lambda s: (s.at, s.kind, s.session_id)))
