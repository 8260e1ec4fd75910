"""Shared helpers for the ledger tests: local-time rows and catalog-backed translators."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.ledger import ContactKind, ContactRow, hour_bucket

BRUSSELS = ZoneInfo("Europe/Brussels")
LOCALES = Path(__file__).resolve().parents[3] / "bot" / "i18n" / "locales"


def local(text: str) -> datetime:
    """``"2026-03-02 19:15"`` in Brussels as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def pid(name: str) -> str:
    """A readable stand-in pseudonym: ``name`` hex-encoded and padded to 32 hex characters."""
    return name.encode().hex().ljust(32, "0")


def row(
    kind: ContactKind | str,
    when: str | datetime,
    who: str,
    after_hours: bool = False,
    **tags: str,
) -> ContactRow:
    """A ledger row at the hour bucket of ``when`` (local Brussels text or an aware datetime)."""
    at = local(when) if isinstance(when, str) else when
    return ContactRow(ContactKind(kind), tags, hour_bucket(at), pid(who), after_hours)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def catalog(lang: str) -> dict[str, str]:
    with (LOCALES / lang / "ledger.toml").open("rb") as fh:
        return tomllib.load(fh)


class Translator:
    """Formats catalog entries like the i18n layer does and records every key it was asked for."""

    def __init__(self, lang: str) -> None:
        self.entries = catalog(lang)
        self.asked: set[str] = set()

    def __call__(self, key: str, params: Mapping[str, object]) -> str:
        self.asked.add(key)
        return self.entries[key].format(**params)
