"""Message catalogs: one TOML file per area and language under ``locales/<lang>/``; Dutch first.

Keys are flat and dotted (``"setup.saved" = "..."``); placeholders use ``{name}``. Every language must
have exactly the same keys (a test enforces it). A missing key falls back to Dutch, then to the key itself.
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger("happymood.i18n")

from bot.domain.permissions_audit import permission_key  # noqa: E402
from bot.domain.values import LANGUAGES, Lang  # noqa: E402  (one language set for the whole bot)

__all__ = ["LANGUAGES", "Lang"]
DEFAULT_LANG: Lang = "nl"
LOCALES_DIR = Path(__file__).parent / "locales"


class CatalogError(Exception):
    """A catalog file is broken (bad TOML, a key defined twice, a non-string value)."""


def load_catalog(lang: str, root: Path = LOCALES_DIR) -> dict[str, str]:
    """All messages of one language, merged from its area files."""
    messages: dict[str, str] = {}
    for path in sorted((root / lang).glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"{path}: {exc}") from None
        for key, value in _flatten(data):
            if not isinstance(value, str):
                raise CatalogError(f"{path}: {key} must be a string")
            if key in messages:
                raise CatalogError(f"{path}: {key} is defined twice in {lang}")
            messages[key] = value
    return messages


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            items.extend(_flatten(value, full + "."))
        else:
            items.append((full, value))
    return items


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class I18n:
    """Renders message keys in a language."""

    def __init__(self, root: Path = LOCALES_DIR) -> None:
        self.catalogs: dict[str, dict[str, str]] = {lang: load_catalog(lang, root) for lang in LANGUAGES}

    def has(self, key: str) -> bool:
        return key in self.catalogs[DEFAULT_LANG]

    def t(self, key: str, lang: str | None = None, /, **params: Any) -> str:
        """The message ``key`` in ``lang`` with ``params`` filled in."""
        catalog = self.catalogs.get(lang or DEFAULT_LANG, self.catalogs[DEFAULT_LANG])
        template = catalog.get(key) or self.catalogs[DEFAULT_LANG].get(key)
        if template is None:
            log.warning("missing message key", extra={"key": key})
            return key
        return string.Formatter().vformat(template, (), _Lenient(params))

    def permission(self, flag: str, lang: str | None = None) -> str:
        """The human name of a Discord permission flag in ``lang``; a flag the table does not know stays as it is."""
        key = permission_key(flag)
        return self.t(key, lang) if key else flag

    def both(self, key: str, /, first: str | None = None, **params: Any) -> str:
        """Dutch first, English second (what a youth reads when we do not know their language)."""
        order = [first or DEFAULT_LANG] + [lang for lang in LANGUAGES if lang != (first or DEFAULT_LANG)]
        return "\n\n".join(self.t(key, lang, **params) for lang in order)


def lang_for(discord_locale: str | None, guild_lang: str | None = None) -> Lang:
    """The catalog for a Discord locale (``nl``, ``en-US``, ``en-GB``), else the guild's language."""
    if discord_locale:
        base = discord_locale.split("-", 1)[0].lower()
        if base in LANGUAGES:
            return base
    if guild_lang in LANGUAGES:
        return guild_lang
    return DEFAULT_LANG
