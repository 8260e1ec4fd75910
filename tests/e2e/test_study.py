"""Study moments end to end: the real bot in the sandbox, time moved with a simulated clock.

Wednesday 2026-12-02, 13:00 in Brussels (UTC+1) when each test starts; the latest closing is 21:00.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sql

from bot.db.models import LedgerContact
from bot.db.models.study import StudyRoom
from bot.demo.world import World
from bot.domain.study import StudyRefused
from bot.services.study import StudyService
from sandbox import DiscordSandbox, Message
from tests.support.checks import present
from tests.support.e2e import Recorded, quiet

BXL = ZoneInfo("Europe/Brussels")
VIEW, SEND, MANAGE_MESSAGES = 1 << 10, 1 << 11, 1 << 13


def local(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=BXL)


@dataclass
class Study:
    w: World
    ledger: Recorded

    @property
    def sb(self) -> DiscordSandbox:
        return self.w.sandbox

    @property
    def guild(self) -> Any:
        return self.sb.guilds[self.w.guild_id]

    @property
    def service(self) -> StudyService:
        assert self.w.runtime is not None
        return present(self.w.runtime.services.study)

    async def quiet(self) -> None:
        await quiet(self.w.sandbox)

    async def at(self, when: datetime) -> None:
        await self.w.at(when)
        await self.quiet()

    async def command(self, sub: str, user: str = "sam", channel: int | None = None, **options: Any) -> str:
        return await self.slash("studie", sub, user, channel, **options)

    async def slash(self, name: str, sub: str, user: str, channel: int | None = None, **options: Any) -> str:
        i = await self.sb.run_slash_command(
            self.w.guild_id,
            channel or self.w.channels["staff_desk"],
            self.w.users[user],
            name,
            subcommand=sub,
            options=options,
        )
        body = await i.wait_response()
        data = await i.wait_followup() if body["type"] == 5 else body["data"]
        await self.quiet()
        assert data.get("flags", 0) & 64, data
        return str(data["content"])

    async def click(self, room: StudyRoom, action: str, user: str) -> str:
        assert room.panel_id is not None
        i = await self.sb.click_button(room.panel_id, f"study:{action}:{room.id}", self.w.users[user])
        body = await i.wait_response()
        data = await i.wait_followup() if body["type"] == 5 else body["data"]
        await self.quiet()
        assert data["flags"] & 64
        return str(data["content"])

    async def rows(self) -> list[StudyRoom]:
        assert self.w.runtime is not None
        async with self.w.runtime.db.session() as session:
            found = list((await session.scalars(select(StudyRoom).order_by(StudyRoom.id))).all())
            session.expunge_all()
            return found

    async def opened(self, **options: Any) -> StudyRoom:
        answer = await self.command("start", **options)
        assert "open" in answer, answer
        return (await self.rows())[-1]

    async def all_closed(self) -> None:
        """Wait (real time) until every room is closed (a host's stop closes after answering)."""

        async def done() -> bool:
            return {r.status for r in await self.rows()} == {"closed"}

        await self.w.until(done, timeout=8.0)
        await self.quiet()

    def posts(self, channel_id: int) -> list[Message]:
        return self.sb.channel_messages(channel_id)

    def may(self, user: str, channel_id: int | None, bit: int) -> bool:
        return bool(self.sb.permissions(self.guild, self.w.users[user], self.sb.channels[present(channel_id)]) & bit)

    def study_rows(self) -> list[tuple[int, dict[str, str]]]:
        return [(c[0], c[2]) for c in self.ledger.calls if c[1] == "study" and c[3]]


@pytest.fixture
async def s(world: World) -> AsyncIterator[Study]:
    recorded = Recorded()
    assert world.runtime is not None
    recorded.install(world.runtime)
    world.runtime_hooks.append(recorded.install)
    category = world.sandbox.add_category(world.guild_id, "Studeren")
    world.channels["study_category"] = category
    await world.configure(**{"channels.study_category": category})
    yield Study(world, recorded)


async def test_open_join_help_queue_rate_limit_take_next_and_ledger(s: Study) -> None:
    w, sb = s.w, s.sb
    room = await s.opened(duur="2u", vak="Wiskunde")
    assert room.end_at == local(15).astimezone(room.end_at.tzinfo)
    text, voice = sb.channels[present(room.text_id)], sb.channels[present(room.voice_id)]
    assert text.parent_id == voice.parent_id == w.channels["study_category"] and voice.type == 2
    panel = next(m for m in s.posts(room.text_id) if m.components)
    assert "Sam" in panel.content or f"<@{w.users['sam']}>" in panel.content
    assert "15:00" in panel.content and "Studiemoment" in panel.content
    ids = [c["custom_id"] for c in panel.components[0]["components"]]
    assert ids == [f"study:{a}:{room.id}" for a in ("join", "help", "leave", "next")]
    assert any("studiemoment" in m.content for m in s.posts(w.channels["announcements"]))

    # Youths and the whole team see it; someone without the youth role does not.
    stranger = sb.create_user("Nieuw")
    await sb.add_member(w.guild_id, stranger)
    await s.quiet()
    w.users["stranger"] = stranger
    for user in ("youth1", "sam", "noor", "lien"):
        assert s.may(user, room.text_id, VIEW) and s.may(user, room.voice_id, VIEW), user
    assert s.may("noor", room.text_id, MANAGE_MESSAGES) and not s.may("youth1", room.text_id, MANAGE_MESSAGES)
    assert not s.may("stranger", room.text_id, VIEW)

    assert "Fijn dat je er bent" in await s.click(room, "join", "youth1")
    assert "al mee" in await s.click(room, "join", "youth1")
    await s.click(room, "join", "youth2")
    await s.click(room, "join", "sam")  # the team is never counted

    assert "de volgende" in await s.click(room, "help", "youth1")
    assert "nummer **2**" in (second := await s.click(room, "help", "youth2")) and "5 minuten" in second
    assert "nummer **3**" in (third := await s.click(room, "help", "youth3")) and "10 minuten" in third
    assert "al in de rij" in await s.click(room, "help", "youth3")
    notices = [m.content for m in sb.dms_to(w.users["sam"]) if "wachten" in m.content]
    assert len(notices) == 1 and "**1**" in notices[0]  # rate-limited: one note, then a summary later
    await s.at(local(13, 5))
    notices = [m.content for m in sb.dms_to(w.users["sam"]) if "wachten" in m.content]
    assert len(notices) == 2 and "**3**" in notices[1]

    assert "niet meer in de rij" in await s.click(room, "leave", "youth3")
    assert "stond niet in de rij" in await s.click(room, "leave", "youth3")
    assert "team of een peer supporter" in await s.click(room, "next", "youth4")

    lobby = sb.add_voice_channel(w.guild_id, "lobby")
    await s.quiet()
    await sb.join_voice(w.guild_id, lobby, w.users["youth1"])
    await s.quiet()
    assert "Youth1" in (taken := await s.click(room, "next", "sam")) and "verplaatst" in taken
    assert s.guild.voice_states[w.users["youth1"]].channel_id == room.voice_id
    assert any("jouw beurt" in m.content for m in sb.dms_to(w.users["youth1"]))
    assert "Youth2" in await s.click(room, "next", "sam")
    assert "niemand in de rij" in await s.click(room, "next", "sam")

    y1, y2 = w.users["youth1"], w.users["youth2"]
    base = {"session": f"study-{room.id}", "theme": "wiskunde"}
    assert w.runtime is not None
    await w.runtime.services.ledger.flush()
    async with w.runtime.db.session() as session:
        stored = await session.scalar(
            select(func.count()).select_from(LedgerContact).where(LedgerContact.kind == "study")
        )
    assert stored == 4
    assert s.study_rows() == [
        (y1, base),
        (y2, base),
        (y1, {**base, "category": "help"}),
        (y2, {**base, "category": "help"}),
    ]


async def test_empty_for_ten_minutes_closes_voice_included_and_archives(s: Study) -> None:
    w, sb = s.w, s.sb
    room = await s.opened(vak="frans")
    await sb.join_voice(w.guild_id, room.voice_id, w.users["youth1"])
    await s.quiet()
    await s.at(local(13, 25))  # someone in voice: not empty
    assert (await s.rows())[0].status == "open"
    await sb.join_voice(w.guild_id, None, w.users["youth1"])
    await s.quiet()
    await s.at(local(13, 30))
    await w.say("youth2", "study", "hallo")  # elsewhere: does not count
    await s.quiet()
    await sb.post_message(room.text_id, w.users["youth2"], "iemand hier?")  # in the room: counts
    await s.quiet()
    await s.at(local(13, 39))
    assert (await s.rows())[0].status == "open"
    await s.at(local(13, 41))
    (row,) = await s.rows()
    assert row.status == "closed" and row.closed_reason == "empty"
    assert any("stil" in m.content for m in s.posts(room.text_id))
    assert room.voice_id not in sb.channels  # the voice room is gone; the text room stays, read-only
    assert s.may("youth2", room.text_id, VIEW) and not s.may("youth2", room.text_id, SEND)
    assert s.may("sam", room.text_id, SEND)
    assert w.runtime is not None
    assert [j.key for j in await w.runtime.scheduler.pending() if (j.key or "").startswith("study:")] == []


async def test_delete_per_guild_setting_and_the_host_stops(s: Study) -> None:
    assert "verwijderen" in await s.slash("setup", "studie", "lien", bij_sluiten="delete")
    room = await s.opened()
    assert "team of een peer supporter" in await s.command("stop", user="youth1", channel=room.text_id)
    assert "gesloten" in await s.command("stop", channel=room.text_id)
    await s.all_closed()
    assert room.text_id not in s.sb.channels and room.voice_id not in s.sb.channels
    assert "open studiekamer" in await s.command("stop", channel=s.w.channels["general"])


async def test_the_latest_closing_21h_with_its_warning(s: Study) -> None:
    await s.at(local(19, 30))
    refused = await s.command("start", duur="2u")
    assert "na de sluiting van 21:00" in refused and "niets veranderd" in refused
    assert await s.rows() == [] and not any(
        c.parent_id == s.w.channels["study_category"] for c in s.sb.channels.values()
    )
    room = await s.opened()  # no duration: the default is cut at 21:00
    assert room.end_at == local(21).astimezone(room.end_at.tzinfo)
    await s.sb.join_voice(s.w.guild_id, room.voice_id, s.w.users["youth1"])  # busy: only the clock closes it
    await s.quiet()
    await s.at(local(20, 50))
    assert any("21:00" in m.content and "Over 10 minuten" in m.content for m in s.posts(room.text_id))
    assert (await s.rows())[0].status == "open"
    await s.at(local(21, 0))
    (row,) = await s.rows()
    assert row.status == "closed" and row.closed_reason == "closing"
    assert any("slaap zacht" in m.content for m in s.posts(room.text_id))
    await s.at(local(20, 58, day=3))
    assert "bijna 21:00" in await s.command("start")


async def test_opening_from_a_weekly_schedule(s: Study) -> None:
    assert "ten laatste om 21:00" in await s.command("plan", dagen="ma-vr", uren="16:00-21:30")
    assert "begrijp ik niet" in await s.command("plan", dagen="elke maan", uren="16:00-18:00")
    answer = await s.command("plan", dagen="ma-vr", uren="16u-18u", vak="frans")
    assert "02/12 16:00" in answer
    await s.at(local(15, 59))
    assert await s.rows() == []
    await s.at(local(16, 0))
    (room,) = await s.rows()
    assert room.status == "open" and room.plan_id == 1 and room.subject == "frans"
    assert room.end_at == local(18).astimezone(room.end_at.tzinfo)
    await s.sb.join_voice(s.w.guild_id, room.voice_id, s.w.users["youth1"])
    await s.quiet()
    await s.at(local(18, 0))
    assert (await s.rows())[0].status == "closed"
    (job,) = await present(s.w.runtime).scheduler.pending("study.plan")
    assert job.due_at == local(16, day=3).astimezone(job.due_at.tzinfo)
    await s.at(local(16, 0, day=3))
    assert [r.status for r in await s.rows()] == ["closed", "open"]


async def test_focus_timer_rounds(s: Study) -> None:
    room = await s.opened(duur="90")
    await s.sb.join_voice(s.w.guild_id, room.voice_id, s.w.users["youth1"])
    await s.quiet()
    assert "team of een peer supporter" in await s.command("timer", user="youth1", channel=room.text_id)
    assert "25 minuten focus" in await s.command("timer", channel=room.text_id)

    def said(needle: str) -> int:
        return sum(needle in m.content for m in s.posts(room.text_id))

    assert said("Focusronde 1") == 1
    await s.at(local(13, 25))
    assert said("Pauze") == 1
    await s.at(local(13, 30))
    assert said("Focusronde 2") == 1
    await s.command("timer", channel=room.text_id, aan=False)
    await s.at(local(13, 55))
    assert said("Pauze") == 1


async def test_group_rooms_are_visible_to_staff_and_limited(s: Study) -> None:
    w, sb = s.w, s.sb
    await s.slash("setup", "studie", "lien", max_kamers=3)
    peer = sb.create_user("Peer")
    await sb.add_member(w.guild_id, peer, roles=[w.roles["peer_supporter"]])
    await s.quiet()
    w.users["peer"] = peer
    assert "team of een peer supporter" in await s.command("start", user="youth1")
    room = await s.opened(user="peer")  # a peer supporter hosts
    assert "open studiekamer" in await s.command("kamer", user="youth1", channel=w.channels["general"])
    created = await s.command("kamer", user="youth1", channel=room.text_id, met=w.users["youth2"])
    assert "kamer is klaar" in created
    group = (await s.rows())[-1]
    assert group.parent_id == room.id
    for user in ("youth1", "youth2", "sam", "noor", "lien", "peer"):
        assert s.may(user, group.text_id, VIEW) and s.may(user, group.voice_id, VIEW), user
    assert s.may("noor", group.text_id, MANAGE_MESSAGES)
    assert not s.may("youth3", group.text_id, VIEW)
    await s.command("kamer", user="youth3", channel=room.text_id)  # the third open room
    refused = await s.command("kamer", user="youth4", channel=room.text_id)
    assert "al 3 studiekamers open" in refused and len(await s.rows()) == 3
    assert "al 3 studiekamers" in await s.command("start")

    await s.command("stop", user="peer", channel=room.text_id)  # the moment takes its group rooms along
    await s.all_closed()
    assert s.may("sam", group.text_id, VIEW) and not s.may("youth2", group.text_id, SEND)


async def test_refusals_change_nothing(s: Study) -> None:
    assert "duur begrijp ik niet" in await s.command("start", duur="lang")
    await s.w.configure(**{"channels.study_category": None})
    assert "categorie voor studiemomenten" in await s.command("start")
    assert await s.rows() == []
    await s.w.configure(**{"channels.study_category": s.w.channels["study_category"]})
    room = await s.opened()
    outsider = s.sb.create_user("Buiten")  # not in the server
    with pytest.raises(StudyRefused, match=r"study\.err\.not_member"):
        await s.service.ask_help(s.w.guild_id, room.id, outsider)
    assert await s.service.store.waiting(room.id) == []


async def test_a_restart_with_a_room_and_a_queue_open(s: Study) -> None:
    w = s.w
    room = await s.opened(duur="1u")
    await s.click(room, "help", "youth1")
    await s.click(room, "help", "youth2")
    await s.sb.join_voice(w.guild_id, room.voice_id, w.users["youth4"])
    await s.quiet()
    await w.kill_bot()
    await w.at(local(13, 10))
    await w.start_bot()
    await s.quiet()
    assert "nummer **3**" in await s.click(room, "help", "youth3")
    assert "Youth1" in await s.click(room, "next", "sam")
    await w.kill_bot()  # down when the room should close
    await w.at(local(14, 30))
    await w.start_bot()
    await s.quiet()
    (row,) = await s.rows()
    assert row.status == "closed" and row.closed_reason == "end"
    assert room.voice_id not in s.sb.channels
    assert await s.service.store.waiting(room.id) == []


async def test_forget_me_removes_the_youths_place_in_a_running_room(s: Study) -> None:
    """/vergeet-mij during a study moment: the join and the place in the help queue are gone at once."""
    w = s.w
    room = await s.opened(duur="2u", vak="Wiskunde")
    await s.click(room, "join", "youth1")
    await s.click(room, "help", "youth1")
    await s.click(room, "help", "youth2")
    assert w.runtime is not None
    await w.runtime.ledger.forget(w.guild_id, w.users["youth1"])
    async with w.runtime.db.session() as session:
        users = {
            table: {r[0] for r in (await session.execute(sql(f"SELECT user_id FROM {table}"))).all()}
            for table in ("study_joins", "study_queue")
        }
    assert users == {"study_joins": set(), "study_queue": {w.users["youth2"]}}
