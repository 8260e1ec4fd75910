"""Refusals the ledger service explains to people: a catalog key and its parameters."""

from __future__ import annotations

from typing import Any


class LedgerInputError(ValueError):
    """Bad input (a date, a place, a range); nothing was stored or computed."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


class LedgerUnavailable(RuntimeError):
    """The database did not take a flush; the contacts stay buffered and are retried."""
