"""A range's online figures counted by the database (GROUP BY / COUNT DISTINCT), the same on SQLite and
PostgreSQL; returns the domain's :class:`~bot.domain.ledger.OnlineCounts`.

Every ledger row is one contact moment already (the writer upserts on ``moment_key``), so moments are
row counts. Four queries over ``[start, end)``, each served by a covering index (migration
``0006_ledger_report_indexes``): moments per (kind, context), moments per hour bucket, the youth figures
(distinct pseudonyms, with a ``NOT EXISTS`` probe for an earlier contact row), new members; plus, when
any context carries a session tag, attendance per session. Only a few hundred grouped rows reach Python,
whatever the range, so ``/stats periode:year`` on a busy server stays well under a second.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, not_, select
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


async def online_counts(
    session: AsyncSession,
    guild_id: int,
    start: datetime,
    end: datetime,
    further_contact_kinds: Collection[ContactKind],
) -> OnlineCounts:
    """The online figures of the UTC interval ``[start, end)`` (a local date range's bounds)."""
    where = _in_range(guild_id, start, end)
    contact = and_(where, C.kind.not_in(_REACH))

    kind_context = await session.execute(
        select(C.kind, C.context, func.count()).where(contact).group_by(C.kind, C.context)
    )
    by_kind_context = {(kind, context): int(n) for kind, context, n in kind_context.all()}

    buckets = await session.execute(select(C.hour_bucket, func.count()).where(contact).group_by(C.hour_bucket))
    by_bucket = {_aware(bucket): int(n) for bucket, n in buckets.all()}

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
            case((not_(seen_before), 1), else_=0).label("new"),
            _flag(after_hours).label("after_hours"),
            _flag(further).label("further"),
        )
        .where(contact)
        .group_by(C.pseudonym)
        .subquery()
    )
    youths = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(per_youth.c.new), 0),
                func.coalesce(func.sum(per_youth.c.after_hours), 0),
                func.coalesce(func.sum(per_youth.c.further), 0),
            ).select_from(per_youth)
        )
    ).one()

    members = await session.scalar(select(func.count(func.distinct(C.pseudonym))).where(where, C.kind.in_(_REACH)))
    return OnlineCounts(
        by_kind_context=by_kind_context,
        by_bucket=by_bucket,
        unique_youths=int(youths[0]),
        new_youths=int(youths[1]),
        after_hours_youths=int(youths[2]),
        further_contact_youths=int(youths[3]),
        new_members=int(members or 0),
        sessions=await _sessions(session, contact, {context for _, context in by_kind_context}),
    )


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
