"""discord.py ``app_commands.Translator`` backed by the catalogs: command names and descriptions."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import I18n

_LOCALES: dict[discord.Locale, str] = {
    discord.Locale.dutch: "nl",
    discord.Locale.american_english: "en",
    discord.Locale.british_english: "en",
}


class CatalogTranslator(app_commands.Translator):
    """Translates ``locale_str(default, key="cmd....")``; strings without a key stay as they are."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        lang = _LOCALES.get(locale)
        if key is None or lang is None:
            return None
        text = self.i18n.catalogs[lang].get(key)
        return text or None


def _(default: str, key: str) -> app_commands.locale_str:
    """A translatable command string: ``default`` is what Discord shows where no catalog applies."""
    return app_commands.locale_str(default, key=key)
