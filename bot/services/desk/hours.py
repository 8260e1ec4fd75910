"""Office hours per guild: deployment defaults (``[hours]``) with the guild's overrides, in the guild's zone."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from bot.core import Core
from bot.domain.crisis import CrisisDetector, HelpLine
from bot.domain.desk import DeskPolicy
from bot.domain.errors import UserFacingError, typed
from bot.domain.hours import OfficeHours, OfficeHoursConfig, Weekday, parse_interval
from bot.services.desk.text import UiKeys

SECTION = "hours"
CLOSED_WORDS = frozenset({"gesloten", "dicht", "closed", "-", "—"})


class HoursInputError(UserFacingError):
    """Bad hours input; ``key`` is a desk_ui catalog key and ``params`` fill it in."""


def parse_spans(text: str, latest_closing: str | None) -> list[str]:
    """``"10:00-12:00, 13:00-21:00"`` → normalised intervals; ``"gesloten"`` → ``[]``; raises HoursInputError."""
    cleaned = text.strip()
    if cleaned.casefold() in CLOSED_WORDS:
        return []
    spans: list[tuple[int, int]] = []
    for part in (p for p in cleaned.replace(";", ",").split(",") if p.strip()):
        try:
            spans.append(parse_interval(part))
        except ValueError:
            raise HoursInputError(UiKeys.ERR_TIMES, value=typed(part.strip())) from None
    if not spans:
        raise HoursInputError(UiKeys.ERR_TIMES, value=typed(cleaned))
    spans.sort()
    for (_, end), (start, _) in pairwise(spans):
        if start < end:
            raise HoursInputError(UiKeys.ERR_TIMES_OVERLAP, value=typed(cleaned))
    if latest_closing is not None:
        limit = parse_interval(f"00:00-{latest_closing}")[1]
        if spans[-1][1] > limit:
            raise HoursInputError(UiKeys.ERR_TIMES_LATE, value=typed(cleaned), latest=latest_closing)
    return [f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in spans]


class DeskHours:
    """Builds each guild's :class:`OfficeHours` and :class:`DeskPolicy`; changes the guild's ``hours`` section."""

    def __init__(self, core: Core) -> None:
        self._core = core
        safety = core.settings.safety
        self._detector: CrisisDetector = safety.detector()
        self._help_lines = tuple(safety.help_lines)
        self._cache: dict[str, OfficeHours] = {}

    @property
    def defaults(self) -> OfficeHoursConfig:
        """The deployment's hours in the deployment's zone (``general.timezone``)."""
        return self._core.settings.hours.model_copy(update={"timezone": self._core.zone_of(None)})

    async def config(self, guild_id: int | None) -> OfficeHoursConfig:
        """The guild's hours; the time zone set with ``/setup tijdzone`` wins over the configured one."""
        if guild_id is None:
            return self.defaults
        base = await self._core.guild_settings.get(guild_id, SECTION, self.defaults)
        zone = self._core.zone_of(await self._core.guild_config(guild_id))
        return base if zone == base.timezone else base.model_copy(update={"timezone": zone})

    async def office_hours(self, guild_id: int | None) -> OfficeHours:
        config = await self.config(guild_id)
        key = config.model_dump_json()
        hours = self._cache.get(key)
        if hours is None:
            if len(self._cache) > 256:
                self._cache.clear()
            hours = self._cache[key] = OfficeHours(config)
        return hours

    async def policy(self, guild_id: int | None) -> DeskPolicy:
        return DeskPolicy(await self.office_hours(guild_id), self._detector, self._help_lines)

    def is_crisis(self, text: str) -> bool:
        """The crisis decision from the text alone (no stored state): safe to make while storage is away."""
        return self._detector.matches(text) is not None

    @property
    def help_lines(self) -> tuple[HelpLine, ...]:
        return self._help_lines

    # -- changes (validated; nothing is stored when they fail) ------------------------------------------

    async def set_day(self, guild_id: int, day: Weekday, times: str) -> OfficeHoursConfig:
        current = await self.config(guild_id)
        spans = parse_spans(times, current.latest_closing)
        return await self._update(guild_id, {f"schedule.{day}": spans})

    async def close_date(self, guild_id: int, day: date) -> OfficeHoursConfig:
        current = await self.config(guild_id)
        dates = sorted({*current.closed_dates, day})
        return await self._update(guild_id, {"closed_dates": [d.isoformat() for d in dates]})

    async def open_date(self, guild_id: int, day: date) -> OfficeHoursConfig:
        current = await self.config(guild_id)
        dates = sorted(set(current.closed_dates) - {day})
        return await self._update(guild_id, {"closed_dates": [d.isoformat() for d in dates]})

    async def set_holidays_closed(self, guild_id: int, closed: bool) -> OfficeHoursConfig:
        return await self._update(guild_id, {"holidays_open": not closed})

    async def _update(self, guild_id: int, changes: dict[str, object]) -> OfficeHoursConfig:
        await self._core.guild_settings.update(guild_id, SECTION, self.defaults, changes)
        return await self.config(guild_id)
