"""The desk's information messages (welcome, /over, /uren, /hulp, referral card, signature) as Msg."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.crisis import HelpLine, format_help_lines
from bot.domain.desk.messages import LANGS, Keys, Localized, Msg, Param, msg
from bot.domain.hours import OfficeHours
from bot.domain.referrals import ReferralDirectory, format_services

CLOSED_DAY = "—"
"""Shown for a weekday without hours; the catalog texts explain the dash."""


def help_lines_param(lines: Sequence[HelpLine]) -> Localized:
    nl, en = (format_help_lines(lines, lang) for lang in LANGS)
    return Localized(nl=nl, en=en)


def week_params(hours: OfficeHours) -> dict[str, Param]:
    """``{"mon": "10:00–21:00", ..., "sun": "14:00–21:00"}``; a closed weekday is ``"—"``."""
    return {
        day: ", ".join(f"{start}–{end}" for start, end in spans) or CLOSED_DAY for day, spans in hours.describe_week()
    }


def welcome(hours: OfficeHours, help_lines: Sequence[HelpLine]) -> Msg:
    """First message to a youth: who we are, house rules, hours, what is recorded, help lines."""
    return msg(Keys.WELCOME, help_lines=help_lines_param(help_lines), **week_params(hours))


def about() -> Msg:
    """/over: who the outreachers are and why they use work accounts."""
    return msg(Keys.ABOUT)


def hours_info(hours: OfficeHours, now: datetime, days: int = 30) -> tuple[Msg, ...]:
    """/uren: the week, plus the closed days (holidays, closed dates) of the next ``days`` days."""
    week = msg(Keys.HOURS_WEEK, **week_params(hours))
    closures = hours.upcoming_closures(now, days)
    if not closures:
        return (week,)
    dates = ", ".join(day.strftime("%d/%m") for day, _ in closures)
    return week, msg(Keys.HOURS_CLOSURES, dates=dates)


def help_info(help_lines: Sequence[HelpLine]) -> Msg:
    """/hulp: the help lines, always reachable, whatever the hour."""
    return msg(Keys.HELP, help_lines=help_lines_param(help_lines))


def referral_reply(directory: ReferralDirectory, query: str) -> Msg:
    """The services of a municipality, or suggestions for a misspelled name, or "not found"."""
    hit = directory.lookup(query)
    if hit is not None:
        nl, en = (format_services(hit.services, lang) for lang in LANGS)
        return msg(Keys.REFERRAL_CARD, municipality=hit.municipality, services=Localized(nl=nl, en=en))
    suggestions = directory.suggest(query)
    if suggestions:
        return msg(Keys.REFERRAL_SUGGEST, query=query, suggestions=", ".join(suggestions))
    return msg(Keys.REFERRAL_NOT_FOUND, query=query)


def signature(guild_allows_first_names: bool, worker_first_name: str | None) -> Msg:
    """How a staff reply is signed in the youth's DM: the team, or the worker's first name if allowed."""
    name = (worker_first_name or "").strip()
    if guild_allows_first_names and name:
        return msg(Keys.SIGNATURE_WORKER, name=name.split()[0])
    return msg(Keys.SIGNATURE_TEAM)
