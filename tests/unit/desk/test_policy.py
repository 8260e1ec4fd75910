"""Desk decisions: relay, auto-reply once per closed period, crisis at any hour, blocks, staff replies."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot.domain.crisis import CrisisDetector, CrisisMatch
from bot.domain.desk import (
    ConversationState,
    ConversationStatus,
    DeskPolicy,
    Keys,
    Localized,
    Msg,
    WaitingConversation,
    YouthDecision,
    signature,
)
from bot.domain.hours import OfficeHours

from ._util import local, utc

OPEN = ConversationState(status=ConversationStatus.OPEN, welcomed=True)


@pytest.fixture
def policy() -> DeskPolicy:
    return DeskPolicy(OfficeHours(), CrisisDetector())


def keys(decision: YouthDecision) -> list[str]:
    return [reply.key for reply in decision.replies]


# -- youth messages during hours --------------------------------------------------------------------


def test_first_message_during_hours(policy: DeskPolicy) -> None:
    d = policy.on_youth_message(local(2026, 12, 1, 15, 0), "hoi, mag ik iets vragen?", ConversationState())
    assert (d.relay, d.after_hours, d.notify_staff, d.open_thread) == (True, False, True, True)
    assert (d.auto_reply, d.crisis, d.refuse_blocked, d.back_at, d.new_period_id) == (False, None, False, None, None)
    assert keys(d) == [Keys.WELCOME]
    assert [note.key for note in d.staff_notes] == [Keys.STAFF_NEW_CONVERSATION]
    state = d.apply(ConversationState())
    assert state == ConversationState(status=ConversationStatus.OPEN, welcomed=True)


def test_follow_up_during_hours_pings_nobody(policy: DeskPolicy) -> None:
    d = policy.on_youth_message(local(2026, 12, 1, 15, 0), "nog iets", OPEN)
    assert (d.relay, d.notify_staff, d.open_thread, d.replies, d.staff_notes) == (True, False, False, (), ())


def test_closed_conversation_reopens_and_pings(policy: DeskPolicy) -> None:
    closed = replace(OPEN, status=ConversationStatus.CLOSED)
    d = policy.on_youth_message(local(2026, 12, 1, 15, 0), "ik ben terug", closed)
    assert (d.open_thread, d.notify_staff, d.staff_notes) == (True, True, ())
    assert d.apply(closed).status is ConversationStatus.OPEN


# -- after hours: one auto-reply per closed period ---------------------------------------------------


def test_after_hours_relays_silently_with_one_auto_reply_per_night(policy: DeskPolicy) -> None:
    first = policy.on_youth_message(local(2026, 12, 1, 21, 0), "hallo?", OPEN)
    assert (first.relay, first.after_hours, first.notify_staff, first.auto_reply) == (True, True, False, True)
    assert first.back_at == utc(2026, 12, 2, 9, 0)
    assert first.new_period_id == "closed:2026-12-02T09:00:00+00:00"
    assert first.replies[0].key == Keys.AUTOREPLY
    assert first.replies[0].params_for("nl")["back_date"] == "02/12"
    assert first.replies[0].params_for("nl")["back_time"] == "10:00"
    assert "1813" in str(first.replies[0].params_for("nl")["help_lines"])
    state = first.apply(OPEN)
    assert state.last_autoreply_period == "closed:2026-12-02T09:00:00+00:00"

    same_night = policy.on_youth_message(local(2026, 12, 2, 3, 0), "ben je er?", state)
    assert (same_night.relay, same_night.auto_reply, same_night.replies, same_night.new_period_id) == (
        True,
        False,
        (),
        None,
    )
    state = same_night.apply(state)
    assert state.last_autoreply_period == "closed:2026-12-02T09:00:00+00:00"

    next_night = policy.on_youth_message(local(2026, 12, 2, 21, 30), "hoi", state)
    assert next_night.auto_reply is True
    assert next_night.new_period_id == "closed:2026-12-03T09:00:00+00:00"


def test_minute_boundary(policy: DeskPolicy) -> None:
    assert policy.on_youth_message(local(2026, 12, 1, 20, 59), "x", OPEN).after_hours is False
    assert policy.on_youth_message(local(2026, 12, 1, 21, 0), "x", OPEN).after_hours is True
    assert policy.on_youth_message(local(2026, 12, 1, 21, 1), "x", OPEN).after_hours is True


def test_christmas_auto_reply_points_to_saturday(policy: DeskPolicy) -> None:
    d = policy.on_youth_message(local(2026, 12, 25, 11, 0), "hey", OPEN)
    assert d.back_at == utc(2026, 12, 26, 13, 0)
    assert dict(d.replies[0].params_for("en")) | {"help_lines": ""} == {
        "back_date": "26/12",
        "back_time": "14:00",
        "help_lines": "",
    }


def test_new_youth_after_hours_gets_auto_reply_then_welcome(policy: DeskPolicy) -> None:
    d = policy.on_youth_message(local(2026, 12, 1, 23, 0), "hoi", ConversationState())
    assert keys(d) == [Keys.AUTOREPLY, Keys.WELCOME]
    assert (d.open_thread, d.notify_staff) == (True, False)


# -- crisis ------------------------------------------------------------------------------------------


def test_crisis_at_night_after_auto_reply_still_gets_help_lines(policy: DeskPolicy) -> None:
    state = policy.on_youth_message(local(2026, 12, 1, 22, 0), "hoi", OPEN).apply(OPEN)
    d = policy.on_youth_message(local(2026, 12, 2, 3, 0), "ik wil echt niet meer leven", state)
    assert d.crisis == CrisisMatch("nl")
    assert (d.relay, d.after_hours, d.notify_staff, d.auto_reply, d.mark_urgent) == (True, True, False, False, True)
    assert keys(d) == [Keys.CRISIS_AFTER_HOURS]
    help_lines = d.replies[0].params["help_lines"]
    assert isinstance(help_lines, Localized)
    assert "1813" in help_lines.nl and "1813" in help_lines.en and "Awel" in help_lines.nl
    assert d.replies[0].params["back_time"] == "10:00"
    assert [(n.key, dict(n.params)) for n in d.staff_notes] == [(Keys.STAFF_CRISIS_ALERT, {"language": "nl"})]
    assert d.apply(state).urgent is True


def test_crisis_first_message_replaces_auto_reply_and_welcome(policy: DeskPolicy) -> None:
    night = local(2026, 12, 1, 23, 0)
    d = policy.on_youth_message(night, "i want to kill myself", ConversationState())
    assert keys(d) == [Keys.CRISIS_AFTER_HOURS]
    assert (d.auto_reply, d.send_welcome, d.new_period_id) == (False, False, "closed:2026-12-02T09:00:00+00:00")
    state = d.apply(ConversationState())
    assert (state.urgent, state.welcomed, state.last_crisis_period) == (True, False, d.new_period_id)

    calm = policy.on_youth_message(night + timedelta(minutes=5), "sorry", state)
    assert keys(calm) == [Keys.WELCOME]  # no auto-reply: the crisis reply already said when we're back
    again = policy.on_youth_message(night + timedelta(minutes=10), "kms", calm.apply(state))
    assert keys(again) == [Keys.CRISIS_AGAIN]
    assert (again.staff_notes, again.mark_urgent) == ((), True)


def test_crisis_during_hours_pings_staff(policy: DeskPolicy) -> None:
    d = policy.on_youth_message(local(2026, 12, 1, 15, 0), "Ik wil dood!!", OPEN)
    assert keys(d) == [Keys.CRISIS_OPEN]
    assert (d.notify_staff, d.mark_urgent, d.relay, d.after_hours) == (True, True, True, False)


def test_doodmoe_is_just_tired(policy: DeskPolicy) -> None:
    d = policy.on_youth_message(local(2026, 12, 1, 15, 0), "ik ben doodmoe van school", OPEN)
    assert (d.crisis, d.mark_urgent, d.replies) == (None, False, ())


# -- blocked youths ----------------------------------------------------------------------------------


def test_blocked_youth_is_refused_once_per_period(policy: DeskPolicy) -> None:
    now = local(2026, 12, 1, 15, 0)
    blocked = replace(OPEN, blocked_until=local(2026, 12, 8, 12, 0))
    d = policy.on_youth_message(now, "hallo", blocked)
    assert (d.relay, d.refuse_blocked, d.notify_staff, d.open_thread, d.staff_notes) == (False, True, False, False, ())
    assert keys(d) == [Keys.BLOCKED_UNTIL]
    assert {k: v for k, v in d.replies[0].params_for("nl").items() if k != "help_lines"} == {
        "until_date": "08/12",
        "until_time": "12:00",
    }
    state = d.apply(blocked)
    again = policy.on_youth_message(now + timedelta(minutes=1), "hallo??", state)
    assert (again.relay, again.refuse_blocked, again.replies) == (False, True, ())


def test_long_block_has_no_date(policy: DeskPolicy) -> None:
    blocked = replace(OPEN, blocked_until=datetime(9999, 1, 1, tzinfo=local(2026, 1, 1).tzinfo))
    assert keys(policy.on_youth_message(local(2026, 12, 1, 15, 0), "x", blocked)) == [Keys.BLOCKED_INDEFINITE]


def test_expired_block_is_no_block(policy: DeskPolicy) -> None:
    expired = replace(OPEN, blocked_until=local(2026, 12, 1, 14, 59))
    d = policy.on_youth_message(local(2026, 12, 1, 15, 0), "x", expired)
    assert (d.relay, d.refuse_blocked) == (True, False)


def test_blocked_youth_in_crisis_gets_help_but_nothing_is_relayed(policy: DeskPolicy) -> None:
    blocked = replace(OPEN, status=ConversationStatus.CLOSED, blocked_until=local(2026, 12, 8, 12, 0))
    d = policy.on_youth_message(local(2026, 12, 1, 23, 0), "zelfmoord", blocked)
    assert (d.relay, d.refuse_blocked, d.mark_urgent, d.notify_staff, d.open_thread) == (False, True, True, False, True)
    assert keys(d) == [Keys.CRISIS_AFTER_HOURS]
    assert [n.key for n in d.staff_notes] == [Keys.STAFF_BLOCKED_CRISIS_ALERT]


# -- staff replies -----------------------------------------------------------------------------------


def test_staff_reply_during_hours_goes_now(policy: DeskPolicy) -> None:
    d = policy.on_staff_reply(local(2026, 12, 1, 15, 0), urgent_override=False)
    assert (d.deliver_now, d.hold_until, d.log_override, d.worker_notice, d.log_line) == (True, None, False, None, None)
    assert policy.on_staff_reply(local(2026, 12, 1, 15, 0), urgent_override=True).log_override is False


def test_staff_reply_at_22_is_held_until_opening(policy: DeskPolicy) -> None:
    d = policy.on_staff_reply(local(2026, 12, 1, 22, 0), urgent_override=False)
    assert (d.deliver_now, d.hold_until, d.log_override, d.log_line) == (False, utc(2026, 12, 2, 9, 0), False, None)
    assert d.worker_notice == Msg(Keys.STAFF_HELD, {"send_date": "02/12", "send_time": "10:00"})


def test_staff_reply_held_over_easter_and_dst(policy: DeskPolicy) -> None:
    d = policy.on_staff_reply(local(2027, 3, 27, 22, 0), urgent_override=False)
    assert d.hold_until == utc(2027, 3, 30, 8, 0)
    assert d.worker_notice == Msg(Keys.STAFF_HELD, {"send_date": "30/03", "send_time": "10:00"})


def test_urgent_override_sends_now_and_is_logged(policy: DeskPolicy) -> None:
    d = policy.on_staff_reply(local(2026, 12, 1, 22, 0), urgent_override=True)
    assert (d.deliver_now, d.hold_until, d.log_override) == (True, None, True)
    assert d.worker_notice == Msg(Keys.STAFF_OVERRIDE_SENT)
    assert d.log_line == Msg(Keys.STAFF_OVERRIDE_LOG, {"sent_date": "01/12", "sent_time": "22:00"})
    assert d.log_line.with_params(worker="Sara", thread_id=42).params_for("nl") == {
        "sent_date": "01/12",
        "sent_time": "22:00",
        "worker": "Sara",
        "thread_id": 42,
    }


def test_never_opening_desk(policy: DeskPolicy) -> None:
    from bot.domain.hours import OfficeHoursConfig

    shut = DeskPolicy(OfficeHours(OfficeHoursConfig(schedule={})), CrisisDetector())
    now = local(2026, 12, 1, 15, 0)
    assert shut.on_staff_reply(now).worker_notice == Msg(Keys.STAFF_HELD_NO_DATE)
    assert keys(shut.on_youth_message(now, "x", OPEN)) == [Keys.AUTOREPLY_NO_DATE]
    assert keys(shut.on_youth_message(now, "kms", OPEN)) == [Keys.CRISIS_AFTER_HOURS_NO_DATE]
    assert shut.mention_reply(now) == Msg(Keys.MENTION_AFTER_HOURS_NO_DATE)


# -- mentions after hours ----------------------------------------------------------------------------


def test_one_mention_reply_per_night(policy: DeskPolicy) -> None:
    assert policy.on_mention_after_hours(local(2026, 12, 1, 15, 0), None) is False
    night = local(2026, 12, 1, 22, 0)
    assert policy.on_mention_after_hours(night, None) is True
    period = policy.hours.closed_period_id(night)
    assert policy.on_mention_after_hours(local(2026, 12, 2, 1, 0), period) is False
    assert policy.on_mention_after_hours(local(2026, 12, 2, 22, 0), period) is True
    assert policy.mention_reply(night) == Msg(Keys.MENTION_AFTER_HOURS, {"back_date": "02/12", "back_time": "10:00"})


# -- opening digest ----------------------------------------------------------------------------------


def waiting(
    thread_id: int, count: int, urgent: bool, first: datetime, last: datetime | None = None
) -> WaitingConversation:
    return WaitingConversation(thread_id, count, urgent, first, last or first)


def test_opening_digest_urgent_first_then_oldest(policy: DeskPolicy) -> None:
    digest = policy.opening_digest(
        [
            waiting(1, 2, False, local(2026, 12, 1, 22, 0)),
            waiting(2, 1, True, local(2026, 12, 2, 3, 0)),
            waiting(3, 4, False, local(2026, 12, 1, 21, 5)),
            waiting(4, 0, True, local(2026, 12, 1, 23, 0)),  # nothing after hours
            waiting(5, 3, False, local(2026, 11, 30, 22, 0)),  # before the last closing
        ],
        local(2026, 12, 2, 10, 0),
    )
    assert digest.since == utc(2026, 12, 1, 20, 0)
    assert [entry.thread_id for entry in digest.entries] == [2, 3, 1]
    assert (digest.total_messages, digest.urgent_count, digest.is_empty) == (7, 1, False)
    assert digest.messages() == (
        Msg(Keys.DIGEST_HEADER, {"conversations": 3, "messages": 7, "urgent": 1}),
        Msg(Keys.DIGEST_LINE_URGENT, {"thread_id": 2, "count": 1}),
        Msg(Keys.DIGEST_LINE, {"thread_id": 3, "count": 4}),
        Msg(Keys.DIGEST_LINE, {"thread_id": 1, "count": 2}),
    )


def test_empty_digest(policy: DeskPolicy) -> None:
    digest = policy.opening_digest([], local(2026, 12, 2, 10, 0))
    assert digest.is_empty
    assert digest.messages() == (Msg(Keys.DIGEST_EMPTY),)


# -- signature ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allows", "name", "expected"),
    [
        (False, "Sara", Msg(Keys.SIGNATURE_TEAM)),
        (True, None, Msg(Keys.SIGNATURE_TEAM)),
        (True, "   ", Msg(Keys.SIGNATURE_TEAM)),
        (True, "Sara", Msg(Keys.SIGNATURE_WORKER, {"name": "Sara"})),
        (True, " Sara Peeters ", Msg(Keys.SIGNATURE_WORKER, {"name": "Sara"})),
    ],
)
def test_signature(allows: bool, name: str | None, expected: Msg) -> None:
    key, params = signature(allows, name)
    assert (key, dict(params)) == (expected.key, dict(expected.params))
