"""Anti-spam glue: every guild message and join goes to the guild's detector; verdicts go to the service.

Commands: ``/lockdown aan|uit|status`` (moderators; the bot acts with its own permissions) and
``/antispam drempel|instelling|traagmodus|uitzondering kanaal|rol`` and ``/setup automod`` (administrators,
coordinators).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.checks import require
from bot.adapters.people import author
from bot.adapters.replies import escape, interaction_lang, reply
from bot.adapters.setup_group import move_to_setup, remove_from_setup
from bot.adapters.tree import UserError
from bot.domain.permissions_audit import STEP_PERMISSION
from bot.domain.spam.events import JoinEvent
from bot.events import Observer, Seen, events_of
from bot.i18n import lang_for
from bot.i18n.translator import _, choices
from bot.runtime import Runtime
from bot.services.antispam import MORNING, PURGE, QUIET, RENEW, AntispamService
from bot.services.antispam.guard import GuildProfile
from bot.services.antispam.options import (
    SETTING_NAMES,
    THRESHOLD_NAMES,
    OptionError,
    parse_setting,
    threshold_change,
)
from bot.services.guild_settings import InvalidSetting
from cogs.antispam._automod import install
from cogs.antispam._events import join_event, message_event
from cogs.antispam._port import DiscordGuildPort
from cogs.antispam._views import IncidentButton, incident_view

PROFILES = choices("antispam.profile", ("day", "night"))
SETTING_CHOICES = choices("antispam.setting.name", SETTING_NAMES)
THRESHOLD_KEY = "antispam.threshold.name.{}"
SETTING_KEY = "antispam.setting.name.{}"


def _checked(parse: Any, *args: Any, name: str | None = None) -> Any:
    """``parse(*args)``; its refusal becomes a localized error naming the setting by ``name`` (its readable name)."""
    try:
        return parse(*args)
    except OptionError as exc:
        params = {**exc.params, "name": name} if name and "name" in exc.params else exc.params
        raise UserError(exc.key, **params) from None


class SnowflakeOption(app_commands.Transformer):
    """A channel or role option read as its id, so an unknown one gets our own clear error."""

    def __init__(self, kind: discord.AppCommandOptionType) -> None:
        self._kind = kind

    @property
    def type(self) -> discord.AppCommandOptionType:
        return self._kind

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> int:
        return int(value.id)


ChannelId = app_commands.Transform[int, SnowflakeOption(discord.AppCommandOptionType.channel)]
RoleId = app_commands.Transform[int, SnowflakeOption(discord.AppCommandOptionType.role)]


class AntispamCog(commands.Cog):
    lockdown = app_commands.Group(
        name="lockdown",
        description=_("Lock or unlock the server (panic button)", "cmd.lockdown.description"),
        default_permissions=discord.Permissions(moderate_members=True),
        guild_only=True,
    )
    antispam = app_commands.Group(
        name="antispam",
        description=_("Anti-spam settings", "cmd.antispam.description"),
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    exempt = app_commands.Group(
        name="uitzondering", description=_("Never check a channel or role", "cmd.antispam.exempt"), parent=antispam
    )

    def __init__(self, bot: commands.Bot, runtime: Runtime, service: AntispamService) -> None:
        self.bot, self.runtime, self.service = bot, runtime, service

    async def cog_load(self) -> None:
        hub = events_of(self.bot)
        for event, observer in self._observers():
            hub.observe(event, observer)

    async def cog_unload(self) -> None:
        hub = events_of(self.bot)
        for event, observer in self._observers():
            hub.forget(event, observer)
        remove_from_setup(self.bot, "automod")

    def _observers(self) -> list[tuple[str, Observer]]:
        return [
            ("message", self.on_message),
            ("member_join", self.on_member_join),
            ("member_remove", self.on_member_remove),
            ("guild_join", self.on_guild_join),
        ]

    # ------------------------------------------------------------------ events
    def on_message(self, seen: Seen[discord.Message]) -> Awaitable[object] | None:
        """Judged in memory; only a verdict to act on (or a profile still to load) is awaited."""
        message = seen.item
        if message.guild is None or message.author.id == self.bot.user.id:  # type: ignore[union-attr]
            return None
        profile = self.service.guard.cached(message.guild.id)
        if profile is None:
            return self._on_message_loading(seen)
        return self._judge(profile, seen)

    async def _on_message_loading(self, seen: Seen[discord.Message]) -> None:
        assert seen.item.guild is not None
        work = self._judge(await self.service.guard.profile(seen.item.guild.id), seen)
        if work is not None:
            await work

    def _judge(self, profile: GuildProfile, seen: Seen[discord.Message]) -> Awaitable[None] | None:
        message = seen.item
        who = author(seen) if isinstance(message.author, discord.Member) else None
        event = message_event(message, profile, who)
        if event is None:
            return None
        verdict = self.service.guard.observe_message(profile, event)
        if verdict.delete or verdict.offenders:
            return self.service.handle(event, verdict)
        return None

    def on_member_join(self, seen: Seen[discord.Member]) -> Awaitable[object] | None:
        member = seen.item
        profile = self.service.guard.cached(member.guild.id)
        event = join_event(member, self.runtime.clock.now())
        if profile is None:
            return self._on_join_loading(event)
        return self._judge_join(profile, event)

    async def _on_join_loading(self, event: JoinEvent) -> None:
        work = self._judge_join(await self.service.guard.profile(event.guild_id), event)
        if work is not None:
            await work

    def _judge_join(self, profile: GuildProfile, event: JoinEvent) -> Awaitable[None] | None:
        verdict = self.service.guard.observe_join(profile, event)
        return self.service.handle_join(event, verdict) if verdict.offenders else None

    def on_member_remove(self, seen: Seen[discord.Member]) -> None:
        self.service.guard.forget(seen.item.guild.id, seen.item.id)

    def on_guild_join(self, seen: Seen[discord.Guild]) -> Awaitable[object]:
        return self.service.guard.profile(seen.item.id)

    async def startup(self) -> None:
        for guild in self.bot.guilds:  # warm: the message path judges from memory from the first message on
            await self.service.guard.profile(guild.id)
        await self.service.resume([guild.id for guild in self.bot.guilds])
        await self.service.schedule_purge(first=True)

    # ------------------------------------------------------------------ /lockdown
    @lockdown.command(name="aan", description=_("Lock the server now", "cmd.lockdown.on"))
    @require("moderator")
    async def lockdown_on(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        _incident, created = await self.service.manual_lockdown(interaction.guild_id or 0, interaction.user.id)
        await reply(self.runtime, interaction, "antispam.lockdown.on" if created else "antispam.lockdown.already")

    @lockdown.command(name="uit", description=_("Unlock the server and restore everything", "cmd.lockdown.off"))
    @require("moderator")
    async def lockdown_off(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        gid = interaction.guild_id or 0
        done = await self.service.unlock(gid, by="moderator", user_id=interaction.user.id)
        await reply(self.runtime, interaction, "antispam.lockdown.off" if done else "antispam.lockdown.not_locked")

    @lockdown.command(name="status", description=_("Is the server locked?", "cmd.lockdown.status"))
    @require("moderator")
    async def lockdown_status(self, interaction: discord.Interaction[Any]) -> None:
        gid = interaction.guild_id or 0
        view = await self.service.status(gid)
        if view is None:
            await reply(self.runtime, interaction, "antispam.lockdown.not_locked")
            return
        settings = await self.service.settings(gid)
        lang = await interaction_lang(self.runtime, interaction)
        report, inc = self.service.report, view.incident
        until = report.unlock_text(lang, view, settings, self.runtime.clock.now(), None)
        await reply(
            self.runtime,
            interaction,
            "antispam.lockdown.status",
            since=report.clock(inc.started_at, settings.timezone),
            accounts=len(view.offenders),
            removed=inc.deleted_count,
            unlock=until,
        )

    # ------------------------------------------------------------------ /antispam
    @antispam.command(name="automod", description=_("Install Discord's AutoMod rules", "cmd.antispam.automod"))
    @require("configure")
    async def automod(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        gid, lang = interaction.guild.id, await self.runtime.guild_lang(interaction.guild.id)
        settings, config = await self.service.settings(gid), await self.runtime.guild_config(gid)
        t = self.runtime.i18n.t
        names = {
            key: t(f"antispam.automod.rule.{key}", lang) for key in ("mention_spam", "spam", "presets", "keywords")
        }
        outcomes = await install(interaction.guild, settings, config, names, t("antispam.audit.automod", lang))
        ilang = await interaction_lang(self.runtime, interaction)
        needed = self.runtime.i18n.permission(STEP_PERMISSION["automod"], ilang)
        lines = "\n".join(
            t(f"antispam.automod.{o.status}", ilang, rule=names[o.key], permission=needed) for o in outcomes
        )
        await reply(self.runtime, interaction, "antispam.automod.result", lines=lines)

    @antispam.command(name="drempel", description=_("Change one threshold", "cmd.antispam.threshold"))
    @app_commands.describe(
        naam=_("Threshold name", "cmd.antispam.option.name"),
        waarde=_("New value", "cmd.antispam.option.value"),
        profiel=_("Day or night profile", "cmd.antispam.option.profile"),
    )
    @app_commands.choices(profiel=PROFILES)
    @require("configure")
    async def threshold(self, interaction: discord.Interaction[Any], naam: str, waarde: float, profiel: str) -> None:
        lang = await interaction_lang(self.runtime, interaction)
        t = self.runtime.i18n.t
        name = t(THRESHOLD_KEY.format(naam), lang) if naam in THRESHOLD_NAMES else None
        key, value = _checked(threshold_change, naam, waarde, profiel, name=name)
        await self.service.update_settings(interaction.guild_id or 0, {key: value})
        profile = t(f"antispam.profile.{key.split('.')[0]}", lang)
        await reply(self.runtime, interaction, "antispam.threshold.saved", name=name, value=value, profile=profile)

    @threshold.autocomplete("naam")
    async def _threshold_names(self, i: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        """Readable names in the member's language; typing matches the name or the setting's identifier."""
        lang, typed = lang_for(str(i.locale)), current.strip().casefold()
        named = [(self.runtime.i18n.t(THRESHOLD_KEY.format(n), lang), n) for n in THRESHOLD_NAMES]
        found = [(label, n) for label, n in named if typed in label.casefold() or typed in n]
        return [app_commands.Choice(name=label, value=n) for label, n in found[:25]]

    @antispam.command(name="instelling", description=_("Change how the bot responds", "cmd.antispam.setting"))
    @app_commands.describe(
        naam=_("Setting", "cmd.antispam.option.setting"), waarde=_("New value", "cmd.antispam.option.value")
    )
    @app_commands.choices(naam=SETTING_CHOICES)
    @require("configure")
    async def setting(self, interaction: discord.Interaction[Any], naam: str, waarde: str) -> None:
        lang = await interaction_lang(self.runtime, interaction)
        name = self.runtime.i18n.t(SETTING_KEY.format(naam), lang) if naam in SETTING_NAMES else None
        value = _checked(parse_setting, naam, waarde, name=name)
        try:
            await self.service.update_settings(interaction.guild_id or 0, {naam: value})
        except InvalidSetting as exc:  # out of the model's range: named as the member reads it
            raise UserError("errors.invalid_setting", key=name or naam, reason=exc.reason) from None
        await reply(self.runtime, interaction, "antispam.setting.saved", name=name, value=escape(waarde[:100]))

    @antispam.command(name="traagmodus", description=_("Slowmode for a channel during a lockdown", "cmd.antispam.slow"))
    @app_commands.describe(
        kanaal=_("The channel", "cmd.antispam.option.channel"),
        seconden=_("Seconds (0 = none)", "cmd.antispam.option.seconds"),
    )
    @require("configure")
    async def slowmode(self, interaction: discord.Interaction[Any], kanaal: ChannelId, seconden: int) -> None:
        channel = self._text_channel(interaction, kanaal)
        if not 0 <= seconden <= 21600:
            raise UserError("antispam.slowmode.range", value=seconden)
        settings = await self.service.settings(channel.guild.id)
        ids = set(settings.slowmode_channel_ids) - {channel.id} | ({channel.id} if seconden else set())
        changes: dict[str, Any] = {"slowmode_channel_ids": sorted(ids)}
        if seconden:
            changes["slowmode_seconds"] = seconden
        await self.service.update_settings(channel.guild.id, changes)
        await reply(self.runtime, interaction, "antispam.slowmode.saved", channel=channel.mention, seconds=seconden)

    @exempt.command(name="kanaal", description=_("Never check this channel", "cmd.antispam.exempt.channel"))
    @app_commands.describe(
        kanaal=_("The channel", "cmd.antispam.option.channel"),
        weg=_("Remove the exemption", "cmd.antispam.option.remove"),
    )
    @require("configure")
    async def exempt_channel(self, interaction: discord.Interaction[Any], kanaal: ChannelId, weg: bool = False) -> None:
        assert interaction.guild is not None
        channel = interaction.guild.get_channel(kanaal)
        if channel is None:
            raise UserError("antispam.exempt.unknown_channel")
        await self._toggle(interaction, "exempt_channel_ids", channel.id, weg, channel.mention)

    @exempt.command(name="rol", description=_("Never check this role", "cmd.antispam.exempt.role"))
    @app_commands.describe(
        rol=_("The role", "cmd.antispam.option.role"), weg=_("Remove the exemption", "cmd.antispam.option.remove")
    )
    @require("configure")
    async def exempt_role(self, interaction: discord.Interaction[Any], rol: RoleId, weg: bool = False) -> None:
        assert interaction.guild is not None
        role = interaction.guild.get_role(rol)
        if role is None or role.is_default():
            raise UserError("antispam.exempt.unknown_role")
        await self._toggle(interaction, "exempt_role_ids", role.id, weg, role.mention)

    async def _toggle(
        self, interaction: discord.Interaction[Any], key: str, item: int, remove: bool, shown: str
    ) -> None:
        gid = interaction.guild_id or 0
        current = set(getattr(await self.service.settings(gid), key))
        updated = current - {item} if remove else current | {item}
        await self.service.update_settings(gid, {key: sorted(updated)})
        await reply(self.runtime, interaction, f"antispam.exempt.{'removed' if remove else 'added'}", target=shown)

    @staticmethod
    def _text_channel(interaction: discord.Interaction[Any], channel_id: int) -> discord.TextChannel:
        channel = interaction.guild.get_channel(channel_id) if interaction.guild else None
        if not isinstance(channel, discord.TextChannel):
            raise UserError("antispam.exempt.unknown_channel")
        return channel


async def setup(bot: commands.Bot) -> None:
    runtime: Runtime = bot.runtime  # type: ignore[attr-defined]
    service = AntispamService(
        runtime,
        lambda gid: DiscordGuildPort(bot, runtime, gid, incident_view) if bot.get_guild(gid) is not None else None,
    )
    runtime.services.antispam = service
    runtime.on_close(service.close)
    runtime.scheduler.register(QUIET, service.on_quiet)
    runtime.scheduler.register(RENEW, service.on_renew)
    runtime.scheduler.register(MORNING, service.alerts.on_morning)
    runtime.scheduler.register(PURGE, service.on_purge)
    bot.add_dynamic_items(IncidentButton)
    cog = AntispamCog(bot, runtime, service)
    await bot.add_cog(cog)
    move_to_setup(bot, cog.antispam, "automod")
    bot.on_startup(cog.startup)  # type: ignore[attr-defined]
