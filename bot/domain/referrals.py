"""Where to send a youth locally: services per municipality, found despite case, accents and hyphens."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.crisis import Lang
from bot.domain.values import WebUrl

_ABBREVIATIONS = {"st": "sint"}


def municipality_key(name: str) -> str:
    """Comparison form of a place name: "Sint-Niklaas", "sint niklaas" and "St.-Niklaas" → "sintniklaas"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    words = [word for word in re.split(r"[^0-9a-z]+", text.replace("'", "").replace("’", "")) if word]
    return "".join(_ABBREVIATIONS.get(word, word) for word in words)


class Service(BaseModel):
    """One local service a youth can be referred to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description_nl: str = Field(min_length=1)
    description_en: str = Field(min_length=1)
    phone: str | None = None
    url: WebUrl | None = None
    address: str | None = None

    def description(self, lang: Lang) -> str:
        return self.description_nl if lang == "nl" else self.description_en


class ReferralConfig(BaseModel):
    """Services per municipality, plus aliases (sub-municipalities, nicknames) pointing at one of them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    municipalities: dict[str, list[Service]] = Field(default_factory=dict)
    aliases: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> ReferralConfig:
        _index(self.municipalities, self.aliases)
        return self


class ReferralHit(NamedTuple):
    municipality: str
    services: tuple[Service, ...]


class ReferralDirectory:
    """Looks up services by municipality name, tolerant of spelling, and suggests names for typos."""

    def __init__(self, entries: Mapping[str, Sequence[Service]], aliases: Mapping[str, str] | None = None) -> None:
        self._services = {name: tuple(services) for name, services in entries.items()}
        self._index = _index(entries, aliases or {})

    @classmethod
    def from_config(cls, config: ReferralConfig) -> ReferralDirectory:
        return cls(config.municipalities, config.aliases)

    def municipalities(self) -> list[str]:
        return sorted(self._services)

    def lookup(self, name: str) -> ReferralHit | None:
        canonical = self._index.get(municipality_key(name))
        return None if canonical is None else ReferralHit(canonical, self._services[canonical])

    def suggest(self, name: str, n: int = 3, cutoff: float = 0.75) -> list[str]:
        """Up to ``n`` canonical municipality names that look like ``name`` (best first).

        The cutoff is above difflib's 0.6 because many names share "sint"/"-waas" and would look alike.
        """
        if n <= 0 or not self._index:
            return []
        close = difflib.get_close_matches(municipality_key(name), self._index, n=len(self._index), cutoff=cutoff)
        suggestions: list[str] = []
        for key in close:
            canonical = self._index[key]
            if canonical not in suggestions:
                suggestions.append(canonical)
        return suggestions[:n]


def _index(entries: Mapping[str, Sequence[Service]], aliases: Mapping[str, str]) -> dict[str, str]:
    """Comparison key → canonical name; ValueError naming the clash or the unknown alias target."""
    index: dict[str, str] = {}
    for name in entries:
        key = municipality_key(name)
        if not key:
            raise ValueError(f"municipalities: {name!r} is not a place name")
        if key in index:
            raise ValueError(f"municipalities: {name!r} and {index[key]!r} are the same place")
        index[key] = name
    for alias, target in aliases.items():
        canonical = index.get(municipality_key(target))
        if canonical is None:
            raise ValueError(f"aliases.{alias}: {target!r} is not one of the municipalities")
        key = municipality_key(alias)
        if not key:
            raise ValueError(f"aliases: {alias!r} is not a place name")
        if index.get(key, canonical) != canonical:
            raise ValueError(f"aliases.{alias}: already the name of {index[key]!r}")
        index[key] = canonical
    return index


def format_services(services: Sequence[Service], lang: Lang) -> str:
    """Services as a Discord-markdown list in one language."""
    blocks = []
    for service in services:
        details = [
            f"☎ {service.phone}" if service.phone else "",
            f"<{service.url}>" if service.url else "",
            f"📍 {service.address}" if service.address else "",
        ]
        extra = " · ".join(detail for detail in details if detail)
        blocks.append(f"• **{service.name}**: {service.description(lang)}" + (f"\n  {extra}" if extra else ""))
    return "\n".join(blocks)
