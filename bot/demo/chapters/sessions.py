"""Chapter: a Wednesday safe space — planned, reminded, opened, closed, a private follow-up, counted."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.timeline import Timeline, first_line
from bot.demo.world import World
from sandbox import Message

WATCHED = ("announcements", "safe_space")


def _next_wednesday(world: World) -> datetime:
    """The next Wednesday at least a day ahead, 10:00 local (so the 24-hour reminder can go out too)."""
    assert world.runtime is not None
    zone = ZoneInfo(world.runtime.settings.hours.timezone)
    day = (world.clock.now().astimezone(zone) + timedelta(days=1)).date()
    while day.weekday() != 2:
        day += timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=zone)


def _buttons(message: Message) -> list[dict[str, Any]]:
    return [c for row in message.components for c in row.get("components", [])]


def _first_button(message: Message) -> str:
    found = _buttons(message)
    return str(found[0].get("custom_id", "")) if found else ""


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
                    labels = [c.get("label") or c.get("emoji", {}).get("name", "") for c in _buttons(message)]
                    button = f" (buttons: {' / '.join(labels)})" if labels else ""
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
    session = int(answer.get("content", "").split("nr. ", 1)[1].split(")", 1)[0])
    sandbox = world.sandbox
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

    timeline.story("Youth3 does not dare to ask out loud and presses “Stel anoniem een vraag”.")
    intro = next(m for m in reversed(sandbox.channel_messages(world.channels["safe_space"])) if m.components)
    opened = await sandbox.click_button(intro.id, f"sessions:ask:{session}", world.users["youth3"])
    await opened.wait_response()
    asked = await sandbox.submit_modal(opened, {"question": "Hoe zeg je nee als je vrienden blijven aandringen?"})
    await asked.wait_response()
    await world.settle(10)
    staff_post = next(m for m in reversed(sandbox.channel_messages(world.channels["staff_desk"])) if m.components)
    timeline.bot(f"posts in #staff-desk with Approve / Reject: “{first_line(staff_post.content, 90)}”")
    timeline.story("Sam approves it.")
    approve = await sandbox.click_button(staff_post.id, _first_button(staff_post), world.users["sam"])
    await approve.wait_response()
    await watch.show()
    timeline.bot("(the question appears without a name; the database only knows that a question existed)")

    await world.at(wednesday.replace(hour=16))
    timeline.story("16:00: the session ends on time.")
    await watch.show()
    timeline.bot(
        "room permissions restored exactly as before, event completed, the youths who wrote counted (no names)"
    )

    room_posts = sandbox.channel_messages(world.channels["safe_space"])
    closing = next(m for m in room_posts if _first_button(m) == "desk:talk")
    timeline.story("Youth2 presses “Praat met ons” under the closing post.")
    click = await world.sandbox.click_button(closing.id, "desk:talk", world.users["youth2"])
    await click.wait_response()
    await world.settle(15)
    timeline.bot("the contact desk opens a private conversation for Youth2 (its own button, its own thread)")
    timeline.calls()

    faces = room_posts[-1]
    timeline.story("Youth1 and Youth2 press 😀, Youth3 presses 😐 under “Hoe vond je deze sessie?”.")
    for user, face in (("youth1", "vote_good"), ("youth2", "vote_good"), ("youth3", "vote_ok")):
        vote = await sandbox.click_button(faces.id, f"sessions:{face}:{session}", world.users[user])
        await vote.wait_response()
    feedback = await world.slash("sam", "safespace", subcommand="feedback", channel="staff_desk")
    body = await feedback.wait_response()
    timeline.bot(f"/safespace feedback for Sam: “{first_line(body['data']['content'].splitlines()[-1], 100)}”")

    timeline.story("Lien (coordinator) runs /stats periode:week")
    stats = await world.slash("lien", "stats", options={"periode": "week"}, locale="en-GB")
    report = await stats.wait_followup(timeout=15)
    lines = [line for line in report.get("content", "").splitlines() if re.search(r"(?i)session|safe", line)]
    for line in lines[:6]:
        timeline.emit(f"      {line.strip()}")
    table = next(a for a in report.get("attachments", []) if a["filename"].endswith(".csv"))
    sheet = (world.sandbox.attachment_data(table) or b"").decode()
    timeline.story("In the attached CSV: sessions per theme and the feedback, as totals (fewer than 5 shows as <5):")
    for section in sheet.split("\n\n"):
        if section.startswith(("Sessions per theme", "Feedback after sessions")):
            cells = [row.replace(",", ": ", 1) for row in section.splitlines()[2:]]
            timeline.emit(f"      {section.splitlines()[0]} — {' · '.join(cells)}")
    timeline.calls()
