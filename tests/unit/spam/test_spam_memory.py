"""Memory stays bounded: windows are pruned, per-key queues capped, idle accounts forgotten."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.domain.spam import VerdictKind
from bot.domain.spam.detector import MAX_CLUSTERS, MAX_KEYS_PER_CLUSTER, MAX_MESSAGES_PER_ACCOUNT

from .factories import Feed, Member, established, local, newcomer

START = local(2026, 6, 12, 18, 0)
HOURS = 3


def test_hundred_thousand_messages_from_ten_thousand_accounts_keep_state_small() -> None:
    rng = random.Random(7)
    accounts: list[Member] = [
        established(i, START)
        if i % 3
        else newcomer(i, START, joined_ago=timedelta(hours=2), account_age=timedelta(days=30))
        for i in range(10_000)
    ]
    feed = Feed()
    detector = feed.detector
    peaks: dict[str, int] = {}
    step = HOURS * 3600 / 100_000  # about nine messages a second, around the clock
    for n in range(100_000):
        at = START + timedelta(seconds=n * step)
        member = accounts[rng.randrange(10_000)]
        if n % 100 == 0:  # a fresh joiner every ten seconds: no join flood (one each second would be)
            feed.join(newcomer(50_000 + n, at, joined_ago=timedelta(0), account_age=timedelta(days=1)), at)
        roll = rng.random()
        if roll < 0.05:
            text = f"kijk eens https://example{rng.randrange(5_000)}.com/page"  # URLs compare by domain
        elif roll < 0.3:
            text = f"lange zin nummer {rng.randrange(100_000)} over {rng.choice(['school', 'games', 'sport'])} vandaag"
        else:
            text = rng.choice(["hoi", "haha", "ja", "nee", "lol", "oke"])
        feed.say(member, at, text, channel=rng.randrange(1, 6))
        if n % 1000 == 0:
            for name, size in detector.sizes().items():
                peaks[name] = max(peaks.get(name, 0), size)
        if len(feed.log) > 4_000:
            del feed.log[:2_000]  # the test's own log, not the detector's memory

    # One account flooding distinct sentences: it keeps only its last messages, clusters hit their cap.
    flooder = newcomer(99, START, joined_ago=timedelta(hours=1), account_age=timedelta(days=3))
    end = START + timedelta(hours=HOURS)
    words = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet")
    for n in range(5_000):
        feed.say(flooder, end + timedelta(seconds=n / 100), " ".join(rng.choice(words) for _ in range(6)))
        if n % 100 == 0:
            for name, size in detector.sizes().items():
                peaks[name] = max(peaks.get(name, 0), size)

    assert peaks["accounts"] <= 700  # only who spoke in the last minute (about 540 at nine a second)
    assert peaks["tracked_messages"] <= 700 + MAX_MESSAGES_PER_ACCOUNT
    assert peaks["clusters"] == MAX_CLUSTERS
    assert peaks["cluster_entries"] <= 1_500 + 150  # the last 15 s: the flood at 100 a second plus chatter
    assert peaks["cluster_keys"] <= MAX_KEYS_PER_CLUSTER * MAX_CLUSTERS
    assert peaks["joins"] <= 100  # suspicious joins of the last minute
    assert peaks["suspects"] <= 700  # burst joiners stay suspects for ten minutes
    assert peaks["raid_accounts"] == 0 and not detector.raid_active
    assert peaks["largest_account"] == MAX_MESSAGES_PER_ACCOUNT

    # Hours later one message: everything else has been forgotten.
    feed.say(established(1, START), end + timedelta(hours=2), "goeiemorgen")
    assert detector.sizes() == {
        "accounts": 1, "tracked_messages": 1, "largest_account": 1, "clusters": 0, "cluster_entries": 0,
        "cluster_keys": 0, "joins": 0, "weighed_joins": 0, "suspects": 0, "suspect_spammers": 0, "raid_accounts": 0,
        "signature": 0,
    }  # fmt: skip
    assert all(v.kind is not VerdictKind.RAID for v in feed.verdicts)
