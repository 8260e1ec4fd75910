"""The desk never drops a youth: with the database away, the first answer still goes out, and every DM
reaches the team in order, counted once, as soon as storage is back."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from typing import Any

import pytest

from bot.domain.guild_config import GuildConfig
from bot.services.desk import youth as youth_module
from bot.services.desk.spool import SPOOL_FILE
from bot.services.desk.youth import YouthDesk

from .conftest import DESK, GUILD, OTHER, YOUTH, DeskWorld, count_contacts

CRISIS = "ik wil niet meer leven"


def break_storage(desk: DeskWorld, monkeypatch: pytest.MonkeyPatch, *, hang: bool = False) -> None:
    store = desk.service.youth.core.store

    async def unreachable(*_args: Any, **_kwargs: Any) -> Any:
        if hang:
            await asyncio.sleep(3600)
        raise ConnectionRefusedError("database unreachable")

    monkeypatch.setattr(store, "conversation", unreachable)


@pytest.mark.parametrize("hang", [False, True], ids=["refused", "hanging"])
async def test_during_an_outage_youths_are_answered_and_every_dm_arrives_afterwards_once(
    desk: DeskWorld, monkeypatch: pytest.MonkeyPatch, hang: bool
) -> None:
    monkeypatch.setattr(youth_module, "STORAGE_WAIT_SECONDS", 0.2)
    counted = count_contacts(desk, monkeypatch)
    with monkeypatch.context() as outage:
        break_storage(desk, outage, hang=hang)
        await desk.youth_writes(CRISIS)
        await desk.youth_writes("hallo?", user=OTHER)
        await desk.youth_writes("nog iets", user=YOUTH)
        assert desk.service.youth.waiting == 3

    answers = desk.port.dms_to(YOUTH)
    assert "1813" in answers[0] and "niet alleen" in answers[0]  # the help lines, at once
    assert "welkom bij Happy Mood" in answers[1]  # an ordinary DM: the normal first answer, from the cache
    assert "welkom bij Happy Mood" in desk.port.dms_to(OTHER)[0]
    answered = {user: len(desk.port.dms_to(user)) for user in (YOUTH, OTHER)}
    assert counted == []

    assert await desk.service.youth.replay() == 3
    assert desk.service.youth.waiting == 0
    assert {user: len(desk.port.dms_to(user)) for user in (YOUTH, OTHER)} == answered  # nothing answered twice
    assert counted == [YOUTH, OTHER, YOUTH]  # every DM counted, once
    row = await desk.service.youth.core.store.conversation(GUILD, YOUTH)
    assert row is not None and row.thread_id is not None
    thread = "\n".join(desk.port.in_thread(row.thread_id))
    assert thread.index("ik wil niet meer leven") < thread.index("nog iets")  # in order
    assert "tijdens een storing" in thread

    await desk.youth_writes("alles ok nu")  # storage is back: the normal path, no replays left
    assert counted == [YOUTH, OTHER, YOUTH, YOUTH]


async def test_a_dm_while_others_still_wait_keeps_its_place_in_line(
    desk: DeskWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(youth_module, "STORAGE_WAIT_SECONDS", 0.2)
    with monkeypatch.context() as outage:
        break_storage(desk, outage)
        await desk.youth_writes("eerste")
    await desk.youth_writes("tweede")  # storage is back: the waiting DM goes first
    row = await desk.service.youth.core.store.conversation(GUILD, YOUTH)
    assert row is not None and row.thread_id is not None
    thread = "\n".join(desk.port.in_thread(row.thread_id))
    assert thread.index("eerste") < thread.index("tweede")


async def test_waiting_dms_are_delivered_without_a_new_dm_once_storage_is_back(
    desk: DeskWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(youth_module, "STORAGE_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(youth_module, "RETRY_SECONDS", 0.05)
    with monkeypatch.context() as outage:
        break_storage(desk, outage)
        await desk.youth_writes(CRISIS)
        await asyncio.sleep(0.2)  # retries fail while storage is away; the DM keeps waiting
        assert desk.service.youth.waiting == 1
    for _ in range(100):
        if not desk.service.youth.waiting:
            break
        await asyncio.sleep(0.05)
    assert desk.service.youth.waiting == 0
    row = await desk.service.youth.core.store.conversation(GUILD, YOUTH)
    assert row is not None and row.thread_id is not None and desk.port.in_thread(row.thread_id)


async def test_a_deleted_staff_desk_gives_the_youth_the_help_lines_and_tells_the_mod_log(desk: DeskWorld) -> None:
    mod_log = 2999
    desk.port.channels.add(mod_log)
    await desk.runtime.guild_settings.update(GUILD, "core", GuildConfig(), {"channels.mod_log": mod_log})
    desk.port.channels.discard(DESK)  # somebody deleted the staff desk channel

    await desk.youth_writes("hallo, is daar iemand?")
    await desk.youth_writes("hallo??")
    for answer in desk.port.dms_to(YOUTH):
        assert "1813" in answer and "niet bereiken" in answer  # honest, with the help lines
    reports = [p for p in desk.port.posts if p.channel == mod_log]
    assert len(reports) == 1 and "bestaat niet meer" in reports[0].text  # told once, not per message


def spool_file(desk: DeskWorld) -> Path:
    return desk.runtime.settings.general.data_dir / SPOOL_FILE


async def test_a_restart_during_an_outage_loses_no_dm_and_answers_nobody_twice(
    desk: DeskWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(youth_module, "STORAGE_WAIT_SECONDS", 0.2)
    counted = count_contacts(desk, monkeypatch)
    with monkeypatch.context() as outage:
        break_storage(desk, outage)
        await desk.youth_writes(CRISIS)
        await desk.youth_writes("hallo?", user=OTHER)
    answered = {user: len(desk.port.dms_to(user)) for user in (YOUTH, OTHER)}
    on_disk = spool_file(desk)
    assert on_disk.exists() and stat.S_IMODE(on_disk.stat().st_mode) == 0o600  # the bot's own user only

    # The process dies before storage is back; the next one starts with the same data dir.
    restarted = YouthDesk(desk.service.core)
    assert restarted.waiting == 2
    assert await restarted.replay() == 2
    assert {user: len(desk.port.dms_to(user)) for user in (YOUTH, OTHER)} == answered  # nobody answered twice
    assert counted == [YOUTH, OTHER]  # each DM counted once
    row = await restarted.core.store.conversation(GUILD, YOUTH)
    assert row is not None and row.thread_id is not None
    assert "ik wil niet meer leven" in "\n".join(desk.port.in_thread(row.thread_id))
    assert not on_disk.exists()  # nothing of a youth's words stays on disk once the team has them


async def test_a_damaged_queue_file_is_set_aside_not_deleted_and_the_desk_starts(desk: DeskWorld) -> None:
    spool_file(desk).write_text("{not json", encoding="utf-8")
    assert YouthDesk(desk.service.core).waiting == 0
    assert spool_file(desk).with_suffix(".damaged").read_text(encoding="utf-8") == "{not json"
    await desk.youth_writes("hallo")
    assert "welkom bij Happy Mood" in desk.port.dms_to(YOUTH)[0]


async def test_an_unwritable_data_dir_keeps_the_line_in_memory(
    desk: DeskWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(youth_module, "STORAGE_WAIT_SECONDS", 0.2)
    blocker = desk.runtime.settings.general.data_dir / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(desk.service.youth._spool, "path", blocker / SPOOL_FILE)  # its parent is a file
    with monkeypatch.context() as outage:
        break_storage(desk, outage)
        await desk.youth_writes(CRISIS)
    assert desk.service.youth.waiting == 1
    assert "kept in memory only" in caplog.text
    assert await desk.service.youth.replay() == 1
