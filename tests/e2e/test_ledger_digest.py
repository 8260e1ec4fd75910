"""The report comes to the coordinators: Monday 09:00 and the first working day of a month, restart-safe."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.demo.world import World
from bot.services.ledger.digest import DIGEST_KIND

BRUSSELS = ZoneInfo("Europe/Brussels")
MESSAGES = "POST /channels/{channel_id}/messages"


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


async def _coordinators_channel(world: World) -> int:
    channel = world.sandbox.add_text_channel(world.guild_id, "coordinatoren")
    i = await world.slash(
        "owner", "setup", subcommand="kanaal", options={"functie": "coordinators", "kanaal": channel}, locale="nl"
    )
    assert "Opgeslagen" in (await i.wait_response())["data"]["content"]
    return channel


def _posts(world: World, channel: int) -> list[tuple[str, list[str]]]:
    found = world.sandbox.guilds[world.guild_id].channels[channel]
    return [(m.content, sorted(a["filename"] for a in m.attachments)) for m in found.visible_messages()]


async def test_monday_and_month_reports_reach_the_coordinators_channel_once_across_a_restart(world: World) -> None:
    await world.say("youth1", "general", "iemand online?")
    await world.say("sam", "general", "ja hoor!")  # a public exchange: one contact moment (Wed 2 Dec 2026)
    await world.settle()
    assert world.runtime is not None
    assert len(await world.runtime.scheduler.pending(DIGEST_KIND)) == 1  # armed at start-up, off until a channel

    await world.at(local("2026-12-07 08:59"))
    channel = await _coordinators_channel(world)
    assert _posts(world, channel) == []

    await world.restart()  # the next tick survives in its database row
    await world.at(local("2026-12-07 09:01"))
    await world.until(lambda: len(_posts(world, channel)) == 1, timeout=15)
    [(content, files)] = _posts(world, channel)
    assert "Het rapport van 30/11/2026 tot 06/12/2026 (vorige week)" in content  # the guild's language: Dutch
    assert files == ["happymood-2026-11-30-2026-12-06.csv", "happymood-2026-11-30-2026-12-06.png"]
    assert "contactmomenten" in content and "<@" not in content

    await world.at(local("2026-12-08 12:00"))  # Tuesday: nothing new, and Monday's post is not repeated
    await world.settle(10)
    assert len(_posts(world, channel)) == 1

    # offline from Sunday evening to Monday noon: the missed 09:00 tick still runs, once
    await world.at(local("2026-12-13 20:00"))
    await world.stop_bot()
    await world.clock.set(local("2026-12-14 12:00"))
    await world.start_bot()
    await world.until(lambda: len(_posts(world, channel)) == 2, timeout=15)
    assert "07/12/2026 tot 13/12/2026" in _posts(world, channel)[1][0]

    # Friday 1 January 2027 is a holiday, then a weekend: the month comes on Monday 4 January, with the week
    for count, monday in ((3, "2026-12-21"), (4, "2026-12-28")):
        await world.at(local(f"{monday} 09:30"))
        await world.until(lambda n=count: len(_posts(world, channel)) == n, timeout=15)
    await world.at(local("2027-01-01 09:30"))
    await world.settle(10)
    assert len(_posts(world, channel)) == 4
    await world.at(local("2027-01-04 09:05"))
    await world.until(lambda: len(_posts(world, channel)) == 6, timeout=15)
    week, month = _posts(world, channel)[4:]
    assert "28/12/2026 tot 03/01/2027 (vorige week)" in week[0]
    assert "01/12/2026 tot 31/12/2026 (vorige maand)" in month[0]
    titles = [content.split(".")[0] for content, _ in _posts(world, channel)]
    assert len(set(titles)) == 6  # each report once


async def test_without_a_coordinators_channel_nothing_is_posted(world: World) -> None:
    await world.say("youth1", "general", "iemand online?")
    await world.say("sam", "general", "ja hoor!")
    before = sum(1 for r in world.sandbox.requests if r.route == MESSAGES)
    await world.at(local("2026-12-07 09:30"))
    assert world.runtime is not None
    scheduler = world.runtime.scheduler

    async def caught_up() -> bool:  # every hourly tick up to now has run
        return all(job.due_at > world.clock.now() for job in await scheduler.pending(DIGEST_KIND))

    await world.until(caught_up, timeout=15)
    assert sum(1 for r in world.sandbox.requests if r.route == MESSAGES) == before
