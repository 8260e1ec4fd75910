"""Keyed pseudonyms for the ledger: HMAC-SHA256 with a key per period, never a plain hash.

Discord user IDs are enumerable (snowflakes), so ``sha256(id)`` could be reversed by hashing every
plausible ID. Instead each *key period* (a year, half year or quarter, see :func:`period_for`) gets a
fresh random key (:func:`new_key`) and a youth's pseudonym is ``HMAC-SHA256(key, pepper + b"user:" + id)``
truncated to 32 hex characters. The same youth keeps one pseudonym within a period and gets an
unrelated one in the next.

Destroying a period's key (after the period ends, or for forget-me) is irreversible by design: without
the key nobody, including us, can recompute which pseudonym belonged to which user ID; the rows stay
countable but are no longer linkable to a person. For a single forget-me request inside a live
period, re-key that youth's rows to :func:`random_pseudonym` instead of destroying the shared key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bot.domain.ledger.kinds import Period

PSEUDONYM_LENGTH = 32
PSEUDONYM_RE = re.compile(r"[0-9a-f]{32}")
KEY_BYTES = 32
MIN_KEY_BYTES = 16


def new_key() -> bytes:
    """A fresh random period key (32 bytes from :mod:`secrets`)."""
    return secrets.token_bytes(KEY_BYTES)


def pseudonym(user_id: int, key: bytes, pepper: bytes = b"") -> str:
    """``HMAC-SHA256(key, pepper + b"user:" + str(user_id))`` as 32 lowercase hex characters."""
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id < 0:
        raise ValueError("user_id must be a non-negative int")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"key must be at least {MIN_KEY_BYTES} bytes")
    message = pepper + b"user:" + str(user_id).encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def random_pseudonym() -> str:
    """A pseudonym linked to nobody, same shape as :func:`pseudonym` (used to re-key for forget-me)."""
    return secrets.token_hex(PSEUDONYM_LENGTH // 2)


def period_id_for_date(day: date, period: Period) -> str:
    """``"2026"`` (year), ``"2026-H2"`` (half) or ``"2026-Q3"`` (quarter) for a local date."""
    if period == "year":
        return f"{day.year}"
    if period == "half":
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    raise ValueError(f"unknown period {period!r}")


def period_for(moment: datetime, tz: tzinfo, period: Period) -> str:
    """The key period an aware instant falls in, judged by its local date in ``tz``."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return period_id_for_date(moment.astimezone(tz).date(), period)


def period_range(period_id: str) -> tuple[date, date]:
    """First and last local date (inclusive) of a period id made by :func:`period_for`."""
    year_text, _, part = period_id.partition("-")
    if not year_text.isdigit() or len(year_text) != 4:
        raise ValueError(f"bad period id {period_id!r}")
    year = int(year_text)
    if not part:
        first_month, months = 1, 12
    elif part in ("H1", "H2"):
        first_month, months = (1 if part == "H1" else 7), 6
    elif part in ("Q1", "Q2", "Q3", "Q4"):
        first_month, months = 3 * (int(part[1]) - 1) + 1, 3
    else:
        raise ValueError(f"bad period id {period_id!r}")
    start = date(year, first_month, 1)
    next_month = first_month + months
    after = date(year + 1, 1, 1) if next_month > 12 else date(year, next_month, 1)
    return start, after - timedelta(days=1)


@dataclass(frozen=True, repr=False)
class PeriodKey:
    """The secret key of one key period; its ``repr`` never shows the key."""

    period_id: str
    key: bytes

    def __post_init__(self) -> None:
        period_range(self.period_id)  # validates the id
        if len(self.key) < MIN_KEY_BYTES:
            raise ValueError(f"key must be at least {MIN_KEY_BYTES} bytes")

    @classmethod
    def generate(cls, period_id: str) -> PeriodKey:
        return cls(period_id, new_key())

    def pseudonym(self, user_id: int, pepper: bytes = b"") -> str:
        return pseudonym(user_id, self.key, pepper)

    def __repr__(self) -> str:
        return f"PeriodKey(period_id={self.period_id!r}, key=<redacted>)"
