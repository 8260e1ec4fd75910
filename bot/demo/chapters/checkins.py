"""Chapter: a youth who said yes to check-ins goes quiet for fourteen days, gets one warm check-in, answers."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from bot.demo.timeline import Timeline, first_line
from bot.demo.world import World
from bot.domain.hours import OfficeHours

YOUTH = "youth4"


def _afternoon(hours: OfficeHours, after: datetime) -> datetime:
    """The next local 15:00 when the desk is open."""
    day = hours.local(after).date() + timedelta(days=1)
    while not hours.is_open(datetime.combine(day, time(15), hours.tz)):
        day += timedelta(days=1)
    return datetime.combine(day, time(15), hours.tz)


async def _content(interaction: Any) -> str:
    body = await interaction.wait_response()
    data = await interaction.wait_followup() if body["type"] == 5 else body.get("data") or {}
    return str(data.get("content", ""))


async def chapter(world: World, timeline: Timeline) -> None:
    timeline.chapter("Check-ins: a youth who went quiet, with consent and the 21:00 boundary")
    assert world.runtime is not None
    sandbox, youth = world.sandbox, world.users[YOUTH]
    hours = OfficeHours(world.runtime.settings.hours)
    service = world.runtime.services.checkins
    assert service is not None

    await world.at(_afternoon(hours, world.clock.now()))
    timeline.story("Youth4 types /checkin aan: “yes, ask me now and then how I'm doing”.")
    answer = await _content(
        await sandbox.run_slash_command(world.guild_id, world.channels["general"], youth, "checkin", subcommand="aan")
    )
    timeline.bot(f"answers privately: “{first_line(answer, 110)}”")
    timeline.bot("stores only: consent time, every 14 days, no outreacher (the team), last contact, 0 unanswered")

    (job,) = [j for j in await world.runtime.scheduler.pending("checkins.remind")]
    timeline.story("Youth4 goes quiet. Fourteen days pass without a word.")
    await world.at(job.due_at)
    await world.settle(15)
    reminder = sandbox.channel_messages(world.channels["staff_desk"])[-1]
    text = reminder.content.replace(f"<@{youth}>", "@Youth4")
    labels = [c.get("label", "") for row in reminder.components for c in row.get("components", [])]
    timeline.bot(f"reminds the team in #staff-desk (buttons: {' / '.join(labels)}): “{first_line(text)}”")

    timeline.story("Sam presses Check-in sturen, reads the warm text in the form and sends it as it is.")
    row = await service.store.of(world.guild_id, youth)
    assert row is not None
    opened = await sandbox.click_button(reminder.id, f"checkins:send:{row.id}", world.users["sam"])
    await opened.wait_response()
    done = await _content(await sandbox.submit_modal(opened, {}))
    await world.settle(15)
    timeline.bot(f"DMs Youth4 from the team (with a Stop button): “{first_line(sandbox.dms_to(youth)[-1].content)}”")
    timeline.bot(f"tells Sam: “{first_line(done)}”")

    await world.at(world.clock.now() + timedelta(hours=2))
    timeline.story("Youth4 answers the DM: “hey! gaat wel, druk met examens 😅”.")
    await sandbox.send_dm(youth, world.app, "hey! gaat wel, druk met examens 😅")
    await world.until(lambda: _reset(service, world))
    timeline.bot("the reply opens a desk conversation for the team; unanswered back to 0, counted as a check-in reply")
    (job,) = [j for j in await world.runtime.scheduler.pending("checkins.remind")]
    timeline.bot(f"next reminder only after 14 new quiet days: {hours.local(job.due_at):%a %d %b %H:%M}")
    timeline.calls()


async def _reset(service: Any, world: World) -> bool:
    row = await service.store.of(world.guild_id, world.users[YOUTH])
    return row is not None and row.unanswered == 0 and row.last_contact_at > row.consented_at
