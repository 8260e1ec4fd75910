"""What a study moment is made of: a subject slug, a duration, and refusals with a catalog key."""

from __future__ import annotations

import re
import unicodedata

from bot.domain.errors import UserFacingError

SUBJECTS: tuple[str, ...] = (
    "wiskunde",
    "nederlands",
    "frans",
    "engels",
    "wetenschappen",
    "geschiedenis",
    "aardrijkskunde",
    "economie",
    "informatica",
    "andere",
)
"""Preset subjects (catalog ``study.subject.<slug>``); anything else is slugged from the typed text."""
GENERAL = "algemeen"
"""The subject when none is given."""


class StudyRefused(UserFacingError):
    """A refused action; ``key`` is a study catalog key, ``params`` fill it in. Nothing was changed."""


def subject_slug(text: str | None) -> str:
    """A ledger-safe slug (``[a-z0-9_-]{1,40}``) of the subject: "Wiskunde B!" → ``wiskunde-b``."""
    if text is None or not text.strip():
        return GENERAL
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40].strip("-")
    if not slug:
        raise StudyRefused("study.err.subject")
    return slug


_DURATION = re.compile(
    r"^(?:(?P<h>\d{1,2})\s*(?:u|h|uur|hour|hours)\s*(?P<hm>\d{1,2})?\s*(?:m|min)?|(?P<m>\d{1,3})\s*(?:m|min|minuten|minutes)?"
    r"|(?P<ch>\d{1,2}):(?P<cm>\d{2}))$"
)


def parse_duration(text: str | None) -> int | None:
    """Minutes from ``"90"``, ``"90 min"``, ``"2u"``, ``"1u30"``, ``"1h30m"``, ``"1:30"``; None when not given."""
    if text is None or not text.strip():
        return None
    found = _DURATION.match(text.strip().casefold())
    if found is None:
        raise StudyRefused("study.err.duration", value=text.strip()[:20])
    if found["h"] is not None:
        minutes = int(found["h"]) * 60 + int(found["hm"] or 0)
    elif found["ch"] is not None:
        minutes = int(found["ch"]) * 60 + int(found["cm"])
    else:
        minutes = int(found["m"])
    if not 10 <= minutes <= 8 * 60:
        raise StudyRefused("study.err.duration", value=text.strip()[:20])
    return minutes
