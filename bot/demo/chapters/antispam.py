"""The midnight attack: bots raid the server, happymood locks it, cleans up, unlocks when it is quiet again
and tells the team in the morning. The raid script here is shared with the e2e tests and benchmarks/raid.py.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.timeline import Timeline, first_line
from bot.demo.world import World
from sandbox import permissions as P

MIDNIGHT = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # Thursday 00:00 in Brussels
LOCK_ROUTE = "PATCH /guilds/{guild_id}/roles/{role_id}"
SPAM = (
    "FREE NITRO for everyone 🎁 join discord.gg/FreeNitro",
    "free nitro for everyone 🎁 join https://discord.gg/freenitro",
    "Free Nitro for everyone join discord . gg / FreeNitro",
    "free nіtro for everyone join discord.com/invite/freenitro",
)
CHATTER = (
    "wie doet er mee vanavond",
    "ik ben zo moe van school",
    "heeft iemand de huiswerk van wiskunde",
    "haha dat meen je niet",
    "welke game spelen jullie",
    "morgen training om tien uur",
    "ik heb honger lol",
    "wat een film was dat zeg",
)


def next_midnight(after: datetime, zone: str = "Europe/Brussels") -> datetime:
    """The first local midnight at least ten minutes after ``after`` (the demo's clock only moves forward)."""
    local = (after + timedelta(minutes=10)).astimezone(ZoneInfo(zone))
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo(zone)).astimezone(
        UTC
    )


def spam_variant(rng: random.Random) -> str:
    """The same invite with small variations: case, a zero-width character, a number tacked on."""
    text = rng.choice(SPAM)
    cut = rng.randrange(len(text))
    text = text[:cut] + rng.choice(["", "\u200b", "\u2060"]) + text[cut:]
    return f"{text} {rng.randint(100, 99999)}" if rng.random() < 0.7 else text


def can_post(world: World, user_id: int, channel_id: int) -> bool:
    """What Discord would allow: send permission in the channel, not timed out, still a member."""
    guild = world.sandbox.guilds[world.guild_id]
    if user_id not in guild.members:
        return False
    return bool(world.sandbox.permissions(guild, user_id, world.sandbox.channels[channel_id]) & P.SEND_MESSAGES)


async def add_raiders(world: World, count: int, at: datetime, rng: random.Random) -> list[int]:
    """Fresh accounts without avatar that join during the ten minutes before ``at`` (the clock moves along),
    trickling in evenly enough to stay under the join-flood threshold (a flood is locked before it posts)."""
    raiders = []
    step = timedelta(minutes=9) / max(count, 1)
    joins = [at - timedelta(minutes=10) + step * i + step * rng.uniform(0, 0.5) for i in range(count)]
    for i, joined in enumerate(joins):
        if joined > world.clock.now():
            await world.clock.set(joined)
        uid = world.sandbox.create_user(
            f"nitro_gifts_{i}", avatar=None, created_at=at - timedelta(days=rng.uniform(0.5, 5))
        )
        await world.sandbox.add_member(world.guild_id, uid, joined_at=joined)
        raiders.append(uid)
    return raiders


@dataclass
class RaidRun:
    """What a scripted run sent and what stayed visible."""

    spam: list[int] = field(default_factory=list)
    youth: list[int] = field(default_factory=list)
    first_spam_at: float | None = None
    visible_max: int = 0
    blocked_posts: int = 0
    _seen_deleted: int = 0
    _deleted_spam: int = 0
    _spam_set: set[int] = field(default_factory=set)

    def sample(self, world: World) -> int:
        deleted = world.sandbox.deleted_messages
        for message in deleted[self._seen_deleted :]:
            if message.id in self._spam_set:
                self._deleted_spam += 1
        self._seen_deleted = len(deleted)
        visible = len(self.spam) - self._deleted_spam
        self.visible_max = max(self.visible_max, visible)
        return visible

    def lockdown_ms(self, world: World, since: int = 0) -> float | None:
        if self.first_spam_at is None:
            return None
        for rec in world.sandbox.requests[since:]:
            if rec.route == LOCK_ROUTE and rec.status == 200 and rec.params.get("role_id") == str(world.guild_id):
                return round((rec.time - self.first_spam_at) * 1000, 1)
        return None


async def run_raid(
    world: World,
    raiders: Sequence[int],
    youths: Sequence[int],
    channels: Sequence[int],
    *,
    start: datetime,
    seconds: float = 10.0,
    per_second: int = 5,
    rng: random.Random,
    speed: float | None = None,
    lead_in: float = 15.0,
) -> RaidRun:
    """Raiders post ``per_second`` messages a second for ``seconds`` while youths chat (from ``lead_in`` seconds
    before). The sandbox clock is moved in steps so timestamps are right; ``speed`` paces wall time (None: as fast
    as the bot keeps up)."""
    run = RaidRun()
    tick = 1.0 / per_second
    for second in range(int(lead_in), 0, -1):  # the youths were already chatting
        await world.clock.set(start - timedelta(seconds=second))
        uid = youths[second % len(youths)] if youths else None
        if uid is not None and can_post(world, uid, channels[0]):
            message = await world.sandbox.post_message(channels[0], uid, rng.choice(CHATTER))
            run.youth.append(int(message["id"]))
    next_youth = {uid: start + timedelta(seconds=rng.uniform(0, 3)) for uid in youths}
    for step in range(int(seconds * per_second)):
        now = start + timedelta(seconds=step * tick)
        await world.clock.set(now)
        for uid in rng.sample(list(raiders), len(raiders)):
            channel = rng.choice(channels)
            if not can_post(world, uid, channel):
                run.blocked_posts += 1
                continue
            stamp = now + timedelta(milliseconds=rng.uniform(0, tick * 900))
            if run.first_spam_at is None:
                run.first_spam_at = time.monotonic()
            message = await world.sandbox.post_message(channel, uid, spam_variant(rng), created_at=stamp)
            run.spam.append(int(message["id"]))
            run._spam_set.add(int(message["id"]))
            run.sample(world)
            if speed:  # spread the tick's posts over the tick, as real senders would
                await asyncio.sleep(tick / speed / len(raiders))
        for uid, due in next_youth.items():
            if due <= now and can_post(world, uid, channels[0]):
                message = await world.sandbox.post_message(channels[0], uid, rng.choice(CHATTER), created_at=now)
                run.youth.append(int(message["id"]))
                next_youth[uid] = now + timedelta(seconds=rng.uniform(2, 5))
        await asyncio.sleep(0 if speed else 0.005)
        run.sample(world)
    return run


def guild_state(world: World) -> dict[str, Any]:
    """Everything a lockdown may touch, as plain data (to compare before and after)."""
    guild = world.sandbox.guilds[world.guild_id]
    return {
        "everyone": guild.everyone.permissions,
        "overwrites": {
            cid: {t: (o.type, o.allow, o.deny) for t, o in sorted(ch.overwrites.items())}
            for cid, ch in sorted(guild.channels.items())
        },
        "slowmode": {cid: ch.rate_limit_per_user for cid, ch in sorted(guild.channels.items())},
        "incidents": {k: guild.incidents_data.get(k) for k in ("invites_disabled_until", "dms_disabled_until")},
    }


async def wait_clean(world: World, run: RaidRun, timeout: float = 10.0) -> None:
    await world.until(lambda: run.sample(world) == 0, timeout=timeout)


async def chapter(world: World, timeline: Timeline) -> None:
    timeline.chapter("Anti-spam: the midnight attack")
    rng = random.Random(13)
    midnight = next_midnight(world.clock.now())
    await world.at(midnight - timedelta(minutes=11))
    world.sandbox.set_overwrite(
        world.channels["chill"], world.guild_id, allow=P.SEND_MESSAGES | P.ADD_REACTIONS, deny=0
    )
    before = guild_state(world)
    timeline.story("It is late evening; nobody of the team is awake. #chill explicitly lets @everyone post.")
    raiders = await add_raiders(world, 20, midnight, rng)
    timeline.story("Twenty fresh accounts without avatar join in the ten minutes before midnight.")
    youths = [world.users[f"youth{i}"] for i in range(1, 6)]
    channels = [world.channels[n] for n in ("general", "chill", "study")]
    timeline.calls()
    mark = len(world.sandbox.requests)
    timeline.story("00:00 — they post the same Nitro invite, 5 messages a second each, in three channels.")
    run = await run_raid(world, raiders, youths, channels, start=midnight, seconds=3, rng=rng)
    await wait_clean(world, run)
    guild = world.sandbox.guilds[world.guild_id]
    timed_out = sum(1 for uid in raiders if world.sandbox.is_timed_out(guild.members[uid]))
    locked = not guild.everyone.permissions & P.SEND_MESSAGES
    timeline.bot(f"locked the server {run.lockdown_ms(world, mark)} ms after the first spam message (wall clock)")
    timeline.bot(
        f"{len(run.spam)} spam messages got through before the lock, at most {run.visible_max} visible at once; "
        f"all removed. {timed_out} accounts timed out for 12 h; youths' messages untouched: "
        f"{not any(world.sandbox.message_index[m].deleted for m in run.youth)}"
    )
    paused = guild.incidents_data.get("invites_disabled_until") is not None
    timeline.bot(f"@everyone locked: {locked}; invites and DMs paused: {paused}; #chill exception neutralised")
    mod_log = guild.channels[world.channels["mod_log"]]
    await world.until(lambda: any(m.embeds for m in mod_log.visible_messages()), timeout=10.0)  # posted after the lock
    alert = next(m for m in reversed(mod_log.visible_messages()) if m.embeds)
    buttons = [c["label"] for row in alert.components for c in row.get("components", [])]
    timeline.bot(f"mod log: “{first_line(alert.content)}” with buttons {buttons}")
    timeline.calls()
    for minutes in (20, 31):
        await world.at(midnight + timedelta(minutes=minutes))
        timeline.story(f"{minutes} minutes after the attack: no new spam.")
    await world.until(lambda: guild_state(world) == before, timeout=5)
    timeline.bot("quiet for 30 minutes: unlocked by itself; permissions, overwrites, pauses EXACTLY as before")
    timeline.calls()
    await world.at(midnight + timedelta(hours=8, seconds=30))
    desk = guild.channels[world.channels["staff_desk"]].visible_messages()
    summary = next((m for m in reversed(desk) if m.embeds), None)
    if summary is None:
        raise RuntimeError("no morning summary in the staff channel")
    timeline.bot(f"08:00 morning summary in #staff-desk: “{first_line(summary.content)}”")
    timeline.calls()
    if Counter(r.route for r in world.sandbox.requests[mark:])[LOCK_ROUTE] != 2:
        raise RuntimeError("expected exactly one lock and one unlock role edit")
