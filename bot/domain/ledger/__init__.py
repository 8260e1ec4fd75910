"""Pure core of the anonymous contact ledger: pseudonyms, moments, reports, suppression and rendering.

No DB, no Discord: the service layer stores :class:`ContactRow` s and calls :func:`build_report`,
then :func:`suppress` and one of the ``render_*`` functions.
"""

from bot.domain.ledger.config import LedgerConfig
from bot.domain.ledger.kinds import (
    AFTER_HOURS_KINDS,
    FURTHER_CONTACT_KINDS,
    ContactKind,
    Granularity,
    Period,
    PlaceType,
)
from bot.domain.ledger.moments import (
    ALLOWED_TAG_KEYS,
    Moment,
    canonical_tags,
    group_moments,
    hour_bucket,
    local_date,
    moment_key,
    parse_tags,
)
from bot.domain.ledger.pseudonym import (
    PeriodKey,
    new_key,
    period_for,
    period_id_for_date,
    period_range,
    pseudonym,
    random_pseudonym,
)
from bot.domain.ledger.ranges import (
    DEFAULT_TZ,
    DateRange,
    iso_week_range,
    iso_weeks_in_year,
    month_range,
    parse_range,
    year_range,
)
from bot.domain.ledger.render import render_csv, render_json, render_text, report_dict
from bot.domain.ledger.report import NO_THEME, WEEKDAYS, Report, build_report, sessions_from_rows
from bot.domain.ledger.retention import merge_weekly, retention_cutoff, rollup, week_start
from bot.domain.ledger.rows import ContactRow, OfflineMoment, SessionRow, WeeklyCount
from bot.domain.ledger.suppression import (
    Cell,
    CellState,
    Constraint,
    SuppressedBreakdown,
    SuppressedReport,
    SuppressedTarget,
    plan_suppression,
    suppress,
)
from bot.domain.ledger.targets import Status, TargetName, TargetProgress, Targets

__all__ = [
    "AFTER_HOURS_KINDS",
    "ALLOWED_TAG_KEYS",
    "DEFAULT_TZ",
    "FURTHER_CONTACT_KINDS",
    "NO_THEME",
    "WEEKDAYS",
    "Cell",
    "CellState",
    "Constraint",
    "ContactKind",
    "ContactRow",
    "DateRange",
    "Granularity",
    "LedgerConfig",
    "Moment",
    "OfflineMoment",
    "Period",
    "PeriodKey",
    "PlaceType",
    "Report",
    "SessionRow",
    "Status",
    "SuppressedBreakdown",
    "SuppressedReport",
    "SuppressedTarget",
    "TargetName",
    "TargetProgress",
    "Targets",
    "WeeklyCount",
    "build_report",
    "canonical_tags",
    "group_moments",
    "hour_bucket",
    "iso_week_range",
    "iso_weeks_in_year",
    "local_date",
    "merge_weekly",
    "moment_key",
    "month_range",
    "new_key",
    "parse_range",
    "parse_tags",
    "period_for",
    "period_id_for_date",
    "period_range",
    "plan_suppression",
    "pseudonym",
    "random_pseudonym",
    "render_csv",
    "render_json",
    "render_text",
    "report_dict",
    "retention_cutoff",
    "rollup",
    "sessions_from_rows",
    "suppress",
    "week_start",
    "year_range",
]
