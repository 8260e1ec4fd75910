"""Forty youths having fun for five minutes: laughing, emoji, a meme link, a pasted question. Nothing fires."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from bot.domain.spam import VerdictKind
from tests.support import scenarios

from .factories import Feed, Member, established, local


def benign_chat(start: datetime, seed: int = 2026) -> list[tuple[datetime, Member, str, dict[str, int]]]:
    youths = [established(200 + i, start) for i in range(40)]
    out = []
    for line in scenarios.benign_chat(random.Random(seed)):
        text, extra = line.text, {}
        if line.mention is not None:
            text, extra = f"<@{200 + line.mention}> {text}", {"mention_user_count": 1}
        out.append((start + timedelta(seconds=line.seconds), youths[line.author], text, extra))
    return out


@pytest.mark.parametrize("start", [local(2026, 6, 12, 20, 0), local(2026, 6, 12, 23, 30)], ids=["day", "night"])
def test_two_thousand_messages_of_fun_trigger_nothing(start: datetime) -> None:
    chat = benign_chat(start)
    assert len(chat) == 2000
    assert chat[-1][0] - chat[0][0] <= timedelta(minutes=5)
    per_youth: dict[int, list[datetime]] = {}
    for at, youth, _, _ in chat:
        per_youth.setdefault(youth.user_id, []).append(at)
    busiest = max(sum(1 for x in times if t <= x < t + timedelta(seconds=10))
                  for times in per_youth.values() for t in times)  # fmt: skip
    assert 4 <= busiest <= 6  # realistic: quick bursts, never a flood
    texts = [text for _, _, text, _ in chat]
    assert sum(text in {"hahaha", "HAHAHA", "hahahahah"} for text in texts) >= 40
    assert sum(text in scenarios.EMOJI_BURSTS for text in texts) >= 8
    assert sum("youtube.com" in text for text in texts) == 6
    assert texts.count(scenarios.QUESTION) == 2

    feed = Feed()
    for at, youth, text, extra in chat:
        feed.say(youth, at, text, **extra)
    assert feed.of_kind(VerdictKind.MEMBER) == []
    assert feed.of_kind(VerdictKind.RAID) == []
    assert feed.deleted == set() and feed.offenders == set()
    assert not feed.detector.raid_active and feed.detector.last_spam_at is None
