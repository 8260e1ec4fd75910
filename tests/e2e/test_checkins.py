"""Check-ins end to end: the real bot in the sandbox, time moved with a simulated clock.

Wednesday 2026-12-02 13:00 in Brussels (UTC+1) when each test starts; the desk is open 10:00-21:00 on
weekdays, 14:00-21:00 at weekends, closed on Belgian public holidays.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect, select, text

from bot.db.models import ScheduledAction
from bot.db.models.checkins import CheckinConsent
from bot.demo.world import World
from bot.domain.ledger import ContactKind, DateRange
from bot.runtime import Runtime
from bot.services.contacts import Person
from sandbox import Message
from tests.support.checks import present
from tests.support.e2e import quiet

BXL = ZoneInfo("Europe/Brussels")
STAFF_BUTTONS = ["send", "postpone", "handover", "release"]


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BXL)


@dataclass
class Recorded:
    calls: list[tuple[int, str]] = field(default_factory=list)

    def install(self, runtime: Runtime) -> None:
        ledger = runtime.services.ledger
        original = ledger.record

        async def record(guild_id: int, person: Person, kind: Any, **kwargs: Any) -> bool:
            self.calls.append((person.user_id, str(kind)))
            return bool(await original(guild_id, person, kind, **kwargs))

        ledger.record = record  # type: ignore[method-assign]  # a spy on the real service


@dataclass
class Checkins:
    w: World
    ledger: Recorded

    @property
    def runtime(self) -> Runtime:
        assert self.w.runtime is not None
        return self.w.runtime

    async def quiet(self, idle: float = 0.08, timeout: float = 8.0) -> None:
        await quiet(self.w.sandbox, idle, timeout)

    async def at(self, when: datetime) -> None:
        await self.w.at(when)
        await self.quiet()

    async def answer(self, interaction: Any) -> str:
        body = await interaction.wait_response()
        if body["type"] == 5:
            data = await interaction.wait_followup()
        else:
            data = body.get("data") or {}
        await self.quiet()
        return str(data.get("content", ""))

    async def slash(
        self, user: str, name: str, sub: str | None = None, *, channel: str | int = "general", **options: Any
    ) -> str:
        i = await self.w.sandbox.run_slash_command(
            self.w.guild_id, self._channel(channel), self.w.users[user], name, subcommand=sub, options=options
        )
        return await self.answer(i)

    def _channel(self, channel: str | int) -> int:
        return channel if isinstance(channel, int) else self.w.channels[channel]

    async def click(self, message: Message, custom_id: str, user: str) -> str:
        return await self.answer(await self.w.sandbox.click_button(message.id, custom_id, self.w.users[user]))

    async def dm(self, user: str, content: str) -> None:
        """The youth DMs the bot and gets the desk's answer (database work may come before any API call)."""
        before = len(self.dms(user))
        await self.w.sandbox.send_dm(self.w.users[user], self.w.app, content)
        await self.w.until(lambda: len(self.dms(user)) > before)
        await self.quiet()

    def dms(self, user: str) -> list[Message]:
        return self.w.sandbox.dms_to(self.w.users[user])

    def desk_posts(self) -> list[Message]:
        return self.w.sandbox.channel_messages(self.w.channels["staff_desk"])

    def thread(self, user: str) -> int:
        guild = self.w.sandbox.guilds[self.w.guild_id]
        name = self.w.sandbox.users[self.w.users[user]].username
        (found,) = [
            t for t in guild.threads if t.parent_id == self.w.channels["staff_desk"] and present(t.name).endswith(name)
        ]
        return int(found.id)

    async def row(self, user: str) -> CheckinConsent | None:
        return await present(self.runtime.services.checkins).store.of(self.w.guild_id, self.w.users[user])

    async def answered(self, user: str) -> None:
        """Wait until the youth's reply went desk → ledger → check-ins (database work after the last API call)."""

        async def reset() -> bool:
            row = await self.row(user)
            return row is not None and row.unanswered == 0 and bool(await self.jobs("checkins.remind"))

        await self.w.until(reset)

    async def jobs(self, kind: str) -> list[Any]:
        return await self.runtime.scheduler.pending(kind)

    def reminders(self) -> list[Message]:
        return [m for m in self.desk_posts() if "Check-in" in m.content and m.components]


def custom_ids(message: Message) -> list[str]:
    return [c["custom_id"] for row in message.components for c in row.get("components", [])]


def buttons_of(message: Message) -> list[str]:
    return [cid.split(":")[1] for cid in custom_ids(message)]


@pytest.fixture
async def c(world: World) -> AsyncIterator[Checkins]:
    recorded = Recorded()
    assert world.runtime is not None
    recorded.install(world.runtime)
    world.runtime_hooks.append(recorded.install)
    await world.at(local(2026, 12, 2, 13, 0))
    yield Checkins(world, recorded)


# --------------------------------------------------------------------------------------------------------
async def test_opt_in_by_command_then_a_reminder_after_n_quiet_days_with_each_button(c: Checkins) -> None:
    w = c.w
    assert "voor de jongeren" in await c.slash("sam", "checkin", "aan")
    assert "3 en 60" in await c.slash("youth1", "checkin", "aan", elke=2)  # out of bounds: nothing stored
    assert await c.row("youth1") is None
    answer = await c.slash("youth1", "checkin", "aan", elke=5)
    assert answer.index("Top!") < answer.index("Great!") and "5 dagen" in answer
    row = await c.row("youth1")
    assert row is not None and row.interval_days == 5 and row.outreacher_id is None and row.unanswered == 0

    await c.at(local(2026, 12, 7, 12, 59))
    assert c.reminders() == []
    await c.at(local(2026, 12, 7, 13, 0))  # five quiet days, Monday 13:00: the team (no outreacher) is reminded
    (reminder,) = c.reminders()
    assert buttons_of(reminder) == STAFF_BUTTONS and custom_ids(reminder)[0] == f"checkins:send:{row.id}"
    assert f"<@{w.users['youth1']}>" in reminder.content and "5 dagen" in reminder.content
    assert reminder.mention_ids == [] and reminder.allowed_mentions == {"parse": []}

    # a youth cannot press the team's buttons
    assert "enkel voor het team" in await c.click(reminder, f"checkins:postpone:{row.id}", "youth2")

    # Week uitstellen: the next reminder a week later, at an opening
    assert "14/12 13:00" in await c.click(reminder, f"checkins:postpone:{row.id}", "sam")
    (job,) = await c.jobs("checkins.remind")
    assert job.due_at == local(2026, 12, 14, 13, 0)

    # Check-in sturen: the modal shows the warm text; the edited text goes to the youth with a Stop button
    await c.at(local(2026, 12, 14, 13, 0))
    reminder = c.reminders()[-1]
    opened = await w.sandbox.click_button(reminder.id, f"checkins:send:{row.id}", w.users["sam"])
    modal = await opened.wait_response()
    assert modal["type"] == 9
    default = modal["data"]["components"][0]["components"][0]["value"]
    assert default.startswith("Hey! 👋") and "the Happy Mood team" in default
    submitted = await w.sandbox.submit_modal(opened, {"text": "Hoi! Alles goed? — Sam van Happy Mood"})
    assert "verstuurd" in await c.answer(submitted)
    checkin = c.dms("youth1")[-1]
    assert checkin.content == "Hoi! Alles goed? — Sam van Happy Mood"
    assert custom_ids(checkin) == [f"checkins:stop:{row.id}"]
    assert present(await c.row("youth1")).unanswered == 1

    # the youth answers (a DM reaches the desk): the count is reset and the reply is counted in the ledger
    await c.dm("youth1", "ja hoor, alles oké")
    await c.answered("youth1")
    updated = await c.row("youth1")
    assert updated is not None and updated.unanswered == 0 and updated.last_contact_at == local(2026, 12, 14, 13, 0)
    assert (w.users["youth1"], "checkin_reply") in c.ledger.calls
    (job,) = await c.jobs("checkins.remind")
    assert job.due_at == local(2026, 12, 19, 14, 0)  # Saturday 13:00 + opening at 14:00

    # Overdragen: a colleague picked in the user select becomes the outreacher and is reminded by DM
    picker = await w.sandbox.click_button(reminder.id, f"checkins:handover:{row.id}", w.users["sam"])
    body = await picker.wait_response()
    assert body["data"]["components"][0]["components"][0]["type"] == 5  # a user select
    assert picker.original_message_id is not None
    refused = await w.sandbox.select_menu(
        picker.original_message_id, f"checkins:to:{row.id}", w.users["sam"], [str(w.users["youth2"])]
    )
    assert "enkel aan iemand van het team" in await c.answer(refused)
    chosen = await w.sandbox.select_menu(
        picker.original_message_id, f"checkins:to:{row.id}", w.users["sam"], [str(w.users["lien"])]
    )
    assert "Overgedragen" in await c.answer(chosen)
    assert present(await c.row("youth1")).outreacher_id == w.users["lien"]
    to_lien = c.dms("lien")[-1]
    assert "Check-in" in to_lien.content and buttons_of(to_lien) == STAFF_BUTTONS

    # Loslaten: the youth hears the door stays open, and the row is gone
    assert "Losgelaten" in await c.click(to_lien, f"checkins:release:{row.id}", "lien")
    assert "deur blijft altijd open" in c.dms("youth1")[-1].content
    assert await c.row("youth1") is None and await c.jobs("checkins.remind") == []

    # the coordinators' KPI report counts them through the anonymous ledger: sent, answered, let go
    report = await c.runtime.services.ledger.figures(w.guild_id, DateRange(date(2026, 12, 1), date(2026, 12, 31)))
    assert (report.checkins_sent, report.checkins_answered, report.checkins_let_go) == (1, 1, 1)
    assert report.by_kind["checkin_reply"] == 1 and "checkin_sent" not in report.by_kind


async def test_opt_in_by_proposal_yes_no_and_the_seven_day_expiry(c: Checkins) -> None:
    w = c.w
    for youth in ("youth2", "youth3", "youth4"):
        await c.dm(youth, "hoi")
    assert "thread van een gesprek" in await c.slash("sam", "desk", "checkin", channel="staff_desk")
    assert "verstuurd" in await c.slash("sam", "desk", "checkin", channel=c.thread("youth2"), elke=10)
    proposal = c.dms("youth2")[-1]
    assert "10 dagen" in proposal.content and "nooit na 21:00" in proposal.content.lower()
    (job,) = await c.jobs("checkins.expire")
    assert custom_ids(proposal) == [f"checkins:yes:{job.id}", f"checkins:no:{job.id}"]
    assert await c.row("youth2") is None  # no consent row before the yes

    assert "Top!" in await c.click(proposal, f"checkins:yes:{job.id}", "youth2")
    row = await c.row("youth2")
    assert row is not None and row.interval_days == 10 and row.outreacher_id == w.users["sam"]
    assert "niet meer geldig" in await c.click(proposal, f"checkins:yes:{job.id}", "youth2")
    assert "al check-ins" in await c.slash("sam", "desk", "checkin", channel=c.thread("youth2"))

    await c.slash("sam", "desk", "checkin", channel=c.thread("youth3"))
    no = c.dms("youth3")[-1]
    assert "oké" in await c.click(no, custom_ids(no)[1], "youth3")
    assert await c.row("youth3") is None and await c.jobs("checkins.expire") == []

    await c.slash("sam", "desk", "checkin", channel=c.thread("youth4"))
    late = c.dms("youth4")[-1]
    await c.at(local(2026, 12, 9, 13, 1))  # seven days without an answer means no
    assert await c.jobs("checkins.expire") == []
    assert "niet meer geldig" in await c.click(late, custom_ids(late)[0], "youth4")
    assert await c.row("youth4") is None


async def test_opt_out_three_ways_deletes_the_row(c: Checkins) -> None:
    for youth in ("youth1", "youth2", "youth3"):
        await c.slash(youth, "checkin", "aan", elke=3)
    assert "gestopt" in await c.slash("youth1", "checkin", "uit")
    assert await c.row("youth1") is None
    assert "niets om te stoppen" in await c.slash("youth1", "checkin", "uit")

    await c.at(local(2026, 12, 5, 14, 0))  # Saturday, 3 days later: reminders for youth2 and youth3
    for youth in ("youth2", "youth3"):
        row = await c.row(youth)
        assert row is not None
        reminder = next(m for m in c.reminders() if f"<@{c.w.users[youth]}>" in m.content)
        opened = await c.w.sandbox.click_button(reminder.id, f"checkins:send:{row.id}", c.w.users["sam"])
        await opened.wait_response()
        await c.answer(await c.w.sandbox.submit_modal(opened, {}))
    youth2_checkin = c.dms("youth2")[-1]
    assert youth2_checkin.content.startswith("Hey! 👋")  # the default text, both languages
    row2 = await c.row("youth2")
    assert row2 is not None
    assert "gestopt" in await c.click(youth2_checkin, f"checkins:stop:{row2.id}", "youth2")
    assert await c.row("youth2") is None

    await c.dm("youth3", "stop")  # the desk's DM path: no conversation to end, the check-ins end
    assert "check-ins zijn ook gestopt" in c.dms("youth3")[-1].content
    assert "geen gesprek" not in c.dms("youth3")[-1].content.lower()
    assert await c.row("youth3") is None and await c.jobs("checkins.remind") == []


async def test_nudge_limit_then_a_reply_resets_it(c: Checkins) -> None:
    await c.slash("youth1", "checkin", "aan", elke=3)
    row = await c.row("youth1")
    assert row is not None
    for when in (local(2026, 12, 5, 14, 0), local(2026, 12, 8, 14, 0)):
        await c.at(when)
        reminder = c.reminders()[-1]
        opened = await c.w.sandbox.click_button(reminder.id, f"checkins:send:{row.id}", c.w.users["sam"])
        await opened.wait_response()
        await c.answer(await c.w.sandbox.submit_modal(opened, {}))
    assert present(await c.row("youth1")).unanswered == 2
    await c.at(local(2026, 12, 11, 14, 0))
    assert "geen reactie — niet verder opgevolgd" in c.desk_posts()[-1].content
    assert await c.jobs("checkins.remind") == []  # the bot stops
    reminder = c.reminders()[-1]
    opened = await c.w.sandbox.click_button(reminder.id, f"checkins:send:{row.id}", c.w.users["sam"])
    await opened.wait_response()
    assert "geen antwoord" in await c.answer(await c.w.sandbox.submit_modal(opened, {}))
    assert len([m for m in c.dms("youth1") if m.content.startswith("Hey! 👋")]) == 2

    await c.dm("youth1", "sorry, was druk")  # any reply resets the count and the follow-up resumes
    await c.answered("youth1")
    assert present(await c.row("youth1")).unanswered == 0
    (job,) = await c.jobs("checkins.remind")
    assert job.due_at == local(2026, 12, 14, 14, 0)


async def test_nothing_is_sent_after_hours_also_across_a_dst_weekend(c: Checkins) -> None:
    w = c.w
    await c.at(local(2026, 12, 2, 20, 50))
    await c.slash("youth1", "checkin", "aan", elke=3)  # due Saturday 20:50 … the desk is open then
    row = await c.row("youth1")
    assert row is not None
    (job,) = await c.jobs("checkins.remind")
    assert job.due_at == local(2026, 12, 5, 20, 50)
    await c.at(local(2026, 12, 5, 20, 55))
    reminder = c.reminders()[-1]
    # approved at 20:55: it would reach the youth after 21:00, so it waits for the next opening
    opened = await w.sandbox.click_button(reminder.id, f"checkins:send:{row.id}", w.users["sam"])
    await opened.wait_response()
    assert "06/12 14:00" in await c.answer(await w.sandbox.submit_modal(opened, {}))
    before = len(c.dms("youth1"))
    await c.at(local(2026, 12, 5, 23, 0))
    await c.at(local(2026, 12, 6, 13, 59))
    assert len(c.dms("youth1")) == before
    await c.at(local(2026, 12, 6, 14, 0))
    assert c.dms("youth1")[-1].content.startswith("Hey! 👋")

    # a reminder that would fall due at 22:00 goes out at the next opening
    await present(c.runtime.services.checkins).store.update(row.id, unanswered=0)
    await present(c.runtime.services.checkins).contact(w.guild_id, w.users["youth1"], local(2026, 12, 7, 22, 0))
    (job,) = await c.jobs("checkins.remind")
    assert job.due_at == local(2026, 12, 11, 10, 0)  # Thursday 22:00 + 3 days → Friday's opening

    # one falling on Easter Monday 2027 (closed, the day after the spring change) waits for Tuesday's opening
    await present(c.runtime.services.checkins).contact(w.guild_id, w.users["youth1"], local(2027, 3, 26, 15, 0))
    (job,) = await c.jobs("checkins.remind")
    assert job.due_at == local(2027, 3, 30, 10, 0) and job.due_at.astimezone(UTC).hour == 8
    # DST weekend: three quiet days from Saturday 30 October 2027 15:00 (CEST) is Tuesday 2 November 15:00 (CET)
    await present(c.runtime.services.checkins).contact(w.guild_id, w.users["youth1"], local(2027, 10, 30, 15, 0))
    (job,) = await c.jobs("checkins.remind")
    assert job.due_at == local(2027, 11, 2, 15, 0) and job.due_at.astimezone(UTC).hour == 14


async def test_pending_reminders_and_buttons_survive_a_restart(c: Checkins) -> None:
    w = c.w
    await c.slash("youth1", "checkin", "aan", elke=3)
    await w.restart(clean=False)  # killed: nothing in memory survives
    await c.at(local(2026, 12, 5, 14, 0))
    (reminder,) = c.reminders()
    await w.restart()
    row = await c.row("youth1")
    assert row is not None
    assert "12/12 14:00" in await c.click(reminder, f"checkins:postpone:{row.id}", "sam")  # a week after 05/12


async def test_mijngegevens_shows_exactly_what_is_stored_and_forget_me_removes_it(c: Checkins) -> None:
    w = c.w
    nothing = await c.slash("youth1", "mijngegevens")
    assert "Check-ins: niets" in nothing and "Gesprek met het team: geen" in nothing
    assert nothing.index("Wat Happy Mood") < nothing.index("What Happy Mood")

    await c.dm("youth1", "hoi")
    await c.slash("sam", "desk", "checkin", channel=c.thread("youth1"), elke=21)
    proposal = c.dms("youth1")[-1]
    await c.click(proposal, custom_ids(proposal)[0], "youth1")
    await c.slash("sam", "desk", "blokkeer", channel=c.thread("youth1"), duur="2d")
    shown = await c.slash("youth1", "mijngegevens")
    assert (
        "Check-ins: ja sinds 02/12 13:00, om de 21 dagen, opgevolgd door "
        f"<@{w.users['sam']}>, laatste contact 02/12 13:00, onbeantwoorde check-ins: 0." in shown
    )
    assert "Gesprek met het team: een link tussen jou en je gesprek (open)" in shown
    assert "Blokkering: je kan het team niet bereiken tot 04/12 13:00" in shown
    assert "every 21 days" in shown

    forget = await c.slash("youth1", "vergeet-mij", bevestig=True)
    assert forget
    assert await c.row("youth1") is None and await c.jobs("checkins.remind") == []
    assert "Check-ins: niets" in await c.slash("youth1", "mijngegevens")


async def test_last_contact_comes_from_sessions_too_and_weekly_list_for_the_team(c: Checkins) -> None:
    w = c.w
    await c.slash("youth1", "checkin", "aan")
    ledger = c.runtime.services.ledger
    member = Person(w.users["youth1"], frozenset({w.roles["youth"]}))
    await ledger.record(w.guild_id, member, ContactKind.SAFE_SPACE, tags={"session": "1"}, at=local(2026, 12, 3, 14, 0))
    row = await c.row("youth1")
    assert row is not None and row.last_contact_at == local(2026, 12, 3, 14, 0) and row.interval_days == 14
    await c.at(local(2026, 12, 7, 10, 0))  # Monday's opening: the weekly list
    weekly = c.desk_posts()[-1]
    assert "Lopende check-ins** (1)" in weekly.content and "17/12 14:00" in weekly.content
    assert weekly.mention_ids == []


async def test_a_youth_who_never_opted_in_leaves_no_per_person_row(c: Checkins) -> None:
    w = c.w
    never, declined = w.users["youth4"], w.users["youth5"]
    await c.slash("youth4", "checkin", "uit")
    await c.slash("youth4", "mijngegevens")
    ledger = c.runtime.services.ledger
    await ledger.record(
        w.guild_id, Person(never, frozenset({w.roles["youth"]})), ContactKind.SAFE_SPACE, tags={"session": "1"}
    )
    await c.dm("youth5", "hoi")
    await c.slash("sam", "desk", "checkin", channel=c.thread("youth5"))
    proposal = c.dms("youth5")[-1]
    await c.click(proposal, custom_ids(proposal)[1], "youth5")
    await c.at(local(2026, 12, 20, 14, 0))
    await ledger.flush()

    found: dict[int, list[str]] = {never: [], declined: []}
    async with c.runtime.db.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        for table in tables:
            for values in (await conn.execute(text(f'SELECT * FROM "{table}"'))).all():
                for value in values:
                    for user_id in found:
                        if str(user_id) in str(value):
                            found[user_id].append(table)
    assert found[never] == []
    # the declined youth talked to the desk (its own tables); the check-ins kept nothing about them
    assert [t for t in found[declined] if not t.startswith("desk_")] == []
    async with c.runtime.db.session() as session:
        assert (await session.scalars(select(CheckinConsent))).all() == []
        kinds = (await session.scalars(select(ScheduledAction.kind))).all()
        assert not [k for k in kinds if k.startswith("checkins.") and k != "checkins.weekly"]
