"""Chapter: a study moment — opened, two youths join, one asks for help, the host helps, it closes by itself."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.db.models.study import StudyRoom
from bot.demo.timeline import Timeline, first_line
from bot.demo.world import World


def _next_afternoon(world: World) -> datetime:
    """Tomorrow at 16:00 local: after school."""
    assert world.runtime is not None
    zone = ZoneInfo(world.runtime.settings.general.timezone)
    day = (world.clock.now().astimezone(zone) + timedelta(days=1)).date()
    return datetime.combine(day, time(16), tzinfo=zone)


async def _click(world: World, room: StudyRoom, action: str, user: str) -> str:
    assert room.panel_id is not None
    click = await world.sandbox.click_button(room.panel_id, f"study:{action}:{room.id}", world.users[user])
    body = await click.wait_response()
    data = await click.wait_followup() if body["type"] == 5 else body["data"]
    await world.settle(10)
    return str(data.get("content", ""))


def _bot_posts(world: World, channel_id: int, since: int = 0) -> list[str]:
    me = world.app.user_id
    return [m.content for m in world.sandbox.channel_messages(channel_id)[since:] if m.author_id == me]


async def chapter(world: World, timeline: Timeline) -> None:
    timeline.chapter("Study moment: maths after school, help on request, closing by itself")
    sandbox, runtime = world.sandbox, world.runtime
    assert runtime is not None
    await world.at(_next_afternoon(world))
    category = sandbox.add_category(world.guild_id, "Studeren")
    await world.configure(**{"channels.study_category": category})
    timeline.story("Lien (coordinator) has linked a “Studeren” category with /setup kanaal (study moments category).")

    timeline.story("Sam (outreacher) runs /studie start duur:“90” vak:“wiskunde”")
    started = await world.slash("sam", "studie", subcommand="start", options={"duur": "90", "vak": "wiskunde"})
    await started.wait_response()
    answer = await started.wait_followup(timeout=10)
    await world.settle(15)
    timeline.bot(f"answers Sam privately: “{first_line(answer.get('content', ''), 100)}”")
    assert runtime.services.study is not None
    room = (await runtime.services.study.open_moments(world.guild_id))[-1]
    timeline.bot("creates a text room and a voice room in “Studeren”: youths and peer supporters take part,")
    timeline.bot("the team can always see and moderate them; nobody else sees them")
    for text in _bot_posts(world, room.text_id):
        timeline.bot(
            f"posts the panel (Ik doe mee / Vraag hulp / Uit de rij / Volgende helpen): “{first_line(text, 80)}”"
        )
    timeline.calls()

    for user in ("youth1", "youth2"):
        timeline.story(f"{user.capitalize()} presses “Ik doe mee”.")
        timeline.bot(
            f"answers {user.capitalize()} privately: “{first_line(await _click(world, room, 'join', user), 90)}”"
        )
    timeline.story("Youth2 is stuck on fractions and presses “Vraag hulp”.")
    timeline.bot(f"answers Youth2 privately: “{first_line(await _click(world, room, 'help', 'youth2'), 100)}”")
    note = [m.content for m in sandbox.dms_to(world.users["sam"]) if "wachten" in m.content]
    if note:
        timeline.bot(f"tells Sam by DM (at most once per 5 minutes): “{first_line(note[-1], 90)}”")

    timeline.story("Sam presses “Volgende helpen” under the panel.")
    timeline.bot(f"answers Sam privately: “{first_line(await _click(world, room, 'next', 'sam'), 100)}”")
    turn = [m.content for m in sandbox.dms_to(world.users["youth2"]) if "beurt" in m.content]
    if turn:
        timeline.bot(f"tells Youth2 by DM: “{first_line(turn[-1], 90)}”")
    await sandbox.post_message(room.text_id, world.users["youth2"], "ik snap niet hoe je breuken deelt")
    await sandbox.post_message(
        room.text_id, world.users["sam"], "omdraaien en vermenigvuldigen! kijk: 1/2 : 1/4 = 1/2 x 4"
    )
    await sandbox.post_message(room.text_id, world.users["youth2"], "ooh ja!! merci")
    await world.settle(10)
    timeline.bot("counts two study contacts (joins) and one help request answered — no names, only the subject")
    timeline.calls()

    seen = len(sandbox.channel_messages(room.text_id))
    await world.at(world.clock.now() + timedelta(minutes=11))
    timeline.story("Everyone is done; nobody writes or sits in the voice room for 10 minutes.")
    await world.settle(15)
    for text in _bot_posts(world, room.text_id, seen):
        timeline.bot(f"posts in the study room: “{first_line(text, 100)}”")
    timeline.bot("closes by itself: the voice room is deleted, the text room is archived (read-only)")
    timeline.calls()
