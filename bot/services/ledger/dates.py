"""Dates typed by people: ``25/10/2026``, ``25-10-2026``, ``2026-10-25``; never in the future."""

from __future__ import annotations

import re
from datetime import date

from bot.domain.errors import typed
from bot.domain.ledger import DateRange, parse_range
from bot.services.ledger.errors import LedgerInputError

_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_day(text: str | None, today: date, *, allow_future: bool = False) -> date:
    """Parse a day (empty: ``today``); raises :class:`LedgerInputError` for bad or future dates."""
    value = (text or "").strip()
    if not value:
        return today
    try:
        if match := _DMY.fullmatch(value):
            day = date(int(match[3]), int(match[2]), int(match[1]))
        else:
            day = date.fromisoformat(value)
    except ValueError:
        raise LedgerInputError("ledger.input.bad_date", value=typed(value)) from None
    if not allow_future and day > today:
        raise LedgerInputError("ledger.input.future_date", value=day.strftime("%d/%m/%Y"))
    return day


def report_range(period: str, first: str | None, last: str | None, today: date) -> DateRange:
    """The range of ``/stats`` or ``happymood stats``: explicit days win over a named period.

    ``first`` alone runs up to today; ``period`` is anything :func:`~bot.domain.ledger.parse_range`
    accepts (``week``, ``last-month``, ``2026-W43``, ``2026``…).
    """
    if first or last:
        start = parse_day(first, today) if first else None
        end = parse_day(last, today) if last else today
        if start is None:
            raise LedgerInputError("ledger.input.bad_date", value="")
        if end < start:
            raise LedgerInputError("ledger.input.bad_range", start=start.isoformat(), end=end.isoformat())
        return DateRange(start, end)
    try:
        return parse_range(period, today)
    except ValueError:
        raise LedgerInputError("ledger.input.bad_period", value=typed(period)) from None
