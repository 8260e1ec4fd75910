"""discord.py ``app_commands.Translator`` backed by the catalogs: command, option and choice names and descriptions.

A ``locale_str`` with an explicit ``key`` is looked up under that key. Without one the key is derived from
where the string sits, so a command added later is localized by catalog entries alone (no code):

- a command, group or option *name* → ``name.<path>``, the path being the Dutch default names joined by
  spaces (``name."setup kanaal functie"``);
- its *description* → ``description.<path>``;
- a *choice* name → ``choice.<Dutch default name>`` (a choice does not know its command).

Names must follow Discord's rules (lowercase, 1–32 letters, digits, ``-`` or ``_``); a catalog entry that
does not is ignored (and logged) rather than making Discord refuse the whole command tree.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.i18n import DEFAULT_LANG, I18n, load_catalog

log = logging.getLogger("happymood.i18n")

_LOCALES: dict[discord.Locale, str] = {
    discord.Locale.dutch: "nl",
    discord.Locale.american_english: "en",
    discord.Locale.british_english: "en",
}
#: Discord's rule for command and option names (``\w`` covers the letters and digits of every script).
NAME_RULE = re.compile(r"^[-_\w]{1,32}$")
_NAMES = (Where.command_name, Where.group_name, Where.parameter_name)


def valid_name(name: str) -> bool:
    """Whether Discord accepts ``name`` as a command or option name (or its localization)."""
    return bool(NAME_RULE.match(name)) and name == name.lower()


def derived_key(string: app_commands.locale_str, context: app_commands.TranslationContextTypes) -> str | None:
    """The catalog key of a string without an explicit key, from where it sits in the command tree."""
    data: Any = context.data  # a Command, Group, Parameter or Choice, by location
    if context.location in (Where.command_name, Where.group_name):
        return f"name.{data.qualified_name}"
    if context.location in (Where.command_description, Where.group_description):
        return f"description.{data.qualified_name}"
    if context.location is Where.parameter_name:
        return f"name.{data.command.qualified_name} {data.display_name}"
    if context.location is Where.parameter_description:
        return f"description.{data.command.qualified_name} {data.display_name}"
    if context.location is Where.choice_name:
        return f"choice.{string.message}"
    return None


class CatalogTranslator(app_commands.Translator):
    """Translates command strings from the catalogs (explicit ``key`` first, else the derived key)."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        lang = _LOCALES.get(locale)
        key = string.extras.get("key") or derived_key(string, context)
        if key is None or lang is None:
            return None
        text = self.i18n.catalogs[lang].get(key)
        if text and context.location in _NAMES and not valid_name(text):
            log.error("invalid command name in the catalog", extra={"key": key, "lang": lang})
            return None
        return text or None


def _(default: str, key: str) -> app_commands.locale_str:
    """A translatable command string: ``default`` is what Discord shows where no catalog applies."""
    return app_commands.locale_str(default, key=key)


@cache
def _dutch() -> dict[str, str]:
    return load_catalog(DEFAULT_LANG)


def choice(key: str, value: str) -> app_commands.Choice[str]:
    """A choice named by the catalog message ``key``: its Dutch text is the default name, every language localized."""
    return app_commands.Choice(name=_(_dutch().get(key, value), key), value=value)


def choices(prefix: str, values: Iterable[str]) -> list[app_commands.Choice[str]]:
    """:func:`choice` for each value, keyed ``<prefix>.<value>``."""
    return [choice(f"{prefix}.{value}", str(value)) for value in values]
