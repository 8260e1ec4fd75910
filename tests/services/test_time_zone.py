"""One rule for a guild's time zone: ``general.timezone``, overridden per guild by ``/setup tijdzone``.

Office hours, the anti-spam night profile and the KPI reports must move together.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.domain.guild_config import GuildConfig
from bot.runtime import Runtime, build_runtime
from bot.services.antispam import AntispamService
from bot.services.desk.hours import DeskHours
from bot.settings import ConfigError, Settings, load_settings

GUILD = 4242


async def zones(runtime: Runtime) -> tuple[str, str, str]:
    hours = await DeskHours(runtime).office_hours(GUILD)
    night = await AntispamService(runtime, lambda _gid: None).settings(GUILD)
    report = await runtime.ledger.guild_tz(GUILD)
    return str(hours.tz), night.timezone, str(report)


async def test_the_deployment_zone_moves_hours_night_profile_and_reports_and_a_guild_zone_overrides_all(
    db_url: str,
) -> None:
    settings = Settings(database={"url": db_url}, general={"timezone": "Europe/London"})  # type: ignore[arg-type]
    runtime = await build_runtime(settings, FakeClock(datetime(2026, 12, 2, 12, tzinfo=UTC)), migrate=False)
    try:
        assert await zones(runtime) == ("Europe/London",) * 3
        await runtime.guild_settings.update(GUILD, "core", GuildConfig(), {"timezone": "Asia/Tokyo"})
        assert await zones(runtime) == ("Asia/Tokyo",) * 3
    finally:
        await runtime.close()


@pytest.mark.parametrize("section", ["hours", "antispam"])
def test_a_removed_time_zone_key_names_the_key_that_replaced_it(tmp_path: Path, section: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[{section}]\ntimezone = "Europe/London"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert f"{section}.timezone was removed" in str(caught.value) and "general.timezone" in str(caught.value)


@pytest.mark.parametrize("bad", ["Mars/Olympus", "🕒" * 40, "x" * 5000, "../../etc/passwd", ""])
def test_a_time_zone_that_is_not_one_is_refused_without_crashing(bad: str) -> None:
    with pytest.raises(ValueError, match="IANA time zone"):
        GuildConfig(timezone=bad)
