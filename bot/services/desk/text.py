"""Rendering desk messages: youths read Dutch first then English; the team reads the guild's language.

Keys of the desk's glue live in ``bot/i18n/locales/{nl,en}/desk_ui.toml`` (``desk.toml`` holds exactly
the pure core's :class:`~bot.domain.desk.Keys`).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.crisis import Lang
from bot.domain.desk import LANGS, Msg
from bot.i18n import I18n

MAX_MESSAGE = 2000
MENTION_ROOM = 32
"""Room left for a mention the port puts in front of a post (``<@id>`` plus a line break)."""
SEPARATOR = "\n\n"


class UiKeys:
    """Catalog keys of the desk's glue (desk_ui.toml)."""

    UNREACHABLE = "desk_ui.youth.unreachable"
    OPENED = "desk_ui.youth.opened"
    OUTAGE_CRISIS = "desk_ui.youth.outage_crisis"
    PUBLIC_CRISIS_DM = "desk_ui.youth.public_crisis_dm"
    PUBLIC_CRISIS_REPLY = "desk_ui.youth.public_crisis_reply"
    OUTAGE_RECEIVED = "desk_ui.youth.outage_received"
    STOPPED = "desk_ui.youth.stopped"
    NOTHING_TO_STOP = "desk_ui.youth.nothing_to_stop"
    TALK_OPENED = "desk_ui.talk.opened"
    TALK_ALREADY_OPEN = "desk_ui.talk.already_open"
    TALK_DM_CLOSED = "desk_ui.talk.dm_closed"
    TALK_BLOCKED = "desk_ui.talk.blocked"
    BUTTON_TALK = "desk_ui.button.talk"
    BUTTON_STOP = "desk_ui.button.stop"
    BUTTON_SEND_NOW = "desk_ui.button.send_now"
    RELAY_OPEN = "desk_ui.relay.open"
    RELAY_AFTER_HOURS = "desk_ui.relay.after_hours"
    RELAY_BUTTON = "desk_ui.relay.button"
    STAFF_REOPENED = "desk_ui.staff.reopened"
    STAFF_DURING_OUTAGE = "desk_ui.staff.during_outage"
    STAFF_THREAD_REPLACED = "desk_ui.staff.thread_replaced"
    STAFF_DESK_GONE = "desk_ui.staff.desk_gone"
    STAFF_PUBLIC_CRISIS = "desk_ui.staff.public_crisis"
    STAFF_YOUTH_STOPPED = "desk_ui.staff.youth_stopped"
    STAFF_CLOSED = "desk_ui.staff.closed"
    STAFF_REOPENED_BY = "desk_ui.staff.reopened_by"
    STAFF_BLOCKED = "desk_ui.staff.blocked"
    STAFF_UNBLOCKED = "desk_ui.staff.unblocked"
    STAFF_HELD_SENT = "desk_ui.staff.held_sent"
    STAFF_HELD_GONE = "desk_ui.staff.held_gone"
    STAFF_DM_FAILED = "desk_ui.staff.dm_failed"
    STAFF_REFERRAL_SENT = "desk_ui.staff.referral_sent"
    REPLY_CLOSED = "desk_ui.reply.closed"
    REPLY_REOPENED = "desk_ui.reply.reopened"
    REPLY_BLOCKED = "desk_ui.reply.blocked"
    REPLY_UNBLOCKED = "desk_ui.reply.unblocked"
    REPLY_SENT_NOW = "desk_ui.reply.sent_now"
    REPLY_NOTHING_HELD = "desk_ui.reply.nothing_held"
    REPLY_REFERRAL_SENT = "desk_ui.reply.referral_sent"
    REPLY_PANEL = "desk_ui.reply.panel"
    REPLY_OPTIONS = "desk_ui.reply.options"
    REPLY_HOURS = "desk_ui.reply.hours"
    HOLIDAYS_CLOSED = "desk_ui.hours.holidays_closed"
    HOLIDAYS_OPEN = "desk_ui.hours.holidays_open"
    ERR_NOT_THREAD = "desk_ui.error.not_a_desk_thread"
    ERR_DURATION = "desk_ui.error.bad_duration"
    ERR_DURATION_TOO_LONG = "desk_ui.error.duration_too_long"
    ERR_TIMES = "desk_ui.error.bad_times"
    ERR_TIMES_LATE = "desk_ui.error.times_after_latest"
    ERR_TIMES_OVERLAP = "desk_ui.error.times_overlap"
    ERR_DATE = "desk_ui.error.bad_date"
    ERR_DAY_NEEDS_TIMES = "desk_ui.error.day_needs_times"
    ERR_TIMES_NEED_DAY = "desk_ui.error.times_need_day"
    ERR_NO_WELCOME = "desk_ui.error.no_welcome_channel"
    OPTION_YES = "desk_ui.option.yes"
    OPTION_NO = "desk_ui.option.no"
    OPTION_CHANNEL = "desk_ui.option.channel"
    OPTION_DM = "desk_ui.option.dm"
    OPTION_OFF = "desk_ui.option.off"

    @classmethod
    def all(cls) -> frozenset[str]:
        return frozenset(value for name, value in vars(cls).items() if name.isupper())


def pack(parts: Iterable[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join ``parts`` with blank lines into as few messages of at most ``limit`` characters as possible."""
    out: list[str] = []
    for part in parts:
        for piece in _split(part.strip(), limit):
            if out and len(out[-1]) + len(SEPARATOR) + len(piece) <= limit:
                out[-1] += SEPARATOR + piece
            else:
                out.append(piece)
    return out


def _split(text: str, limit: int) -> list[str]:
    """A text longer than ``limit`` cut at line ends (hard cut only for a single over-long line)."""
    if len(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


class DeskText:
    """Turns message references into Discord-ready strings."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    def one(self, message: Msg, lang: str) -> str:
        side: Lang = "en" if lang == "en" else "nl"
        return self.i18n.t(message.key, side, **message.params_for(side)).strip()

    def youth(self, *messages: Msg, limit: int = MAX_MESSAGE) -> list[str]:
        """Each message in Dutch, then English (once if both read the same), packed into posts of ≤ ``limit``."""
        parts: list[str] = []
        for message in messages:
            nl, en = (self.one(message, lang) for lang in LANGS)
            parts.extend([nl] if nl == en else [nl, en])
        return pack(parts, limit)

    def label(self, message: Msg) -> str:
        """A short bilingual label (button): "Praat met ons · Talk to us"."""
        nl, en = (self.one(message, lang) for lang in LANGS)
        return (nl if nl == en else f"{nl} · {en}")[:80]

    def staff(self, message: Msg, lang: str) -> str:
        return self.one(message, lang)
