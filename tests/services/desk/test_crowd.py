"""Many youths writing their first DM after hours at the same moment: every one answered, relayed, counted once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.db.models import ScheduledAction

from .conftest import GUILD, DeskWorld, count_contacts, local


@pytest.mark.parametrize("crowd", [10, 50])
async def test_a_crowd_of_first_dms_after_hours_is_answered_relayed_and_counted_once(
    desk: DeskWorld, monkeypatch: pytest.MonkeyPatch, crowd: int
) -> None:
    youths = [7000 + i for i in range(crowd)]
    for user in youths:
        desk.port.add_member(GUILD, user, f"Youth {user}")
    counted = count_contacts(desk, monkeypatch)
    await desk.clock.set(local(2026, 12, 2, 22, 30))

    await asyncio.gather(*(desk.youth_writes(f"hoi, ik ben {user}", user=user) for user in youths))

    assert all(len(desk.port.dms_to(user)) >= 1 for user in youths)  # answered
    assert sorted(counted) == youths  # counted, once each
    store = desk.service.youth.core.store
    for user in youths:
        row = await store.conversation(GUILD, user)
        assert row is not None and row.thread_id is not None
        assert any(f"ik ben {user}" in text for text in desk.port.in_thread(row.thread_id))  # relayed
    async with desk.runtime.db.session() as session:
        openings = await session.scalar(
            select(func.count()).select_from(ScheduledAction).where(ScheduledAction.kind == "desk.opening")
        )
    assert openings == 1  # one opening digest for the whole crowd
