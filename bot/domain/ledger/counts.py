"""The online half of a report, already aggregated: what the database's GROUP BY queries return.

:func:`count_rows` computes the same :class:`OnlineCounts` from domain rows in Python (unit tests, small
inputs); the service asks SQL for it (``bot.services.ledger.aggregate``), so a year on a busy server never
travels row by row through Python. :func:`bot.domain.ledger.report.build_report_from_counts` turns either
into a :class:`~bot.domain.ledger.report.Report`.

What counts as a contact: every kind except the *reach* kinds (:data:`REACH_KINDS`, joining the server).
A join is counted only as "new members" (distinct pseudonyms with a join in the range): it is never a
contact moment, a unique or new youth, or part of any breakdown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from types import MappingProxyType

from bot.domain.ledger.kinds import (
    AFTER_HOURS_KINDS,
    FURTHER_CONTACT_KINDS,
    NOT_CONTACT_KINDS,
    REACH_KINDS,
    TEAM_KINDS,
    ContactKind,
    Granularity,
)
from bot.domain.ledger.moments import group_moments, local_date
from bot.domain.ledger.ranges import DateRange
from bot.domain.ledger.rows import ContactRow, SessionRow


@dataclass(frozen=True)
class OnlineCounts:
    """Online figures of one range; contact kinds only (joins are in ``new_members`` alone).

    ``by_kind_context``: moments per (kind, canonical context); ``by_bucket``: moments per UTC hour bucket
    of their first row (for the weekday and hour breakdowns in the guild's zone).
    """

    by_kind_context: Mapping[tuple[str, str], int]
    by_bucket: Mapping[datetime, int]
    unique_youths: int
    new_youths: int
    after_hours_youths: int
    further_contact_youths: int
    new_members: int
    sessions: tuple[SessionRow, ...] = field(default=())
    #: Team actions (check-ins sent, follow-ups let go) per kind: not contacts, counted apart.
    team_actions: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_kind_context", MappingProxyType(dict(self.by_kind_context)))
        object.__setattr__(self, "by_bucket", MappingProxyType(dict(self.by_bucket)))
        object.__setattr__(self, "team_actions", MappingProxyType(dict(self.team_actions)))
        if any(ContactKind(kind) in NOT_CONTACT_KINDS for kind, _ in self.by_kind_context):
            raise ValueError("reach kinds (joins) and team actions are not contact moments")

    @property
    def moments(self) -> int:
        return sum(self.by_kind_context.values())


def is_contact(kind: ContactKind | str) -> bool:
    return ContactKind(kind) not in NOT_CONTACT_KINDS


def sessions_from_rows(rows: Iterable[ContactRow]) -> list[SessionRow]:
    """Sessions derived from rows tagged ``session=…``: one per (kind, session id)."""
    first: dict[tuple[ContactKind, str], datetime] = {}
    youths: dict[tuple[ContactKind, str], set[str]] = {}
    themes: dict[tuple[ContactKind, str], str] = {}
    for row in rows:
        if row.session is None or not is_contact(row.kind):
            continue
        key = (row.kind, row.session)
        youths.setdefault(key, set()).add(row.pseudonym)
        if row.theme is not None:
            themes.setdefault(key, row.theme)
        if key not in first or row.hour_bucket < first[key]:
            first[key] = row.hour_bucket
    sessions = [
        SessionRow(kind, sid, first[(kind, sid)], len(youths[(kind, sid)]), themes.get((kind, sid)))
        for kind, sid in first
    ]
    return sorted(sessions, key=lambda s: (s.at, s.kind, s.session_id))


def count_rows(
    rows: Iterable[ContactRow],
    span: DateRange,
    tz: tzinfo,
    *,
    first_seen: Mapping[str, datetime] | None = None,
    granularity: Granularity = "day",
    further_contact_kinds: Collection[ContactKind] = FURTHER_CONTACT_KINDS,
) -> OnlineCounts:
    """:class:`OnlineCounts` of ``span`` from rows (see :mod:`.report` for the counting rules).

    New youths: first contact row of the key period inside ``span``; the first sighting is the earliest
    contact row passed in, or ``first_seen[pseudonym]`` when given (earlier rows the caller did not pass).
    """
    all_rows = list(rows)
    in_range = [row for row in all_rows if span.contains(local_date(row.hour_bucket, tz))]
    contacts = [row for row in in_range if is_contact(row.kind)]
    moments = group_moments(contacts, tz, granularity)
    seen: dict[str, datetime] = {}
    for row in all_rows:
        if is_contact(row.kind) and (row.pseudonym not in seen or row.hour_bucket < seen[row.pseudonym]):
            seen[row.pseudonym] = row.hour_bucket
    seen.update(first_seen or {})
    youths = {row.pseudonym for row in contacts}
    return OnlineCounts(
        by_kind_context=Counter((str(m.kind), m.context) for m in moments),
        by_bucket=Counter(m.first_bucket for m in moments),
        unique_youths=len(youths),
        new_youths=sum(1 for p in youths if span.contains(local_date(seen[p], tz))),
        after_hours_youths=len({r.pseudonym for r in contacts if r.after_hours and r.kind in AFTER_HOURS_KINDS}),
        further_contact_youths=len({r.pseudonym for r in contacts if r.kind in further_contact_kinds}),
        new_members=len({row.pseudonym for row in in_range if row.kind in REACH_KINDS}),
        sessions=tuple(sessions_from_rows(contacts)),
        team_actions=Counter(str(row.kind) for row in in_range if row.kind in TEAM_KINDS),
    )
