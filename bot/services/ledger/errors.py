"""Refusals the ledger service explains to people: a catalog key and its parameters."""

from __future__ import annotations

from bot.domain.errors import UserFacingError


class LedgerInputError(UserFacingError):
    """Bad input (a date, a place, a range); nothing was stored or computed."""


class LedgerUnavailable(RuntimeError):
    """The database did not take a flush; the contacts stay buffered and are retried."""
