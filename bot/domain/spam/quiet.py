"""The one definition of "quiet": when a lockdown may end by itself.

A guild is quiet ``quiet_minutes`` after the latest moment anything happened that keeps it locked (the
lockdown's start, the last spam seen by the detector or stored with the incident). The quiet timer, the
alert's "unlocks by itself at …" line and the detector all ask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta


def quiet_at(moments: Iterable[datetime | None], quiet_minutes: int) -> datetime:
    """The instant the guild is quiet: ``quiet_minutes`` after the latest of ``moments`` (``None`` ignored)."""
    latest = max((t for t in moments if t is not None), default=None)
    if latest is None:
        raise ValueError("quiet_at needs at least one moment")
    return latest + timedelta(minutes=quiet_minutes)


def is_quiet(now: datetime, moments: Iterable[datetime | None], quiet_minutes: int) -> bool:
    """True when nothing kept the guild locked for ``quiet_minutes`` (no moment at all: quiet)."""
    known = [t for t in moments if t is not None]
    return not known or now >= quiet_at(known, quiet_minutes)
