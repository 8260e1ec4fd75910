"""What a session is: its kind, theme, room, start and length."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

SessionKind = Literal["safe_space", "happy_monday"]
DEFAULT_DURATION = timedelta(hours=2)
PRESET_THEMES: tuple[str, ...] = (
    "alcohol_drugs",
    "mental_wellbeing",
    "hate_speech",
    "sexuality",
    "online_safety",
)
SENSITIVE_THEMES = frozenset(PRESET_THEMES) - {"online_safety"}
"""Themes whose start post carries a content note and the help lines."""


def theme_slug(text: str) -> str:
    """A preset stays as it is; free text becomes an ASCII slug: ``"Stress & Examens"`` → ``stress_examens``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return slug[:40] or "free"


@dataclass(frozen=True, slots=True)
class Session:
    """One planned occurrence; instants are aware (UTC)."""

    kind: SessionKind
    theme: str
    room_id: int
    start: datetime
    duration: timedelta = DEFAULT_DURATION
    weekly: bool = False

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def sensitive(self) -> bool:
        return self.theme in SENSITIVE_THEMES
