"""The midnight raid, youths having fun, and one flooding account — the real bot against the sandbox.

Prints one JSON object per scenario, one per line:

* ``raid``: at 00:00 (sandbox time) 20 accounts that joined in the last 10 minutes post 5 messages a second each
  for 10 s across 3 channels (the same invite with small variations) while 5 youths chat. A post is only made
  when Discord would allow it (send permission, not timed out), as on the real service. ``lockdown_ms`` is real
  (wall-clock) time from sending the first spam message to the lockdown role edit reaching the sandbox. The same
  run without the anti-spam cog is the ``baseline``.
* ``benign``: 40 youths chat fast in one room — 2,000 messages in 5 minutes at night, with runs of "hahaha",
  emoji bursts, one meme link shared by several youths and a question pasted twice.
* ``single``: one youth posts 30 (different) messages in 10 s (day time).

The sandbox clock is moved as the script goes, so every message carries the right timestamp while the script
runs faster than real time (``--speed``: 1 paces the raid in real time, 10 ten times faster).

    python benchmarks/raid.py [--scenario raid|benign|single|all] [--speed 1] [--no-baseline]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.demo.chapters.antispam import (  # noqa: E402
    LOCK_ROUTE,
    MIDNIGHT,
    RaidRun,
    add_raiders,
    can_post,
    guild_state,
    run_raid,
)
from bot.demo.world import World, build_world, close_world  # noqa: E402
from sandbox import permissions as P  # noqa: E402
from tests.support import scenarios  # noqa: E402

TIMEOUT_ROUTE = "PATCH /guilds/{guild_id}/members/{user_id}"


def rest_calls(world: World, since: int) -> dict[str, int]:
    routes = Counter(
        f"{r.route} {r.status}" if r.status == 429 else str(r.route)
        for r in world.sandbox.requests[since:]
        if r.route and not r.route.startswith(("GET ", "PUT /applications/", "POST /interactions/"))
    )
    return dict(sorted(routes.items()))


def counts(world: World, since: int) -> tuple[int, int]:
    calls = world.sandbox.requests[since:]
    lockdowns = sum(
        1
        for r in calls
        if r.route == LOCK_ROUTE and r.status == 200 and not int(r.json.get("permissions", 0)) & P.SEND_MESSAGES
    )
    timeouts = sum(
        1 for r in calls if r.route == TIMEOUT_ROUTE and r.status == 200 and r.json.get("communication_disabled_until")
    )
    return lockdowns, timeouts


async def fresh_world(tmp: Path, name: str, start: datetime) -> World:
    return await build_world(f"sqlite+aiosqlite:///{tmp / f'{name}.db'}", tmp / name, start=start)


async def settle(world: World, run: RaidRun | None = None, seconds: float = 5.0) -> None:
    if run is not None:
        with contextlib.suppress(TimeoutError):
            await world.until(lambda: run.sample(world) == 0, timeout=seconds)
    service = world.runtime.services.antispam if world.runtime else None
    if service is not None:
        await service.drain()
    await world.settle()


# ------------------------------------------------------------------------------------------------ raid
async def raid(tmp: Path, speed: float, *, protected: bool = True) -> dict[str, Any]:
    world = await fresh_world(tmp, "raid" if protected else "baseline", MIDNIGHT - timedelta(hours=1))
    try:
        if not protected:
            await world.bot.remove_cog("AntispamCog")
        rng = random.Random(2026)
        await world.at(MIDNIGHT - timedelta(minutes=11))
        raiders = await add_raiders(world, 20, MIDNIGHT, rng)
        await world.at(MIDNIGHT - timedelta(seconds=30))
        before = guild_state(world)
        youths = [world.users[f"youth{i}"] for i in range(1, 6)]
        channels = [world.channels[n] for n in ("general", "chill", "study")]
        mark = len(world.sandbox.requests)
        run = await run_raid(world, raiders, youths, channels, start=MIDNIGHT, seconds=10, rng=rng, speed=speed)
        await settle(world, run if protected else None)
        lockdowns, timeouts = counts(world, mark)
        result: dict[str, Any] = {
            "scenario": "raid" if protected else "raid_without_antispam",
            "lockdown_ms": run.lockdown_ms(world, mark),
            "spam_sent": len(run.spam),
            "spam_refused_by_discord": run.blocked_posts,
            "spam_visible_max": run.visible_max,
            "spam_visible_after": run.sample(world),
            "benign_deleted": sum(1 for m in run.youth if world.sandbox.message_index[m].deleted),
            "lockdowns": lockdowns,
            "timeouts": timeouts,
            "rest_calls": rest_calls(world, mark),
        }
        if protected:
            guild = world.sandbox.guilds[world.guild_id]
            paused = [guild.incidents_data[k] for k in ("invites_disabled_until", "dms_disabled_until")]
            result["invites_and_dms_paused"] = all(paused)
            await world.at(MIDNIGHT + timedelta(minutes=31))
            await world.until(lambda: guild_state(world) == before, timeout=10)
            result["restored_exactly_after_quiet_period"] = guild_state(world) == before
        return result
    finally:
        await close_world(world)


# ------------------------------------------------------------------------------------------------ benign
def benign_plan(youths: list[int], rng: random.Random) -> list[tuple[float, int, str]]:
    """The shared benign chat (tests/support/scenarios.py) with these youths' ids."""
    return [
        (
            line.seconds,
            youths[line.author],
            line.text if line.mention is None else f"<@{youths[line.mention]}> {line.text}",
        )
        for line in scenarios.benign_chat(rng, authors=len(youths))
    ]


async def benign(tmp: Path) -> dict[str, Any]:
    start = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)  # 23:30 in Brussels: the stricter night profile
    world = await fresh_world(tmp, "benign", start - timedelta(hours=1))
    try:
        rng = random.Random(2026)
        youths = [world.users[f"youth{i}"] for i in range(1, 6)]
        for i in range(35):
            uid = world.sandbox.create_user(f"jongere{i}", created_at=start - timedelta(days=rng.uniform(200, 2000)))
            joined = start - timedelta(days=rng.uniform(30, 400))
            await world.sandbox.add_member(world.guild_id, uid, roles=[world.roles["youth"]], joined_at=joined)
            youths.append(uid)
        plan = benign_plan(youths, rng)
        await world.at(start)
        mark = len(world.sandbox.requests)
        channel = world.channels["chill"]
        sent: list[int] = []
        refused = 0
        for t, uid, text in plan:
            at = start + timedelta(seconds=t)
            if at - world.clock.now() >= timedelta(seconds=1):
                await world.clock.set(at)
            if not can_post(world, uid, channel):
                refused += 1
                continue
            message = await world.sandbox.post_message(channel, uid, text, created_at=at)
            sent.append(int(message["id"]))
            if len(sent) % 50 == 0:
                await asyncio.sleep(0.005)
        await settle(world)
        lockdowns, timeouts = counts(world, mark)
        return {
            "scenario": "benign",
            "lockdown_ms": None,
            "messages": len(plan),
            "spam_sent": 0,
            "spam_visible_max": 0,
            "spam_visible_after": 0,
            "benign_deleted": sum(1 for m in sent if world.sandbox.message_index[m].deleted),
            "benign_refused": refused,
            "lockdowns": lockdowns,
            "timeouts": timeouts,
            "rest_calls": rest_calls(world, mark),
        }
    finally:
        await close_world(world)


# ------------------------------------------------------------------------------------------------ single
async def single(tmp: Path) -> dict[str, Any]:
    start = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # 15:00 in Brussels
    world = await fresh_world(tmp, "single", start - timedelta(hours=1))
    try:
        await world.at(start - timedelta(seconds=30))
        channel, flooder = world.channels["general"], world.users["youth1"]
        others = [world.users[f"youth{i}"] for i in range(2, 6)]
        benign_ids = [
            int((await world.sandbox.post_message(channel, uid, f"hoi allemaal {i}"))["id"])
            for i, uid in enumerate(others)
        ]
        mark = len(world.sandbox.requests)
        run = RaidRun()
        rng = random.Random(30)
        for n in range(30):
            at = start + timedelta(seconds=n / 3)
            await world.clock.set(at)
            if not can_post(world, flooder, channel):
                run.blocked_posts += 1
                continue
            if run.first_spam_at is None:
                run.first_spam_at = time.monotonic()
            text = " ".join(rng.choice(scenarios.WORDS) for _ in range(rng.randint(2, 6)))
            message = await world.sandbox.post_message(channel, flooder, text, created_at=at)
            run.spam.append(int(message["id"]))
            run._spam_set.add(int(message["id"]))
            run.sample(world)
            await asyncio.sleep(0.005)
        await settle(world, run)
        lockdowns, timeouts = counts(world, mark)
        member = world.sandbox.guilds[world.guild_id].members[flooder]
        until = member.communication_disabled_until
        return {
            "scenario": "single",
            "lockdown_ms": run.lockdown_ms(world, mark),
            "spam_sent": len(run.spam),
            "spam_refused_by_discord": run.blocked_posts,
            "spam_visible_max": run.visible_max,
            "spam_visible_after": run.sample(world),
            "benign_deleted": sum(1 for m in benign_ids if world.sandbox.message_index[m].deleted),
            "lockdowns": lockdowns,
            "timeouts": timeouts,
            "timeout_minutes": round((until - world.clock.now()).total_seconds() / 60) if until else None,
            "rest_calls": rest_calls(world, mark),
        }
    finally:
        await close_world(world)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("raid", "benign", "single", "all"), default="all")
    parser.add_argument("--speed", type=float, default=1.0, help="raid pace: 1 = real time, 10 = ten times faster")
    parser.add_argument("--no-baseline", action="store_true", help="skip the raid without the anti-spam cog")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    tmp = Path(tempfile.mkdtemp(prefix="happymood-raid-"))
    try:
        if args.scenario in ("raid", "all"):
            result = await raid(tmp, args.speed)
            if not args.no_baseline:
                result["baseline"] = await raid(tmp, args.speed, protected=False)
            print(json.dumps(result, ensure_ascii=False), flush=True)
        if args.scenario in ("benign", "all"):
            print(json.dumps(await benign(tmp), ensure_ascii=False), flush=True)
        if args.scenario in ("single", "all"):
            print(json.dumps(await single(tmp), ensure_ascii=False), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
