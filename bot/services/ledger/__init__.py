"""The anonymous contact ledger's service layer: recording, reports, offline moments, forget-me, retention.

The pure rules live in :mod:`bot.domain.ledger`; this package stores and loads through
:mod:`bot.db.models.ledger` and is registered on the runtime as service ``"ledger"`` (``runtime.contacts``).
"""

from bot.services.ledger.dates import parse_day, report_range
from bot.services.ledger.errors import LedgerInputError, LedgerUnavailable
from bot.services.ledger.forget import ForgetCallback, ForgetRegistry
from bot.services.ledger.output import FORMATS, Format, filename, head, render, stats_answer, translator
from bot.services.ledger.retention import RETENTION_KIND, Retention, RetentionResult
from bot.services.ledger.service import ForgetResult, LedgerService

__all__ = [
    "FORMATS",
    "RETENTION_KIND",
    "ForgetCallback",
    "ForgetRegistry",
    "ForgetResult",
    "Format",
    "LedgerInputError",
    "LedgerService",
    "LedgerUnavailable",
    "Retention",
    "RetentionResult",
    "filename",
    "head",
    "parse_day",
    "render",
    "report_range",
    "stats_answer",
    "translator",
]
