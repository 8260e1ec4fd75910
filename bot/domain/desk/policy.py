"""The contact desk's decisions: what happens to a youth's DM, a staff reply, a mention — at any hour.

Rules (field lessons): nobody is contacted after closing, neither the youth nor the worker; messages
that arrive after hours are relayed to the thread silently and answered once per closed period with an
auto-reply; crisis language gets a warm reply with help lines at any hour, in place of the auto-reply;
a blocked youth is refused politely, but still gets help lines when in crisis.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain.crisis import DEFAULT_HELP_LINES, CrisisDetector, CrisisMatch, HelpLine
from bot.domain.desk.content import help_lines_param, welcome
from bot.domain.desk.digest import Digest, build_digest
from bot.domain.desk.messages import Keys, Msg, msg, when_params
from bot.domain.desk.state import ConversationState, ConversationStatus, WaitingConversation
from bot.domain.hours import OfficeHours

INDEFINITE_BLOCK = timedelta(days=365)
"""A block running longer than this is shown as "until further notice" rather than a date."""


@dataclass(frozen=True, slots=True)
class YouthDecision:
    """What to do with one DM from a youth.

    ``replies`` go to the youth's DM in order; ``staff_notes`` are posted in the thread; the role is
    pinged only when ``notify_staff``. After hours everything is posted silently.
    """

    relay: bool
    after_hours: bool
    notify_staff: bool
    auto_reply: bool
    crisis: CrisisMatch | None
    refuse_blocked: bool
    back_at: datetime | None
    new_period_id: str | None
    """Store as ``last_autoreply_period`` unless None (auto-reply or after-hours crisis reply sent)."""
    open_thread: bool
    mark_urgent: bool
    send_welcome: bool
    replies: tuple[Msg, ...]
    staff_notes: tuple[Msg, ...]
    crisis_period_id: str | None
    refusal_period_id: str | None

    def apply(self, conv: ConversationState) -> ConversationState:
        """The conversation state to store after carrying out this decision."""
        return replace(
            conv,
            status=ConversationStatus.OPEN if self.open_thread else conv.status,
            last_autoreply_period=self.new_period_id or conv.last_autoreply_period,
            last_crisis_period=self.crisis_period_id or conv.last_crisis_period,
            last_refusal_period=self.refusal_period_id or conv.last_refusal_period,
            urgent=conv.urgent or self.mark_urgent,
            welcomed=conv.welcomed or self.send_welcome,
        )


@dataclass(frozen=True, slots=True)
class StaffDecision:
    """What to do with a worker's reply in a desk thread."""

    deliver_now: bool
    hold_until: datetime | None
    """When a held reply goes out (the next opening); None when delivered now or no opening is known."""
    log_override: bool
    worker_notice: Msg | None
    """Told to the worker only (ephemeral): held until when, or sent as urgent."""
    log_line: Msg | None
    """For the audit log when ``log_override``; the glue adds ``worker`` and ``thread_id``."""


class DeskPolicy:
    """Pure decision logic of the contact desk; the caller supplies ``now`` and the stored state."""

    def __init__(
        self,
        hours: OfficeHours,
        crisis: CrisisDetector,
        help_lines: Sequence[HelpLine] = DEFAULT_HELP_LINES,
    ) -> None:
        self.hours = hours
        self.crisis = crisis
        self.help_lines = tuple(help_lines)
        self._help = help_lines_param(self.help_lines)

    # -- youth -----------------------------------------------------------------------------------------

    def on_youth_message(self, now: datetime, text: str, conv: ConversationState) -> YouthDecision:
        match = self.crisis.matches(text)
        is_open = self.hours.is_open(now)
        period = self.hours.period_id(now)
        back_at = None if is_open else self.hours.next_opening(now)
        first_crisis = match is not None and conv.last_crisis_period != period
        crisis_reply = self._crisis_reply(first_crisis, is_open, back_at) if match else None
        if conv.is_blocked(now):
            return self._blocked(now, conv, match, crisis_reply, first_crisis, is_open, period, back_at)

        open_thread = conv.status is not ConversationStatus.OPEN
        auto_reply = not is_open and match is None and conv.last_autoreply_period != period
        send_welcome = not conv.welcomed and match is None
        replies = [crisis_reply] if crisis_reply else []
        if auto_reply:
            replies.append(self._autoreply(back_at))
        if send_welcome:
            replies.append(welcome(self.hours, self.help_lines))
        notes = [msg(Keys.STAFF_NEW_CONVERSATION)] if conv.status is ConversationStatus.NEW else []
        if first_crisis and match is not None:
            notes.append(msg(Keys.STAFF_CRISIS_ALERT, language=match.language))
        answered_period = not is_open and (auto_reply or first_crisis)
        return YouthDecision(
            relay=True,
            after_hours=not is_open,
            notify_staff=is_open and (open_thread or first_crisis),
            auto_reply=auto_reply,
            crisis=match,
            refuse_blocked=False,
            back_at=back_at,
            new_period_id=period if answered_period else None,
            open_thread=open_thread,
            mark_urgent=match is not None,
            send_welcome=send_welcome,
            replies=tuple(replies),
            staff_notes=tuple(notes),
            crisis_period_id=period if match else None,
            refusal_period_id=None,
        )

    def _blocked(
        self,
        now: datetime,
        conv: ConversationState,
        match: CrisisMatch | None,
        crisis_reply: Msg | None,
        first_crisis: bool,
        is_open: bool,
        period: str,
        back_at: datetime | None,
    ) -> YouthDecision:
        """Nothing is relayed; a crisis still gets help lines and a text-free alert for the team."""
        refuse = crisis_reply is None and conv.last_refusal_period != period
        replies = (crisis_reply,) if crisis_reply else (self._refusal(now, conv),) if refuse else ()
        alert = first_crisis and match is not None
        return YouthDecision(
            relay=False,
            after_hours=not is_open,
            notify_staff=is_open and alert,
            auto_reply=False,
            crisis=match,
            refuse_blocked=True,
            back_at=back_at,
            new_period_id=None,
            open_thread=alert and conv.status is not ConversationStatus.OPEN,
            mark_urgent=alert,
            send_welcome=False,
            replies=replies,
            staff_notes=(msg(Keys.STAFF_BLOCKED_CRISIS_ALERT),) if alert else (),
            crisis_period_id=period if match else None,
            refusal_period_id=period if refuse else None,
        )

    def _crisis_reply(self, first: bool, is_open: bool, back_at: datetime | None) -> Msg:
        if not first:
            return msg(Keys.CRISIS_AGAIN, help_lines=self._help)
        if is_open:
            return msg(Keys.CRISIS_OPEN, help_lines=self._help)
        if back_at is None:
            return msg(Keys.CRISIS_AFTER_HOURS_NO_DATE, help_lines=self._help)
        return msg(Keys.CRISIS_AFTER_HOURS, help_lines=self._help, **when_params("back", back_at, self.hours.tz))

    def _autoreply(self, back_at: datetime | None) -> Msg:
        if back_at is None:
            return msg(Keys.AUTOREPLY_NO_DATE, help_lines=self._help)
        return msg(Keys.AUTOREPLY, help_lines=self._help, **when_params("back", back_at, self.hours.tz))

    def _refusal(self, now: datetime, conv: ConversationState) -> Msg:
        until = conv.blocked_until
        if until is None or until - now > INDEFINITE_BLOCK:
            return msg(Keys.BLOCKED_INDEFINITE, help_lines=self._help)
        return msg(Keys.BLOCKED_UNTIL, help_lines=self._help, **when_params("until", until, self.hours.tz))

    # -- staff -----------------------------------------------------------------------------------------

    def on_staff_reply(self, now: datetime, urgent_override: bool = False) -> StaffDecision:
        """Deliver during hours; after hours hold until the next opening, unless overridden as urgent."""
        if self.hours.is_open(now):
            return StaffDecision(True, None, False, None, None)
        if urgent_override:
            stamp = when_params("sent", now, self.hours.tz)
            return StaffDecision(
                deliver_now=True,
                hold_until=None,
                log_override=True,
                worker_notice=msg(Keys.STAFF_OVERRIDE_SENT),
                log_line=msg(Keys.STAFF_OVERRIDE_LOG, **stamp),
            )
        opening = self.hours.next_opening(now)
        notice = (
            msg(Keys.STAFF_HELD, **when_params("send", opening, self.hours.tz))
            if opening
            else msg(Keys.STAFF_HELD_NO_DATE)
        )
        return StaffDecision(False, opening, False, notice, None)

    # -- mentions in the server ------------------------------------------------------------------------

    def on_mention_after_hours(self, now: datetime, user_last_reply_period: str | None) -> bool:
        """True when a youth mentioning a worker or the role should get the short after-hours reply.

        Once per closed period: store ``hours.closed_period_id(now)`` for the user after replying.
        """
        period = self.hours.closed_period_id(now)
        return period is not None and period != user_last_reply_period

    def mention_reply(self, now: datetime) -> Msg:
        opening = self.hours.next_opening(now)
        if opening is None:
            return msg(Keys.MENTION_AFTER_HOURS_NO_DATE)
        return msg(Keys.MENTION_AFTER_HOURS, **when_params("back", opening, self.hours.tz))

    # -- opening ---------------------------------------------------------------------------------------

    def opening_digest(self, waiting: Iterable[WaitingConversation], now: datetime) -> Digest:
        """Conversations with after-hours messages since the last closing, urgent first (no text)."""
        return build_digest(waiting, self.hours.last_closing(now))
