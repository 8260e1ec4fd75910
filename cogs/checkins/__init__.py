"""/checkin aan|uit (youths), /desk checkin (staff, in a desk conversation), /mijngegevens, and the hooks.

Thin glue: every decision is made in ``bot/services/checkins`` and ``bot/domain/checkins``. Hooks wired here:
the ledger tells the service of every accepted contact (the one "last contact" call), the desk's "stop" in a
DM also ends check-ins, and ``/vergeet-mij`` removes the consent row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.checks import require
from bot.adapters.context import runtime_of
from bot.adapters.desk_group import add_to_desk, remove_from_desk
from bot.adapters.people import person
from bot.adapters.replies import NO_PINGS, interaction_lang
from bot.adapters.tree import UserError
from bot.domain.guild_config import Access
from bot.domain.hours import OfficeHours
from bot.i18n import LANGUAGES
from bot.i18n.translator import _
from bot.runtime import Runtime
from bot.services.checkins import Button, CheckinsService
from cogs.checkins import _views
from cogs.checkins._port import DiscordCheckinsPort

if TYPE_CHECKING:
    from bot.app import HappyCore

log = logging.getLogger("happymood.checkins")


def _service(interaction: discord.Interaction[Any]) -> CheckinsService:
    service = runtime_of(interaction).services.checkins
    assert service is not None, "its views and commands exist only when the checkins cog is loaded"
    return service


def build_checkins(runtime: Runtime, bot: discord.Client) -> CheckinsService:
    """The one factory of the check-ins service."""
    holder: list[CheckinsService] = []

    def views(buttons: Sequence[Button]) -> discord.ui.View:
        return _views.view_for(buttons, holder[0])

    port = DiscordCheckinsPort(bot, views)

    async def hours(guild_id: int) -> OfficeHours:
        base = await runtime.guild_settings.get(guild_id, "hours", runtime.settings.hours)
        zone = runtime.zone_of(await runtime.guild_config(guild_id))
        return OfficeHours(base.model_copy(update={"timezone": zone}) if zone != base.timezone else base)

    async def staff_desk(guild_id: int) -> int | None:
        return (await runtime.guild_config(guild_id)).channels.staff_desk

    async def thread_of(guild_id: int, user_id: int) -> int | None:
        desk = runtime.services.desk
        if desk is None:
            return None
        row = await desk.core.store.conversation(guild_id, user_id)
        return None if row is None else row.thread_id

    async def is_staff(guild_id: int, user_id: int) -> bool:
        member = await port.guild_member(guild_id, user_id)
        if member is None or member.bot:
            return False
        who = person(member)
        return Access(await runtime.guild_config(guild_id)).is_staff(who.role_ids, who.is_admin, who.permissions)

    service = CheckinsService(
        runtime.db,
        runtime.clock,
        runtime.scheduler,
        port,
        i18n=runtime.i18n,
        contacts=runtime.contacts,
        config=runtime.settings.checkins,
        hours=hours,
        staff_desk=staff_desk,
        staff_lang=runtime.guild_lang,
        thread_of=thread_of,
        is_staff=is_staff,
    )
    holder.append(service)
    return service


@app_commands.guild_only()
class CheckinCog(
    commands.GroupCog,
    group_name="checkin",
    group_description=_("Let the team check in on you now and then", "cmd.checkins.group"),
):
    def __init__(self, runtime: Runtime, service: CheckinsService) -> None:
        self.runtime = runtime
        self.service = service
        super().__init__()

    async def _youth(self, interaction: discord.Interaction[Any], key: str, **params: Any) -> None:
        await interaction.response.send_message(
            self.service.youth_text(key, **params), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(name="aan", description=_("Yes, check in on me when I go quiet", "cmd.checkins.on"))
    @app_commands.describe(elke=_("After how many quiet days (3-60, default 14)", "cmd.checkins.option.every"))
    async def on(
        self, interaction: discord.Interaction[Any], elke: app_commands.Range[int, 1, 365] | None = None
    ) -> None:
        assert interaction.guild_id is not None
        who = person(interaction.user)
        if not Access(await self.runtime.guild_config(interaction.guild_id)).is_youth(
            who.role_ids, who.is_admin, who.is_bot, who.permissions
        ):
            raise UserError("checkins.err.not_youth")  # check-ins are for the youths; the team gets the reminders
        row, _due = await self.service.opt_in(interaction.guild_id, interaction.user.id, elke)
        await self._youth(interaction, "checkins.youth.on", days=row.interval_days)

    @app_commands.command(name="uit", description=_("Stop the check-ins", "cmd.checkins.off"))
    async def off(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        stopped = await self.service.opt_out(interaction.user.id, interaction.guild_id)
        await self._youth(interaction, "checkins.youth.off" if stopped else "checkins.youth.off_none")


@app_commands.command(name="checkin", description=_("Propose check-ins to this youth", "cmd.checkins.propose"))
@app_commands.describe(elke=_("After how many quiet days (3-60, default 14)", "cmd.checkins.option.every"))
@require("staff")
async def desk_checkin(
    interaction: discord.Interaction[Any], elke: app_commands.Range[int, 1, 365] | None = None
) -> None:
    """``/desk checkin`` in a desk conversation: the youth gets Ja / Nee in a DM."""
    runtime = runtime_of(interaction)
    desk = runtime.services.desk
    conversation = (
        None
        if desk is None or interaction.channel_id is None
        else (await desk.core.store.by_thread(interaction.channel_id))
    )
    if conversation is None or conversation.guild_id != interaction.guild_id:
        raise UserError("checkins.err.not_thread")
    await interaction.response.defer(ephemeral=True, thinking=True)
    result = await _service(interaction).propose(conversation.guild_id, conversation.user_id, interaction.user.id, elke)
    lang = await interaction_lang(runtime, interaction)
    await interaction.followup.send(runtime.i18n.t(result.key, lang, **result.params), ephemeral=True)


class MyDataCog(commands.Cog):
    """``/mijngegevens``: exactly what the bot keeps about the youth in this server, Dutch first."""

    def __init__(self, runtime: Runtime, service: CheckinsService) -> None:
        self.runtime = runtime
        self.service = service

    async def lines(self, guild_id: int, user_id: int, lang: str) -> list[str]:
        t = self.runtime.i18n.t
        out = [t("mydata.title", lang)]
        stored = await self.service.stored(guild_id, user_id)
        if stored is None:
            out.append(t("mydata.checkin.none", lang))
        else:
            team = stored.pop("outreacher") or t("mydata.checkin.team", lang)
            out.append(t("mydata.checkin.row", lang, outreacher=team, **stored))
        desk = self.runtime.services.desk
        conversation = None if desk is None else await desk.core.store.conversation(guild_id, user_id)
        if conversation is None:
            out.append(t("mydata.desk.none", lang))
        else:
            status = t(f"mydata.desk.status.{conversation.status}", lang)
            out.append(t("mydata.desk.row", lang, status=status))
            blocked = conversation.blocked_until
            if blocked is not None and blocked > self.runtime.clock.now():
                zone = await self.runtime.guild_zone(guild_id)
                out.append(t("mydata.block", lang, until=blocked.astimezone(zone).strftime("%d/%m %H:%M")))
        out.append(t("mydata.footer", lang))
        return out

    @app_commands.command(name="mijngegevens", description=_("What Happy Mood keeps about you", "cmd.mydata"))
    @app_commands.guild_only()
    async def my_data(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        parts = ["\n".join(await self.lines(interaction.guild_id, interaction.user.id, lang)) for lang in LANGUAGES]
        await interaction.response.send_message(
            "\n\n—\n\n".join(parts)[:2000], ephemeral=True, allowed_mentions=NO_PINGS
        )


async def setup(bot: HappyCore) -> None:
    runtime = bot.runtime
    service = build_checkins(runtime, bot)
    service.register()
    runtime.services.checkins = service
    _views.register(bot)  # the ledger's "last contact", forget-me and the desk's "stop": bot.wiring.wire
    add_to_desk(bot, desk_checkin)
    await bot.add_cog(CheckinCog(runtime, service))
    await bot.add_cog(MyDataCog(runtime, service))


async def teardown(bot: HappyCore) -> None:
    runtime = bot.runtime
    service = runtime.services.checkins
    if service is not None:
        runtime.services.ledger.forget_observer(service.on_contact)
        if runtime.services.desk is not None:
            runtime.services.desk.core.stop_hooks.pop("checkins", None)
    runtime.services.checkins = None
    remove_from_desk(bot, "checkin")
