"""Build the permission-audit snapshot from discord.py's own permission maths and render the findings."""

from __future__ import annotations

import hashlib

import discord

from bot.domain.guild_config import GuildConfig, RoleName
from bot.domain.permissions_audit import Finding, GuildSnapshot, audit
from bot.runtime import Runtime

#: Roles the bot gives and takes (the expert's per session, the age bands a youth picks with /leeftijd):
#: each must sit below the bot's own role.
MANAGED = (
    RoleName.youth,
    RoleName.peer_supporter,
    RoleName.expert_guest,
    RoleName.age_12_14,
    RoleName.age_15_17,
    RoleName.age_18_22,
)


def _names(perms: discord.Permissions) -> frozenset[str]:
    """Every granted flag by every name, aliases included (iteration yields ``read_messages``, not ``view_channel``)."""
    return frozenset(name for name in discord.Permissions.VALID_FLAGS if getattr(perms, name))


def snapshot(guild: discord.Guild, config: GuildConfig, *, needs_ban: bool = False) -> GuildSnapshot:
    me = guild.me
    channels: dict[str, tuple[str, frozenset[str]] | None] = {}
    for name, channel_id in config.channels.model_dump().items():
        if channel_id is None or name.endswith("_category"):
            continue
        channel = guild.get_channel(channel_id)
        channels[name] = None if channel is None else (channel.name, _names(channel.permissions_for(me)))
    managed = {}
    for role_name in MANAGED:
        role_id = getattr(config.roles, role_name.value)
        role = guild.get_role(role_id) if role_id else None
        if role is not None:
            managed[role_name.value] = (role.name, role.position)
    return GuildSnapshot(
        guild_permissions=_names(me.guild_permissions),
        bot_role_name=me.top_role.name,
        bot_top_position=me.top_role.position,
        channels=channels,
        managed_roles=managed,
        needs_ban=needs_ban,
    )


async def audit_guild(runtime: Runtime, guild: discord.Guild) -> list[Finding]:
    return audit(snapshot(guild, await runtime.guild_config(guild.id)))


def render(runtime: Runtime, findings: list[Finding], lang: str) -> str:
    if not findings:
        return runtime.i18n.t("audit.ok", lang)
    lines = [runtime.i18n.t("audit.header", lang, count=len(findings))]
    for f in findings:
        feature = runtime.i18n.t(f"audit.feature.{f.feature.value}", lang)
        params = dict(f.params)
        if "perm" in params:
            params["perm"] = runtime.i18n.permission(params["perm"], lang)
        lines.append(runtime.i18n.t(f.key, lang, feature=feature, **params))
    return "\n".join(lines)


def digest(findings: list[Finding]) -> str:
    text = "|".join(f"{f.key}:{sorted(f.params.items())}" for f in findings)
    return hashlib.sha256(text.encode()).hexdigest()
