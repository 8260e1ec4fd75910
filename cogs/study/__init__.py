"""/studie start|plan|planstop|timer|kamer|stop, /setup studie, and what happens in an open study room.

Every decision is made in ``bot/services/study`` and ``bot/domain/study``; this is thin glue. Who may host
(the team and peer supporters) is checked by the service, on the server.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Iterator
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.checks import require
from bot.adapters.people import person
from bot.adapters.replies import reply
from bot.adapters.setup_group import move_to_setup, remove_from_setup
from bot.adapters.tree import UserError
from bot.domain.errors import UserText
from bot.domain.hours import OfficeHoursConfig
from bot.domain.study import StudyGuildSettings, StudyRefused
from bot.events import Seen, events_of
from bot.i18n.translator import _
from bot.runtime import Runtime
from bot.services.study import Answer, StudyService
from cogs.study import _views
from cogs.study._port import DiscordStudyPort

if TYPE_CHECKING:
    from bot.app import HappyCore


log = logging.getLogger("happymood.study")

SECTION = "study"
BUTTONS = ("join", "help", "leave", "next")
CLOSE_CHOICES = [
    app_commands.Choice(name=_("archive (read-only)", "study.choice.archive"), value="archive"),
    app_commands.Choice(name=_("delete", "study.choice.delete"), value="delete"),
]


@contextlib.contextmanager
def refused() -> Iterator[None]:
    """A refusal becomes a localized ephemeral answer; nothing was changed."""
    try:
        yield
    except StudyRefused as exc:
        # every text of a study refusal was typed by someone: answer_failure escapes UserText
        params = {name: UserText(value) if isinstance(value, str) else value for name, value in exc.params.items()}
        raise UserError(exc.key, **params) from None


def build_study(runtime: Runtime, bot: discord.Client) -> StudyService:
    """The one factory of the study service."""

    async def hours(guild_id: int) -> OfficeHoursConfig:
        base = await runtime.guild_settings.get(guild_id, "hours", runtime.settings.hours)
        return base.model_copy(update={"timezone": str(await runtime.guild_zone(guild_id))})

    async def settings(guild_id: int) -> StudyGuildSettings:
        return await runtime.guild_settings.get(guild_id, SECTION, StudyGuildSettings.defaults(runtime.settings.study))

    labels = {name: runtime.i18n.t(f"study.button.{name}", "nl") for name in BUTTONS}
    return StudyService(
        runtime.db,
        runtime.clock,
        runtime.scheduler,
        DiscordStudyPort(bot, labels),
        i18n=runtime.i18n,
        contacts=runtime.contacts,
        config=runtime.settings.study,
        hours=hours,
        guild_config=runtime.guild_config,
        settings=settings,
    )


@app_commands.guild_only()
class StudyCog(commands.GroupCog, group_name="studie", group_description=_("Study moments", "cmd.study.description")):
    def __init__(self, bot: commands.Bot, runtime: Runtime, service: StudyService) -> None:
        self.bot, self.runtime, self.service = bot, runtime, service
        super().__init__()

    async def _say(self, interaction: discord.Interaction[Any], found: Answer) -> None:
        await reply(self.runtime, interaction, found.key, **found.params)

    @staticmethod
    def _ids(interaction: discord.Interaction[Any]) -> tuple[int, int]:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        return interaction.guild_id, interaction.channel_id

    @app_commands.command(name="start", description=_("Open a study moment now", "cmd.study.start"))
    @app_commands.describe(
        duur=_('How long, e.g. "90", "2u", "1u30" (default 2 hours, never past 21:00)', "cmd.study.option.duration"),
        vak=_("Subject, e.g. wiskunde", "cmd.study.option.subject"),
    )
    async def start(
        self, interaction: discord.Interaction[Any], duur: str | None = None, vak: str | None = None
    ) -> None:
        guild_id, _channel = self._ids(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        with refused():
            row = await self.service.start(guild_id, person(interaction.user), duur, vak)
        until = row.end_at.astimezone(await self.runtime.guild_zone(guild_id)).strftime("%H:%M")
        await reply(self.runtime, interaction, "study.started", room=f"<#{row.text_id}>", until=until)

    @app_commands.command(name="plan", description=_("Open study moments on a weekly schedule", "cmd.study.plan"))
    @app_commands.describe(
        dagen=_('Days, e.g. "ma-vr" or "ma,wo"', "cmd.study.option.days"),
        uren=_('Hours, e.g. "16:00-18:00"', "cmd.study.option.hours"),
        vak=_("Subject, e.g. wiskunde", "cmd.study.option.subject"),
        tot=_('Last day, e.g. "2027-01-29" (default: until stopped)', "cmd.study.option.until"),
    )
    async def plan(
        self,
        interaction: discord.Interaction[Any],
        dagen: str,
        uren: str,
        vak: str | None = None,
        tot: str | None = None,
    ) -> None:
        guild_id, _channel = self._ids(interaction)
        with refused():
            row, first = await self.service.plan(guild_id, person(interaction.user), dagen, uren, vak, tot)
        await reply(self.runtime, interaction, "study.planned", id=row.id, first=first, start=row.start, end=row.end)

    @app_commands.command(name="planstop", description=_("Stop a weekly study schedule", "cmd.study.plan_stop"))
    @app_commands.describe(id=_("Schedule number", "cmd.study.option.plan_id"))
    @require("staff")
    async def plan_stop(self, interaction: discord.Interaction[Any], id: int) -> None:
        guild_id, _channel = self._ids(interaction)
        with refused():
            await self.service.stop_plan(guild_id, id)
        await reply(self.runtime, interaction, "study.plan_stopped", id=id)

    @app_commands.command(name="timer", description=_("Focus timer in this study room", "cmd.study.timer"))
    @app_commands.describe(
        aan=_("On or off", "cmd.study.option.on"),
        focus=_("Minutes of focus (default 25)", "cmd.study.option.focus"),
        pauze=_("Minutes of break (default 5)", "cmd.study.option.pause"),
    )
    async def timer(
        self,
        interaction: discord.Interaction[Any],
        aan: bool = True,
        focus: app_commands.Range[int, 5, 120] | None = None,
        pauze: app_commands.Range[int, 1, 60] | None = None,
    ) -> None:
        guild_id, channel_id = self._ids(interaction)
        with refused():
            found = await self.service.timer(
                guild_id, channel_id, person(interaction.user), on=aan, focus=focus, pause=pauze
            )
        await self._say(interaction, found)

    @app_commands.command(name="kamer", description=_("A room of your own for a small group", "cmd.study.room"))
    @app_commands.describe(
        met=_("Who studies with you", "cmd.study.option.with"),
        met2=_("Who else", "cmd.study.option.with"),
        met3=_("Who else", "cmd.study.option.with"),
    )
    async def room(
        self,
        interaction: discord.Interaction[Any],
        met: discord.User | None = None,
        met2: discord.User | None = None,
        met3: discord.User | None = None,
    ) -> None:
        guild_id, channel_id = self._ids(interaction)
        members = [u.id for u in (met, met2, met3) if u is not None and u.id != interaction.user.id]
        await interaction.response.defer(ephemeral=True, thinking=True)
        with refused():
            found = await self.service.group_room(guild_id, channel_id, person(interaction.user), members)
        await self._say(interaction, found)

    @app_commands.command(name="stop", description=_("Close this study moment now", "cmd.study.stop"))
    async def stop(self, interaction: discord.Interaction[Any]) -> None:
        guild_id, channel_id = self._ids(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        with refused():
            room_id = await self.service.stoppable(guild_id, channel_id, person(interaction.user))
        await reply(self.runtime, interaction, "study.stop.done")
        await self.service.close(room_id, "host")

    @app_commands.command(name="studie", description=_("Study moments: closing and room limit", "cmd.study.setup"))
    @app_commands.describe(
        bij_sluiten=_("What happens to a closed room", "cmd.study.option.close_action"),
        max_kamers=_("Most open study rooms at once (default 5)", "cmd.study.option.room_limit"),
    )
    @app_commands.choices(bij_sluiten=CLOSE_CHOICES)
    @require("configure")
    async def settings(
        self,
        interaction: discord.Interaction[Any],
        bij_sluiten: Literal["archive", "delete"] | None = None,
        max_kamers: app_commands.Range[int, 1, 50] | None = None,
    ) -> None:
        guild_id, _channel = self._ids(interaction)
        changes: dict[str, Any] = {}
        if bij_sluiten is not None:
            changes["close_action"] = bij_sluiten
        if max_kamers is not None:
            changes["room_limit"] = max_kamers
        defaults = StudyGuildSettings.defaults(self.runtime.settings.study)
        if changes:
            now = await self.runtime.guild_settings.update(guild_id, SECTION, defaults, changes)
        else:
            now = await self.runtime.guild_settings.get(guild_id, SECTION, defaults)
        action = self.runtime.i18n.t(f"study.choice.{now.close_action}", "nl")
        await reply(self.runtime, interaction, "study.settings", action=action, limit=now.room_limit)

    # -- activity in the rooms --------------------------------------------------------------------------------

    async def cog_load(self) -> None:
        await self.service.warm()
        events_of(self.bot).observe("message", self.on_message)

    async def cog_unload(self) -> None:
        events_of(self.bot).forget("message", self.on_message)
        remove_from_setup(self.bot, "studie")

    def on_message(self, seen: Seen[discord.Message]) -> Awaitable[None] | None:
        message = seen.item
        if message.guild is None or message.author.bot:
            return None
        return self.service.message_work(message.channel.id)

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        if member.bot:
            return
        left, joined = (before.channel.id if before.channel else None), (after.channel.id if after.channel else None)
        if left == joined:
            return
        try:
            await self.service.on_voice(left, joined)
        except Exception:
            log.exception("study could not note a voice change")


async def setup(bot: HappyCore) -> None:
    runtime = bot.runtime
    service = build_study(runtime, bot)
    service.register()
    runtime.services.study = service
    _views.register(bot)
    cog = StudyCog(bot, runtime, service)
    await bot.add_cog(cog)
    assert cog.app_command is not None
    move_to_setup(bot, cog.app_command, "studie")  # /setup studie
