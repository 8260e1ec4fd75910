from __future__ import annotations

import pytest

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.domain.guild_config import Access, GuildConfig, RoleName
from bot.services.guild_settings import GuildSettingsService, InvalidSetting


async def test_overrides_survive_a_new_service_and_bad_values_change_nothing(db: Database, clock: FakeClock) -> None:
    svc = GuildSettingsService(db, clock)
    assert await svc.get(1, "core", GuildConfig()) == GuildConfig()
    await svc.update(1, "core", GuildConfig(), {"channels.mod_log": 555, "language": "en"})

    fresh = GuildSettingsService(db, clock)
    cfg = await fresh.get(1, "core", GuildConfig())
    assert cfg.channels.mod_log == 555
    assert cfg.language == "en"
    assert (await fresh.get(2, "core", GuildConfig())).channels.mod_log is None

    with pytest.raises(InvalidSetting) as err:
        await fresh.update(1, "core", GuildConfig(), {"timezone": "Mars/Olympus", "channels.welcome": 9})
    assert err.value.setting == "timezone"
    again = await GuildSettingsService(db, clock).get(1, "core", GuildConfig())
    assert again.timezone is None and again.channels.welcome is None

    with pytest.raises(InvalidSetting) as unknown:
        await fresh.update(1, "core", GuildConfig(), {"channels.nope": 1})
    assert unknown.value.setting == "channels.nope"


def test_access_rules() -> None:
    cfg = GuildConfig.model_validate(
        {"roles": {"coordinator": 10, "moderator": 11, "outreacher": 12, "expert_guest": 13}}
    )
    access = Access(cfg)
    assert access.can_configure({10}, False) and not access.can_configure({11, 12}, False)
    assert access.can_configure(set(), True)
    assert access.is_moderator({11}, False) and not access.is_moderator({12}, False)
    assert access.is_staff({12}, False) and not access.is_staff({13}, False)
    assert access.is_youth(set(), False, False)
    assert not access.is_youth({13}, False, False) and not access.is_youth(set(), False, True)
    assert cfg.role_ids([RoleName.youth]) == set()


async def test_listeners_hear_every_stored_change_and_not_a_refused_one(db: Database, clock: FakeClock) -> None:
    svc = GuildSettingsService(db, clock)
    heard: list[tuple[int, str]] = []

    async def listener(guild_id: int, section: str) -> None:
        heard.append((guild_id, section))

    svc.subscribe(listener)
    await svc.update(7, "core", GuildConfig(), {"language": "en"})
    with pytest.raises(InvalidSetting):
        await svc.update(7, "core", GuildConfig(), {"language": "fr"})
    await svc.reset(7, "core")
    assert heard == [(7, "core"), (7, "core")]


async def test_a_burst_of_first_reads_makes_one_query(db: Database, clock: FakeClock) -> None:
    import asyncio

    from sqlalchemy import event

    svc = GuildSettingsService(db, clock)
    await svc.update(3, "core", GuildConfig(), {"language": "en"})
    svc.forget_cache()
    queries: list[str] = []

    def count(*args: object) -> None:
        queries.append(str(args[2]))

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        configs = await asyncio.gather(*(svc.get(3, "core", GuildConfig()) for _ in range(200)))
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert {c.language for c in configs} == {"en"}
    assert len([q for q in queries if "guild_settings" in q]) == 1
