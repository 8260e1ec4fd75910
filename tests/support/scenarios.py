"""Seeded chat scenarios shared by the tests and the benchmarks: plain data, no Discord, no clock.

``benign_chat`` is forty youths having fun in one room (2,000 messages in five minutes: bursts of quick
messages, runs of laughing, emoji bursts, one meme link shared by six of them, a question pasted twice). The
spam detector's unit test and ``benchmarks/raid.py`` both replay it, so they judge the same conversation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ChatLine:
    """One message: ``seconds`` after the start, by author number ``author``, optionally mentioning ``mention``."""

    seconds: float
    author: int
    text: str
    mention: int | None = None


def message_times(rng: random.Random, count: int, span: float) -> list[float]:
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


def benign_chat(rng: random.Random, authors: int = 40, each: int = 50, span: float = 300.0) -> list[ChatLine]:
    """Youths chatting fast and having fun, in time order (author 7 pastes the question twice)."""
    plan = sorted(((t, who) for who in range(authors) for t in message_times(rng, each, span)), key=lambda x: x[0])
    laugh_moments = [rng.uniform(10, 290) for _ in range(8)]
    emoji_moments = [rng.uniform(10, 290) for _ in range(4)]
    sharers = set(rng.sample(range(authors), 6))
    asker = 7
    mine = [t for t, who in plan if who == asker]
    pasted = next(i for i in range(len(mine) - 1) if mine[i] > 100 and mine[i + 1] - mine[i] < 5)
    question_times = {mine[pasted], mine[pasted + 1]}  # pasted twice within seconds
    laughs: dict[tuple[int, int], int] = {}
    last_emoji: dict[int, float] = {}
    out: list[ChatLine] = []
    for t, who in plan:
        mention = None
        moment = next((i for i, m in enumerate(laugh_moments) if abs(t - m) < 8), None)
        if who == asker and t in question_times:
            text = QUESTION
        elif who in sharers and 60 + 15 * sorted(sharers).index(who) <= t:
            sharers.discard(who)
            text = f"{rng.choice(['lmaooo kijk', 'nee maar', 'deze'])} {MEME.format(rng.randint(1, 10**6))}"
        elif moment is not None and laughs.get((who, moment), 0) < 2 and rng.random() < 0.7:
            laughs[(who, moment)] = laughs.get((who, moment), 0) + 1
            text = rng.choice(LAUGHS)
        elif any(abs(t - m) < 6 for m in emoji_moments) and t - last_emoji.get(who, -99) > 10 and rng.random() < 0.6:
            last_emoji[who] = t
            text = rng.choice(EMOJI_BURSTS)
        else:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 9)))
            if rng.random() < 0.1:
                mention = rng.randrange(authors)
        out.append(ChatLine(t, who, text, mention))
    return out
