"""The desk service on both databases with a fake Discord port: storage, scheduling and edge cases."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db.models import DeskConversation, DeskHeldReply, DeskMentionMark
from bot.domain.guild_config import GuildConfig
from bot.domain.referrals import ReferralConfig, Service
from bot.services.desk import DeskInputError
from bot.services.desk.port import FetchedMessage
from tests.support.checks import present

from .conftest import DESK, GUILD, OTHER, OUTREACHER, SAM, YOUTH, DeskWorld, local, make_world


async def count(world: DeskWorld, model: type) -> int:
    async with world.runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_dm_goes_to_the_first_shared_guild_with_a_staff_desk(desk: DeskWorld) -> None:
    port = desk.port
    port.add_member(500, YOUTH, "Youth")  # shares the member, but no staff desk configured
    port.add_member(9000000, YOUTH, "Youth")
    await desk.clock.set(local(2026, 12, 2, 15, 0))
    await desk.youth_writes("hoi")
    assert await desk.service.core.resolve_guild(YOUTH) == GUILD
    thread = port.only_thread()
    assert port.threads[thread]["parent"] == DESK and port.threads[thread]["members"] == [SAM, 42]

    port.add_member(600, 77, "Stranger")
    await desk.service.youth.on_dm(77, "hallo")
    [answer] = port.dms_to(77)
    assert "niet bereiken" in answer and "1813" in answer and "can't be reached" in answer
    assert await count(desk, DeskConversation) == 1


async def test_two_quick_dms_open_one_thread_and_ping_once(desk: DeskWorld) -> None:
    await desk.clock.set(local(2026, 12, 2, 15, 0))
    await asyncio.gather(desk.youth_writes("een"), desk.youth_writes("twee"))
    thread = desk.port.only_thread()
    assert [p.ping_role for p in desk.port.posts if p.channel == thread].count(OUTREACHER) == 1
    assert sorted(desk.port.in_thread(thread)[1:]) == ["💬 een", "💬 twee"]


async def test_a_deleted_held_reply_is_not_sent_and_an_edit_is(desk: DeskWorld) -> None:
    await desk.clock.set(local(2026, 12, 2, 22, 0))
    await desk.youth_writes("hoi")
    thread = desk.port.only_thread()
    await desk.staff_writes(thread, 1, "eerste versie")
    await desk.staff_writes(thread, 2, "wordt verwijderd")
    desk.port.thread_messages[1] = FetchedMessage("verbeterde versie", SAM)
    del desk.port.thread_messages[2]
    assert await count(desk, DeskHeldReply) == 2

    await desk.clock.set(local(2026, 12, 3, 10, 0))
    texts = desk.port.dms_to(YOUTH)
    assert "verbeterde versie\n\n— Happy Mood team" in texts
    assert not any("eerste versie" in t or "wordt verwijderd" in t for t in texts)
    assert present([text for _, text in desk.port.edited_notices][-1]).startswith(
        "Het vastgehouden bericht bestaat niet meer"
    )
    assert await count(desk, DeskHeldReply) == 0


async def test_notes_are_never_relayed_and_first_names_sign_when_allowed(desk: DeskWorld) -> None:
    await desk.clock.set(local(2026, 12, 2, 15, 0))
    await desk.youth_writes("hoi")
    thread = desk.port.only_thread()
    await desk.staff_writes(thread, 1, "// intern: even checken")
    await desk.staff_writes(thread, 2, "!NOTE ook intern")
    await desk.service.staff.on_thread_message(GUILD, thread, 3, OTHER, "ik ben geen team")
    assert not any("intern" in t or "geen team" in t for t in desk.port.dms_to(YOUTH))

    await desk.service.change_options(GUILD, welcome_mode=None, first_names=True)
    await desk.staff_writes(thread, 4, "Hoi!")
    assert desk.port.dms_to(YOUTH)[-1] == "Hoi!\n\n— Sara, Happy Mood team"
    assert (thread, 4, "✅") in desk.port.reactions


async def test_a_closed_dm_is_reported_in_the_thread(desk: DeskWorld) -> None:
    await desk.clock.set(local(2026, 12, 2, 15, 0))
    await desk.youth_writes("hoi")
    desk.port.dm_closed.add(YOUTH)
    thread = desk.port.only_thread()
    await desk.staff_writes(thread, 1, "antwoord")
    assert desk.port.in_thread(thread)[-1].startswith("⚠️")
    assert (thread, 1, "✅") not in desk.port.reactions


async def test_closing_forgets_the_link_after_retention_unless_a_block_runs(desk: DeskWorld) -> None:
    await desk.clock.set(local(2026, 12, 2, 15, 0))
    await desk.youth_writes("hoi")
    thread = desk.port.only_thread()
    await desk.service.lifecycle.block(thread, "60d", SAM)
    await desk.service.lifecycle.close(thread, SAM)
    assert desk.port.threads[thread]["archived"] is True

    await desk.clock.advance(timedelta(days=30, minutes=1))
    assert await count(desk, DeskConversation) == 1  # the block still needs the row
    await desk.clock.advance(timedelta(days=30))
    assert await count(desk, DeskConversation) == 0
    assert await desk.runtime.scheduler.pending("desk.forget") == []

    with pytest.raises(DeskInputError):
        await desk.service.lifecycle.reopen(thread, SAM)


async def test_a_returning_youth_reopens_the_thread_and_cancels_forgetting(desk: DeskWorld) -> None:
    await desk.clock.set(local(2026, 12, 2, 15, 0))
    await desk.youth_writes("hoi")
    thread = desk.port.only_thread()
    await desk.service.lifecycle.close(thread, SAM)
    await desk.clock.advance(timedelta(days=2))
    await desk.youth_writes("ik ben er weer")
    assert desk.port.threads[thread]["archived"] is False
    assert "opnieuw" in desk.port.in_thread(thread)[-2]
    assert await desk.runtime.scheduler.pending("desk.forget") == []

    del desk.port.threads[thread]  # staff deleted the thread meanwhile
    await desk.service.lifecycle.close(thread, SAM)
    await desk.youth_writes("nog eens")
    assert len(desk.port.threads) == 1 and desk.port.only_thread() != thread


async def test_changing_hours_moves_held_replies_and_bad_input_changes_nothing(desk: DeskWorld) -> None:
    await desk.clock.set(local(2026, 12, 2, 22, 0))
    await desk.youth_writes("hoi")
    await desk.staff_writes(desk.port.only_thread(), 1, "morgen!")
    [job] = await desk.runtime.scheduler.pending("desk.deliver")
    assert job.due_at == local(2026, 12, 3, 10, 0)

    bad_changes: list[dict[str, Any]] = [
        {"day": "thu", "times": "08:00-22:00"},
        {"day": "thu", "times": "tien tot vijf"},
        {"close": "gisteren"},
    ]
    for bad in bad_changes:
        with pytest.raises(DeskInputError):
            await desk.service.change_hours(GUILD, **bad)
    with pytest.raises(DeskInputError):
        await desk.service.change_hours(GUILD, times="10:00-12:00")
    assert (await desk.service.core.hours.config(GUILD)).schedule["thu"] == ["10:00-21:00"]

    await desk.service.change_hours(GUILD, day="thu", times="12:00-14:00, 15:00-20:00")
    [job] = await desk.runtime.scheduler.pending("desk.deliver")
    assert job.due_at == local(2026, 12, 3, 12, 0)
    [opening] = await desk.runtime.scheduler.pending("desk.opening")
    assert opening.due_at == local(2026, 12, 3, 12, 0)

    await desk.service.change_hours(GUILD, close="2026-12-03")
    [job] = await desk.runtime.scheduler.pending("desk.deliver")
    assert job.due_at == local(2026, 12, 4, 10, 0)
    summary = await desk.service.hours_summary(GUILD)
    assert summary[0].params["closed"] == "03/12/2026"


async def test_a_referral_after_hours_is_held_and_sent_at_opening(db_url: str, tmp_path: Path) -> None:
    jac = Service(name="JAC", description_nl="Jongerenonthaal.", description_en="Youth drop-in.")
    referrals = ReferralConfig(municipalities={"Gent": [jac]}, aliases={"Ledeberg": "Gent"})
    desk = await make_world(db_url, tmp_path, referrals=referrals.model_dump())
    try:
        await desk.clock.set(local(2026, 12, 2, 22, 0))
        await desk.youth_writes("hoi")
        thread = desk.port.only_thread()
        assert desk.service.staff.municipalities("ge") == ["Gent"]
        typo = await desk.service.staff.refer(thread, "Gnet", SAM)
        assert typo.key == "desk.referral.suggest" and typo.params["suggestions"] == "Gent"
        notice = await desk.service.staff.refer(thread, "ledeberg", SAM)
        assert notice.key == "desk.staff.held"
        async with desk.runtime.db.session() as session:
            held = (await session.scalars(select(DeskHeldReply))).one()
        assert held.municipality == "Gent" and held.message_id is None
        before = len(desk.port.dms_to(YOUTH))

        await desk.clock.set(local(2026, 12, 3, 10, 0))
        [card] = desk.port.dms_to(YOUTH)[before:]
        assert "JAC" in card and card.index("Jongerenonthaal") < card.index("Youth drop-in")
    finally:
        await desk.runtime.close()


async def test_forget_me_removes_every_desk_row_and_pending_work(desk: DeskWorld) -> None:
    await desk.clock.set(local(2026, 12, 2, 22, 0))
    await desk.youth_writes("hoi")
    await desk.staff_writes(desk.port.only_thread(), 1, "morgen")
    await desk.service.youth.on_mention(GUILD, YOUTH, 77, 88)
    assert await count(desk, DeskMentionMark) == 1

    await desk.runtime.services.ledger.forget(GUILD, YOUTH)
    for model in (DeskConversation, DeskHeldReply, DeskMentionMark):
        assert await count(desk, model) == 0
    assert await desk.runtime.scheduler.pending("desk.deliver") == []


async def test_mention_marks_are_cleared_at_opening(desk: DeskWorld) -> None:
    await desk.clock.set(local(2026, 12, 2, 22, 0))
    assert await desk.service.youth.on_mention(GUILD, YOUTH, 77, 88)
    assert not await desk.service.youth.on_mention(GUILD, YOUTH, 77, 89)
    await desk.clock.set(local(2026, 12, 3, 10, 0))
    assert await count(desk, DeskMentionMark) == 0
    assert not await desk.service.youth.on_mention(GUILD, YOUTH, 77, 90)  # open now: no reply


async def test_welcome_by_dm_falls_back_to_the_channel(desk: DeskWorld) -> None:
    await desk.service.change_options(GUILD, welcome_mode="dm", first_names=None)
    await desk.service.youth.welcome_member(GUILD, YOUTH)
    assert desk.port.dms[-1][2] is not None and desk.port.dms[-1][2].kind == "talk"
    desk.port.dm_closed.add(OTHER)
    await desk.service.youth.welcome_member(GUILD, OTHER)
    posted = [p for p in desk.port.posts if p.channel != DESK]
    assert posted[0].ping_user == OTHER and posted[-1].button is not None
    await desk.service.change_options(GUILD, welcome_mode="off", first_names=None)
    before = len(desk.port.posts)
    await desk.service.youth.welcome_member(GUILD, OTHER)
    assert len(desk.port.posts) == before


async def test_the_guilds_time_zone_moves_the_wall_clock_hours(desk: DeskWorld) -> None:
    await desk.runtime.guild_settings.update(GUILD, "core", GuildConfig(), {"timezone": "Europe/London"})
    await desk.clock.set(local(2026, 12, 2, 21, 30))  # 20:30 in London: still open there
    await desk.youth_writes("hoi")
    assert not any("Het team is er nu niet" in t for t in desk.port.dms_to(YOUTH))
    await desk.clock.set(local(2026, 12, 2, 22, 30))  # 21:30 in London
    await desk.youth_writes("nog iemand?")
    assert "03/12 om 10:00" in desk.port.dms_to(YOUTH)[-1]
    [opening] = await desk.runtime.scheduler.pending("desk.opening")
    assert opening.due_at == local(2026, 12, 3, 11, 0)
