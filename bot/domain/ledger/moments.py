"""Contact moments: one youth, one kind, one context, one day (or hour/week), plus tag hygiene.

The ledger stores rows per hour bucket; a *moment* merges every row of the same pseudonym, kind and
context (canonical tags) inside one local calendar slot, so a chatty evening of 200 messages is one
moment. Slots are judged in the guild's time zone, so 23:30 and 00:30 local are two moments even when
both are on the same UTC date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Protocol

from bot.domain.ledger.kinds import ContactKind, Granularity

ALLOWED_TAG_KEYS: frozenset[str] = frozenset({"theme", "category", "session", "place"})
SLUG_RE = re.compile(r"[a-z0-9_-]{1,40}")


def check_slug(value: object, name: str) -> str:
    """Return ``value`` if it is a short slug (``[a-z0-9_-]{1,40}``), else raise ValueError naming ``name``."""
    if not isinstance(value, str) or SLUG_RE.fullmatch(value) is None:
        raise ValueError(f"{name}: value must be a slug matching [a-z0-9_-]{{1,40}}")
    return value


def canonical_tags(tags: Mapping[str, str]) -> str:
    """Validate tags and return them as ``"k=v;k=v"`` sorted by key (``""`` when there are none).

    Only the keys theme, category, session and place are allowed, each with a short slug value, so
    no free text (names, message content) can ever end up in the ledger.
    """
    for key, value in tags.items():
        if key not in ALLOWED_TAG_KEYS:
            shown = key[:40] if isinstance(key, str) else type(key).__name__
            raise ValueError(f"tag key {shown!r} is not allowed (allowed: {sorted(ALLOWED_TAG_KEYS)})")
        check_slug(value, f"tag {key!r}")
    return ";".join(f"{key}={tags[key]}" for key in sorted(tags))


def parse_tags(context: str) -> dict[str, str]:
    """Inverse of :func:`canonical_tags` (validates again)."""
    if not context:
        return {}
    tags: dict[str, str] = {}
    for part in context.split(";"):
        key, sep, value = part.partition("=")
        if not sep or key in tags:
            raise ValueError(f"malformed context {context[:80]!r}")
        tags[key] = value
    if canonical_tags(tags) != context:
        raise ValueError(f"context is not canonical: {context[:80]!r}")
    return tags


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return at


def hour_bucket(at: datetime) -> datetime:
    """``at`` in UTC truncated to the hour."""
    return _aware(at).astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def local_date(at: datetime, tz: tzinfo) -> date:
    """The calendar date of an aware instant in ``tz``."""
    return _aware(at).astimezone(tz).date()


def slot(at: datetime, tz: tzinfo, granularity: Granularity) -> str:
    """The local time slot of ``at``: ``2026-10-25`` (day), ``2026-10-25T02+0100`` (hour), ``2026-W43`` (week).

    Hour slots carry the UTC offset so the repeated hour at the end of summer time stays two slots.
    """
    local = _aware(at).astimezone(tz)
    if granularity == "day":
        return local.date().isoformat()
    if granularity == "hour":
        return local.strftime("%Y-%m-%dT%H%z")
    if granularity == "week":
        iso = local.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    raise ValueError(f"unknown granularity {granularity!r}")


def moment_key(
    pseudonym: str, kind: ContactKind | str, context: str, at: datetime, tz: tzinfo, granularity: Granularity = "day"
) -> str:
    """The identity of a contact moment: ``pseudonym|kind|context|slot``."""
    return f"{pseudonym}|{ContactKind(kind)}|{context}|{slot(at, tz, granularity)}"


class MomentSource(Protocol):
    """What :func:`group_moments` needs from a ledger row."""

    @property
    def pseudonym(self) -> str: ...
    @property
    def kind(self) -> ContactKind: ...
    @property
    def context(self) -> str: ...
    @property
    def hour_bucket(self) -> datetime: ...


@dataclass(frozen=True)
class Moment:
    """One contact moment, stamped at the earliest hour bucket of its rows."""

    key: str
    pseudonym: str
    kind: ContactKind
    context: str
    first_bucket: datetime

    @property
    def theme(self) -> str | None:
        return parse_tags(self.context).get("theme") if self.context else None


def group_moments(rows: Iterable[MomentSource], tz: tzinfo, granularity: Granularity = "day") -> list[Moment]:
    """Merge rows into moments (see module docstring), ordered by first bucket then key."""
    found: dict[str, Moment] = {}
    for row in rows:
        key = moment_key(row.pseudonym, row.kind, row.context, row.hour_bucket, tz, granularity)
        seen = found.get(key)
        if seen is None or row.hour_bucket < seen.first_bucket:
            found[key] = Moment(key, row.pseudonym, row.kind, row.context, row.hour_bucket)
    return sorted(found.values(), key=lambda m: (m.first_bucket, m.key))
