"""Aggregate anonymous ledger rows into a KPI report for an inclusive local date range.

Counting rules (all judged in the guild's time zone ``tz``):

* Joining the server is *reach*, not contact: join rows count only as ``new_members`` (distinct
  pseudonyms with a join in the range) and in nothing below.
* A row belongs to the local date of its hour bucket; only rows in the range count.
* Online contact moments: rows merged per pseudonym, kind, context and local day (or the configured
  granularity), see :mod:`.moments`. A moment is stamped at its earliest hour bucket for the
  weekday/hour breakdowns.
* Offline: every youth in an :class:`OfflineMoment` head count is one contact moment, so
  ``contact_moments = online moments + sum(offline youth counts)``. Offline youths are anonymous head
  counts and do not count towards unique or new youths.
* Rolled-up days (:class:`DailyCount`, since retention rolls up per local day) count for the range
  holding their day; legacy rolled-up weeks (:class:`WeeklyCount`) for the range holding their ISO
  Thursday. Both add to the total and the kind/theme breakdowns only (not weekday/hour, unique, new or
  after-hours youths: those become "unknown", see :attr:`Report.unknown`).
* Unique youths: distinct pseudonyms with a row in the range. Pseudonyms are per key period, so a
  range across two periods may count a youth twice (the report then carries a footnote).
* New youths ("new this year" with yearly keys): unique youths whose first contact row of the key period
  falls in the range. The first
  sighting comes from ``first_seen`` (pseudonym → aware datetime, e.g. ``MIN(hour_bucket)`` from the
  DB) and otherwise from the earliest row passed in (so then pass all rows since the period start).
* After-hours youths: distinct pseudonyms with an ``after_hours`` desk row. Further-contact youths:
  distinct pseudonyms with a row of a kind in ``further_contact_kinds`` (default: desk).
* Sessions: the :class:`SessionRow` s given (by the local date of ``at``) or, when ``sessions`` is None,
  derived from rows tagged ``session=…`` (attendance = distinct pseudonyms per kind and session);
  sessions per theme from the session's ``theme=…`` tag. Feedback: the sessions' three-faces votes of
  the range, as the sessions feature counted them (``feedback``; votes, so youth figures).
* Study help requests: moments of ``study`` rows tagged ``category=help`` (one per youth and day).
* Happy-place moments: offline moments with at least one youth at a configured happy place (every
  place when ``happy_places`` is None or empty); this and sessions held count activities, not youths.

The :class:`Report` holds raw numbers. It must only leave the process through
:func:`bot.domain.ledger.suppression.suppress`; the renderers accept nothing else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from types import MappingProxyType

from bot.domain.ledger.counts import OnlineCounts, count_rows, is_contact, sessions_from_rows
from bot.domain.ledger.kinds import CONTACT_KINDS, FURTHER_CONTACT_KINDS, ContactKind, Granularity, Period, PlaceType
from bot.domain.ledger.moments import local_date, parse_tags
from bot.domain.ledger.pseudonym import period_id_for_date, period_range
from bot.domain.ledger.ranges import DateRange, iso_week_range, month_range, parse_range, year_range
from bot.domain.ledger.rows import ContactRow, DailyCount, OfflineMoment, Rollup, SessionRow, WeeklyCount
from bot.domain.ledger.targets import Status, TargetName, TargetProgress, Targets, prorated, status_for

__all__ = [
    "NO_THEME",
    "WEEKDAYS",
    "ContactRow",
    "DateRange",
    "OfflineMoment",
    "OnlineCounts",
    "Report",
    "SessionRow",
    "Status",
    "TargetProgress",
    "Targets",
    "WeeklyCount",
    "build_report",
    "build_report_from_counts",
    "iso_week_range",
    "month_range",
    "parse_range",
    "sessions_from_rows",
    "year_range",
]

NO_THEME = "(none)"
#: The three faces of the sessions' one-click feedback, in the order they are shown.
FEEDBACK_FACES = ("good", "ok", "bad")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS: tuple[str, ...] = tuple(f"{hour:02d}" for hour in range(24))

#: Footnote names (rendered from ``ledger.footnote.<name>``).
FOOTNOTE_SUPPRESSION = "suppression"
FOOTNOTE_OFFLINE = "offline_counted"
FOOTNOTE_PRORATED = "targets_prorated"
FOOTNOTE_ROLLUP = "rollup_no_uniques"
FOOTNOTE_KEY_PERIODS = "spans_key_periods"
FOOTNOTE_COMPLEMENTARY = "complementary"
FOOTNOTE_REACH = "joins_are_reach"

Counts = Mapping[str, int]
HELP_CATEGORY = "help"
"""The tag of a study help request that was answered (``bot/services/study``)."""


@dataclass(frozen=True)
class Report:
    """Raw (unsuppressed) report figures; breakdowns are ordered ``key -> count`` mappings."""

    range: DateRange
    today: date
    k: int
    period: Period
    contact_moments: int
    online_moments: int
    online_raw_moments: int
    rollup_moments: int
    offline_moments: int
    unique_youths: int
    new_youths: int
    after_hours_youths: int
    further_contact_youths: int
    new_members: int
    sessions_held: int
    attendance_total: int
    happy_place_moments: int
    #: Check-ins (counts only): sent by the team, answered by the youth, follow-ups let go.
    checkins_sent: int
    checkins_answered: int
    checkins_let_go: int
    by_kind: Counts
    by_theme: Counts
    by_weekday: Counts
    by_hour: Counts
    offline_by_place_type: Counts
    offline_by_place: Counts
    sessions_by_kind: Counts
    attendance_by_kind: Counts
    targets: tuple[TargetProgress, ...]
    footnotes: tuple[str, ...]
    #: Summary figures that cannot be computed any more (rolled-up data in the range or before it in the
    #: key period): published as "onbekend", never as the partial count.
    unknown: tuple[str, ...] = ()
    #: Sessions held per theme (an activity count, like ``sessions_by_kind``; no theme: ``NO_THEME``).
    sessions_by_theme: Counts = field(default_factory=lambda: MappingProxyType({}))
    #: The three-faces feedback of the sessions held in the range (votes: youth figures, suppressed).
    feedback: Counts = field(default_factory=lambda: MappingProxyType({}))
    #: Contact moments per local day (online, rolled-up and offline; they add up to ``contact_moments``).
    #: Internal: only the suppressed cumulative line of :func:`.suppression.cumulative_line` is published.
    moments_by_day: Mapping[date, int] = field(default_factory=lambda: MappingProxyType({}))
    #: Study help requests answered (moments of ``study`` contacts tagged ``category=help``).
    help_requests: int = 0

    @property
    def attendance_mean(self) -> float:
        return self.attendance_total / self.sessions_held if self.sessions_held else 0.0


def _frozen(counts: Mapping[str, int]) -> Counts:
    return MappingProxyType(dict(counts))


def _ordered(counter: Counter[str], keys: Iterable[str]) -> dict[str, int]:
    return {str(key): counter.get(key, 0) for key in keys}


def build_report(
    rows: Iterable[ContactRow],
    offline: Iterable[OfflineMoment],
    range_start: date,
    range_end: date,
    tz: tzinfo,
    targets: Targets,
    today: date,
    k: int = 5,
    *,
    sessions: Iterable[SessionRow] | None = None,
    rollups: Iterable[Rollup] = (),
    first_seen: Mapping[str, datetime] | None = None,
    granularity: Granularity = "day",
    period: Period = "year",
    happy_places: Collection[str] | None = None,
    further_contact_kinds: Collection[ContactKind] = FURTHER_CONTACT_KINDS,
    feedback: Mapping[str, int] | None = None,
) -> Report:
    """Count everything for ``range_start..range_end`` (inclusive, local dates); see the module docstring."""
    if range_end < range_start:
        raise ValueError("range_end is before range_start")
    span = DateRange(range_start, range_end)
    counts = count_rows(
        rows, span, tz, first_seen=first_seen, granularity=granularity, further_contact_kinds=further_contact_kinds
    )
    return build_report_from_counts(
        counts,
        offline,
        span,
        tz,
        targets,
        today,
        k,
        sessions=sessions,
        rollups=rollups,
        period=period,
        happy_places=happy_places,
        feedback=feedback,
    )


def build_report_from_counts(
    counts: OnlineCounts,
    offline: Iterable[OfflineMoment],
    span: DateRange,
    tz: tzinfo,
    targets: Targets,
    today: date,
    k: int = 5,
    *,
    sessions: Iterable[SessionRow] | None = None,
    rollups: Iterable[Rollup] = (),
    period: Period = "year",
    happy_places: Collection[str] | None = None,
    feedback: Mapping[str, int] | None = None,
) -> Report:
    """The report of ``span`` from aggregated online figures (SQL or :func:`count_rows`) and the offline rows."""
    if k < 2:
        raise ValueError("k must be at least 2")
    kinds: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    help_requests = 0
    for (kind, context), moments in counts.by_kind_context.items():
        kinds[kind] += moments
        tags = parse_tags(context)
        themes[tags.get("theme") or NO_THEME] += moments
        if kind == ContactKind.STUDY and tags.get("category") == HELP_CATEGORY:
            help_requests += moments
    weekdays: Counter[str] = Counter()
    hours: Counter[str] = Counter()
    for bucket, moments in counts.by_bucket.items():
        local = bucket.astimezone(tz)
        weekdays[WEEKDAYS[local.weekday()]] += moments
        hours[HOURS[local.hour]] += moments
    rollups = list(rollups)
    rolled = [counted for counted in rollups if counted.counts_in(span) and is_contact(counted.kind)]
    for week in rolled:
        kinds[week.kind] += week.moments
        themes[week.theme or NO_THEME] += week.moments
    rollup_moments = sum(week.moments for week in rolled)

    by_day: Counter[date] = Counter()
    for bucket, moments in counts.by_bucket.items():
        by_day[local_date(bucket, tz)] += moments
    for counted in rolled:
        by_day[counted.day if isinstance(counted, DailyCount) else counted.thursday] += counted.moments

    visits = [visit for visit in offline if span.contains(visit.day)]
    place_types: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for visit in visits:
        place_types[visit.place_type] += visit.youth_count
        places[visit.place] += visit.youth_count
    offline_moments = sum(visit.youth_count for visit in visits)
    for visit in visits:
        by_day[visit.day] += visit.youth_count
    happy = [visit for visit in visits if visit.youth_count > 0 and (not happy_places or visit.place in happy_places)]

    given = counts.sessions if sessions is None else sessions
    held = [s for s in given if span.contains(local_date(s.at, tz))]
    held_by_kind: Counter[str] = Counter(s.kind for s in held)
    held_by_theme: Counter[str] = Counter(s.theme or NO_THEME for s in held)
    attendance_by_kind: Counter[str] = Counter()
    for session in held:
        attendance_by_kind[session.kind] += session.attendance
    session_kinds = [kind for kind in ContactKind if kind in held_by_kind]

    online_raw = counts.moments
    online = online_raw + rollup_moments
    total = online + offline_moments
    achieved = {
        TargetName.CONTACT_MOMENTS: (total, "moments.total"),
        TargetName.UNIQUE_YOUTHS: (counts.unique_youths, "youths.unique"),
        TargetName.MOMENTS_PER_WEEK: (total, "moments.total"),
        TargetName.HAPPY_PLACE_MOMENTS: (len(happy), "happy_place_moments"),
        TargetName.SESSIONS: (len(held), "sessions.held"),
        TargetName.FURTHER_CONTACT_YOUTHS: (counts.further_contact_youths, "youths.further_contact"),
    }
    elapsed = span.elapsed_fraction(today)
    progress = tuple(
        TargetProgress(name, target, value, status_for(value, target, elapsed), metric)
        for name, target in prorated(targets, span)
        for value, metric in [achieved[name]]
    )

    unknown: list[str] = []
    if rolled:  # distinct people cannot be counted from rolled-up totals
        unknown += ["unique_youths", "new_youths", "after_hours_youths", "further_contact_youths", "new_members"]
    else:
        period_start = period_range(period_id_for_date(span.start, period))[0]
        earlier = DateRange(period_start, span.start - timedelta(days=1)) if period_start < span.start else None
        if earlier is not None and any(counted.overlaps(earlier) for counted in rollups):
            unknown.append("new_youths")  # the first sightings before this range were rolled up
    footnotes = [FOOTNOTE_SUPPRESSION, FOOTNOTE_OFFLINE, FOOTNOTE_PRORATED, FOOTNOTE_REACH]
    if rolled:
        footnotes.append(FOOTNOTE_ROLLUP)
    if period_id_for_date(span.start, period) != period_id_for_date(span.end, period):
        footnotes.append(FOOTNOTE_KEY_PERIODS)

    theme_keys = [*sorted(key for key in themes if key != NO_THEME), NO_THEME]
    place_keys = sorted(set(places) | set(happy_places or ()))
    return Report(
        range=span,
        today=today,
        k=k,
        period=period,
        contact_moments=total,
        online_moments=online,
        online_raw_moments=online_raw,
        rollup_moments=rollup_moments,
        offline_moments=offline_moments,
        unique_youths=counts.unique_youths,
        new_youths=counts.new_youths,
        after_hours_youths=counts.after_hours_youths,
        further_contact_youths=counts.further_contact_youths,
        new_members=counts.new_members,
        sessions_held=len(held),
        attendance_total=sum(attendance_by_kind.values()),
        happy_place_moments=len(happy),
        checkins_sent=counts.team_actions.get(ContactKind.CHECKIN_SENT, 0),
        checkins_answered=kinds.get(ContactKind.CHECKIN_REPLY, 0),
        checkins_let_go=counts.team_actions.get(ContactKind.CHECKIN_LET_GO, 0),
        by_kind=_frozen(_ordered(kinds, CONTACT_KINDS)),
        by_theme=_frozen(_ordered(themes, theme_keys)),
        by_weekday=_frozen(_ordered(weekdays, WEEKDAYS)),
        by_hour=_frozen(_ordered(hours, HOURS)),
        offline_by_place_type=_frozen(_ordered(place_types, PlaceType)),
        offline_by_place=_frozen(_ordered(places, place_keys)),
        sessions_by_kind=_frozen(_ordered(held_by_kind, session_kinds)),
        attendance_by_kind=_frozen(_ordered(attendance_by_kind, session_kinds)),
        targets=progress,
        footnotes=tuple(footnotes),
        unknown=tuple(unknown),
        sessions_by_theme=_frozen(_ordered(held_by_theme, _themes_last_none(held_by_theme))),
        feedback=_frozen({face: (feedback or {}).get(face, 0) for face in FEEDBACK_FACES}),
        moments_by_day=MappingProxyType(dict(sorted(by_day.items()))),
        help_requests=help_requests,
    )


def _themes_last_none(themes: Iterable[str]) -> list[str]:
    return [*sorted(key for key in themes if key != NO_THEME), *([NO_THEME] if NO_THEME in themes else [])]
