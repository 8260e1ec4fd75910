"""Study moments: pure decisions (durations, subjects, the help queue, focus rounds, when rooms close).

Nothing here reads the clock or talks to Discord; refusals are :class:`StudyRefused` with a catalog key.
"""

from bot.domain.study.config import CloseAction, StudyConfig, StudyGuildSettings
from bot.domain.study.model import GENERAL, SUBJECTS, StudyRefused, parse_duration, subject_slug
from bot.domain.study.rules import (
    Round,
    Waiting,
    empty_close_due,
    end_reason,
    estimated_wait,
    first_round,
    latest_closing,
    next_round,
    notify_at,
    planned_end,
    position,
    queue_order,
    warning_at,
)
from bot.domain.study.schedule import Weekly, parse_days

__all__ = [
    "GENERAL",
    "SUBJECTS",
    "CloseAction",
    "Round",
    "StudyConfig",
    "StudyGuildSettings",
    "StudyRefused",
    "Waiting",
    "Weekly",
    "empty_close_due",
    "end_reason",
    "estimated_wait",
    "first_round",
    "latest_closing",
    "next_round",
    "notify_at",
    "parse_days",
    "parse_duration",
    "planned_end",
    "position",
    "queue_order",
    "subject_slug",
    "warning_at",
]
