"""Forty youths having fun for five minutes: laughing, emoji, a meme link, a pasted question. Nothing fires."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from bot.domain.spam import VerdictKind

from .factories import Feed, Member, established, local

LAUGHS = ("hahaha", "HAHAHA", "hahahahah", "hahaha 😂", "HAHAHAHAHA", "hahah", "lol", "LMAOOO", "xD")
EMOJI_BURSTS = (
    "😂😂😂😂😂😂😂😂",
    "🔥🔥🔥🔥💯💯💯💯",
    "🥳🎉🥳🎉🥳🎉🥳🎉",
    "💀💀💀💀💀💀💀💀 <:pog:123456789012345678>",
)
WORDS = (
    "ik",
    "jij",
    "wij",
    "gaan",
    "morgen",
    "school",
    "game",
    "spelen",
    "fortnite",
    "minecraft",
    "training",
    "voetbal",
    "film",
    "kijken",
    "honger",
    "pizza",
    "frieten",
    "mama",
    "papa",
    "broer",
    "zus",
    "leraar",
    "huiswerk",
    "wiskunde",
    "toets",
    "stom",
    "leuk",
    "echt",
    "wat",
    "waarom",
    "wanneer",
    "wie",
    "hoe",
    "zeg",
    "ja",
    "nee",
    "misschien",
    "oke",
    "cool",
    "nice",
    "bro",
    "sis",
    "happy",
    "place",
    "mechelen",
    "park",
    "the",
    "a",
    "is",
    "so",
    "funny",
    "what",
    "why",
    "when",
    "who",
    "play",
    "tonight",
    "later",
    "see",
    "you",
)
MEME = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&si={}"
QUESTION = "weet iemand wanneer de happy place morgen open is? ik vind het nergens"


def _times(rng: random.Random, count: int, span: float) -> list[float]:
    """One youth's message times: bursts of 1-4 quick messages, then a pause; all within ``span`` seconds."""
    sizes: list[int] = []
    while sum(sizes) < count:
        sizes.append(min(rng.randint(1, 4), count - sum(sizes)))
    gap = (span - 1.5 * count) / len(sizes)
    times: list[float] = []
    t = rng.uniform(0, 3)
    for size in sizes:
        for k in range(size):
            times.append(t)
            t += rng.uniform(0.5, 1.5) if k < size - 1 else rng.uniform(0.8, 1.2) * gap
    scale = min(1.0, (span - 1) / times[-1])
    return [x * scale for x in times]


def benign_chat(start: datetime, seed: int = 2026) -> list[tuple[datetime, Member, str, dict[str, int]]]:
    rng = random.Random(seed)
    youths = [established(200 + i, start) for i in range(40)]
    plan = [(t, youth) for youth in youths for t in _times(rng, 50, 300.0)]
    plan.sort(key=lambda item: item[0])
    laugh_moments = [rng.uniform(10, 290) for _ in range(8)]
    emoji_moments = [rng.uniform(10, 290) for _ in range(4)]
    meme_sharers = set(rng.sample(range(40), 6))
    asker = youths[7]
    mine = sorted(t for t, youth in plan if youth is asker)
    pasted = next(i for i in range(len(mine) - 1) if mine[i] > 100 and mine[i + 1] - mine[i] < 5)
    question_times = {mine[pasted], mine[pasted + 1]}  # pasted twice within seconds
    laughs: dict[tuple[int, int], int] = {}
    last_emoji: dict[int, float] = {}
    out: list[tuple[datetime, Member, str, dict[str, int]]] = []
    for t, youth in plan:
        me = youth.user_id - 200
        extra: dict[str, int] = {}
        moment = next((i for i, m in enumerate(laugh_moments) if abs(t - m) < 8), None)
        if youth is asker and t in question_times:
            text = QUESTION
        elif me in meme_sharers and 60 + 15 * sorted(meme_sharers).index(me) <= t and meme_sharers:
            meme_sharers.discard(me)
            text = f"{rng.choice(['lmaooo kijk', 'nee maar', 'deze'])} {MEME.format(rng.randint(1, 10**6))}"
        elif moment is not None and laughs.get((me, moment), 0) < 2 and rng.random() < 0.7:
            laughs[(me, moment)] = laughs.get((me, moment), 0) + 1
            text = rng.choice(LAUGHS)
        elif any(abs(t - m) < 6 for m in emoji_moments) and t - last_emoji.get(me, -99) > 10 and rng.random() < 0.6:
            last_emoji[me] = t
            text = rng.choice(EMOJI_BURSTS)
        else:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 9)))
            if rng.random() < 0.1:
                text = f"<@{200 + rng.randrange(40)}> {text}"
                extra["mention_user_count"] = 1
        out.append((start + timedelta(seconds=t), youth, text, extra))
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
    assert sum(text in EMOJI_BURSTS for text in texts) >= 8
    assert sum("youtube.com" in text for text in texts) == 6
    assert texts.count(QUESTION) == 2

    feed = Feed()
    for at, youth, text, extra in chat:
        feed.say(youth, at, text, **extra)
    assert feed.of_kind(VerdictKind.MEMBER) == []
    assert feed.of_kind(VerdictKind.RAID) == []
    assert feed.deleted == set() and feed.offenders == set()
    assert not feed.detector.raid_active and feed.detector.last_spam_at is None
