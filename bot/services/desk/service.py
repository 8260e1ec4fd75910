"""The contact desk's use-cases behind one object (``runtime.services.desk``)."""

from __future__ import annotations

from bot.core import Core
from bot.domain.desk import Localized, Msg, about, help_info, hours_info, msg
from bot.domain.desk.config import DeskGuildOptions, WelcomeMode, parse_day
from bot.domain.errors import typed
from bot.domain.hours import Weekday
from bot.services.contacts import ContactRecorder
from bot.services.desk.core import DELIVER, FORGET, OPENING, OPTIONS_SECTION, DeskCore, DeskInputError
from bot.services.desk.hours import HoursInputError, parse_spans
from bot.services.desk.lifecycle import DeskLifecycle
from bot.services.desk.port import DeskPort
from bot.services.desk.staff import StaffDesk
from bot.services.desk.text import UiKeys
from bot.services.desk.youth import YouthDesk


class DeskService:
    """Youth side, staff side and lifecycle, sharing one :class:`DeskCore`; registers its scheduled work."""

    def __init__(self, core: Core, port: DeskPort, contacts: ContactRecorder) -> None:
        self.core = DeskCore(core, port, contacts)
        self.youth = YouthDesk(self.core)
        self.staff = StaffDesk(self.core)
        self.lifecycle = DeskLifecycle(self.core)
        core.scheduler.register(OPENING, self.lifecycle.on_opening)
        core.scheduler.register(DELIVER, self.staff.on_deliver_job)
        core.scheduler.register(FORGET, self.lifecycle.on_forget)

    # -- information for anyone (/over, /uren, /hulp) ----------------------------------------------------

    async def info_guild(self, guild_id: int | None, user_id: int) -> int | None:
        """The guild whose hours a question is about: the one asked in, else the youth's desk guild."""
        return guild_id if guild_id is not None else await self.core.resolve_guild(user_id)

    def about(self) -> list[Msg]:
        return [about()]

    async def hours(self, guild_id: int | None) -> list[Msg]:
        return list(hours_info(await self.core.hours.office_hours(guild_id), self.core.now()))

    def help(self) -> list[Msg]:
        return [help_info(self.core.hours.help_lines)]

    # -- settings (validated completely before anything is stored) --------------------------------------

    async def change_hours(
        self,
        guild_id: int,
        *,
        day: Weekday | None = None,
        times: str | None = None,
        close: str | None = None,
        reopen: str | None = None,
        holidays_closed: bool | None = None,
    ) -> list[Msg]:
        hours = self.core.hours
        if day is not None and times is None:
            raise DeskInputError(UiKeys.ERR_DAY_NEEDS_TIMES)
        if times is not None and day is None:
            raise DeskInputError(UiKeys.ERR_TIMES_NEED_DAY)
        try:
            spans = parse_spans(times, (await hours.config(guild_id)).latest_closing) if times is not None else None
        except HoursInputError as exc:
            raise DeskInputError(exc.key, **exc.params) from None
        dates = {}
        for name, text in (("close", close), ("reopen", reopen)):
            if text is not None:
                try:
                    dates[name] = parse_day(text)
                except ValueError:
                    raise DeskInputError(UiKeys.ERR_DATE, value=typed(text)) from None
        if day is not None and spans is not None:
            await hours.set_day(guild_id, day, ",".join(spans) or "gesloten")
        if "close" in dates:
            await hours.close_date(guild_id, dates["close"])
        if "reopen" in dates:
            await hours.open_date(guild_id, dates["reopen"])
        if holidays_closed is not None:
            await hours.set_holidays_closed(guild_id, holidays_closed)
        if any(value is not None for value in (day, close, reopen, holidays_closed)):
            await self.lifecycle.reschedule(guild_id)
        return await self.hours_summary(guild_id)

    async def hours_summary(self, guild_id: int) -> list[Msg]:
        config = await self.core.hours.config(guild_id)
        closed = ", ".join(d.strftime("%d/%m/%Y") for d in sorted(config.closed_dates))
        state = msg(UiKeys.HOLIDAYS_OPEN if config.holidays_open else UiKeys.HOLIDAYS_CLOSED)
        holidays = Localized(nl=self.core.text.one(state, "nl"), en=self.core.text.one(state, "en"))
        summary = msg(UiKeys.REPLY_HOURS, zone=config.timezone, holidays=holidays, closed=closed or "—")
        return [summary, *await self.hours(guild_id)]

    async def change_options(
        self, guild_id: int, *, welcome_mode: WelcomeMode | None, first_names: bool | None
    ) -> tuple[WelcomeMode, bool]:
        changes: dict[str, object] = {}
        if welcome_mode is not None:
            changes["welcome_mode"] = welcome_mode
        if first_names is not None:
            changes["allow_first_names"] = first_names
        if changes:
            await self.core.shared.guild_settings.update(guild_id, OPTIONS_SECTION, DeskGuildOptions(), changes)
        return await self.core.options(guild_id)

    # -- forget-me -------------------------------------------------------------------------------------

    async def forget(self, guild_id: int, user_id: int) -> None:
        """Remove every desk row about one youth in one guild (for the ledger's forget-me)."""
        await self.lifecycle.forget_user(guild_id, user_id)
