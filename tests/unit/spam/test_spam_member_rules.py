"""Per-account rules: each flood gives one MEMBER verdict with its reason code and cleans up after itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.spam import MessageEvent, Reason, SpamDetector, SpamPolicy, VerdictKind

from .factories import GUILD, Feed, established, local, newcomer

DAY = local(2026, 6, 12, 15, 0)
WORDS = (
    "apple",
    "banana",
    "cherry",
    "delta",
    "echo",
    "fox",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "xray",
    "yankee",
    "zulu",
    "alpha",
    "bravo",
    "charlie",
    "dingo",
)


def s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def test_single_account_burst_is_a_member_verdict_once_with_every_message_deleted() -> None:
    feed = Feed()
    kid = established(1, DAY)
    verdicts = [feed.say(kid, DAY + s(i / 3), f"{WORDS[i]} is my word", channel=1 + i % 2) for i in range(30)]

    members = feed.of_kind(VerdictKind.MEMBER)
    assert len(members) == 1
    assert verdicts.index(members[0]) == 7  # the 8th message in 10 s
    assert members[0].reasons == (Reason("burst", 8, 7, 10),)
    assert members[0].reasons[0].params == {"count": 8, "limit": 7, "seconds": 10}
    assert members[0].reasons[0].key == "spam.reason.burst"
    assert members[0].offenders == frozenset({1})
    assert members[0].message_ids == frozenset(range(10_000, 10_008))
    assert set(members[0].delete) == {1, 2}
    assert feed.of_kind(VerdictKind.RAID) == []
    assert all(v.kind is VerdictKind.NONE and not v.offenders for v in verdicts[8:])
    assert feed.deleted == feed.message_ids(1)
    assert not feed.detector.raid_active
    assert feed.detector.last_spam_at == DAY + s(29 / 3)


def test_member_verdict_repeats_only_after_the_window() -> None:
    feed = Feed()
    kid = established(1, DAY)
    for i in range(10):
        feed.say(kid, DAY + s(i), f"{WORDS[i]} again")
    assert len(feed.of_kind(VerdictKind.MEMBER)) == 1
    later = DAY + s(75)  # member_window_seconds is 60
    again = [feed.say(kid, later + s(i / 2), f"{WORDS[i + 10]} more") for i in range(8)]
    assert [v.kind for v in again] == [VerdictKind.NONE] * 7 + [VerdictKind.MEMBER]
    assert again[-1].message_ids == frozenset(feed.message_ids(1) - set(range(10_000, 10_010)))


@pytest.mark.parametrize(
    ("extra", "repeat", "reason"),
    [
        ({"mention_user_count": 9}, 1, Reason("mentions", 9, 8, 0)),
        ({"mention_user_count": 4}, 3, Reason("mentions", 12, 10, 10)),
        ({"mention_role_count": 2}, 2, Reason("role_mentions", 4, 3, 10)),
        ({"everyone_attempt": True}, 2, Reason("everyone", 2, 1, 60)),
        ({"attachment_count": 2}, 4, Reason("attachments", 8, 6, 10)),
    ],
)
def test_floods_by_an_established_member(extra: dict[str, Any], repeat: int, reason: Reason) -> None:
    feed = Feed()
    kid = established(1, DAY)
    verdicts = [feed.say(kid, DAY + s(2 * i), f"{WORDS[i]} look here", **extra) for i in range(repeat)]
    assert [v.kind for v in verdicts] == [VerdictKind.NONE] * (repeat - 1) + [VerdictKind.MEMBER]
    assert verdicts[-1].reasons == (reason,)
    assert verdicts[-1].offenders == frozenset({1})
    assert verdicts[-1].message_ids == frozenset(feed.message_ids(1))


def test_emoji_floods_per_message_and_per_window() -> None:
    feed = Feed()
    one, other = established(1, DAY), established(2, DAY)
    assert feed.say(one, DAY, "😂" * 20).kind is VerdictKind.NONE
    flood = feed.say(one, DAY + s(1), "🎉" * 25)
    assert (flood.kind, flood.reasons) == (VerdictKind.MEMBER, (Reason("emoji", 25, 20, 0),))
    assert flood.message_ids == frozenset({10_001})
    window = [feed.say(other, DAY + s(i), f"{WORDS[i]} " + "🥳" * 12) for i in range(3)]
    assert [v.kind for v in window] == [VerdictKind.NONE, VerdictKind.NONE, VerdictKind.MEMBER]
    assert window[-1].reasons == (Reason("emoji", 36, 30, 10),)


def test_newline_walls() -> None:
    feed = Feed()
    kid = established(1, DAY)
    assert feed.say(kid, DAY, "spam\n" * 60).kind is VerdictKind.NONE
    wall = feed.say(kid, DAY + s(3), "more\n" * 60)
    assert wall.reasons == (Reason("newlines", 120, 100, 10),)


def test_duplicates_of_a_pasted_question() -> None:
    feed = Feed()
    kid = established(1, DAY)
    question = "does anyone know when the office hours start tomorrow?"
    kinds = [feed.say(kid, DAY + s(2 * i), question + " " * i).kind for i in range(4)]
    assert kinds == [VerdictKind.NONE] * 3 + [VerdictKind.MEMBER]
    assert feed.verdicts[-1].reasons == (Reason("duplicates", 4, 3, 10),)
    assert feed.deleted == feed.message_ids(1)


def test_invites_are_stricter_for_a_member_who_joined_two_minutes_ago() -> None:
    feed = Feed()
    fresh = newcomer(1, DAY, joined_ago=timedelta(minutes=2), account_age=timedelta(days=400), avatar=True)
    old = established(2, DAY)
    texts = ["join my server discord.gg/abc", "come play discord.gg/xyz", "new one discord.gg/qqq",
             "last one discord.gg/zzz"]  # fmt: skip
    fresh_kinds = [feed.say(fresh, DAY + s(10 * i), text).kind for i, text in enumerate(texts[:2])]
    old_kinds = [feed.say(old, DAY + s(10 * i + 1), text).kind for i, text in enumerate(texts)]
    assert fresh_kinds == [VerdictKind.NONE, VerdictKind.MEMBER]
    assert feed.log[1][1].reasons == (Reason("invites", 2, 1, 60),)
    assert feed.log[1][1].message_ids == frozenset(feed.message_ids(1))
    assert old_kinds == [VerdictKind.NONE] * 3 + [VerdictKind.MEMBER]
    assert feed.verdicts[-1].reasons == (Reason("invites", 4, 3, 60),)
    assert feed.of_kind(VerdictKind.RAID) == []


def test_staff_and_exempt_channels_are_never_flagged() -> None:
    feed = Feed()
    staff = established(1, DAY)
    night = local(2026, 6, 13, 2, 0)
    for i in range(40):
        verdict = feed.say(staff, night + s(i / 5), "📢 @everyone discord.gg/event " + "🎉" * 30,
                           mention_role_count=5, everyone_attempt=True, attachment_count=3,
                           is_exempt=True)  # fmt: skip
        assert (verdict.kind, verdict.delete, verdict.offenders) == (VerdictKind.NONE, {}, frozenset())
    assert feed.detector.sizes()["accounts"] == 0


@pytest.mark.parametrize(
    ("start", "night"),
    [
        (local(2026, 6, 12, 22, 59, 50), False),
        (local(2026, 6, 12, 23, 0, 0), True),
        (local(2026, 6, 13, 6, 59, 50), True),
        (local(2026, 6, 13, 7, 0, 0), False),
        (datetime(2027, 3, 27, 21, 59, 50, tzinfo=UTC), False),  # 22:59:50 CET
        (datetime(2027, 3, 27, 22, 0, 0, tzinfo=UTC), True),  # 23:00 CET
        (datetime(2027, 3, 28, 4, 59, 50, tzinfo=UTC), True),  # 06:59:50 CEST, after spring forward
        (datetime(2027, 3, 28, 5, 0, 0, tzinfo=UTC), False),  # 07:00 CEST
        (datetime(2026, 10, 24, 20, 59, 50, tzinfo=UTC), False),  # 22:59:50 CEST
        (datetime(2026, 10, 24, 21, 0, 0, tzinfo=UTC), True),  # 23:00 CEST
        (datetime(2026, 10, 25, 5, 59, 50, tzinfo=UTC), True),  # 06:59:50 CET, after fall back
        (datetime(2026, 10, 25, 6, 0, 0, tzinfo=UTC), False),  # 07:00 CET
    ],
)
def test_seven_quick_messages_are_fine_by_day_and_too_many_at_night(start: datetime, night: bool) -> None:
    feed = Feed()
    kid = established(1, start)
    kinds = [feed.say(kid, start + s(i / 2), f"{WORDS[i]} hoi").kind for i in range(7)]
    if night:
        assert kinds == [VerdictKind.NONE] * 6 + [VerdictKind.MEMBER]
        assert feed.verdicts[-1].reasons == (Reason("burst", 7, 6, 10),)
    else:
        assert kinds == [VerdictKind.NONE] * 7


def test_forget_drops_the_flag_and_quiet_follows_last_spam() -> None:
    feed = Feed()
    kid = established(1, DAY)
    assert feed.detector.is_quiet(DAY)
    for i in range(8):
        feed.say(kid, DAY + s(i / 4), f"{WORDS[i]} x")
    assert feed.say(kid, DAY + s(3), "still here").message_ids == frozenset({10_008})
    feed.detector.forget(1)
    assert feed.say(kid, DAY + s(4), "sorry").delete == {}
    assert feed.detector.last_spam_at == DAY + s(3)
    assert not feed.detector.is_quiet(DAY + timedelta(minutes=29))
    assert feed.detector.is_quiet(DAY + timedelta(minutes=30, seconds=3))


def test_one_guild_per_detector_and_aware_timestamps_only() -> None:
    detector = SpamDetector(SpamPolicy())
    event = MessageEvent(DAY, GUILD, 1, 1, 1, "hi", DAY - timedelta(days=900), None)
    detector.observe_message(event)
    with pytest.raises(ValueError, match="guild"):
        detector.observe_message(MessageEvent(DAY, GUILD + 1, 1, 2, 1, "hi", DAY - timedelta(days=900), None))
    with pytest.raises(ValueError, match="timezone-aware"):
        MessageEvent(datetime(2026, 6, 12, 15), GUILD, 1, 3, 1, "hi", DAY, None)
