"""Throughput and memory: a bare discord.py client vs happymood with every cog, on the same event stream.

The sandbox runs in this process; each client runs in a fresh child process connected to it over REST and the
gateway, so its RSS is its own. Throughput: N MESSAGE_CREATE events (realistic youth chat spread over
simulated time, so no spam rule fires) from first to last ``on_message``. Memory: RSS after the client has
loaded a 10,000-member guild (members intent, chunked like Discord). Last line of output is JSON.

    python benchmarks/throughput.py [--events 10000] [--members 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [
    "haha",
    "ja",
    "nee",
    "morgen",
    "school",
    "toets",
    "zin",
    "in",
    "frietjes",
    "wie",
    "komt",
    "er",
    "wat",
    "doe",
    "jij",
    "vanavond",
    "voetbal",
    "leuk",
]


def rss_mb() -> float:
    import psutil

    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


# ---------------------------------------------------------------------------------------------- child side
async def child(args: argparse.Namespace) -> None:
    from bot.app import create_bot
    from bot.endpoints import point_discord_at
    from sandbox.harness import wait_for

    point_discord_at(args.api, args.gateway)
    seen = 0
    first = last = 0.0
    done = asyncio.Event()

    async def on_message(message: discord.Message) -> None:
        nonlocal seen, first, last
        if message.author.bot:
            return
        seen += 1
        if seen == 1:
            first = time.perf_counter()
        if seen >= args.events:
            last = time.perf_counter()
            done.set()

    client: Any
    runtime = None
    if args.child == "bare":
        intents = discord.Intents.default()
        intents.members = True
        intents.message_content = True
        client = discord.Client(intents=intents, guild_ready_timeout=0.05)
        client.event(on_message)  # a no-op handler besides the counting
    else:
        from bot.clock import SystemClock
        from bot.runtime import build_runtime
        from bot.settings import Settings

        settings = Settings.model_validate(
            {
                "general": {"data_dir": args.tmp, "log_level": "WARNING"},
                "database": {"url": f"sqlite+aiosqlite:///{args.tmp}/bench.db"},
                "discord": {"api_base": args.api, "gateway_url": args.gateway, "guild_ready_timeout": 0.05},
            }
        )
        runtime = await build_runtime(settings, SystemClock())
        client = create_bot(runtime)
        client.add_listener(on_message, "on_message")

    task = asyncio.create_task(client.start(args.token))
    await wait_for(lambda: client.is_ready() or task.done(), timeout=60)
    if task.done():
        task.result()
    if runtime is not None:  # HappyBot: start-up finished (settings warm, stored work replayed)
        await wait_for(lambda: runtime.scheduler.started, timeout=60)
    if args.members:
        guild = max(client.guilds, key=lambda g: g.member_count or 0)
        await wait_for(lambda: len(guild.members) >= (guild.member_count or 0), timeout=120)
        await asyncio.sleep(0.5)
        print(json.dumps({"rss_mb": round(rss_mb(), 1), "members": len(guild.members)}), flush=True)
    else:
        print("READY", flush=True)
        await done.wait()
        print(json.dumps({"eps": round((args.events - 1) / (last - first), 1), "seen": seen}), flush=True)
    await client.close()  # HappyBot.close also stops the runtime's services
    await asyncio.wait_for(task, 10)
    if runtime is not None:
        await runtime.db.dispose()


# --------------------------------------------------------------------------------------------- parent side
class Child:
    def __init__(
        self, kind: str, sandbox: Any, app: Any, events: int, members: int, profile: str | None = None
    ) -> None:
        self.tmp = tempfile.mkdtemp(prefix="hm-bench-")
        cmd = [
            sys.executable, __file__, "--child", kind, "--api", sandbox.api_base, "--gateway", sandbox.gateway_url,
            "--token", app.token, "--events", str(events), "--members", str(members), "--tmp", self.tmp,
        ]  # fmt: skip
        if profile:
            cmd += ["--profile", profile]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = asyncio.create_subprocess_exec(*cmd, stdout=subprocess.PIPE, env=env)

    async def __aenter__(self) -> Child:
        self.p = await self.proc
        return self

    async def line(self, timeout: float = 120) -> str:
        assert self.p.stdout is not None
        raw = await asyncio.wait_for(self.p.stdout.readline(), timeout)
        if not raw:
            raise RuntimeError("benchmark child exited early")
        return raw.decode().strip()

    async def __aexit__(self, *exc: object) -> None:
        try:
            await asyncio.wait_for(self.p.wait(), 60)
        except TimeoutError:
            self.p.kill()


async def stream(sandbox: Any, clock: Any, channel: int, authors: list[int], events: int) -> None:
    """Youth chat: batches of 100 messages, each batch 3 s of simulated time (no spam rule fires)."""
    rng = random.Random(7)
    sent = 0
    while sent < events:
        batch = [
            (authors[(sent + i) % len(authors)], " ".join(rng.choices(WORDS, k=rng.randint(2, 9))))
            for i in range(min(100, events - sent))
        ]
        await sandbox.post_messages_bulk(channel, batch)
        sent += len(batch)
        await clock.advance(timedelta(seconds=3))


async def parent(args: argparse.Namespace) -> dict[str, Any]:
    from bot.adapters.invite import REQUIRED
    from bot.clock import FakeClock
    from sandbox import DiscordSandbox

    clock = FakeClock(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    sandbox = DiscordSandbox(clock)
    await sandbox.start()
    app = sandbox.create_bot("Happy Mood")
    owner = sandbox.create_user("owner", created_at=clock.now() - timedelta(days=900))
    guild = sandbox.create_guild("Happy Mood", owner_id=owner)
    await sandbox.add_bot_to_guild(guild, app, permissions=REQUIRED.value)
    channel = sandbox.add_text_channel(guild, "chill")
    # Established youths (accounts a year old, members for two months), as on the real server.
    authors = sandbox.populate_guild(
        guild,
        500,
        prefix="youth",
        created_at=clock.now() - timedelta(days=365),
        joined_at=clock.now() - timedelta(days=60),
    )

    result: dict[str, Any] = {"events": args.events, "rounds": args.rounds}
    # Bare and bot take turns, round after round, and the median round counts: on a shared 2-core machine one
    # run's speed swings by a third, a ratio measured side by side swings much less.
    rounds: dict[str, list[float]] = {"bare": [], "bot": []}
    for _ in range(args.rounds):
        for kind in ("bare", "bot"):
            async with Child(kind, sandbox, app, args.events, 0, args.profile) as c:
                assert await c.line() == "READY"
                await stream(sandbox, clock, channel, authors, args.events)
                rounds[kind].append(json.loads(await c.line())["eps"])
    ratios = [bot / bare for bare, bot in zip(rounds["bare"], rounds["bot"], strict=True)]
    result["bare_eps"] = statistics.median(rounds["bare"])
    result["bot_eps"] = statistics.median(rounds["bot"])
    result["eps_ratio"] = round(statistics.median(ratios), 3)
    result["eps_ratio_range"] = [round(min(ratios), 3), round(max(ratios), 3)]

    big = sandbox.create_guild("Big", owner_id=owner)
    await sandbox.add_bot_to_guild(big, app, permissions=REQUIRED.value)
    sandbox.populate_guild(big, args.members, prefix="m")
    for kind in ("bare", "bot"):
        async with Child(kind, sandbox, app, 0, args.members) as c:
            data = json.loads(await c.line())
            result[f"{kind}_rss_mb"] = data["rss_mb"]
    result["rss_ratio"] = round(result["bot_rss_mb"] / result["bare_rss_mb"], 3)
    result["members"] = args.members
    await sandbox.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="bare/bot throughput pairs; the median counts")
    parser.add_argument("--child", choices=("bare", "bot"))
    parser.add_argument("--api")
    parser.add_argument("--gateway")
    parser.add_argument("--token")
    parser.add_argument("--tmp")
    parser.add_argument("--profile", help="write a cProfile of the bot's throughput run to this file")
    args = parser.parse_args()
    if args.child:
        if args.profile and args.child == "bot" and not args.members:
            import cProfile

            cProfile.runctx("asyncio.run(child(args))", globals(), {"args": args, "child": child}, args.profile)
        else:
            asyncio.run(child(args))
        return
    result = asyncio.run(parent(args))
    print(json.dumps({k: result[k] for k in (
        "events", "rounds", "bare_eps", "bot_eps", "eps_ratio", "eps_ratio_range",
        "bare_rss_mb", "bot_rss_mb", "rss_ratio")}))  # fmt: skip


if __name__ == "__main__":
    main()
