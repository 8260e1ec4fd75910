"""Chapter: a youth's evening with the contact desk — the 21:00 boundary both ways and the safety net."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.demo.timeline import Timeline, first_line
from bot.demo.world import World
from bot.domain.hours import OfficeHours

STAFF_DESK = "staff_desk"


def next_evening(hours: OfficeHours, after: datetime) -> datetime:
    """The first local 20:59 after ``after`` that closes at 21:00 and reopens the next morning."""
    day = hours.local(after).date()
    while True:
        evening = datetime.combine(day, time(20, 59), hours.tz)
        opening = hours.next_opening(evening + timedelta(minutes=2))
        if (
            evening > after
            and hours.is_open(evening)
            and opening is not None
            and hours.local(opening).date() == day + timedelta(days=1)
        ):
            return evening
        day += timedelta(days=1)


class _Watch:
    """Tells the timeline what the bot posted in the desk, its threads and youths' DMs since the last look."""

    def __init__(self, world: World, timeline: Timeline) -> None:
        self.world, self.timeline = world, timeline
        self.seen: dict[int, int] = {}

    def threads(self) -> list[int]:
        guild = self.world.sandbox.guilds[self.world.guild_id]
        return [t.id for t in guild.threads if t.parent_id == self.world.channels[STAFF_DESK]]

    async def show(self, rounds: int = 15) -> None:
        await self.world.settle(rounds)
        sandbox, me = self.world.sandbox, self.world.app.user_id
        for channel_id in (self.world.channels[STAFF_DESK], *self.threads()):
            messages = sandbox.channel_messages(channel_id)
            for message in messages[self.seen.get(channel_id, 0) :]:
                if message.author_id == me:
                    name = sandbox.channels[channel_id].name
                    ping = " and pings the outreachers" if message.mention_role_ids else ""
                    text = message.content.replace("\n", " ")
                    self.timeline.bot(f"posts in #{name}{ping}: “{first_line(text, 110)}”")
            self.seen[channel_id] = len(messages)
        for user_id, messages in sandbox.dm_log.items():
            for message in messages[self.seen.get(-user_id, 0) :]:
                self.timeline.bot(f"DMs {sandbox.users[user_id].username}: “{first_line(message.content)}”")
            self.seen[-user_id] = len(messages)
        self.timeline.calls()


async def chapter(world: World, timeline: Timeline) -> None:
    timeline.chapter("Contact desk: a youth's evening and the 21:00 boundary")
    assert world.runtime is not None
    watch = _Watch(world, timeline)
    sandbox, youth = world.sandbox, world.users["youth1"]
    evening = next_evening(OfficeHours(world.runtime.settings.hours), world.clock.now())

    await world.at(evening)
    timeline.story("Youth1 DMs the bot: “hoi, mag ik iets vragen?”")
    await sandbox.send_dm(youth, world.app, "hoi, mag ik iets vragen?")
    await watch.show()

    await world.at(evening + timedelta(minutes=2))
    timeline.story("The desk just closed. Youth1 writes again, twice.")
    await sandbox.send_dm(youth, world.app, "ben je er nog?")
    await watch.show()
    await sandbox.send_dm(youth, world.app, "oké, morgen dan")
    await watch.show()
    timeline.bot("(one auto-reply for the whole night; both messages relayed without pinging anyone)")

    await world.at(evening + timedelta(hours=1, minutes=1))
    timeline.story("Sam (outreacher) answers in the thread anyway.")
    thread = watch.threads()[0]
    await sandbox.post_message(thread, world.users["sam"], "Tuurlijk! Morgen om 10 uur lees ik het rustig.")
    await watch.show()

    await world.at(evening + timedelta(hours=6, minutes=1))
    timeline.story("In the middle of the night Youth2 DMs: “ik wil niet meer leven”.")
    await sandbox.send_dm(world.users["youth2"], world.app, "ik wil niet meer leven")
    await watch.show()

    timeline.story("The bot process is killed in the night and started again.")
    await world.kill_bot()
    await world.start_bot()
    timeline.bot("back; held replies and the opening digest are still scheduled (the database is the source)")

    hours = OfficeHours(world.runtime.settings.hours)
    opening = hours.next_opening(world.clock.now())
    assert opening is not None
    await world.at(opening)
    timeline.story("The desk opens in the morning.")
    await watch.show(rounds=25)
