"""A range's online figures counted by the database (GROUP BY / COUNT DISTINCT), the same on SQLite and
PostgreSQL; returns the domain's :class:`~bot.domain.ledger.OnlineCounts`.

Every ledger row is one contact moment already (the writer upserts on ``moment_key``), so moments are
row counts. Queries over ``[start, end)``, each served by a covering index (migrations ``0002b`` and
``0002d``), run at the same time on their own connections: moments per (kind, context) — sorted for
short ranges, in context-index order over the guild's rows for long ones — then attendance per session
when a context carries a session tag; moments per hour bucket; and the youth figures and new members
(per pseudonym: grouped for short ranges, probed with ``EXISTS`` through the pseudonym index for long
ones), with new youths counted from ``ledger_first_contacts``. Only a few thousand grouped rows reach
Python whatever the range: a year of a million moments takes under a second (``benchmarks/stats.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Executable, Select, and_, case, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import LedgerContact
from bot.domain.ledger import (
    AFTER_HOURS_KINDS,
    REACH_KINDS,
    TEAM_KINDS,
    ContactKind,
    OnlineCounts,
    SessionRow,
    parse_tags,
)
from bot.services.ledger.store import is_contact, new_youths_between, none_of

C = LedgerContact
_REACH = sorted(str(kind) for kind in REACH_KINDS)
_TEAM = sorted(str(kind) for kind in TEAM_KINDS)


def _in_range(guild_id: int, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(C.guild_id == guild_id, C.hour_bucket >= start, C.hour_bucket < end)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.max(case((condition, 1), else_=0))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


#: From this many days on, the youth figures probe each pseudonym of the guild through the pseudonym index
#: (no sort of the whole range); shorter ranges group their own few rows.
PROBE_FROM_DAYS = 32
#: From this many days on, moments per (kind, context) are counted over all of the guild's rows in the
#: order of the context index (no sort; rows outside the range count 0): a year of a busy guild took a
#: third of the time of sorting the range's rows; a quarter is still quicker sorted (benchmarks/stats.py).
STREAM_FROM_DAYS = 180

Sessions = Callable[[], AbstractAsyncContextManager[AsyncSession]]


async def online_counts(
    sessions: Sessions,
    guild_id: int,
    start: datetime,
    end: datetime,
    further_contact_kinds: Collection[ContactKind],
) -> OnlineCounts:
    """The online figures of the UTC interval ``[start, end)`` (a local date range's bounds).

    The independent queries run at the same time, each on its own connection (WAL readers on SQLite,
    backends on PostgreSQL): a year of a busy guild is bound by the slowest, not by their sum. The caller
    keeps the ledger's writer out meanwhile, so all of them see the same rows."""

    async def read(query: Any) -> list[Any]:
        async with sessions() as session:
            return list((await session.execute(query)).all())

    figures = _probed if end - start >= timedelta(days=PROBE_FROM_DAYS) else _grouped
    (by_kind_context, team_actions, session_rows), buckets, youths = await asyncio.gather(
        _kinds_and_sessions(sessions, guild_id, start, end),
        read(select(C.hour_bucket, func.count()).where(_contact(guild_id, start, end)).group_by(C.hour_bucket)),
        read(figures(guild_id, start, end, further_contact_kinds)),
    )
    unique, new, after_hours, further, members = (int(value or 0) for value in youths[0])
    return OnlineCounts(
        by_kind_context=by_kind_context,
        by_bucket={_aware(bucket): int(n) for bucket, n in buckets},
        unique_youths=unique,
        new_youths=new,
        after_hours_youths=after_hours,
        further_contact_youths=further,
        new_members=members,
        sessions=session_rows,
        team_actions=team_actions,
    )


def _contact(guild_id: int, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(_in_range(guild_id, start, end), is_contact(C.kind))


def _per_kind_context(guild_id: int, start: datetime, end: datetime) -> Executable:
    """Moments per (kind, context) of contacts and of the team's actions, counted the quicker way."""
    if end - start < timedelta(days=STREAM_FROM_DAYS):
        in_range = and_(_in_range(guild_id, start, end), none_of(C.kind, _REACH))
        return select(C.kind, C.context, func.count()).where(in_range).group_by(C.kind, C.context)
    n = func.sum(case((and_(C.hour_bucket >= start, C.hour_bucket < end), 1), else_=0))
    return (
        select(C.kind, C.context, n)
        .where(C.guild_id == guild_id, none_of(C.kind, _REACH))
        .group_by(C.context, C.kind)
        .having(n > 0)
    )


async def _kinds_and_sessions(
    sessions: Sessions, guild_id: int, start: datetime, end: datetime
) -> tuple[dict[tuple[str, str], int], dict[str, int], tuple[SessionRow, ...]]:
    """Moments per (kind, context) of contacts, the team's actions (check-ins sent, let go) from the same
    scan, and the sessions of the contexts found."""
    by_kind_context: dict[tuple[str, str], int] = {}
    team_actions: dict[str, int] = {}
    async with sessions() as session:
        grouped: list[Any] = list((await session.execute(_per_kind_context(guild_id, start, end))).all())
        for kind, context, n in grouped:
            if kind in _TEAM:
                team_actions[kind] = team_actions.get(kind, 0) + int(n)
            else:
                by_kind_context[(kind, context)] = int(n)
        contexts = {context for _, context in by_kind_context}
        session_rows = await _sessions(session, _contact(guild_id, start, end), contexts)
    return by_kind_context, team_actions, session_rows


def _conditions(
    table: type[LedgerContact] | Any, further_contact_kinds: Collection[ContactKind]
) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    """(is a contact, wrote after hours, sought further contact, joined) for rows of ``table``."""
    after_hours = and_(table.after_hours, table.kind.in_(sorted(str(k) for k in AFTER_HOURS_KINDS)))
    kinds = sorted(str(k) for k in further_contact_kinds)
    further = table.kind.in_(kinds) if kinds else literal(False)
    return is_contact(table.kind), after_hours, further, table.kind.in_(_REACH)


Figures = Select[tuple[int, int, int, int, int]]


def _grouped(guild_id: int, start: datetime, end: datetime, further_contact_kinds: Collection[ContactKind]) -> Figures:
    """(unique, new, after-hours, further-contact youths, new members) by grouping the range's rows per
    pseudonym; new = no contact row of that pseudonym before ``start`` (one index probe each)."""
    is_contact, after_hours, further, joined = _conditions(C, further_contact_kinds)
    per_youth = (
        select(
            _flag(is_contact).label("contact"),
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
        new_youths_between(guild_id, start, end),
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
        new_youths_between(guild_id, start, end),
        func.coalesce(func.sum(f.after_hours), 0),
        func.coalesce(func.sum(f.further), 0),
        func.coalesce(func.sum(f.joined), 0),
    ).select_from(flags)


async def _sessions(session: AsyncSession, contact: ColumnElement[bool], contexts: set[str]) -> tuple[SessionRow, ...]:
    """One session per (kind, session tag): distinct youths and the first hour bucket, as
    :func:`bot.domain.ledger.sessions_from_rows` (a session id may appear in several contexts, e.g. a
    study moment's ``help=1`` contacts)."""
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
