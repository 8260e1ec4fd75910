"""Generative raids and benign crowds against the detector (issue #13's goals).

Each raid shape and benign crowd of ``tests/support/raids.py`` is built with random variation from a seed —
fixed seeds in CI, ``pytest --seeds N`` for N fresh ones — and replayed as Discord would let it happen: once
the detector declares the raid the guild is locked ``LOCK_LATENCY`` later (nobody can post any more), an
account sanctioned is timed out that much later, and a message the detector hands back is deleted at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from bot.domain.spam import VerdictKind
from tests.support.raids import BENIGN, RAIDS, Plan

from .factories import Feed, Member, local

CI_SEEDS = (1, 2, 3, 4, 5, 6, 7, 8)
LOCK_LATENCY = 0.25  # seconds from the deciding message to the lockdown: the lockdown_ms budget
MAX_VISIBLE = 5


def seeds(config: pytest.Config) -> list[int]:
    n = config.getoption("--seeds")
    if not n:
        return list(CI_SEEDS)
    return [random.SystemRandom().randrange(1 << 30) for _ in range(n)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "seed" in metafunc.fixturenames:
        metafunc.parametrize("seed", seeds(metafunc.config))


@dataclass
class Outcome:
    raids_declared: int = 0
    declared_at: float | None = None
    first_spam_at: float | None = None
    visible_max: int = 0
    visible_after: int = 0
    posting_raiders: set[int] = field(default_factory=set)
    sanctioned: set[int] = field(default_factory=set)
    innocent_hit: set[int] = field(default_factory=set)
    deleted_benign: int = 0
    refused: int = 0
    locked: bool = False


def replay(plan: Plan) -> Outcome:
    base = local(2026, 6, 13, 0, 30) if plan.night else local(2026, 6, 13, 15, 0)
    members: dict[int, Member] = {}
    for i, account in enumerate(plan.accounts):
        joined = None if account.joined_days_ago is None else base - timedelta(days=account.joined_days_ago)
        members[i] = Member(1000 + i, base - timedelta(days=account.created_days_ago), joined, account.avatar)
    feed, out = Feed(), Outcome()
    spam: set[int] = set()
    deleted: set[int] = set()
    lock_at: float | None = None
    timeout_at: dict[int, float] = {}

    def at_(seconds: float) -> datetime:
        return base + timedelta(seconds=seconds)

    for step in plan.steps:
        account = plan.accounts[step.account]
        member = members[step.account]
        if step.kind == "join":
            member = members[step.account] = Member(
                member.user_id, member.created_at, at_(step.seconds), member.has_avatar
            )
            verdict = feed.join(member, at_(step.seconds))
        else:
            if (lock_at is not None and step.seconds >= lock_at) or step.seconds >= timeout_at.get(
                member.user_id, float("inf")
            ):
                out.refused += 1
                continue
            mentions = "".join(f" <@{1000 + m}>" for m in step.mentions)
            verdict = feed.say(member, at_(step.seconds), step.text + mentions, step.channel,
                               mention_user_count=len(step.mentions), everyone_attempt=step.everyone)  # fmt: skip
            mid = feed.log[-1][0].message_id  # type: ignore[union-attr]
            if account.raider:
                spam.add(mid)
                out.posting_raiders.add(member.user_id)
                if out.first_spam_at is None:
                    out.first_spam_at = step.seconds
        for uid in verdict.offenders:
            out.sanctioned.add(uid)
            timeout_at.setdefault(uid, step.seconds + LOCK_LATENCY)
            if not plan.accounts[uid - 1000].raider:
                out.innocent_hit.add(uid)
        for mid in verdict.message_ids:
            deleted.add(mid)
            if mid not in spam:
                out.deleted_benign += 1
        if verdict.is_new_raid:
            out.raids_declared += 1
            out.declared_at = step.seconds
            if verdict.kind is VerdictKind.RAID or plan.night:
                lock_at = step.seconds + LOCK_LATENCY
                out.locked = True
        out.visible_max = max(out.visible_max, len(spam - deleted))
    out.visible_after = len(spam - deleted)
    return out


@pytest.mark.parametrize("shape", sorted(RAIDS))
def test_every_raid_shape_is_one_raid_cleaned_up_completely(shape: str, seed: int) -> None:
    plan = RAIDS[shape](random.Random(seed))
    out = replay(plan)
    assert out.raids_declared == 1, out
    assert out.visible_after == 0, out
    assert out.posting_raiders <= out.sanctioned, out
    assert out.innocent_hit == set() and out.deleted_benign == 0, out
    assert out.visible_max <= MAX_VISIBLE, out
    if shape == "join_flood":
        assert out.first_spam_at is None or (out.declared_at is not None and out.declared_at < out.first_spam_at)
        assert out.visible_max == 0


@pytest.mark.parametrize("crowd", sorted(BENIGN))
def test_benign_crowds_are_left_alone(crowd: str, seed: int) -> None:
    plan = BENIGN[crowd](random.Random(seed))
    out = replay(plan)
    assert (out.raids_declared, out.sanctioned, out.deleted_benign) == (0, set(), 0), out
