"""Raid shapes and benign crowds with randomised variation, as plain plans (shared by the generative tests and
``benchmarks/raid.py``): who exists, who joins when, who posts what, where.

Every builder takes a ``random.Random`` and varies counts, rates, channels, look-alike scripts, invite codes,
URLs, emoji order and numbers. A plan says whether it is a raid; the runners judge the outcome against the
goals of issue #13.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["BENIGN", "RAIDS", "Account", "Plan", "Step"]

CHANNELS = 3
YOUTHS = 8  # established members present in every plan (indices 0..7), who chat and get mentioned


@dataclass(frozen=True)
class Account:
    created_days_ago: float
    joined_days_ago: float | None
    """Before the plan starts; None: the account joins during the plan (a ``join`` step)."""
    avatar: bool = True
    raider: bool = False


@dataclass(frozen=True)
class Step:
    seconds: float
    account: int
    kind: str  # "join" | "post"
    text: str = ""
    mentions: tuple[int, ...] = ()
    """Accounts (indices) pinged by the message."""
    channel: int = 0
    everyone: bool = False


@dataclass
class Plan:
    name: str
    night: bool
    raid: bool
    accounts: list[Account] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def add(self, account: Account) -> int:
        self.accounts.append(account)
        return len(self.accounts) - 1

    def sort(self) -> Plan:
        self.steps.sort(key=lambda s: (s.seconds, s.kind != "join"))
        return self


CHATTER = ("wie doet er mee vanavond", "ik ben zo moe van school", "heeft iemand de huiswerk van wiskunde",
           "haha dat meen je niet", "welke game spelen jullie", "morgen training om tien uur",
           "ik heb honger lol", "wat een film was dat zeg", "mijn broer is zo irritant")  # fmt: skip
SENTENCES = ("free nitro for everyone, claim it now", "steam gift card giveaway, first 50 only",
             "hot singles in your area tonight", "this server is dead, join the real one",
             "get free robux before it is patched")  # fmt: skip
SHOUTS = ("WAKE UP", "RAID TIME", "LOOK HERE", "GET REKT", "YOOO", "HELLO???")
EMOJI = ("🎁", "🔥", "💸", "😂", "🚀", "💯", "🎉", "👀", "✅", "💎")
LOOKALIKES = {
    "cyrillic": {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і", "s": "ѕ", "y": "у"},
    "greek": {"a": "α", "o": "ο", "i": "ι", "v": "ν", "t": "τ", "n": "η"},
    "fullwidth": {c: chr(ord(c) - ord("a") + 0xFF41) for c in string.ascii_lowercase},
    "math_bold": {c: chr(ord(c) - ord("a") + 0x1D41A) for c in string.ascii_lowercase},
    "small_caps": {"a": "ᴀ", "b": "ʙ", "c": "ᴄ", "d": "ᴅ", "e": "ᴇ", "n": "ɴ", "r": "ʀ", "t": "ᴛ", "o": "ᴏ"},
}
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u00ad", "\u180e")


def _youths(plan: Plan, rng: random.Random) -> list[int]:
    return [
        plan.add(Account(rng.uniform(300, 2500), rng.uniform(40, 700), avatar=rng.random() < 0.8))
        for _ in range(YOUTHS)
    ]


def _chatter(plan: Plan, youths: list[int], rng: random.Random, until: float, rate: float = 0.4) -> None:
    at = -10.0
    while at < until:
        plan.steps.append(Step(at, rng.choice(youths), "post", rng.choice(CHATTER), channel=rng.randrange(CHANNELS)))
        at += rng.expovariate(rate)


def disguise(text: str, rng: random.Random) -> str:
    """Look-alikes from one random script, invisible characters, random case, numbers and emoji."""
    table = LOOKALIKES[rng.choice(sorted(LOOKALIKES))]
    chars = [table.get(c, c) if c.isalpha() and rng.random() < 0.4 else c for c in text.lower()]
    for _ in range(rng.randint(0, 4)):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(INVISIBLE))
    out = "".join(c.upper() if rng.random() < 0.2 else c for c in chars)
    if rng.random() < 0.6:
        out += " " + "".join(rng.sample(EMOJI, rng.randint(1, 4)))
    if rng.random() < 0.6:
        out += f" {rng.randint(1, 99999)}"
    return out


def invite(rng: random.Random) -> str:
    code = "".join(rng.choices(string.ascii_letters + string.digits, k=rng.randint(5, 10)))
    host = rng.choice(["discord.gg/", "https://discord.gg/", "discord.com/invite/", "discord . gg / ", "dsc.gg/"])
    return host + code


def spam_url(rng: random.Random, domain: str) -> str:
    path = "".join(rng.choices(string.ascii_lowercase + string.digits, k=rng.randint(3, 8)))
    sub = rng.choice(["", "www.", "claim.", "m."])
    return f"https://{sub}{domain}/{path}?ref={rng.randint(1, 9999)}"


def _fresh(plan: Plan, rng: random.Random, *, joined_minutes: tuple[float, float] = (1, 60)) -> int:
    joined = rng.uniform(*joined_minutes) / 1440
    return plan.add(Account(rng.uniform(0.2, 6), joined, avatar=rng.random() < 0.3, raider=True))


# --- raid shapes ------------------------------------------------------------------------------------------------
def mixed_rules(rng: random.Random) -> Plan:
    """Many young accounts each trip a different per-account rule within seconds; no two messages alike."""
    plan = Plan("raid_mixed_rules", night=rng.random() < 0.5, raid=True)
    youths = _youths(plan, rng)
    raiders = [_fresh(plan, rng) for _ in range(rng.randint(8, 25))]
    for raider in raiders:
        start, rate = rng.uniform(0, 2), rng.uniform(3, 8)
        rule = rng.choice(["mentions", "emoji", "everyone", "invites", "burst"])
        for n in range(int(rate * 8)):
            at = start + n / rate + rng.uniform(0, 0.05)
            channel = rng.randrange(CHANNELS)
            text = disguise(rng.choice(SENTENCES), rng)
            if rule == "mentions":
                plan.steps.append(Step(at, raider, "post", rng.choice(SHOUTS), tuple(rng.sample(youths, 8))
                                       + tuple(rng.sample(youths, rng.randint(1, 4))), channel))  # fmt: skip
            elif rule == "emoji":
                plan.steps.append(Step(at, raider, "post", " ".join(rng.choices(EMOJI, k=rng.randint(25, 40))),
                                       channel=channel))  # fmt: skip
            elif rule == "everyone":
                plan.steps.append(Step(at, raider, "post", f"@everyone {text}", channel=channel, everyone=True))
            elif rule == "invites":
                plan.steps.append(Step(at, raider, "post", f"{text} {invite(rng)}", channel=channel))
            else:
                plan.steps.append(Step(at, raider, "post", " ".join(rng.sample(CHATTER, 2)) + f" {n}", channel=channel))
    _chatter(plan, youths, rng, 15)
    return plan.sort()


def varied_text(rng: random.Random) -> Plan:
    """One sentence behind changing look-alikes, invisible characters, invite codes or URLs, emoji and numbers."""
    plan = Plan("raid_varied_text", night=rng.random() < 0.5, raid=True)
    youths = _youths(plan, rng)
    sentence = rng.choice(SENTENCES)
    domain = rng.choice(["robux-gift.xyz", "steamcommunlty.ru", "free-nitro.gift", "claim-prize.top"])
    link = rng.choice(["invite", "url"])
    for _ in range(rng.randint(6, 25)):
        raider = _fresh(plan, rng)
        start, rate = rng.uniform(0, 1.5), rng.uniform(1, 6)
        for n in range(int(rate * 8)):
            tail = invite(rng) if link == "invite" else spam_url(rng, domain)
            plan.steps.append(Step(start + n / rate, raider, "post", f"{disguise(sentence, rng)} {tail}",
                                   channel=rng.randrange(CHANNELS)))  # fmt: skip
    _chatter(plan, youths, rng, 15)
    return plan.sort()


def mass_mentions(rng: random.Random) -> Plan:
    """Several fresh accounts pinging ordinary members with short shouted texts."""
    plan = Plan("raid_mass_mentions", night=rng.random() < 0.5, raid=True)
    youths = _youths(plan, rng)
    for _ in range(rng.randint(5, 15)):
        raider = _fresh(plan, rng)
        start, rate = rng.uniform(0, 2), rng.uniform(1, 4)
        for n in range(int(rate * 6)):
            pinged = tuple(rng.sample(youths, rng.randint(3, 7)))
            plan.steps.append(Step(start + n / rate, raider, "post", rng.choice(SHOUTS) + "!" * rng.randint(0, 3),
                                   pinged, rng.randrange(CHANNELS)))  # fmt: skip
    _chatter(plan, youths, rng, 12)
    return plan.sort()


def join_flood(rng: random.Random) -> Plan:
    """Fresh or avatar-less accounts joining within seconds, of which only a few ever post."""
    plan = Plan("raid_join_flood", night=rng.random() < 0.5, raid=True)
    youths = _youths(plan, rng)
    span = rng.uniform(5, 30)
    joiners = []
    for _ in range(rng.randint(15, 60)):
        fresh = rng.random() < 0.7
        raider = plan.add(Account(rng.uniform(0.1, 5) if fresh else rng.uniform(30, 900), None,
                                  avatar=fresh and rng.random() < 0.3, raider=True))  # fmt: skip
        joiners.append(raider)
        plan.steps.append(Step(rng.uniform(0, span), raider, "join"))
    for raider in rng.sample(joiners, max(1, len(joiners) // rng.randint(4, 8))):
        start = span + rng.uniform(1, 20)
        for n in range(rng.randint(3, 20)):
            text = f"{disguise(rng.choice(SENTENCES), rng)} {invite(rng)}"
            plan.steps.append(Step(start + n * 0.3, raider, "post", text, channel=rng.randrange(CHANNELS)))
    _chatter(plan, youths, rng, span + 30)
    return plan.sort()


def sleepers(rng: random.Random) -> Plan:
    """Accounts that joined days ago start posting together (invites or one spam domain)."""
    plan = Plan("raid_sleepers", night=rng.random() < 0.5, raid=True)
    youths = _youths(plan, rng)
    domain = rng.choice(["robux-gift.xyz", "free-nitro.gift"])
    link = rng.choice(["invite", "url"])
    for _ in range(rng.randint(6, 20)):
        raider = plan.add(Account(rng.uniform(20, 400), rng.uniform(2, 10), avatar=rng.random() < 0.6, raider=True))
        start, rate = rng.uniform(0, 2), rng.uniform(1, 5)
        for n in range(int(rate * 8)):
            tail = invite(rng) if link == "invite" else spam_url(rng, domain)
            plan.steps.append(Step(start + n / rate, raider, "post", f"{disguise(rng.choice(SENTENCES), rng)} {tail}",
                                   channel=rng.randrange(CHANNELS)))  # fmt: skip
    _chatter(plan, youths, rng, 15)
    return plan.sort()


# --- benign crowds ------------------------------------------------------------------------------------------------
def birthday(rng: random.Random) -> Plan:
    """A birthday pile-on: many youths (a few newcomers among them) congratulate one friend within a minute."""
    plan = Plan("benign_birthday", night=rng.random() < 0.3, raid=False)
    youths = _youths(plan, rng)
    crowd = youths + [
        plan.add(Account(rng.uniform(200, 2000), rng.uniform(30, 900))) for _ in range(rng.randint(8, 25))
    ]
    crowd += [plan.add(Account(rng.uniform(100, 900), rng.uniform(0.01, 0.5))) for _ in range(rng.randint(0, 3))]
    kid = youths[0]
    for who in crowd[1:]:
        for _ in range(rng.randint(1, 2)):
            text = "gefeliciteerd" + "!" * rng.randint(1, 5) + " " + "🎉" * rng.randint(1, 6)
            if rng.random() < 0.3:
                text = rng.choice(["happy birthday", "proficiat", "gelukkige verjaardag"]) + " " + text
            plan.steps.append(Step(rng.uniform(0, 60), who, "post", text, (kid,) if rng.random() < 0.6 else (), 0))
    return plan.sort()


def homework_link(rng: random.Random) -> Plan:
    """One homework or meme link shared by many within two minutes."""
    plan = Plan("benign_homework_link", night=False, raid=False)
    youths = _youths(plan, rng)
    crowd = youths + [
        plan.add(Account(rng.uniform(200, 2000), rng.uniform(30, 900))) for _ in range(rng.randint(6, 20))
    ]
    crowd += [plan.add(Account(rng.uniform(100, 900), rng.uniform(0.01, 0.5))) for _ in range(rng.randint(0, 2))]
    url = rng.choice(["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://classroom.google.com/c/NjA1",
                      "https://quizlet.com/be/123456/woordjes-frans"])  # fmt: skip
    for who in crowd:
        text = rng.choice(["hier is de link", "voor wie het mist", "kijk", "deze?", "huiswerk wiskunde"])
        plan.steps.append(Step(rng.uniform(0, 120), who, "post", f"{text} {url}", channel=rng.randrange(CHANNELS)))
    return plan.sort()


def class_joining(rng: random.Random) -> Plan:
    """A class joining from one school invite by day, over minutes, accounts with history, then saying hello."""
    plan = Plan("benign_class_joining", night=False, raid=False)
    _youths(plan, rng)
    minutes = rng.uniform(3, 12)
    names = ["sara", "tom", "yasmine", "lucas", "amira", "noah", "lina", "adam", "emma", "mohamed", "ines", "rayan"]
    for i in range(rng.randint(15, 30)):
        kid = plan.add(Account(rng.uniform(60, 1200), None, avatar=rng.random() < 0.7))
        joined = rng.uniform(0, minutes * 60)
        plan.steps.append(Step(joined, kid, "join"))
        hello = f"hallo ik ben {names[i % len(names)]}" + rng.choice(["!", " uit mechelen", " 👋", ""])
        plan.steps.append(Step(joined + rng.uniform(5, 60), kid, "post", hello))
        if rng.random() < 0.4:
            plan.steps.append(
                Step(
                    joined + rng.uniform(60, 90), kid, "post", rng.choice(["hoi iedereen 👋", "wie zit er nog in 3B?"])
                )
            )
    return plan.sort()


def pasted_twice(rng: random.Random) -> Plan:
    """A youth (sometimes a newcomer) pasting the same question twice while others chat."""
    plan = Plan("benign_pasted_twice", night=rng.random() < 0.5, raid=False)
    youths = _youths(plan, rng)
    asker = youths[1] if rng.random() < 0.5 else plan.add(Account(rng.uniform(100, 900), rng.uniform(0.01, 0.5)))
    question = rng.choice(
        ["wanneer is de safe space open? ik vind het nergens", "kan iemand mij helpen met mijn cv aub"]
    )
    first = rng.uniform(0, 10)
    plan.steps.append(Step(first, asker, "post", question))
    plan.steps.append(Step(first + rng.uniform(0.5, 20), asker, "post", question))
    _chatter(plan, youths, rng, 40)
    return plan.sort()


def night_newcomers(rng: random.Random) -> Plan:
    """Two or three friends who joined minutes ago chat fast at night, three quick lines at a time: young
    accounts near a bot's pace, yet no raid. (With ``coordinated_min_accounts = 2`` at night, which would
    bring the raids' lockdown closer to the first spam message, every one of these would lock the server.)"""
    plan = Plan("benign_night_newcomers", night=True, raid=False)
    youths = _youths(plan, rng)
    friends = [plan.add(Account(rng.uniform(100, 900), rng.uniform(5, 40) / 1440)) for _ in range(rng.randint(2, 3))]
    lines = ["hahaha", "wacht", "nee toch", "echt??", "lol", "omg", "ik lig dubbel", "stop 😂", "wat", "jaaa"]
    said = {friend: rng.sample(lines, len(lines)) for friend in friends}  # nobody repeats themselves
    at = 0.0
    for turn in range(rng.randint(4, 6)):
        friend = friends[turn % len(friends)]
        for _ in range(3):  # three quick lines: a fast thumb, not a bot (at most two a second)
            plan.steps.append(Step(at, friend, "post", said[friend].pop()))
            at += rng.uniform(0.5, 1.2)
        at += rng.uniform(1, 4)
    _chatter(plan, youths, rng, at + 15)
    return plan.sort()


RAIDS: dict[str, Callable[[random.Random], Plan]] = {
    "mixed_rules": mixed_rules,
    "varied_text": varied_text,
    "mass_mentions": mass_mentions,
    "join_flood": join_flood,
    "sleepers": sleepers,
}
BENIGN: dict[str, Callable[[random.Random], Plan]] = {
    "birthday": birthday,
    "homework_link": homework_link,
    "class_joining": class_joining,
    "pasted_twice": pasted_twice,
    "night_newcomers": night_newcomers,
}
