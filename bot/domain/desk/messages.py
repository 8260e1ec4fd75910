"""Message references the i18n layer renders: a catalog key plus parameters, never finished text.

Youths read Dutch first, then English, so one :class:`Msg` is rendered once per language. A parameter
whose value differs per language (help lines, service descriptions) is a :class:`Localized`;
:meth:`Msg.params_for` picks the right side. Dates and times are pre-formatted in the desk's time zone
(``26/12``, ``14:00``), which reads the same in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.domain.values import LANGUAGES, Lang

LANGS: tuple[Lang, ...] = LANGUAGES  # the one language set (bot.domain.values)


@dataclass(frozen=True, slots=True)
class Localized:
    """A parameter value with one text per language."""

    nl: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.nl if lang == "nl" else self.en


Param = str | int | Localized


class Msg(NamedTuple):
    """A catalog key and its parameters; unpacks as ``(key, params)``."""

    key: str
    params: Mapping[str, Param] = MappingProxyType({})

    def params_for(self, lang: Lang) -> dict[str, str | int]:
        """Parameters with every :class:`Localized` resolved to ``lang``."""
        return {name: value.get(lang) if isinstance(value, Localized) else value for name, value in self.params.items()}

    def with_params(self, **extra: Param) -> Msg:
        """This message with more parameters (the glue adds what the pure core cannot know)."""
        return Msg(self.key, MappingProxyType({**self.params, **extra}))


def msg(key: str, **params: Param) -> Msg:
    return Msg(key, MappingProxyType(params))


def when_params(prefix: str, at: datetime, tz: ZoneInfo) -> dict[str, Param]:
    """``{prefix}_date`` ("26/12") and ``{prefix}_time`` ("14:00") of ``at`` in the desk's zone."""
    local = at.astimezone(tz)
    return {f"{prefix}_date": local.strftime("%d/%m"), f"{prefix}_time": local.strftime("%H:%M")}


class Keys:
    """Every catalog key of the desk (``bot/i18n/locales/{nl,en}/desk.toml`` hold exactly these)."""

    WELCOME = "desk.welcome"
    ABOUT = "desk.about"
    HOURS_WEEK = "desk.hours.week"
    HOURS_CLOSURES = "desk.hours.closures"
    HELP = "desk.help"
    AUTOREPLY = "desk.autoreply.default"
    AUTOREPLY_NO_DATE = "desk.autoreply.no_date"
    CRISIS_OPEN = "desk.crisis.open"
    CRISIS_AFTER_HOURS = "desk.crisis.after_hours"
    CRISIS_AFTER_HOURS_NO_DATE = "desk.crisis.after_hours_no_date"
    CRISIS_AGAIN = "desk.crisis.again"
    BLOCKED_UNTIL = "desk.blocked.until"
    BLOCKED_INDEFINITE = "desk.blocked.indefinite"
    MENTION_AFTER_HOURS = "desk.mention.after_hours"
    MENTION_AFTER_HOURS_NO_DATE = "desk.mention.after_hours_no_date"
    SIGNATURE_TEAM = "desk.signature.team"
    SIGNATURE_WORKER = "desk.signature.worker"
    STAFF_NEW_CONVERSATION = "desk.staff.new_conversation"
    STAFF_CRISIS_ALERT = "desk.staff.crisis_alert"
    STAFF_BLOCKED_CRISIS_ALERT = "desk.staff.blocked_crisis_alert"
    STAFF_URGENT_TAG = "desk.staff.urgent_tag"
    STAFF_HELD = "desk.staff.held"
    STAFF_HELD_NO_DATE = "desk.staff.held_no_date"
    STAFF_OVERRIDE_SENT = "desk.staff.override_sent"
    STAFF_OVERRIDE_LOG = "desk.staff.override_log"
    DIGEST_HEADER = "desk.digest.header"
    DIGEST_LINE = "desk.digest.line"
    DIGEST_LINE_URGENT = "desk.digest.line_urgent"
    DIGEST_EMPTY = "desk.digest.empty"
    REFERRAL_CARD = "desk.referral.card"
    REFERRAL_SUGGEST = "desk.referral.suggest"
    REFERRAL_NOT_FOUND = "desk.referral.not_found"

    @classmethod
    def all(cls) -> frozenset[str]:
        return frozenset(value for name, value in vars(cls).items() if name.isupper())
