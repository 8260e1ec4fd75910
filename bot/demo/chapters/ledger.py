"""Chapter: youths are counted anonymously, and the coordinator gets the week's KPIs with /stats."""

from __future__ import annotations

import re
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from bot.demo.timeline import Timeline
from bot.demo.world import World

NEWCOMERS = ("Mila", "Yassin", "Lotte", "Amir", "Fien", "Ruben")


async def _daytime(world: World) -> None:
    """Move to 14:00 local unless it is daytime already (so the whole scene falls in one week)."""
    tz = ZoneInfo(world.settings.general.timezone)
    local = world.clock.now().astimezone(tz)
    if 10 <= local.hour < 19:
        return
    day = local.date() + timedelta(days=1 if local.hour >= 19 else 0)
    await world.at(datetime.combine(day, time(14), tzinfo=tz))


async def _download(url: str) -> bytes:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        response.raise_for_status()
        return await response.read()


async def chapter(world: World, timeline: Timeline) -> None:
    timeline.chapter("Counting contacts, anonymously")
    await _daytime(world)
    sandbox, guild = world.sandbox, world.guild_id
    assert world.runtime is not None
    before = world.runtime.services.ledger.accepted
    timeline.story(f"{len(NEWCOMERS)} young people join the server")
    for name in NEWCOMERS:
        user = sandbox.create_user(name, created_at=world.clock.now() - timedelta(days=500))
        world.users[name.lower()] = user
        await sandbox.add_member(guild, user)

    timeline.story("Youth1 asks in #general where to get help with maths homework")
    await world.say("youth1", "general", "Weet iemand waar ik hulp kan vinden voor wiskunde, ik snap er niks van")
    await world.at(world.clock.now() + timedelta(minutes=4))
    timeline.story("Sam (outreacher) answers four minutes later; Youth2 joins the conversation")
    await world.say("sam", "general", "Hey! Woensdag om 16u is er een studiemoment in #study, kom gerust langs")
    await world.say("youth2", "general", "Oh ik kom ook, mijn examen wiskunde is volgende week")
    await world.settle()
    counted = world.runtime.services.ledger.accepted - before
    timeline.bot(
        f"noted {counted} things: {len(NEWCOMERS)} new members (reach, not contacts) and the youth ↔ staff"
        " exchanges (contacts); no names, no text, no user IDs kept"
    )

    timeline.story("Lien (coordinator) runs /stats periode:week")
    interaction = await world.slash("lien", "stats", options={"periode": "week"}, locale="en-GB")
    answer = await interaction.wait_followup(timeout=15)
    timeline.bot("answers privately with the week's report:")
    table = re.search(r"```\n(.*?)\n```", answer.get("content", ""), re.S)
    for line in (table.group(1) if table else answer.get("content", "")).splitlines():
        timeline.emit(f"      {line}")
    files = {a["filename"]: a["url"] for a in answer.get("attachments", [])}
    png_name = next(name for name in files if name.endswith(".png"))
    png = Path(tempfile.gettempdir()) / png_name
    png.write_bytes(await _download(files[png_name]))
    timeline.bot(f"attached {', '.join(sorted(files))}; the chart is written to {png}")
    timeline.calls()
