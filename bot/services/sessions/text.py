"""What youths and the team read about sessions: Dutch first for youths, theme labels per language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain.crisis import HelpLine, format_help_lines
from bot.domain.sessions.model import THEMES, SessionKind
from bot.i18n import LANGUAGES, I18n, Lang


class SessionText:
    def __init__(self, i18n: I18n, help_lines: Sequence[HelpLine]) -> None:
        self.i18n = i18n
        self._help_lines = tuple(help_lines)

    def theme(self, kind: str, theme: str, lang: str) -> str:
        """A preset theme's label, the free text as given, or the Happy Monday name."""
        if kind == SessionKind.HAPPY_MONDAY:
            return self.i18n.t("sessions.kind.happy_monday", lang)
        if theme in THEMES:
            return self.i18n.t(f"sessions.theme.{theme}", lang)
        return theme

    def render(self, key: str, lang: str, *, kind: str = "", theme: str = "", **params: Any) -> str:
        if kind:
            params["theme"] = self.theme(kind, theme, lang)
        params.setdefault("help_lines", format_help_lines(self._help_lines, _lang(lang)))
        return self.i18n.t(key, lang, **params)

    def youth(self, keys: Sequence[str], *, kind: str = "", theme: str = "", **params: Any) -> str:
        """Every key in Dutch, then every key in English (at most 2000 characters per Discord message)."""
        parts = [
            "\n\n".join(self.render(key, lang, kind=kind, theme=theme, **params) for key in keys) for lang in LANGUAGES
        ]
        return "\n\n—\n\n".join(parts)[:2000]


def _lang(lang: str) -> Lang:
    return "en" if lang == "en" else "nl"
