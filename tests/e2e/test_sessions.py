"""Safe spaces end to end: the real bot in the sandbox, time moved with a simulated clock.

Wednesday 2026-12-02, 13:00 in Brussels (UTC+1) when each test starts; the desk is open 10:00-21:00.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from bot.db.models import LedgerContact
from bot.db.models.sessions import SafeSession
from bot.demo.world import World
from bot.domain.ledger import DateRange
from sandbox import Message
from tests.support.checks import present
from tests.support.e2e import Recorded, quiet

BXL = ZoneInfo("Europe/Brussels")
EVENTS = "POST /guilds/{guild_id}/scheduled-events"
WEEK_OF_DEC_2 = DateRange(date(2026, 11, 30), date(2026, 12, 6))


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BXL)


@dataclass
class Sessions:
    w: World
    ledger: Recorded

    @property
    def guild(self) -> Any:
        return self.w.sandbox.guilds[self.w.guild_id]

    async def quiet(self) -> None:
        await quiet(self.w.sandbox)

    async def at(self, when: datetime) -> None:
        await self.w.at(when)
        await self.quiet()

    async def plan(self, user: str = "sam", **options: Any) -> str:
        i = await self.w.sandbox.run_slash_command(
            self.w.guild_id,
            self.w.channels["staff_desk"],
            self.w.users[user],
            "safespace",
            subcommand="plan",
            options=options,
        )
        body = await i.wait_response()
        data = await i.wait_followup() if body["type"] == 5 else body["data"]
        await self.quiet()
        assert data.get("flags", 0) & 64, data
        return str(data["content"])

    async def command(self, sub: str, user: str = "sam", **options: Any) -> str:
        i = await self.w.sandbox.run_slash_command(
            self.w.guild_id,
            self.w.channels["staff_desk"],
            self.w.users[user],
            "safespace",
            subcommand=sub,
            options=options,
        )
        body = await i.wait_response()
        data = await i.wait_followup() if body["type"] == 5 else body["data"]
        await self.quiet()
        return str(data["content"])

    def posts(self, channel: str | int) -> list[Message]:
        cid = self.w.channels[channel] if isinstance(channel, str) else channel
        return self.w.sandbox.channel_messages(cid)

    def overwrites(self, channel: str | int) -> dict[int, tuple[int, int]]:
        cid = self.w.channels[channel] if isinstance(channel, str) else channel
        return {t: (o.allow, o.deny) for t, o in copy.deepcopy(self.w.sandbox.channels[cid].overwrites).items()}

    def events(self) -> list[dict[str, Any]]:
        return list(self.guild.scheduled_events.values())

    async def rows(self) -> list[SafeSession]:
        assert self.w.runtime is not None
        async with self.w.runtime.db.session() as session:
            found = list((await session.scalars(select(SafeSession).order_by(SafeSession.id))).all())
            session.expunge_all()
            return found


@pytest.fixture
async def s(world: World) -> AsyncIterator[Sessions]:
    recorded = Recorded()
    assert world.runtime is not None
    recorded.install(world.runtime)
    world.runtime_hooks.append(recorded.install)
    yield Sessions(world, recorded)


async def test_plan_opens_closes_restores_and_counts_attendance(s: Sessions) -> None:
    w = s.w
    youth_role = w.roles["youth"]
    s.w.sandbox.set_overwrite(w.channels["safe_space"], youth_role, allow=1 << 15, deny=1 << 10)  # attach, no view
    before = s.overwrites("safe_space")
    answer = await s.plan(thema="alcohol_drugs", start="wo 14u", plek=w.channels["safe_space"])
    assert "14:00" in answer and "16:00" in answer and "13:45" in answer

    (event,) = s.events()
    assert event["scheduled_start_time"] == datetime(2026, 12, 2, 13, 0, tzinfo=UTC).isoformat()
    assert event["scheduled_end_time"] == datetime(2026, 12, 2, 15, 0, tzinfo=UTC).isoformat()
    assert event["entity_type"] == 3 and event["status"] == 1
    assert "Alcohol en drugs" in event["name"]
    assert any("Alcohol en drugs" in m.content for m in s.posts("announcements"))

    await s.at(local(2026, 12, 2, 13, 45))
    assert any("kwartiertje" in m.content for m in s.posts("announcements"))

    await s.at(local(2026, 12, 2, 14, 0))
    opened = s.overwrites("safe_space")
    assert opened[youth_role][0] & (1 << 10 | 1 << 11) == 1 << 10 | 1 << 11
    assert opened[youth_role][0] & (1 << 15) and not opened[youth_role][1] & (1 << 10)
    assert event["status"] == 2
    intro = s.posts("safe_space")[-1].content
    assert "screenshots" in intro and "1813" in intro  # house rules and help lines (sensitive theme)
    await w.say("youth1", "safe_space", "mag ik iets vragen?")
    await w.say("youth1", "safe_space", "nog iets")
    await w.say("sam", "safe_space", "natuurlijk")
    await s.quiet()

    await s.at(local(2026, 12, 2, 16, 0))
    assert s.overwrites("safe_space") == before
    assert event["status"] == 3
    closing = next(m for m in s.posts("safe_space") if "privé praten" in m.content)
    assert closing.components[0]["components"][0]["custom_id"] == "desk:talk"
    youth1 = w.users["youth1"]
    assert [c for c in s.ledger.calls if c[3] and "session" in c[2]] == [
        (youth1, "safe_space", {"session": "1", "theme": "alcohol_drugs"}, True)
    ]
    assert w.runtime is not None
    await w.runtime.services.ledger.flush()
    async with w.runtime.db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(LedgerContact).where(LedgerContact.kind == "safe_space")
        )
    assert count == 1
    (row,) = await s.rows()
    assert row.status == "closed"
    kpi = await w.runtime.ledger.figures(s.guild.id, WEEK_OF_DEC_2)
    assert (kpi.sessions_held, dict(kpi.sessions_by_theme)) == (1, {"alcohol_drugs": 1})

    # The "Wil je privé praten?" button is the desk's: pressing it opens a desk conversation.
    i = await w.sandbox.click_button(closing.id, "desk:talk", w.users["youth2"])
    await i.wait_response()
    await s.quiet()
    assert any(t.parent_id == w.channels["staff_desk"] for t in s.guild.threads)


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        ({"thema": "mental_wellbeing", "start": "2026-12-01 14:00"}, "verleden"),
        ({"thema": "mental_wellbeing", "start": "wo 20:00"}, "na de sluiting van 21:00"),
        ({"thema": "mental_wellbeing", "start": "straks"}, "begrijp ik niet"),
        ({"thema": "   ", "start": "wo 15:00"}, "Geef een thema"),
    ],
)
async def test_refusals_change_nothing(s: Sessions, options: dict[str, Any], needle: str) -> None:
    answer = await s.plan(**options, plek=s.w.channels["safe_space"])
    assert needle in answer and "niets" in answer
    assert s.events() == [] and await s.rows() == []
    assert s.w.sandbox.requests_to(EVENTS) == []


async def test_overlap_in_the_same_room_and_no_place_are_refused(s: Sessions) -> None:
    room = s.w.channels["safe_space"]
    await s.plan(thema="hate_speech", start="wo 15:00", plek=room)
    answer = await s.plan(thema="sexuality", start="wo 16:00", plek=room)
    assert "al een sessie" in answer
    assert len(s.events()) == 1
    await s.w.configure(**{"channels.safe_space_category": None})
    answer = await s.plan(thema="sexuality", start="do 16:00")
    assert "geen safe-space-categorie" in answer
    assert len(s.events()) == 1 and len(await s.rows()) == 1


async def test_an_expert_who_is_not_a_member_is_refused_and_edit_moves_the_event(s: Sessions) -> None:
    stranger = s.w.sandbox.create_user("Stranger")
    answer = await s.plan(thema="hate_speech", start="wo 15:00", plek=s.w.channels["safe_space"], expert=stranger)
    assert "lid zijn van deze server" in answer and s.events() == []
    await s.plan(thema="hate_speech", start="wo 15:00", plek=s.w.channels["safe_space"])
    (row,) = await s.rows()
    assert "aangepast" in await s.command("wijzig", id=row.id, start="vr 15:00", duur=60)
    (event,) = s.events()
    assert event["scheduled_start_time"] == local(2026, 12, 4, 15, 0).astimezone(UTC).isoformat()
    assert event["scheduled_end_time"] == local(2026, 12, 4, 16, 0).astimezone(UTC).isoformat()
    assert any("verplaatst" in m.content for m in s.posts("announcements"))
    assert "na de sluiting" in await s.command("wijzig", id=row.id, start="vr 20:30")
    assert s.events()[0]["scheduled_start_time"] == event["scheduled_start_time"]


async def test_youths_and_moderators_may_not_plan(s: Sessions) -> None:
    assert "enkel voor het team" in await s.plan("youth1", thema="x", start="wo 15:00")
    assert "outreacher of de coördinator" in await s.plan("noor", thema="x", start="wo 15:00")
    assert s.events() == []


async def test_default_room_reminders_none_after_hours_and_cancel(s: Sessions) -> None:
    # Thursday 10:00 in a new room: 24 h before is in the past, 15 min before is before opening → Wednesday 20:59.
    answer = await s.plan(thema="online_safety", start="do 10:00")
    assert "02/12 20:59" in answer
    (row,) = await s.rows()
    room = s.w.sandbox.channels[row.room_id]
    assert room.parent_id == s.w.channels["safe_space_category"]
    assert s.w.sandbox.permissions(s.guild, s.w.users["youth1"], room) & (1 << 10) == 0  # hidden until it opens
    reminders = [j for j in await present(s.w.runtime).scheduler.pending("sessions.remind")]
    assert [j.due_at for j in reminders] == [local(2026, 12, 2, 20, 59).astimezone(UTC)]
    for job in await present(s.w.runtime).scheduler.pending():
        if job.kind == "sessions.remind":
            assert not (local(2026, 12, 2, 21, 0) <= job.due_at < local(2026, 12, 3, 10, 0))
    assert "geannuleerd" in await s.command("annuleer", id=row.id)
    assert s.events()[0]["status"] == 4
    assert await present(s.w.runtime).scheduler.pending("sessions.open") == []
    await s.at(local(2026, 12, 3, 10, 30))
    assert not any("kwartiertje" in m.content for m in s.posts("announcements"))


async def test_voice_attendance_and_the_expert_role_across_a_restart(s: Sessions) -> None:
    w = s.w
    sb = w.sandbox
    voice = sb.add_voice_channel(w.guild_id, "praatruimte", parent_id=w.channels["safe_space_category"])
    expert = sb.create_user("Expert")
    await sb.add_member(w.guild_id, expert)
    await s.quiet()
    before = s.overwrites(voice)
    await s.plan(thema="sexuality", start="wo 14:00", plek=voice, expert=expert)
    (event,) = s.events()
    assert event["entity_type"] == 2 and event["channel_id"] == str(voice)

    await sb.join_voice(w.guild_id, voice, w.users["youth2"])  # waits in the room before it opens
    await s.at(local(2026, 12, 2, 14, 0))
    assert w.roles["expert_guest"] in s.guild.members[expert].roles
    await sb.join_voice(w.guild_id, voice, w.users["youth3"])
    await s.at(local(2026, 12, 2, 14, 5))
    await sb.join_voice(w.guild_id, None, w.users["youth3"])  # 5 minutes: not counted
    await s.quiet()

    await w.kill_bot()  # crash mid-session; the end passes while the bot is down
    await w.at(local(2026, 12, 2, 16, 30))
    await w.start_bot()
    await s.quiet()
    assert w.roles["expert_guest"] not in s.guild.members[expert].roles
    assert s.overwrites(voice) == before
    assert event["status"] == 3
    counted = [(c[0], c[1]) for c in s.ledger.calls if c[3] and "session" in c[2]]
    assert counted == [(w.users["youth2"], "safe_space")]


async def test_an_opening_missed_while_down_happens_at_once(s: Sessions) -> None:
    w = s.w
    await s.plan(thema="mental_wellbeing", start="wo 14:00", plek=w.channels["safe_space"])
    await w.kill_bot()
    await w.at(local(2026, 12, 2, 14, 20))
    await w.start_bot()
    await s.quiet()
    youth = s.overwrites("safe_space")[w.roles["youth"]]
    assert youth[0] & (1 << 10)
    assert s.events()[0]["status"] == 2


async def test_weekly_series_next_occurrence_keeps_local_time_across_dst(s: Sessions) -> None:
    await s.plan(thema="online_safety", start="24/03 14:00", plek=s.w.channels["safe_space"], wekelijks=True)
    await s.at(local(2027, 3, 24, 14, 0))
    await s.at(local(2027, 3, 24, 16, 1))
    first, second = sorted(s.events(), key=lambda e: e["scheduled_start_time"])
    assert first["status"] == 3
    assert second["scheduled_start_time"] == datetime(2027, 3, 31, 12, 0, tzinfo=UTC).isoformat()  # 14:00 CEST
    assert second["status"] == 1


async def test_happy_monday_is_a_chill_session_without_content_note(s: Sessions) -> None:
    answer = await s.plan(soort="happy_monday", plek=s.w.channels["chill"])
    assert "07/12 19:00" in answer and "20:30" in answer
    await s.at(local(2026, 12, 7, 19, 0))
    intro = s.posts("chill")[-1].content
    assert "Happy Mood Monday" in intro and "1813" not in intro
    await s.w.say("youth4", "chill", "hey!")
    await s.quiet()
    await s.at(local(2026, 12, 7, 20, 30))
    assert [(c[1], c[2]["theme"]) for c in s.ledger.calls if c[3] and "session" in c[2]] == [("happy_monday", "chill")]


async def test_followers_get_reminders_and_changes_by_dm(s: Sessions) -> None:
    w, sb = s.w, s.w.sandbox
    await s.plan(thema="mental_wellbeing", start="wo 14:00", plek=w.channels["safe_space"])
    announcement = next(m for m in s.posts("announcements") if m.components)
    ids = [c["custom_id"] for c in announcement.components[0]["components"]]
    assert ids == ["sessions:follow:1", "sessions:unfollow:1"]
    for user, custom_id in (("youth1", ids[0]), ("youth3", ids[0]), ("youth3", ids[1])):
        i = await sb.click_button(announcement.id, custom_id, w.users[user])
        body = await i.wait_response()
        assert body["data"]["flags"] & 64
    assert "Je volgt" in body["data"]["content"] and "niet meer" in body["data"]["content"]
    (event,) = s.events()
    await sb.set_event_interest(w.guild_id, int(event["id"]), w.users["youth2"])
    await s.quiet()

    await s.at(local(2026, 12, 2, 13, 45))
    for user, expected in (("youth1", 1), ("youth2", 1), ("youth3", 0), ("youth4", 0)):
        dms = [m for m in sb.dms_to(w.users[user]) if "kwartiertje" in m.content]
        assert len(dms) == expected, user
    await s.at(local(2026, 12, 2, 14, 1))
    assert "al bezig" in await s.command("wijzig", id=1, start="do 14:00")  # a running session is not moved


async def test_a_follower_is_told_when_a_session_moves_and_is_cancelled(s: Sessions) -> None:
    w, sb = s.w, s.w.sandbox
    await s.plan(thema="hate_speech", start="vr 14:00", plek=w.channels["safe_space"])
    announcement = next(m for m in s.posts("announcements") if m.components)
    await (await sb.click_button(announcement.id, "sessions:follow:1", w.users["youth1"])).wait_response()
    await s.command("wijzig", id=1, start="vr 15:00")
    await s.command("annuleer", id=1)
    dms = [m.content for m in sb.dms_to(w.users["youth1"])]
    assert any("verplaatst" in d for d in dms) and any("gaat niet door" in d for d in dms)


async def test_age_band_gate_and_the_hosts_private_roster(s: Sessions) -> None:
    w, sb = s.w, s.w.sandbox
    room = w.channels["safe_space"]
    answer = await s.plan(thema="sexuality", start="wo 14:00", plek=room, min_leeftijd="age_15_17")
    assert "leeftijdsrollen" in answer and s.events() == []
    bands = {band: sb.add_role(w.guild_id, band, position=1) for band in ("age_12_14", "age_15_17", "age_18_22")}
    await w.configure(**{f"roles.{band}": role for band, role in bands.items()})
    await s.quiet()

    # Youth1 picks 15-17 with /leeftijd (a select menu); Youth2 is 12-14; Youth3 picked nothing.
    i = await sb.run_slash_command(w.guild_id, w.channels["general"], w.users["youth1"], "leeftijd")
    await i.wait_response()
    assert i.original_message_id is not None
    picked = await sb.select_menu(i.original_message_id, "sessions:age", w.users["youth1"], ["age_15_17"])
    await picked.wait_response()
    await sb.edit_member(w.guild_id, w.users["youth2"], roles=[w.roles["youth"], bands["age_12_14"]])
    await s.quiet()
    assert bands["age_15_17"] in s.guild.members[w.users["youth1"]].roles

    before = s.overwrites("safe_space")
    await s.plan(thema="sexuality", start="wo 14:00", plek=room, min_leeftijd="age_15_17")
    announcement = next(m for m in s.posts("announcements") if m.components)
    for user in ("youth1", "youth2", "youth3"):
        await (await sb.click_button(announcement.id, "sessions:follow:1", w.users[user])).wait_response()
    await s.at(local(2026, 12, 2, 14, 0))

    def sees(user: str) -> bool:
        return bool(sb.permissions(s.guild, w.users[user], sb.channels[room]) & (1 << 10))

    assert sees("youth1") and not sees("youth2") and not sees("youth3") and sees("sam")
    assert any("vanaf 15–17 jaar" in m.content and "1813" in m.content for m in s.posts("announcements"))
    (roster,) = [m.content for m in sb.dms_to(w.users["sam"]) if "per leeftijd" in m.content]
    assert "15–17 jaar: 1 — Youth1" in roster and "12–14 jaar: 1 — Youth2" in roster
    assert "nog geen leeftijd gekozen: 1 — Youth3" in roster

    await s.at(local(2026, 12, 2, 16, 0))
    assert s.overwrites("safe_space") == before
    assert sees("youth2") and sees("youth3")


async def test_an_anonymous_question_appears_without_its_author(s: Sessions) -> None:
    w, sb = s.w, s.w.sandbox
    await s.plan(thema="sexuality", start="wo 14:00", plek=w.channels["safe_space"])
    await s.at(local(2026, 12, 2, 14, 0))
    intro = next(m for m in s.posts("safe_space") if m.components)
    assert intro.components[0]["components"][0]["custom_id"] == "sessions:ask:1"
    asker = w.users["youth1"]
    question = "Is het normaal dat ik twijfel over wie ik leuk vind? @everyone"

    async def ask(text: str) -> str:
        opened = await sb.click_button(intro.id, "sessions:ask:1", asker)
        await opened.wait_response()
        submitted = await sb.submit_modal(opened, {"question": text})
        body = await submitted.wait_response()
        await s.quiet()
        return str(body["data"]["content"])

    assert "anoniem doorgegeven" in await ask(question)
    (staff_post,) = [m for m in s.posts("staff_desk") if "Anonieme vraag" in m.content]
    assert [c["custom_id"] for c in staff_post.components[0]["components"]] == [
        "sessions:approve:1",
        "sessions:reject:1",
    ]
    # A youth may not approve; the outreacher does.
    refused = await sb.click_button(staff_post.id, "sessions:approve:1", w.users["youth2"])
    assert "enkel voor het team" in (await refused.wait_response())["data"]["content"]
    approved = await sb.click_button(staff_post.id, "sessions:approve:1", w.users["sam"])
    await approved.wait_response()
    await s.quiet()
    (posted,) = [m for m in s.posts("safe_space") if "Anonieme vraag" in m.content]
    assert "twijfel over wie ik leuk vind" in posted.content and posted.mention_everyone is False
    assert sb.channels[w.channels["staff_desk"]].messages[staff_post.id].components == []

    # Nowhere the bot posted or stored is the asker named.
    me = w.app.user_id
    name = sb.users[asker].username
    for message in sb.message_index.values():
        if message.author_id == me and "vraag" in message.content.casefold():
            assert str(asker) not in message.content and name not in message.content
            assert str(asker) not in str(message.embeds)
    assert w.runtime is not None
    async with w.runtime.db.session() as session:
        for table in ("session_questions", "session_presence", "session_followers"):
            rows = (await session.execute(text(f"SELECT * FROM {table}"))).all()
            assert all(asker not in tuple(row) and question not in map(str, tuple(row)) for row in rows), table

    # Three questions per youth per session (kept in memory only), the fourth is refused kindly.
    assert "anoniem doorgegeven" in await ask("nog een vraag")
    assert "anoniem doorgegeven" in await ask("en nog een")
    assert "al 3 vragen" in await ask("een vierde")


async def test_feedback_one_vote_per_youth_totals_only(s: Sessions) -> None:
    w, sb = s.w, s.w.sandbox
    await s.plan(thema="online_safety", start="wo 14:00", plek=w.channels["safe_space"])
    await s.at(local(2026, 12, 2, 14, 0))
    await s.at(local(2026, 12, 2, 16, 0))
    faces = next(m for m in s.posts("safe_space") if "Hoe vond je" in m.content)
    ids = [c["custom_id"] for c in faces.components[0]["components"]]
    assert ids == ["sessions:vote_good:1", "sessions:vote_ok:1", "sessions:vote_bad:1"]
    answers = []
    for user, face in (("youth1", 0), ("youth1", 2), ("youth2", 0), ("youth3", 2), ("sam", 0)):
        i = await sb.click_button(faces.id, ids[face], w.users[user])
        answers.append((await i.wait_response())["data"]["content"])
    assert "Bedankt" in answers[0] and "stemde al" in answers[1] and "team stemt niet" in answers[4]
    await s.quiet()
    assert "😀 2 · 😐 0 · 🙁 1" in await s.command("feedback")
    await s.at(local(2026, 12, 5, 16, 1))  # three days later voting closes and who voted is forgotten
    late = await sb.click_button(faces.id, ids[1], w.users["youth4"])
    assert "kan niet meer" in (await late.wait_response())["data"]["content"]
    assert w.runtime is not None
    async with w.runtime.db.session() as session:
        assert (await session.execute(text("SELECT * FROM session_voters"))).all() == []
    assert "😀 2 · 😐 0 · 🙁 1" in await s.command("feedback")
    figures = await w.runtime.ledger.figures(s.guild.id, WEEK_OF_DEC_2)  # the KPI report's totals
    assert dict(figures.feedback) == {"good": 2, "ok": 0, "bad": 1}
    published = await w.runtime.ledger.report(s.guild.id, WEEK_OF_DEC_2)  # three votes: below k, so "<5"
    assert [cell.text(5) for _, cell in published.breakdown("feedback").cells] == ["<5", "0", "<5"]


async def test_voice_joins_while_the_bot_was_down_still_count(s: Sessions) -> None:
    w, sb = s.w, s.w.sandbox
    voice = sb.add_voice_channel(w.guild_id, "babbelhoek", parent_id=w.channels["safe_space_category"])
    await s.quiet()
    await s.plan(thema="mental_wellbeing", start="wo 14:00", plek=voice)
    await s.at(local(2026, 12, 2, 14, 0))
    await w.kill_bot()
    await sb.join_voice(w.guild_id, voice, w.users["youth4"])  # while the bot is down
    await w.at(local(2026, 12, 2, 14, 3))
    await w.start_bot()
    await s.quiet()
    await s.at(local(2026, 12, 2, 14, 20))
    await sb.join_voice(w.guild_id, None, w.users["youth4"])
    await s.quiet()
    await s.at(local(2026, 12, 2, 16, 0))
    assert [c[0] for c in s.ledger.calls if c[3] and "session" in c[2]] == [w.users["youth4"]]


async def test_an_age_band_role_above_the_bots_own_is_named_by_the_audit(s: Sessions) -> None:
    """The bot gives and takes the band roles (/leeftijd), so /setup check names one it cannot manage."""
    w, sb = s.w, s.w.sandbox
    low = sb.add_role(w.guild_id, "12-14", position=1)
    high = sb.add_role(w.guild_id, "18-22")  # on top of the hierarchy, above the bot's own role
    await w.configure(**{"roles.age_12_14": low, "roles.age_18_22": high})
    body = await (await w.slash("owner", "setup", subcommand="check")).wait_response()
    content = body["data"]["content"]
    assert "**18-22** (age_18_22)" in content and "12-14" not in content
