"""Small-cell suppression: the only way a :class:`~.report.Report` becomes renderable.

Rules (``k`` = the report's suppression threshold, config ``suppression_k``):

1. Primary: every count of youths or contact moments with a value 1..k−1 is shown as ``<k``; 0 stays
   0. This includes totals such as unique youths, and new members (joins: reach, not contact).
   Activity counts (sessions held, happy-place
   moments) say nothing about individual youths and are always shown.
2. Complementary: a breakdown's cells add up to its total (kinds, themes → online moments; weekdays,
   hours → online moments from raw rows; place types, places → offline moments; online + offline →
   contact moments; attendance per kind → attendance). When a reader could work out a primary cell
   exactly from the shown figures — typically exactly one small cell next to a shown total, or a few
   small cells whose sum leaves one possibility (1+1, 4+4) — the next-smallest non-zero cell of that
   breakdown is hidden as well and shown as ``*``. If it has none left, a cell of the breakdown that
   gave the hidden figure away is hidden, and only then its total. Hiding a figure hides it
   everywhere it appears, and the check is re-run over all breakdowns until nothing can be worked
   out. "Worked out" is judged by interval reasoning over all these sums, assuming the reader knows
   that ``<k`` means 1..k−1 and ``*`` means at least k. Sessions held (in all, per kind and per
   theme) and happy-place moments are not youth counts and are not part of this; the sessions'
   feedback votes are (one vote is one youth) and add up to their own total.
3. The mean attendance is hidden whenever the attendance total is not shown.

4. Linked tables: all published tables are one system. A session kind's attendance and the same kind's
   contact moments are usually the same people counted twice (one moment per attendee per session);
   when the two figures are equal they are treated as one figure (an equality constraint), so hiding
   one hides the other and ``attendance total − safe-space moments`` cannot give study attendance away.
5. A target's status (behind / on track / reached) is withheld with its achieved figure: next to a
   ``<5`` a "behind" against a target of 1.37 would say the count is 1.

Not about people, always exact: sessions held and happy-place moments (how often the team did
something, not who came). Everything else — contact moments, youths, attendance, offline head counts —
is suppressed.

Limits: the check is bounds propagation over the published sums, not a full linear-programming
audit; no cross-tabulation (e.g. weekday × kind) is published, so none is needed for these tables.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.ledger.ranges import DateRange
from bot.domain.ledger.report import FOOTNOTE_COMPLEMENTARY, Report
from bot.domain.ledger.targets import Status, TargetName

_MAX_PASSES = 100


class CellState(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # primary suppression, rendered "<k"
    HIDDEN = "hidden"  # complementary suppression, rendered "*"
    UNKNOWN = "unknown"  # cannot be computed any more (after retention), rendered "onbekend", never 0


HIDDEN_MARK = "*"
UNKNOWN_MARK = "?"  # renderers write the catalog's word ("onbekend") instead


@dataclass(frozen=True)
class Cell:
    """A figure as it may be published: ``value`` is None unless ``state`` is SHOWN."""

    value: int | float | None
    state: CellState

    def text(self, k: int, decimal_separator: str = ".") -> str:
        if self.state is CellState.UNKNOWN:
            return UNKNOWN_MARK
        if self.state is CellState.SMALL:
            return f"<{k}"
        if self.state is CellState.HIDDEN or self.value is None:
            return HIDDEN_MARK
        return format_number(self.value, decimal_separator)

    def json_value(self, k: int) -> int | float | str | None:
        if self.state is CellState.UNKNOWN:
            return None
        return self.value if self.state is CellState.SHOWN and self.value is not None else self.text(k)


def format_number(value: float, decimal_separator: str = ".") -> str:
    """Integers without decimals, other numbers with one decimal."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", decimal_separator)


@dataclass(frozen=True)
class Constraint:
    """``total`` equals the sum of ``cells`` (quantity ids)."""

    total: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class SuppressedBreakdown:
    name: str
    cells: tuple[tuple[str, Cell], ...]
    total: Cell


@dataclass(frozen=True)
class SuppressedTarget:
    name: TargetName
    target: float
    achieved: Cell
    status: Status | None  # None: withheld, because the achieved figure is not shown


@dataclass(frozen=True)
class SuppressedReport:
    """What renderers get: every youth-derived figure already passed through suppression."""

    range: DateRange
    k: int
    summary: tuple[tuple[str, Cell], ...]
    targets: tuple[SuppressedTarget, ...]
    breakdowns: tuple[SuppressedBreakdown, ...]
    footnotes: tuple[str, ...]
    period: str = "year"
    elapsed: float = 1.0  # how much of the range has passed (for the target pace in the chart)
    #: Contact moments so far, as (day, running total) points from (start, 0); see :func:`cumulative_line`.
    cumulative: tuple[tuple[date, int], ...] = ()

    def breakdown(self, name: str) -> SuppressedBreakdown:
        for breakdown in self.breakdowns:
            if breakdown.name == name:
                return breakdown
        raise KeyError(name)

    def figure(self, name: str) -> Cell:
        return dict(self.summary)[name]


# ---------------------------------------------------------------------------------------------- engine

Bounds = dict[str, tuple[float, float]]


def _initial_bounds(
    values: Mapping[str, int], k: int, primary: set[str], hidden: set[str], unrendered: Collection[str]
) -> Bounds:
    bounds: Bounds = {}
    for qid, value in values.items():
        if qid in unrendered:
            bounds[qid] = (0, math.inf)
        elif qid in primary:
            bounds[qid] = (1, k - 1)
        elif qid in hidden:
            bounds[qid] = (k, math.inf)
        else:
            bounds[qid] = (value, value)
    return bounds


def _propagate(bounds: Bounds, constraints: Sequence[Constraint]) -> dict[str, int]:
    """Tighten bounds with every ``total - sum(cells) = 0``; return which constraint last narrowed each qid."""
    origin: dict[str, int] = {}
    for _ in range(_MAX_PASSES):
        changed = False
        for index, constraint in enumerate(constraints):
            terms = [(constraint.total, 1), *((cell, -1) for cell in constraint.cells)]
            for position, (qid, sign) in enumerate(terms):
                low = high = 0.0
                for other_position, (other, other_sign) in enumerate(terms):
                    if other_position != position:
                        lo, hi = bounds[other]
                        low += lo if other_sign > 0 else -hi
                        high += hi if other_sign > 0 else -lo
                # sign * q + (sum of the others) = 0, with sign = ±1
                new_lo, new_hi = (-high, -low) if sign > 0 else (low, high)
                lo, hi = bounds[qid]
                if new_lo > lo or new_hi < hi:
                    bounds[qid] = (max(lo, new_lo), min(hi, new_hi))
                    origin[qid] = index
                    changed = True
        if not changed:
            break
    return origin


def _pick(
    values: Mapping[str, int],
    constraints: Sequence[Constraint],
    leak: int | None,
    hidden: set[str],
    primary: set[str],
    candidates: Collection[str],
) -> str | None:
    """The next figure to hide for a leak found through constraint ``leak``.

    In order of preference: the smallest shown non-zero cell of that breakdown; else the smallest such
    cell of the breakdowns that let a reader recover one of its hidden figures (so the chain is cut
    there rather than at a headline total); else its total; else any shown non-zero figure.
    """
    order = {qid: i for i, qid in enumerate(values)}

    def open_(qids: Iterable[str]) -> list[str]:
        return [q for q in qids if q in candidates and q not in hidden and values[q] > 0]

    pools: list[list[str]] = []
    if leak is not None:
        members = {constraints[leak].total, *constraints[leak].cells}
        recovered = {q for q in members if q in hidden and q not in primary}
        neighbours = [c for i, c in enumerate(constraints) if i != leak and recovered & {c.total, *c.cells}]
        pools += [
            open_(constraints[leak].cells),
            open_(cell for c in neighbours for cell in c.cells),
            open_([constraints[leak].total]),
        ]
    pools.append(open_(values))
    for pool in pools:
        if pool:
            return min(pool, key=lambda q: (values[q], order[q]))
    return None


def plan_suppression(
    values: Mapping[str, int],
    constraints: Sequence[Constraint],
    k: int,
    *,
    sensitive: Collection[str],
    unrendered: Collection[str] = (),
) -> dict[str, CellState]:
    """Decide per quantity id whether it is shown, ``<k`` or hidden (see the module docstring)."""
    primary = {q for q in sensitive if 1 <= values[q] < k}
    hidden = primary | set(unrendered)
    candidates = {q for q in sensitive if q not in unrendered}
    while True:
        bounds = _initial_bounds(values, k, primary, hidden, unrendered)
        start = dict(bounds)
        origin = _propagate(bounds, constraints)
        # a primary cell leaks when the shown figures pin it to one value the reader did not know already
        leaks = [q for q in values if q in primary and bounds[q][0] == bounds[q][1] and start[q][0] != start[q][1]]
        if not leaks:
            break
        pick = _pick(values, constraints, origin.get(leaks[0]), hidden, primary, candidates)
        if pick is None:
            break
        hidden.add(pick)
    return {
        qid: CellState.SMALL if qid in primary else CellState.HIDDEN if qid in hidden else CellState.SHOWN
        for qid in values
    }


# ---------------------------------------------------------------------------------------------- report

#: Breakdown name -> quantity id of its total (``None``: not a youth figure, never suppressed).
_BREAKDOWN_TOTALS: dict[str, str | None] = {
    "by_kind": "moments.online",
    "by_theme": "moments.online",
    "by_weekday": "moments.online_raw",
    "by_hour": "moments.online_raw",
    "offline_by_place_type": "moments.offline",
    "offline_by_place": "moments.offline",
    "sessions_by_kind": None,
    "sessions_by_theme": None,
    "attendance_by_kind": "attendance.total",
    "feedback": "feedback.total",
}

#: Breakdowns of activity counts (how often the team did something): never suppressed.
_ACTIVITY_BREAKDOWNS = ("sessions_by_kind.", "sessions_by_theme.")

_SUMMARY: tuple[tuple[str, str], ...] = (
    ("contact_moments", "moments.total"),
    ("online_moments", "moments.online"),
    ("offline_moments", "moments.offline"),
    ("unique_youths", "youths.unique"),
    ("new_youths", "youths.new"),
    ("after_hours_youths", "youths.after_hours"),
    ("further_contact_youths", "youths.further_contact"),
    ("new_members", "reach.new_members"),
    ("sessions_held", "sessions.held"),
    ("attendance_total", "attendance.total"),
    ("attendance_mean", ""),
    ("happy_place_moments", "happy_place_moments"),
    ("checkins_sent", "checkins.sent"),
    ("checkins_answered", "checkins.answered"),
    ("checkins_let_go", "checkins.let_go"),
    ("help_requests", "study.help_requests"),
)

_NOT_SENSITIVE = frozenset({"sessions.held", "happy_place_moments"})


def _quantities(report: Report) -> tuple[dict[str, int], list[Constraint], set[str], dict[str, str]]:
    """Every figure by quantity id, the sums linking them, the unrendered ids and breakdown total ids."""
    values = {
        "moments.total": report.contact_moments,
        "moments.online": report.online_moments,
        "moments.offline": report.offline_moments,
        "youths.unique": report.unique_youths,
        "youths.new": report.new_youths,
        "youths.after_hours": report.after_hours_youths,
        "youths.further_contact": report.further_contact_youths,
        "reach.new_members": report.new_members,
        "sessions.held": report.sessions_held,
        "attendance.total": report.attendance_total,
        "happy_place_moments": report.happy_place_moments,
        "feedback.total": sum(report.feedback.values()),
        "study.help_requests": report.help_requests,
    }
    constraints = [Constraint("moments.total", ("moments.online", "moments.offline"))]
    unrendered: set[str] = set()
    totals = dict(_BREAKDOWN_TOTALS)
    if report.rollup_moments:
        values["moments.online_raw"] = report.online_raw_moments
        values["moments.rollup"] = report.rollup_moments
        unrendered.add("moments.rollup")
        constraints.append(Constraint("moments.online", ("moments.online_raw", "moments.rollup")))
    else:  # without rollups the weekday/hour total is the online total: one figure, one decision
        totals = {name: "moments.online" if t == "moments.online_raw" else t for name, t in totals.items()}
    for name, total in totals.items():
        counts: Mapping[str, int] = getattr(report, name)
        cells = tuple(f"{name}.{key}" for key in counts)
        values.update({f"{name}.{key}": value for key, value in counts.items()})
        if total is not None:
            constraints.append(Constraint(total, cells))
    for kind, attended in report.attendance_by_kind.items():  # rule 4: the same people under two names
        if attended and report.by_kind.get(kind) == attended:
            constraints.append(Constraint(f"by_kind.{kind}", (f"attendance_by_kind.{kind}",)))
    # after the breakdowns: a leak of the check-in replies is then traced (and cut) in the by-kind breakdown
    values.update(
        {
            "checkins.sent": report.checkins_sent,
            "checkins.answered": report.checkins_answered,
            "checkins.let_go": report.checkins_let_go,
        }
    )
    if "by_kind.checkin_reply" in values:  # answered check-ins are the check-in replies: one figure, two names
        constraints.append(Constraint("by_kind.checkin_reply", ("checkins.answered",)))
    return values, constraints, unrendered, {n: t or "sessions.held" for n, t in totals.items()}


#: The cumulative line is drawn for ranges of at least four weeks (a shorter one has its bar and pace tick).
CUMULATIVE_MIN_DAYS = 28


def cumulative_line(report: Report, total: Cell) -> tuple[tuple[date, int], ...]:
    """The running total of contact moments at week ends, published without giving a small figure away.

    Each step of the line is one group of whole ISO weeks (Monday to Sunday; a partial first or last
    week joins its neighbour) whose moments are 0 or at least ``k``: such a group holds every weekday,
    hour, kind and place, so its sum says nothing about any single cell of the tables (knowing the
    row sums of a table tells nothing about its column sums). The last point is the shown total; a
    last step below ``k`` is merged into the one before. Nothing when the total itself is not shown,
    for ranges under four weeks, or when the days do not add up to the total.
    """
    span, k = report.range, report.k
    if total.state is not CellState.SHOWN or span.days < CUMULATIVE_MIN_DAYS:
        return ()
    if sum(report.moments_by_day.values()) != report.contact_moments:
        return ()
    last = min(span.end, report.today)
    if last < span.start:
        return ()
    points: list[tuple[date, int]] = [(span.start, 0)]
    running = pending = 0
    day = span.start
    while day <= last:
        pending += report.moments_by_day.get(day, 0)
        whole_weeks_before = (day - span.start).days >= 6
        whole_weeks_after = (span.end - day).days >= 7
        step_ok = pending == 0 or pending >= k
        if day.weekday() == 6 and whole_weeks_before and whole_weeks_after and day < last and step_ok:
            running += pending
            points.append((day, running))
            pending = 0
        day += timedelta(days=1)
    while len(points) > 1 and 0 < report.contact_moments - points[-1][1] < k:
        points.pop()  # a last small step would be the total minus the point before: merge the steps
    points.append((last, report.contact_moments))
    return tuple(points)


def suppress(report: Report) -> SuppressedReport:
    """Apply primary and complementary suppression (module docstring) to every published figure."""
    k = report.k
    values, constraints, unrendered, totals = _quantities(report)
    unknown = {qid for name, qid in _SUMMARY if name in report.unknown}
    sensitive = {q for q in values if q not in _NOT_SENSITIVE | unknown and not q.startswith(_ACTIVITY_BREAKDOWNS)}
    states = plan_suppression(values, constraints, k, sensitive=sensitive, unrendered=unrendered | unknown)
    states.update(dict.fromkeys(unknown, CellState.UNKNOWN))

    def cell(qid: str) -> Cell:
        state = states[qid]
        return Cell(values[qid] if state is CellState.SHOWN else None, state)

    summary = []
    for name, qid in _SUMMARY:
        if qid:
            summary.append((name, cell(qid)))
        elif states["attendance.total"] is CellState.SHOWN:
            summary.append((name, Cell(round(report.attendance_mean, 1), CellState.SHOWN)))
        else:
            summary.append((name, Cell(None, CellState.HIDDEN)))
    breakdowns = tuple(
        SuppressedBreakdown(
            name,
            tuple((key, cell(f"{name}.{key}")) for key in getattr(report, name)),
            cell(totals[name]),
        )
        for name in _BREAKDOWN_TOTALS
    )
    targets = tuple(
        SuppressedTarget(row.name, row.target, achieved, row.status if achieved.state is CellState.SHOWN else None)
        for row in report.targets
        for achieved in [cell(row.metric)]
    )
    footnotes = list(report.footnotes)
    shown_cells = [c for _, c in summary] + [c for b in breakdowns for _, c in b.cells]
    if any(c.state is CellState.HIDDEN for c in shown_cells) and FOOTNOTE_COMPLEMENTARY not in footnotes:
        footnotes.append(FOOTNOTE_COMPLEMENTARY)
    return SuppressedReport(
        report.range,
        k,
        tuple(summary),
        targets,
        breakdowns,
        tuple(footnotes),
        report.period,
        report.range.elapsed_fraction(report.today),
        cumulative_line(report, cell("moments.total")),
    )
