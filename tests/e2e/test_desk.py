"""The contact desk end to end: the real bot in the sandbox, time moved with a simulated clock.

Wednesday 2026-12-02 in Brussels (UTC+1): the desk is open 10:00-21:00, so 20:59 local = 19:59 UTC.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import String, Text, select

from bot.db.models import Base, DeskHeldReply, ScheduledAction
from bot.demo.world import World
from bot.domain.referrals import ReferralConfig, Service
from bot.runtime import Runtime
from bot.services.contacts import Person
from sandbox import Channel, Message
from tests.support.checks import present
from tests.support.e2e import quiet

BXL = ZoneInfo("Europe/Brussels")
EPHEMERAL = 64
NO_PINGS: dict[str, list[str]] = {"parse": []}


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BXL)


@dataclass
class Recorder:
    """Listens in on the real ledger's ``record``: what the desk recorded (the ledger still records it)."""

    calls: list[tuple[int, int, str, bool, datetime | None]] = field(default_factory=list)

    def install(self, runtime: Runtime) -> None:
        ledger = runtime.services.ledger
        original = ledger.record

        async def record(guild_id: int, person: Person, kind: Any, **kwargs: Any) -> bool:
            self.calls.append((guild_id, person.user_id, str(kind), kwargs.get("after_hours", False), kwargs.get("at")))
            return bool(await original(guild_id, person, kind, **kwargs))

        ledger.record = record  # type: ignore[method-assign]  # a spy on the real service


@dataclass
class Desk:
    w: World
    contacts: Recorder

    async def quiet(self, idle: float = 0.07, timeout: float = 8.0, *, after: int | None = None) -> None:
        """Wait until the bot has stopped calling the API for ``idle`` seconds (and made a call past ``after``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if after is not None:
            await self.w.until(lambda: len(self.w.sandbox.requests) > after, timeout=timeout)
        await quiet(self.w.sandbox, idle, deadline - loop.time())  # one deadline for both waits

    async def at(self, when: datetime) -> None:
        await self.w.at(when)
        await self.quiet()

    async def dm(self, user: str, text: str, *, ignored: bool = False) -> None:
        """The youth DMs the bot; unless ``ignored``, wait for the bot to act on it."""
        before = len(self.w.sandbox.requests)
        await self.w.sandbox.send_dm(self.w.users[user], self.w.app, text)
        await self.quiet(after=None if ignored else before)

    def dms(self, user: str) -> list[Message]:
        return self.w.sandbox.dms_to(self.w.users[user])

    def thread(self, user: str) -> Channel:
        guild = self.w.sandbox.guilds[self.w.guild_id]
        name = self.w.sandbox.users[self.w.users[user]].username
        found = [
            t for t in guild.threads if t.parent_id == self.w.channels["staff_desk"] and present(t.name).endswith(name)
        ]
        assert len(found) == 1, [t.name for t in guild.threads]
        return found[0]

    def in_thread(self, user: str) -> list[Message]:
        return self.w.sandbox.channel_messages(self.thread(user).id)

    async def staff_says(self, user: str, staff: str, text: str) -> int:
        before = len(self.w.sandbox.requests)
        posted = await self.w.sandbox.post_message(self.thread(user).id, self.w.users[staff], text)
        await self.quiet(after=None if text.startswith(("//", "!note")) else before)
        return int(posted["id"])

    async def slash(self, user: str, name: str, *, channel: int, **kwargs: Any) -> dict[str, Any]:
        """Run a command and return the (ephemeral) answer's data, after a deferral too."""
        i = await self.w.sandbox.run_slash_command(self.w.guild_id, channel, self.w.users[user], name, **kwargs)
        body = await i.wait_response()
        if body["type"] == 5:
            data: dict[str, Any] = await i.wait_followup()
        else:
            data = body["data"]
        await self.quiet()
        return data

    def desk_posts(self) -> list[str]:
        return [m.content for m in self.w.sandbox.channel_messages(self.w.channels["staff_desk"])]


@pytest.fixture
async def desk(world: World) -> AsyncIterator[Desk]:
    recorder = Recorder()
    assert world.runtime is not None
    recorder.install(world.runtime)
    world.runtime_hooks.append(recorder.install)
    yield Desk(world, recorder)


# --------------------------------------------------------------------------------------------------------
async def test_the_21_00_boundary_from_relay_to_digest_and_held_reply(desk: Desk) -> None:
    w, outreacher = desk.w, desk.w.roles["outreacher"]
    await desk.at(local(2026, 12, 2, 20, 59))
    await desk.dm("youth1", "hoi, is er iemand? @everyone")

    first, relay = desk.in_thread("youth1")
    assert first.content.startswith(f"<@&{outreacher}>")
    assert first.allowed_mentions == {"parse": [], "roles": [outreacher]}
    assert first.mention_role_ids == [outreacher]
    assert relay.content == "💬 hoi, is er iemand? @\u200beveryone"
    assert relay.allowed_mentions == NO_PINGS and relay.mention_role_ids == [] and not relay.mention_everyone
    assert desk.thread("youth1").type == 12  # private thread
    assert desk.contacts.calls == [(w.guild_id, w.users["youth1"], "desk", False, local(2026, 12, 2, 20, 59))]
    welcomed = len(desk.dms("youth1"))
    assert "Happy Mood" in desk.dms("youth1")[0].content

    await desk.at(local(2026, 12, 2, 21, 1))
    await desk.dm("youth1", "ben je er nog?")
    new = desk.dms("youth1")[welcomed:]
    assert len(new) == 1
    assert "03/12 om 10:00" in new[0].content and "1813" in new[0].content
    assert new[0].content.index("Het team is er nu niet") < new[0].content.index("The team isn't around")
    late = desk.in_thread("youth1")[-1]
    assert late.content.startswith("🌙") and "ben je er nog?" in late.content
    assert late.allowed_mentions == NO_PINGS and late.mention_role_ids == []

    await desk.at(local(2026, 12, 2, 21, 40))
    await desk.dm("youth1", "hallo???")
    assert len(desk.dms("youth1")) == welcomed + 1  # one auto-reply per closed period
    assert desk.in_thread("youth1")[-1].allowed_mentions == NO_PINGS
    assert [c[3] for c in desk.contacts.calls] == [False, True, True]

    await desk.at(local(2026, 12, 2, 22, 0))
    reply_id = await desk.staff_says("youth1", "sam", "Slaap lekker, morgen praten we verder!")
    assert len(desk.dms("youth1")) == welcomed + 1
    notice = desk.in_thread("youth1")[-1]
    assert "03/12 om 10:00" in notice.content and notice.allowed_mentions == NO_PINGS
    assert notice.components[0]["components"][0]["custom_id"].startswith("desk:now:")
    assert w.runtime is not None
    async with w.runtime.db.session() as session:
        held = (await session.scalars(select(DeskHeldReply))).one()
    assert held.message_id == reply_id and held.municipality is None

    await desk.at(local(2026, 12, 3, 9, 59))
    assert desk.desk_posts() == []
    await desk.at(local(2026, 12, 3, 10, 0))
    [digest] = desk.desk_posts()
    assert f"<#{desk.thread('youth1').id}>: 2" in digest and "berichten: 2" in digest
    delivered = desk.dms("youth1")[-1]
    assert delivered.content == "Slaap lekker, morgen praten we verder!\n\n— Happy Mood team"
    assert delivered.allowed_mentions == NO_PINGS
    assert "✅" in w.sandbox.message_index[reply_id].reactions


async def test_send_now_overrides_the_hold_and_is_logged_without_content(desk: Desk) -> None:
    w = desk.w
    await desk.at(local(2026, 12, 2, 15, 0))
    await desk.dm("youth2", "hey")
    await desk.at(local(2026, 12, 2, 22, 30))
    await desk.staff_says("youth2", "sam", "Ik zie je bericht, dit is dringend: bel 1813.")
    notice = desk.in_thread("youth2")[-1]
    custom_id = notice.components[0]["components"][0]["custom_id"]
    before = len(desk.dms("youth2"))

    refused = await w.sandbox.click_button(notice.id, custom_id, w.users["youth3"])
    assert "team" in (await refused.wait_response())["data"]["content"]
    await desk.quiet()
    assert len(desk.dms("youth2")) == before

    clicked = await w.sandbox.click_button(notice.id, custom_id, w.users["sam"])
    await clicked.wait_response()
    answer = await clicked.wait_followup()
    assert answer["flags"] & EPHEMERAL and "dringend" in answer["content"]
    await desk.quiet()
    assert desk.dms("youth2")[-1].content.startswith("Ik zie je bericht, dit is dringend")
    log_line = desk.in_thread("youth2")[-1].content
    assert f"<@{w.users['sam']}>" in log_line and "dringend" in log_line.lower()
    assert "1813" not in log_line
    assert w.runtime is not None and await w.runtime.scheduler.pending("desk.deliver") == []

    await desk.staff_says("youth2", "sam", "Nog iets: je bent niet alleen.")
    thread = desk.thread("youth2").id
    sent = await desk.slash("sam", "desk", subcommand="nu", channel=thread)
    assert sent["flags"] & EPHEMERAL and desk.dms("youth2")[-1].content.startswith("Nog iets")
    nothing = await desk.slash("sam", "desk", subcommand="nu", channel=thread)
    assert "geen antwoord" in nothing["content"]

    await desk.at(local(2026, 12, 3, 10, 0))
    assert sum("Ik zie je bericht" in m.content for m in desk.dms("youth2")) == 1  # never twice

    closed = await desk.slash("sam", "desk", subcommand="sluit", channel=thread)
    assert closed["content"] == "Gesprek gesloten." and desk.thread("youth2").archived
    await desk.slash("sam", "desk", subcommand="heropen", channel=thread)
    assert not desk.thread("youth2").archived and "heropend" in desk.in_thread("youth2")[-1].content


async def test_crisis_at_three_gets_help_lines_first_and_is_urgent_in_the_digest(desk: Desk) -> None:
    await desk.at(local(2026, 12, 2, 23, 0))
    await desk.dm("youth3", "ik verveel me")
    await desk.at(local(2026, 12, 3, 3, 0))
    before = len(desk.dms("youth4"))
    await desk.dm("youth4", "ik wil niet meer leven")

    first = desk.dms("youth4")[before]
    for line in ("1813", "102", "106", "112"):
        assert line in first.content
    thread = desk.thread("youth4")
    assert present(thread.name).startswith("🔴")
    assert all(m.mention_role_ids == [] and m.allowed_mentions == NO_PINGS for m in desk.in_thread("youth4"))
    assert any("crisistaal" in m.content for m in desk.in_thread("youth4"))

    await desk.at(local(2026, 12, 3, 10, 0))
    [digest] = desk.desk_posts()
    urgent, calm = digest.index(f"<#{thread.id}>"), digest.index(f"<#{desk.thread('youth3').id}>")
    assert urgent < calm and "dringend: 1" in digest

    await desk.staff_says("youth4", "sam", "Goeiemorgen, ik ben er nu. Hoe gaat het?")
    assert not present(desk.thread("youth4").name).startswith("🔴")


@pytest.mark.parametrize(
    ("late", "back", "opening_utc"),
    [
        (local(2026, 12, 24, 21, 30), "26/12 om 14:00", datetime(2026, 12, 26, 13, 0, tzinfo=ZoneInfo("UTC"))),
        # Clocks go forward on Sunday 28/03, which is Easter; Easter Monday is a holiday too: 10:00 CEST = 08:00 UTC.
        (local(2027, 3, 27, 22, 0), "30/03 om 10:00", datetime(2027, 3, 30, 8, 0, tzinfo=ZoneInfo("UTC"))),
    ],
    ids=["christmas", "dst-and-easter"],
)
async def test_holidays_and_the_dst_weekend(desk: Desk, late: datetime, back: str, opening_utc: datetime) -> None:
    from datetime import timedelta

    await desk.at(late)
    await desk.dm("youth1", "hallo")
    autoreply, *welcome = desk.dms("youth1")
    assert back in autoreply.content and "Happy Mood" in welcome[0].content
    await desk.at(late + timedelta(hours=14))
    count = len(desk.dms("youth1"))
    await desk.dm("youth1", "nog steeds niemand?")
    assert len(desk.dms("youth1")) == count  # the same closed period: no second auto-reply
    await desk.staff_says("youth1", "sam", "We lezen je!")

    await desk.at(opening_utc - timedelta(minutes=1))
    assert desk.desk_posts() == [] and desk.dms("youth1")[-1].content != "We lezen je!\n\n— Happy Mood team"
    await desk.at(opening_utc)
    assert len(desk.desk_posts()) == 1
    assert desk.dms("youth1")[-1].content == "We lezen je!\n\n— Happy Mood team"


async def test_a_blocked_youth_is_refused_politely_and_nothing_is_relayed(desk: Desk) -> None:
    await desk.at(local(2026, 12, 2, 14, 0))
    await desk.dm("youth5", "hoi")
    thread = desk.thread("youth5").id

    bad = await desk.slash("sam", "desk", subcommand="blokkeer", options={"duur": "eeuwig"}, channel=thread)
    assert bad["flags"] & EPHEMERAL and "„eeuwig” is geen duur" in bad["content"]
    outside = await desk.slash(
        "sam", "desk", subcommand="blokkeer", options={"duur": "7d"}, channel=desk.w.channels["general"]
    )
    assert "gesprek-thread" in outside["content"]
    ok = await desk.slash("sam", "desk", subcommand="blokkeer", options={"duur": "7d"}, channel=thread)
    assert "09/12 om 14:00" in ok["content"]

    relayed = len(desk.in_thread("youth5"))
    before = len(desk.dms("youth5"))
    await desk.dm("youth5", "waarom antwoord je niet")
    await desk.dm("youth5", "hallo", ignored=True)
    refusals = desk.dms("youth5")[before:]
    assert len(refusals) == 1
    assert "tijdelijk geen berichten" in refusals[0].content and "1813" in refusals[0].content
    assert len(desk.in_thread("youth5")) == relayed

    await desk.slash("sam", "desk", subcommand="deblokkeer", channel=thread)
    await desk.dm("youth5", "mag ik weer?")
    assert "mag ik weer?" in desk.in_thread("youth5")[-1].content


async def test_a_restart_in_the_night_still_delivers_at_opening(desk: Desk) -> None:
    w = desk.w
    await desk.at(local(2026, 12, 2, 21, 30))
    await desk.dm("youth1", "ik kan niet slapen")
    await desk.at(local(2026, 12, 2, 22, 0))
    await desk.staff_says("youth1", "sam", "Morgen bellen we even, goed?")
    await desk.at(local(2026, 12, 2, 23, 0))
    await w.kill_bot()
    await w.clock.set(local(2026, 12, 3, 2, 0))
    await w.start_bot()
    await desk.quiet()
    assert desk.desk_posts() == []

    await desk.at(local(2026, 12, 3, 10, 0))
    assert len(desk.desk_posts()) == 1 and f"<#{desk.thread('youth1').id}>" in desk.desk_posts()[0]
    assert desk.dms("youth1")[-1].content == "Morgen bellen we even, goed?\n\n— Happy Mood team"
    assert w.runtime is not None and await w.runtime.scheduler.pending("desk.deliver") == []


async def test_no_desk_table_ever_holds_message_text(desk: Desk) -> None:
    w = desk.w
    secrets = ["geheim-een ik ben verliefd", "geheim-twee zelfmoord gedachten", "geheim-drie staff antwoord"]
    await desk.at(local(2026, 12, 2, 16, 0))
    await desk.dm("youth1", secrets[0])
    await desk.at(local(2026, 12, 2, 23, 0))
    await desk.dm("youth2", secrets[1])
    await desk.staff_says("youth1", "sam", secrets[2])
    await desk.staff_says("youth1", "sam", "// notitie: geheim-vier blijft intern")
    assert not any("geheim-vier" in m.content for m in desk.dms("youth1"))

    assert w.runtime is not None
    tables = [t for name, t in Base.metadata.tables.items() if name.startswith("desk_")]
    assert {t.name for t in tables} == {"desk_conversations", "desk_held_replies", "desk_mention_marks"}
    assert not [c for t in tables for c in t.columns if isinstance(c.type, Text)]
    assert all(present(c.type.length) <= 100 for t in tables for c in t.columns if isinstance(c.type, String))
    dump: list[str] = []
    async with w.runtime.db.session() as session:
        for table in tables:
            dump.extend(repr(tuple(row)) for row in (await session.execute(select(table))).all())
        jobs = await session.scalars(select(ScheduledAction).where(ScheduledAction.kind.startswith("desk.")))
        dump.extend(repr(job.payload) for job in jobs)
    assert len(dump) >= 4
    text = "\n".join(dump).casefold()
    for secret in secrets:
        for word in secret.split():
            if len(word) > 3:
                assert word.casefold() not in text, word


async def test_join_welcome_button_and_stop(desk: Desk) -> None:
    w = desk.w
    newcomer = w.sandbox.create_user("Nieuw")
    w.users["nieuw"] = newcomer
    before = len(w.sandbox.requests)
    await w.sandbox.add_member(w.guild_id, newcomer, roles=[w.roles["youth"]])
    await desk.quiet(after=before)
    posts = w.sandbox.channel_messages(w.channels["welcome"])
    assert posts[0].content.startswith(f"<@{newcomer}>")
    assert posts[0].allowed_mentions == {"parse": [], "users": [newcomer]}
    assert "werkaccount" in posts[0].content and "Alleen aantallen" in posts[0].content
    button = posts[-1].components[0]["components"][0]
    assert button["custom_id"] == "desk:talk" and button["label"].startswith("Praat met ons")

    await w.restart()  # the persistent button still works after a restart
    clicked = await w.sandbox.click_button(posts[-1].id, "desk:talk", newcomer)
    await clicked.wait_response()
    answer = await clicked.wait_followup()
    assert answer["flags"] & EPHEMERAL and "privéberichten" in answer["content"]
    await desk.quiet()
    assert "Praat met ons" in desk.in_thread("nieuw")[-1].content
    stop = desk.dms("nieuw")[-1]
    assert stop.components[0]["components"][0]["custom_id"] == "desk:stop"

    await desk.dm("nieuw", "Stop")
    assert "beëindigd" in desk.dms("nieuw")[-1].content
    assert desk.thread("nieuw").archived and "beëindigd" in desk.in_thread("nieuw")[-1].content
    assert w.runtime is not None
    assert len(await w.runtime.scheduler.pending("desk.forget")) == 1

    await desk.dm("nieuw", "toch nog een vraag")
    assert not desk.thread("nieuw").archived
    assert await w.runtime.scheduler.pending("desk.forget") == []

    panel = await desk.slash("lien", "desk", subcommand="paneel", channel=w.channels["general"])
    assert f"<#{w.channels['welcome']}>" in panel["content"]
    last = w.sandbox.channel_messages(w.channels["welcome"])[-1]
    assert last.components[0]["components"][0]["custom_id"] == "desk:talk" and last.mention_ids == []


async def test_mentioning_an_outreacher_after_hours_gets_one_reply_per_night(desk: Desk) -> None:
    w, general, role = desk.w, desk.w.channels["general"], desk.w.roles["outreacher"]
    sam = w.users["sam"]

    async def say(user: str, text: str, *, answered: bool, **mentions: Any) -> None:
        before = len(w.sandbox.requests)
        await w.sandbox.post_message(general, w.users[user], text, **mentions)
        await desk.quiet(after=before if answered else None)

    def answers() -> list[Message]:
        return [m for m in w.sandbox.channel_messages(general) if m.author_id == w.app.user_id]

    await desk.at(local(2026, 12, 2, 18, 0))
    await say("youth1", f"<@{sam}> hoi", answered=False, mentions=[sam])
    assert answers() == []

    await desk.at(local(2026, 12, 2, 22, 0))
    asked = await w.sandbox.post_message(general, w.users["youth1"], f"<@{sam}> ben je er?", mentions=[sam])
    await desk.quiet(after=len(w.sandbox.requests) - 1)
    [reply] = answers()
    assert reply.content.index("03/12 om 10:00") < reply.content.index("03/12 at 10:00")
    assert reply.message_reference is not None and reply.message_reference["message_id"] == asked["id"]
    assert reply.mention_ids == [] and reply.mention_role_ids == []
    await say("youth1", f"<@&{role}> ?", answered=False, mention_roles=[role])
    assert len(answers()) == 1  # one reply per night per youth
    await say("youth2", f"<@&{role}> hallo", answered=True, mention_roles=[role])
    assert len(answers()) == 2


async def test_hours_are_changed_by_a_coordinator_and_validated(desk: Desk) -> None:
    w, general = desk.w, desk.w.channels["general"]
    late = await desk.slash(
        "lien", "setup", subcommand="uren", options={"dag": "wed", "tijden": "10:00-22:00"}, channel=general
    )
    assert "eindigt na 21:00" in late["content"] and "niets veranderd" in late["content"]
    hostile = await desk.slash(  # what was typed comes back as text: no markdown, no ping
        "lien", "setup", subcommand="uren", options={"dag": "wed", "tijden": "**10** @everyone"}, channel=general
    )
    assert "niets veranderd" in hostile["content"]
    assert "\\*\\*10\\*\\*" in hostile["content"] and "@\u200beveryone" in hostile["content"]
    refused = await desk.slash(
        "sam", "setup", subcommand="uren", options={"dag": "wed", "tijden": "12:00-20:00"}, channel=general
    )
    assert "Nothing was changed" in refused["content"] or "niets veranderd" in refused["content"]
    ok = await desk.slash(
        "lien",
        "setup",
        subcommand="uren",
        options={"dag": "wed", "tijden": "12:00-20:00", "gesloten": "31/12/2026"},
        channel=general,
    )
    assert "woensdag: 12:00–20:00" in ok["content"] and "31/12/2026" in ok["content"]
    assert w.runtime is not None
    shown = await (await w.slash("youth1", "uren")).wait_response()
    assert "woensdag: 12:00–20:00" in shown["data"]["content"] and shown["data"]["flags"] & EPHEMERAL

    await desk.at(local(2026, 12, 2, 20, 30))
    await desk.dm("youth1", "hoi")
    assert "03/12 om 10:00" in desk.dms("youth1")[0].content  # now after hours on Wednesday


async def test_info_commands_referral_and_notes(desk: Desk) -> None:
    w = desk.w
    w.settings = w.settings.model_copy(
        update={
            "referrals": ReferralConfig(
                municipalities={
                    "Sint-Niklaas": [
                        Service(name="JAC Waasland", description_nl="Jongerenonthaal.", description_en="Youth drop-in.")
                    ]
                }
            )
        }
    )
    await w.restart()
    for name, words in (("over", "werkaccount"), ("hulp", "1813"), ("uren", "maandag")):
        answer = await (await w.slash("youth2", name)).wait_response()
        content = answer["data"]["content"]
        assert answer["data"]["flags"] & EPHEMERAL and words in content
    dm = await w.sandbox.run_slash_command(None, None, w.users["youth2"], "hulp", dm=True)
    assert "Zelfmoordlijn" in (await dm.wait_response())["data"]["content"]

    await desk.at(local(2026, 12, 2, 15, 0))
    await desk.dm("youth2", "waar kan ik terecht in sint niklaas?")
    thread = desk.thread("youth2").id
    typo = await desk.slash("sam", "doorverwijzen", options={"gemeente": "Sint-Niklas"}, channel=thread)
    assert "Sint-Niklaas" in typo["content"] and "JAC" not in desk.dms("youth2")[-1].content
    await desk.slash("sam", "doorverwijzen", options={"gemeente": "sint niklaas"}, channel=thread)
    card = desk.dms("youth2")[-1].content
    assert "JAC Waasland" in card and card.index("Jongerenonthaal") < card.index("Youth drop-in")
    await desk.staff_says("youth2", "sam", "!note geen antwoord nodig")
    assert "geen antwoord nodig" not in desk.dms("youth2")[-1].content


async def test_a_dm_without_a_configured_desk_gets_help_lines(bare_world: World) -> None:
    await bare_world.sandbox.send_dm(bare_world.users["youth1"], bare_world.app, "hallo?")
    await bare_world.until(lambda: bare_world.sandbox.dms_to(bare_world.users["youth1"]))
    [answer] = bare_world.sandbox.dms_to(bare_world.users["youth1"])
    assert "niet bereiken" in answer.content and "1813" in answer.content and "can't be reached" in answer.content


async def test_a_join_flood_gets_one_welcome_not_one_per_account(desk: Desk) -> None:
    """Twenty accounts joining within a minute (a raid) are not echoed twenty times by the bot."""
    w = desk.w
    welcome = w.channels["welcome"]
    before = len(w.sandbox.channel_messages(welcome))
    mark = len(w.sandbox.requests)
    for i in range(20):
        user = w.sandbox.create_user(f"flood{i}")
        await w.sandbox.add_member(w.guild_id, user, roles=[w.roles["youth"]])
        await w.clock.advance(timedelta(seconds=2))  # 20 joins in 40 s
    await desk.quiet(after=mark)
    posts = w.sandbox.channel_messages(welcome)[before:]
    first = [p for p in posts if p.content.startswith("<@")]
    assert len(first) == 1  # one welcome (its Dutch and English parts), not twenty
    await w.clock.advance(timedelta(seconds=61))
    late = w.sandbox.create_user("laat")
    await w.sandbox.add_member(w.guild_id, late, roles=[w.roles["youth"]])
    await desk.quiet()
    assert any(p.content.startswith(f"<@{late}>") for p in w.sandbox.channel_messages(welcome))  # a minute later


async def test_crisis_words_in_a_channel_get_help_lines_privately_and_the_team_a_link(desk: Desk) -> None:
    w, outreacher = desk.w, desk.w.roles["outreacher"]
    general = w.channels["general"]
    await desk.at(local(2026, 12, 2, 14, 0))  # by day: the team is pinged once
    before = len(w.sandbox.requests)
    posted = await w.sandbox.post_message(general, w.users["youth1"], "ik wil er niet meer zijn eerlijk")
    await desk.quiet(after=before)
    [private] = desk.dms("youth1")
    assert "1813" in private.content and "niet alleen" in private.content
    assert "eerlijk" not in private.content
    [notice] = [m for m in w.sandbox.channel_messages(w.channels["staff_desk"]) if "crisis" in m.content]
    assert f"/channels/{w.guild_id}/{general}/{posted['id']}" in notice.content
    assert "eerlijk" not in notice.content and "niet meer zijn" not in notice.content  # a link, never a copy
    assert notice.mention_role_ids == [outreacher]
    assert [m for m in w.sandbox.channel_messages(general) if m.author_id == w.app.user_id] == []

    await desk.at(local(2026, 12, 2, 23, 30))  # at night: help lines at once, nobody woken up
    w.sandbox.set_dms_open(w.users["youth2"], False)
    before = len(w.sandbox.requests)
    await w.sandbox.post_message(general, w.users["youth2"], "i want to end it all")
    await desk.quiet(after=before)
    [public] = [m for m in w.sandbox.channel_messages(general) if m.author_id == w.app.user_id]
    assert "1813" in public.content and "end it all" not in public.content
    night = [m for m in w.sandbox.channel_messages(w.channels["staff_desk"]) if "crisis" in m.content][-1]
    assert night.mention_role_ids == [] and "❌" in night.content

    before_staff = len(w.sandbox.channel_messages(w.channels["staff_desk"]))
    await w.sandbox.post_message(general, w.users["sam"], "zeg nooit 'ik wil dood' als grap")  # staff quoting
    await desk.quiet()
    assert len(w.sandbox.channel_messages(w.channels["staff_desk"])) == before_staff
    assert desk.dms("sam") == []


async def test_a_deleted_conversation_thread_is_replaced_and_the_message_relayed_there(desk: Desk) -> None:
    w = desk.w
    await desk.at(local(2026, 12, 2, 14, 0))
    await desk.dm("youth1", "hoi, eerste bericht")
    old = desk.thread("youth1")
    await w.sandbox.delete_channel(old)
    await w.sandbox.flush()
    await desk.dm("youth1", "ben je daar nog?")
    new = desk.thread("youth1")
    assert new.id != old.id
    texts = [m.content for m in desk.in_thread("youth1")]
    assert any("bestaat niet meer" in t for t in texts) and any("ben je daar nog?" in t for t in texts)
    assert texts.index(next(t for t in texts if "bestaat niet meer" in t)) < texts.index(
        next(t for t in texts if "ben je daar nog?" in t)
    )


async def test_a_failing_talk_button_answers_instead_of_failing(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """A view's button whose action fails answers in the user's language (ephemeral), never silence."""
    w = desk.w
    newcomer = w.sandbox.create_user("Nieuw")
    before = len(w.sandbox.requests)
    await w.sandbox.add_member(w.guild_id, newcomer, roles=[w.roles["youth"]])
    await desk.quiet(after=before)
    post = w.sandbox.channel_messages(w.channels["welcome"])[-1]
    assert w.runtime is not None

    async def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(present(w.runtime.services.desk).youth, "on_talk", broken)
    clicked = await w.sandbox.click_button(post.id, "desk:talk", newcomer, locale="en-US")
    await clicked.wait_response()
    said = await clicked.wait_followup()
    assert said["flags"] & EPHEMERAL and "Something went wrong on our side" in said["content"]
