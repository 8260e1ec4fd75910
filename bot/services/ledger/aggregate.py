"""A range's online figures counted by the database (GROUP BY / COUNT DISTINCT), the same on SQLite and
PostgreSQL; returns the domain's :class:`~bot.domain.ledger.OnlineCounts`.

Every ledger row is one contact moment already (the writer upserts on ``moment_key``), so moments are
row counts. Queries over ``[start, end)``, each served by a covering index (migration
``0002b_ledger_report_indexes``): moments per (kind, context), moments per hour bucket, and the youth
figures and new members (per pseudonym: grouped for short ranges, probed with ``EXISTS`` through the
pseudonym index for long ones, where sorting a year of rows would dominate); plus, when any context
carries a session tag, attendance per session. Only a few thousand grouped rows reach Python whatever
the range, so ``/stats periode:year`` on a busy server stays well under a second.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, and_, case, exists, func, literal, not_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import LedgerContact
from bot.domain.ledger import (
    AFTER_HOURS_KINDS,
    NOT_CONTACT_KINDS,
    REACH_KINDS,
    TEAM_KINDS,
    ContactKind,
    OnlineCounts,
    SessionRow,
    parse_tags,
)

C = LedgerContact
_REACH = sorted(str(kind) for kind in REACH_KINDS)
_NOT_CONTACT = sorted(str(kind) for kind in NOT_CONTACT_KINDS)
_TEAM = sorted(str(kind) for kind in TEAM_KINDS)


def _none_of(column: Any, kinds: list[str]) -> ColumnElement[bool]:
    """``column`` is none of ``kinds``, as a chain of ``!=``: SQLite probes a lookup table per row for a
    ``NOT IN`` list of two or more values (a year of a busy guild took 1.5× as long), not for ``!=``."""
    return and_(*(column != kind for kind in kinds))


def _in_range(guild_id: int, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(C.guild_id == guild_id, C.hour_bucket >= start, C.hour_bucket < end)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.max(case((condition, 1), else_=0))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


#: From this many days on, the youth figures probe each pseudonym of the guild through the pseudonym index
#: (no sort of the whole range); shorter ranges group their own few rows.
PROBE_FROM_DAYS = 32


async def online_counts(
    session: AsyncSession,
    guild_id: int,
    start: datetime,
    end: datetime,
    further_contact_kinds: Collection[ContactKind],
) -> OnlineCounts:
    """The online figures of the UTC interval ``[start, end)`` (a local date range's bounds)."""
    contact = and_(_in_range(guild_id, start, end), _none_of(C.kind, _NOT_CONTACT))
    # grouped per hour first: that follows the index order, so only the per-hour groups are sorted; the team's
    # actions (check-ins sent, let go) come out of the same scan and are split off below
    contact_or_team = and_(_in_range(guild_id, start, end), _none_of(C.kind, _REACH))
    per_hour = (
        select(C.kind, C.context, func.count().label("n"))
        .where(contact_or_team)
        .group_by(C.hour_bucket, C.kind, C.context)
    ).subquery()
    kind_context = await session.execute(
        select(per_hour.c.kind, per_hour.c.context, func.sum(per_hour.c.n)).group_by(
            per_hour.c.kind, per_hour.c.context
        )
    )
    by_kind_context: dict[tuple[str, str], int] = {}
    team_actions: dict[str, int] = {}
    for kind, context, n in kind_context.all():
        if kind in _TEAM:
            team_actions[kind] = team_actions.get(kind, 0) + int(n)
        else:
            by_kind_context[(kind, context)] = int(n)
    buckets = await session.execute(select(C.hour_bucket, func.count()).where(contact).group_by(C.hour_bucket))
    by_bucket = {_aware(bucket): int(n) for bucket, n in buckets.all()}
    figures = _probed if end - start >= timedelta(days=PROBE_FROM_DAYS) else _grouped
    row = (await session.execute(figures(guild_id, start, end, further_contact_kinds))).one()
    unique, new, after_hours, further, members = (int(value or 0) for value in row)
    return OnlineCounts(
        by_kind_context=by_kind_context,
        by_bucket=by_bucket,
        unique_youths=unique,
        new_youths=new,
        after_hours_youths=after_hours,
        further_contact_youths=further,
        new_members=members,
        sessions=await _sessions(session, contact, {context for _, context in by_kind_context}),
        team_actions=team_actions,
    )


def _conditions(
    table: type[LedgerContact] | Any, further_contact_kinds: Collection[ContactKind]
) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    """(is a contact, wrote after hours, sought further contact, joined) for rows of ``table``."""
    after_hours = and_(table.after_hours, table.kind.in_(sorted(str(k) for k in AFTER_HOURS_KINDS)))
    kinds = sorted(str(k) for k in further_contact_kinds)
    further = table.kind.in_(kinds) if kinds else literal(False)
    return _none_of(table.kind, _NOT_CONTACT), after_hours, further, table.kind.in_(_REACH)


def _seen_before(guild_id: int, pseudonym: Any, start: datetime) -> Exists:
    earlier = aliased(LedgerContact)
    return exists().where(
        earlier.guild_id == guild_id,
        earlier.pseudonym == pseudonym,
        earlier.hour_bucket < start,
        _none_of(earlier.kind, _NOT_CONTACT),
    )


Figures = Select[tuple[int, int, int, int, int]]


def _grouped(guild_id: int, start: datetime, end: datetime, further_contact_kinds: Collection[ContactKind]) -> Figures:
    """(unique, new, after-hours, further-contact youths, new members) by grouping the range's rows per
    pseudonym; new = no contact row of that pseudonym before ``start`` (one index probe each)."""
    is_contact, after_hours, further, joined = _conditions(C, further_contact_kinds)
    per_youth = (
        select(
            _flag(is_contact).label("contact"),
            case((not_(_seen_before(guild_id, C.pseudonym, start)), 1), else_=0).label("unseen"),
            _flag(after_hours).label("after_hours"),
            _flag(further).label("further"),
            _flag(joined).label("joined"),
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


def _probed(guild_id: int, start: datetime, end: datetime, further_contact_kinds: Collection[ContactKind]) -> Figures:
    """The same five figures for long ranges: each pseudonym of the guild (read in index order, no sort)
    is probed with ``EXISTS`` on the (guild, pseudonym, hour, kind, after_hours) index."""
    people = select(C.pseudonym.label("p")).where(C.guild_id == guild_id, C.hour_bucket < end).distinct().subquery()
    row = aliased(LedgerContact)
    is_contact, after_hours, further, joined = _conditions(row, further_contact_kinds)

    def has(condition: ColumnElement[bool]) -> ColumnElement[int]:
        found = exists().where(
            row.guild_id == guild_id,
            row.pseudonym == people.c.p,
            row.hour_bucket >= start,
            row.hour_bucket < end,
            condition,
        )
        return case((found, 1), else_=0)

    flags = (
        select(
            has(is_contact).label("contact"),
            case((_seen_before(guild_id, people.c.p, start), 0), else_=1).label("unseen"),
            has(after_hours).label("after_hours"),
            has(further).label("further"),
            has(joined).label("joined"),
        )
        .select_from(people)
        .subquery()
    )
    f = flags.c
    return select(
        func.coalesce(func.sum(f.contact), 0),
        func.coalesce(func.sum(f.contact * f.unseen), 0),
        func.coalesce(func.sum(f.after_hours), 0),
        func.coalesce(func.sum(f.further), 0),
        func.coalesce(func.sum(f.joined), 0),
    ).select_from(flags)


async def _sessions(session: AsyncSession, contact: ColumnElement[bool], contexts: set[str]) -> tuple[SessionRow, ...]:
    """One session per (kind, session tag): distinct youths and the first hour bucket, as
    :func:`bot.domain.ledger.sessions_from_rows` (a session id may appear in several contexts)."""
    session_of = {context: tag for context in contexts if (tag := parse_tags(context).get("session"))}
    theme_of = {
        tag: theme for context, tag in sorted(session_of.items()) if (theme := parse_tags(context).get("theme"))
    }
    if not session_of:
        return ()
    sid = case(session_of, value=C.context)
    result = await session.execute(
        select(C.kind, sid, func.count(func.distinct(C.pseudonym)), func.min(C.hour_bucket))
        .where(contact, C.context.in_(sorted(session_of)))
        .group_by(C.kind, sid)
    )
    rows = [
        SessionRow(ContactKind(kind), tag, _aware(first), int(n), theme_of.get(tag))
        for kind, tag, n, first in result.all()
    ]
    return tuple(sorted(rows, key=lambda s: (s.at, s.kind, s.session_id)))
