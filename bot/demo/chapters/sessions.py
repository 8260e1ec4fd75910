"""Chapter: a Wednesday safe space — planned, reminded, opened, closed, a private follow-up, counted."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from bot.demo.timeline import Timeline, first_line
from bot.demo.world import World

WATCHED = ("announcements", "safe_space")


def _next_wednesday(world: World) -> datetime:
    """The next Wednesday at least a day ahead, 10:00 local (so the 24-hour reminder can go out too)."""
    assert world.runtime is not None
    tz = world.runtime.settings.hours.timezone
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    day = (world.clock.now().astimezone(zone) + timedelta(days=1)).date()
    while day.weekday() != 2:
        day += timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=zone)


class _Watch:
    def __init__(self, world: World, timeline: Timeline) -> None:
        self.world, self.timeline = world, timeline
        self.seen = {name: len(world.sandbox.channel_messages(world.channels[name])) for name in WATCHED}

    async def show(self) -> None:
        await self.world.settle(15)
        me = self.world.app.user_id
        for name in WATCHED:
            messages = self.world.sandbox.channel_messages(self.world.channels[name])
            for message in messages[self.seen[name] :]:
                if message.author_id == me:
                    button = " (with a “Praat met ons” button)" if message.components else ""
                    self.timeline.bot(
                        f"posts in #{name.replace('_', '-')}{button}: “{first_line(message.content, 100)}”"
                    )
            self.seen[name] = len(messages)
        self.timeline.calls()


async def chapter(world: World, timeline: Timeline) -> None:
    timeline.chapter("Safe space: a Wednesday afternoon about alcohol and drugs")
    watch = _Watch(world, timeline)
    wednesday = _next_wednesday(world)
    await world.at(wednesday - timedelta(days=2))
    timeline.story("Sam (outreacher) runs /safespace plan thema:alcohol_drugs start:“wo 14u” plek:#safe-space")
    interaction = await world.slash(
        "sam",
        "safespace",
        subcommand="plan",
        channel="staff_desk",
        options={"thema": "alcohol_drugs", "start": "wo 14u", "plek": world.channels["safe_space"]},
    )
    answer = await interaction.wait_followup(timeout=10)
    timeline.bot(f"answers Sam privately: “{first_line(answer.get('content', ''), 110)}”")
    event = next(iter(world.sandbox.guilds[world.guild_id].scheduled_events.values()))
    timeline.bot(f"creates the Discord event “{event['name']}” (youths see it under Events and press Interested)")
    await watch.show()

    for moment, what in (
        (wednesday.replace(hour=14) - timedelta(days=1), "A day before: the first reminder."),
        (wednesday.replace(hour=13, minute=45), "A quarter of an hour before: the second reminder."),
        (wednesday.replace(hour=14), "14:00: the room opens for the youth role, the event starts."),
    ):
        await world.at(moment)
        timeline.story(what)
        await watch.show()

    timeline.story("Youth1 and Youth2 talk in #safe-space; Youth3 only reads along.")
    await world.say("youth1", "safe_space", "is een energiedrankje met alcohol erg?")
    await world.say("youth2", "safe_space", "op feestjes voel ik me soms verplicht om mee te drinken")
    await world.settle(10)

    await world.at(wednesday.replace(hour=16))
    timeline.story("16:00: the session ends on time.")
    await watch.show()
    timeline.bot("room permissions restored exactly as before, event completed, 2 youths counted (no names, no text)")

    closing = world.sandbox.channel_messages(world.channels["safe_space"])[-1]
    timeline.story("Youth2 presses “Praat met ons” under the closing post.")
    click = await world.sandbox.click_button(closing.id, "desk:talk", world.users["youth2"])
    await click.wait_response()
    await world.settle(15)
    timeline.bot("the contact desk opens a private conversation for Youth2 (its own button, its own thread)")
    timeline.calls()

    timeline.story("Lien (coordinator) runs /stats periode:week")
    stats = await world.slash("lien", "stats", options={"periode": "week"}, locale="en-GB")
    report = await stats.wait_followup(timeout=15)
    lines = [line for line in report.get("content", "").splitlines() if re.search(r"(?i)session|safe", line)]
    for line in lines[:6]:
        timeline.emit(f"      {line.strip()}")
    timeline.calls()
