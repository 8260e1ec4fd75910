"""Raids: many young accounts posting the same thing, or a join burst followed by spam. Youths never count."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bot.domain.spam import MessageEvent, Reason, VerdictKind

from .factories import Feed, Member, established, local, newcomer

MIDNIGHT = local(2026, 6, 13, 0, 0)  # Saturday 00:00 Europe/Brussels: night profile, K = 4
AFTERNOON = local(2026, 6, 13, 15, 0)  # day profile, K = 5
CHATTER = ("wie doet er mee vanavond", "ik ben zo moe van school", "heeft iemand de huiswerk van wiskunde",
           "haha dat meen je niet", "welke game spelen jullie", "morgen training om tien uur",
           "ik heb honger lol", "wat een film was dat zeg", "mijn broer is zo irritant",
           "wie komt er naar de happy place")  # fmt: skip


def s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def spam_variant(rng: random.Random) -> str:
    """The same invite with small variations: case, suffix numbers, zero-width characters, look-alikes."""
    text = rng.choice(["FREE NITRO for everyone 🎁 join discord.gg/FreeNitro",
                       "free nitro for everyone 🎁 join https://discord.gg/freenitro",
                       "Free Nitro for everyone join discord . gg / FreeNitro",
                       "free nіtro for everyone join discord.com/invite/freenitro"])  # fmt: skip
    cut = rng.randrange(len(text))
    text = text[:cut] + rng.choice(["", "\u200b", "\u2060"]) + text[cut:]
    return f"{text} {rng.randint(100, 99999)}" if rng.random() < 0.7 else text


def test_midnight_raid_is_declared_within_a_second_and_cleaned_up_completely() -> None:
    rng = random.Random(13)
    raiders = [newcomer(5000 + i, MIDNIGHT, joined_ago=timedelta(minutes=rng.uniform(1, 10)),
                        account_age=timedelta(days=rng.uniform(0.5, 40))) for i in range(20)]  # fmt: skip
    youths = [established(100 + i, MIDNIGHT) for i in range(5)]
    plan: list[tuple[datetime, Member, str, int]] = []
    for youth in youths:
        at = MIDNIGHT - s(rng.uniform(20, 30))
        while at < MIDNIGHT + s(12):
            plan.append((at, youth, rng.choice(CHATTER), rng.choice([1, 2, 3])))
            at += s(rng.uniform(2, 5))
    for raider in raiders:
        start = rng.uniform(0, 0.2)
        for n in range(50):  # 5 messages a second for 10 s
            at = MIDNIGHT + s(start + n * 0.2 + rng.uniform(0, 0.05))
            plan.append((at, raider, spam_variant(rng), rng.choice([1, 2, 3])))
    plan.sort(key=lambda item: item[0])

    feed = Feed()
    raid_at: datetime | None = None
    seen_before_raid: dict[int, int] = {}
    for at, member, content, channel in plan:
        verdict = feed.say(member, at, content, channel)
        if raid_at is None and member.user_id >= 5000:
            seen_before_raid[member.user_id] = seen_before_raid.get(member.user_id, 0) + 1
        if verdict.is_new_raid:
            assert raid_at is None, "one raid, declared once"
            raid_at = at
            assert verdict.kind is VerdictKind.RAID
            assert verdict.codes[0] == "cross_account"

    assert raid_at is not None
    first_spam = min(at for at, member, _, _ in plan if member.user_id >= 5000)
    assert raid_at - first_spam <= s(1)
    assert max(seen_before_raid.values()) <= 5
    spam_ids = {e.message_id for e, _ in feed.log if isinstance(e, MessageEvent) and e.author_id >= 5000}
    youth_ids = {e.message_id for e, _ in feed.log if isinstance(e, MessageEvent) and e.author_id < 5000}
    assert len(spam_ids) == 1000
    assert spam_ids <= feed.deleted
    assert youth_ids.isdisjoint(feed.deleted)
    assert feed.offenders == {r.user_id for r in raiders}
    assert feed.detector.raid_active
    assert all(v.kind is VerdictKind.NONE for e, v in feed.log if e.author_id < 5000)  # type: ignore[union-attr]
    delete_lists = [ids for v in feed.verdicts for ids in v.delete.values()]
    assert sum(len(ids) for ids in delete_lists) == 1000  # no message handed out twice


def _raid_by_invite(feed: Feed, at: datetime, accounts: int = 4) -> list[Member]:
    raiders = [newcomer(7000 + i, at, joined_ago=timedelta(minutes=3), account_age=timedelta(days=2))
               for i in range(accounts)]  # fmt: skip
    for i, raider in enumerate(raiders):
        feed.say(raider, at + s(i / 10), f"JOIN discord.gg/party{'!' * i} {i}")
    assert feed.detector.raid_active
    return raiders


def test_during_a_raid_only_young_accounts_with_the_raid_content_are_caught() -> None:
    feed = Feed()
    raiders = _raid_by_invite(feed, MIDNIGHT)
    after = MIDNIGHT + s(20)  # the raid cluster itself has gone by: only the signature is left
    youth = established(1, MIDNIGHT)
    assert feed.say(youth, after, "lol who invited these people to the party").kind is VerdictKind.NONE
    quoting = feed.say(youth, after + s(1), "do NOT click discord.gg/party it's a scam")
    assert (quoting.kind, quoting.delete) == (VerdictKind.NONE, {})

    late = newcomer(7100, MIDNIGHT, joined_ago=timedelta(minutes=1), account_age=timedelta(hours=3))
    greeting = feed.say(late, after + s(2), "hi everyone")
    assert (greeting.kind, greeting.delete) == (VerdictKind.NONE, {})
    caught = feed.say(late, after + s(3), "join DISCORD.GG/PARTY 999")
    assert caught.kind is VerdictKind.RAID and not caught.is_new_raid
    assert caught.offenders == frozenset({7100})
    # Its invite is an offence of a young account beside the raid's four: coordinated, and so the raid's.
    assert caught.reasons[0] == Reason("coordinated", 5, 3, 60)
    assert caught.message_ids == frozenset(feed.message_ids(7100))

    repeat = feed.say(raiders[0], after + s(20), "anything at all")
    assert (repeat.kind, repeat.offenders, repeat.reasons) == (VerdictKind.RAID, frozenset(), ())
    assert repeat.message_ids == frozenset({feed.log[-1][0].message_id})  # type: ignore[union-attr]

    feed.detector.end_raid()
    assert not feed.detector.raid_active
    assert feed.say(raiders[1], after + s(30), "still here").kind is VerdictKind.NONE
    assert feed.detector.sizes()["raid_accounts"] == 0


def test_text_raid_with_near_same_messages() -> None:
    feed = Feed()
    words = ["lol", "xd", "bye", "cya", "rip", "gg"]
    raiders = [newcomer(8000 + i, AFTERNOON, joined_ago=timedelta(hours=2), account_age=timedelta(days=300),
                        avatar=True) for i in range(5)]  # fmt: skip
    verdicts = []
    for round_ in range(2):
        for i, raider in enumerate(raiders):
            at = AFTERNOON + s(round_ * 1.5 + i * 0.2)
            verdicts.append(feed.say(raider, at, f"this server is dead, RAID RAID {words[(i + round_) % 6]}"))
    assert [v.kind for v in verdicts] == [VerdictKind.NONE] * 9 + [VerdictKind.RAID]
    raid = verdicts[-1]
    assert raid.is_new_raid and raid.codes == ("cross_account",)
    assert raid.reasons[0] == Reason("cross_account", 5, 5, 15)
    assert raid.offenders == frozenset(r.user_id for r in raiders)
    assert raid.message_ids == frozenset(range(10_000, 10_010))


def test_a_class_of_newcomers_saying_hello_is_no_raid() -> None:
    feed = Feed()
    names = ["sara", "tom", "yasmine", "lucas", "amira", "noah", "lina", "adam", "emma", "mohamed"]
    kids = [newcomer(9000 + i, MIDNIGHT, joined_ago=timedelta(minutes=5), account_age=timedelta(days=1))
            for i in range(len(names))]  # fmt: skip
    for i, kid in enumerate(kids):  # joining over minutes, as a class does: no join flood
        assert feed.join(kid, MIDNIGHT - s(300 - 25 * i)).kind is VerdictKind.NONE
    for i, (kid, name) in enumerate(zip(kids, names, strict=True)):
        feed.say(kid, MIDNIGHT + s(i * 0.5), f"hallo ik ben {name} uit mechelen!")
        feed.say(kid, MIDNIGHT + s(i * 0.5 + 0.2), "hoi iedereen 👋")
    assert feed.of_kind(VerdictKind.RAID) == [] and feed.of_kind(VerdictKind.MEMBER) == []
    assert feed.deleted == set() and not feed.detector.raid_active


def test_join_burst_of_young_accounts_is_quarantined_before_anyone_posts() -> None:
    feed = Feed()
    bots = [newcomer(6000 + i, MIDNIGHT, joined_ago=s(0), account_age=timedelta(hours=5)) for i in range(8)]
    kinds = [feed.join(bot, MIDNIGHT + s(i * 2)) for i in range(len(bots)) for bot in [bots[i]]]
    assert [v.kind for v in kinds] == [VerdictKind.NONE] * 5 + [VerdictKind.JOIN_BURST] * 3
    assert kinds[5].reasons[0] == Reason("join_burst", 6, 6, 60)
    assert kinds[5].is_new_raid and kinds[5].offenders == frozenset(b.user_id for b in bots[:6])
    assert [v.offenders for v in kinds[6:]] == [frozenset({6006}), frozenset({6007})]
    assert not any(v.is_new_raid for v in kinds[6:])
    assert feed.detector.raid_active

    spam_at = MIDNIGHT + s(60)
    posts = [
        feed.say(bot, spam_at + s(i * 0.3), "cheap robux at robux-gift.xyz/claim") for i, bot in enumerate(bots[:3])
    ]
    assert all(p.kind is VerdictKind.RAID and not p.offenders for p in posts)  # already dealt with: only removed
    assert feed.deleted == feed.message_ids(6000) | feed.message_ids(6001) | feed.message_ids(6002)
    # All eight joiners are still watched — the five that never posted too (the caller keeps them out of KPIs).
    assert feed.detector.join_burst_accounts(spam_at) == frozenset(b.user_id for b in bots)


def test_a_raids_early_sleepers_that_never_post_are_raid_accounts_too() -> None:
    """Raiders trickling in over ten minutes: only the last ones form the burst, yet all are raid accounts."""
    feed = Feed()
    early = [newcomer(6100 + i, MIDNIGHT, joined_ago=s(0), account_age=timedelta(hours=5)) for i in range(4)]
    burst = [newcomer(6200 + i, MIDNIGHT, joined_ago=s(0), account_age=timedelta(hours=5)) for i in range(6)]
    for i, bot in enumerate(early):
        assert feed.join(bot, MIDNIGHT - timedelta(minutes=8) + s(i * 90)).codes == ()
    verdicts = [feed.join(bot, MIDNIGHT + s(i * 2)) for i, bot in enumerate(burst)]
    assert verdicts[-1].codes == ("join_burst",) and verdicts[-1].is_new_raid
    spam_at = MIDNIGHT + s(60)
    expected = {b.user_id for b in early + burst}
    assert feed.detector.join_burst_accounts(spam_at) == frozenset(expected)
    feed.detector.forget(early[0].user_id)
    assert feed.detector.join_burst_accounts(spam_at) == frozenset(expected - {early[0].user_id})
    # Without a burst going on, earlier suspicious joins are nobody's business.
    assert feed.detector.join_burst_accounts(MIDNIGHT + timedelta(hours=1)) == frozenset()


def test_join_burst_of_old_accounts_with_avatars_is_nothing() -> None:
    feed = Feed()
    for i in range(30):
        member = Member(6500 + i, MIDNIGHT - timedelta(days=900), MIDNIGHT, has_avatar=True)
        verdict = feed.join(member, MIDNIGHT + s(i))
        assert (verdict.kind, verdict.reasons) == (VerdictKind.NONE, ())
        assert feed.say(member, MIDNIGHT + s(i + 0.5), "hallo allemaal, blij dat ik hier ben").kind is VerdictKind.NONE
    assert feed.detector.sizes()["suspects"] == 0 and not feed.detector.raid_active
    assert feed.detector.join_burst_accounts(MIDNIGHT + s(31)) == frozenset()
