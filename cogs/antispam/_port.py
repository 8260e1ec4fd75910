"""The anti-spam port over discord.py: the bot's own permissions, exact raw values, 403s turned into :class:`Blocked`.

Reads for a lockdown come from the gateway cache (fast); reads for a restore are fetched fresh over REST so
that a restore never trusts a cache our own edits have not reached yet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import discord

from bot.adapters.alerts import send_alert
from bot.runtime import Runtime
from bot.services.antispam.port import Alert, AlertMessage, Blocked, GuildState

log = logging.getLogger("happymood.antispam")

ViewFactory = Callable[[int, Sequence[tuple[str, str]]], discord.ui.View]
MAX_BULK_BAN = 200
RETRIES = 3
RETRY_PAUSE = 0.25
FIELD_LIMIT = 1024


def _time(value: Any) -> datetime | None:
    return discord.utils.parse_time(value) if value else None


class DiscordGuildPort:
    """One guild, acted on with the bot's own permissions."""

    def __init__(self, bot: discord.Client, runtime: Runtime, guild_id: int, views: ViewFactory | None) -> None:
        self.bot, self.runtime, self.guild_id, self._views = bot, runtime, guild_id, views

    @property
    def guild(self) -> discord.Guild | None:
        return self.bot.get_guild(self.guild_id)

    def joined_at(self, user_id: int) -> datetime | None:
        member = self.guild.get_member(user_id) if self.guild is not None else None
        return member.joined_at if member is not None else None

    async def _call(self, step: str, target: int | None, make: Callable[[], Awaitable[Any]]) -> Any:
        """Run one REST call; 403 → :class:`Blocked`, 404 → None. discord.py already waits out 429s; when it
        gives up (or Discord answers 5xx) the call is tried again a few times before it counts as failed."""
        for attempt in range(RETRIES + 1):
            try:
                return await make()
            except discord.NotFound:
                return None
            except discord.Forbidden as exc:
                raise Blocked(step, target) from exc
            except discord.HTTPException as exc:
                if attempt == RETRIES or not (exc.status == 429 or exc.status >= 500):
                    raise Blocked(step, target, status=exc.status) from exc
                await asyncio.sleep(RETRY_PAUSE * 2**attempt)
        return None  # pragma: no cover

    # --- reading ---
    async def read_state(self, *, fresh: bool) -> GuildState:
        if fresh:
            return await self._fetch_state()
        guild = self.guild
        if guild is None:
            return await self._fetch_state()
        everyone = guild.default_role
        overwrites: dict[int, tuple[int, int]] = {}
        slowmode: dict[int, int] = {}
        for channel in guild.channels:
            overwrite = channel.overwrites.get(everyone)
            if overwrite is not None:
                allow, deny = overwrite.pair()
                overwrites[channel.id] = (allow.value, deny.value)
            if isinstance(channel, discord.TextChannel):
                slowmode[channel.id] = channel.slowmode_delay
        return GuildState(
            everyone.permissions.value, overwrites, slowmode, guild.invites_paused_until, guild.dms_paused_until
        )

    async def _fetch_state(self) -> GuildState:
        http, gid = self.bot.http, self.guild_id
        roles = await http.get_roles(gid)
        everyone = next(int(r["permissions"]) for r in roles if int(r["id"]) == gid)
        overwrites: dict[int, tuple[int, int]] = {}
        slowmode: dict[int, int] = {}
        channels: list[Any] = await http.get_all_guild_channels(gid)
        for channel in channels:
            cid = int(channel["id"])
            for ow in channel.get("permission_overwrites") or []:
                if int(ow["id"]) == gid and int(ow.get("type", 0)) == 0:
                    overwrites[cid] = (int(ow.get("allow") or 0), int(ow.get("deny") or 0))
            if channel.get("type") in (0, 5):
                slowmode[cid] = int(channel.get("rate_limit_per_user") or 0)
        incidents = (await http.get_guild(gid, with_counts=False)).get("incidents_data") or {}
        return GuildState(
            everyone,
            overwrites,
            slowmode,
            _time(incidents.get("invites_disabled_until")),
            _time(incidents.get("dms_disabled_until")),
        )

    # --- acting ---
    async def set_everyone_permissions(self, value: int, reason: str) -> None:
        gid = self.guild_id
        await self._call("role", None, lambda: self.bot.http.edit_role(gid, gid, reason=reason, permissions=str(value)))

    async def set_everyone_overwrite(self, channel_id: int, allow: int, deny: int, reason: str) -> None:
        http, gid = self.bot.http, self.guild_id
        call = lambda: http.edit_channel_permissions(channel_id, gid, str(allow), str(deny), 0, reason=reason)  # noqa: E731
        await self._call("overwrite", channel_id, call)

    async def set_slowmode(self, channel_id: int, seconds: int, reason: str) -> None:
        http = self.bot.http
        await self._call(
            "slowmode", channel_id, lambda: http.edit_channel(channel_id, reason=reason, rate_limit_per_user=seconds)
        )

    async def set_incident_actions(
        self, invites_until: datetime | None, dms_until: datetime | None, reason: str
    ) -> None:
        # Discord's security actions (what ``Guild.edit(invites_disabled_until=..., dms_disabled_until=...)``
        # sends), without the empty PATCH /guilds that Guild.edit adds. Both fields are always sent.
        payload: Any = {
            "invites_disabled_until": invites_until.isoformat() if invites_until else None,
            "dms_disabled_until": dms_until.isoformat() if dms_until else None,
        }
        http, gid = self.bot.http, self.guild_id
        await self._call("invites_dms", None, lambda: http.edit_incident_actions(gid, payload=payload))

    async def delete_messages(self, channel_id: int, message_ids: list[int], reason: str) -> int:
        http = self.bot.http
        if len(message_ids) == 1:
            await self._call(
                "delete", channel_id, lambda: http.delete_message(channel_id, message_ids[0], reason=reason)
            )
        else:
            ids = list[int | str](message_ids)
            await self._call("delete", channel_id, lambda: http.delete_messages(channel_id, ids, reason=reason))
        return 1

    async def timeout(self, user_id: int, until: datetime | None, reason: str) -> None:
        step = "timeout" if until is not None else "untimeout"
        value = until.isoformat() if until is not None else None
        http, gid = self.bot.http, self.guild_id
        call = lambda: http.edit_member(gid, user_id, reason=reason, communication_disabled_until=value)  # noqa: E731
        await self._call(step, user_id, call)

    async def ban(self, user_ids: Iterable[int], reason: str) -> set[int]:
        ids = sorted(set(user_ids))
        banned: set[int] = set()
        http, gid = self.bot.http, self.guild_id

        def call(chunk: list[int | str]) -> Callable[[], Awaitable[Any]]:
            return lambda: http.bulk_ban(gid, chunk, 3600, reason=reason)

        for start in range(0, len(ids), MAX_BULK_BAN):
            result = await self._call("ban", None, call(list(ids[start : start + MAX_BULK_BAN])))
            if result:
                banned.update(int(u) for u in result.get("banned_users") or [])
        return banned

    # --- telling the team ---
    def _embed(self, alert: Alert) -> discord.Embed:
        embed = discord.Embed(title=alert.title, colour=alert.color)
        for name, value in alert.lines:
            text = value if len(value) <= FIELD_LIMIT else value[: FIELD_LIMIT - 1] + "…"
            embed.add_field(name=name, value=text or "—", inline=False)
        return embed

    def _kwargs(self, alert: Alert) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"embed": self._embed(alert)}
        if alert.buttons and alert.incident_id is not None and self._views is not None:
            kwargs["view"] = self._views(alert.incident_id, alert.buttons)
        return kwargs

    async def post(self, alert: Alert, *, channel_id: int | None = None) -> AlertMessage | None:
        guild = self.guild
        if guild is None:
            return None
        content = alert.content
        mentions = discord.AllowedMentions.none()
        if alert.ping_role_id is not None:
            content = f"<@&{alert.ping_role_id}> {content}"
            mentions = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(alert.ping_role_id)])
        kwargs = self._kwargs(alert)
        message: discord.Message | None = None
        channel = guild.get_channel(channel_id) if channel_id is not None else None
        if isinstance(channel, discord.TextChannel) and self.can_post(channel.id):
            try:
                message = await channel.send(content, allowed_mentions=mentions, **kwargs)
            except discord.HTTPException as exc:
                log.warning("anti-spam post failed", extra={"guild_id": guild.id, "status": exc.status})
        if message is None:
            message = await send_alert(self.runtime, guild, content, allowed_mentions=mentions, **kwargs)
        return None if message is None else AlertMessage(message.channel.id, message.id)

    async def edit(self, where: AlertMessage, alert: Alert) -> None:
        partial = self.bot.get_partial_messageable(where.channel_id).get_partial_message(where.message_id)
        kwargs = self._kwargs(alert)
        kwargs.setdefault("view", None)
        try:
            await partial.edit(content=alert.content, allowed_mentions=discord.AllowedMentions.none(), **kwargs)
        except discord.HTTPException as exc:
            log.warning("anti-spam alert edit failed", extra={"guild_id": self.guild_id, "status": exc.status})

    def can_post(self, channel_id: int) -> bool:
        guild = self.guild
        channel = guild.get_channel(channel_id) if guild is not None else None
        if guild is None or not isinstance(channel, discord.TextChannel):
            return False
        perms = channel.permissions_for(guild.me)
        return perms.send_messages and perms.embed_links
