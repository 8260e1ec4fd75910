"""Which Discord permissions each feature needs, and what is missing in a guild.

The caller computes effective permissions with discord.py (``channel.permissions_for(me)``) and hands
them over as plain sets of permission names; this module only compares and explains. The field report:
the worker on call could not stop a midnight spam attack because nobody had the right permissions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

#: The one table of the Discord permission flags the bot names (what it needs, what a refused step needs, what a
#: command's menu needs) → the catalog key of its human name, worded as the Discord app words it.
PERMISSION_KEYS: Mapping[str, str] = {
    flag: f"perm.{flag}"
    for flag in (
        "administrator",
        "view_channel",
        "send_messages",
        "send_messages_in_threads",
        "create_public_threads",
        "create_private_threads",
        "embed_links",
        "attach_files",
        "add_reactions",
        "read_message_history",
        "manage_messages",
        "manage_threads",
        "manage_channels",
        "manage_roles",
        "manage_guild",
        "manage_events",
        "moderate_members",
        "kick_members",
        "ban_members",
        "create_instant_invite",
        "mention_everyone",
        "view_audit_log",
        "connect",
        "speak",
        "move_members",
    )
}
#: discord.py's other names for the same bits.
ALIASES: Mapping[str, str] = {"read_messages": "view_channel", "manage_permissions": "manage_roles"}


def permission_key(flag: str) -> str | None:
    """The catalog key of a permission flag's human name, or None for a flag the table does not know."""
    return PERMISSION_KEYS.get(ALIASES.get(flag, flag))


class Feature(StrEnum):
    core = "core"
    antispam = "antispam"
    lockdown = "lockdown"
    desk = "desk"
    welcome = "welcome"
    automod = "automod"
    ledger = "ledger"
    sessions = "sessions"
    study = "study"


@dataclass(frozen=True)
class Requirement:
    feature: Feature
    permissions: frozenset[str]
    channel_role: str | None = None  # a configured channel name (``mod_log``); None = guild-wide
    only_with_ban: bool = False  # needed only where the anti-spam settings ban (``needs_ban``)


def _req(feature: Feature, perms: str, channel: str | None = None, *, only_with_ban: bool = False) -> Requirement:
    return Requirement(feature, frozenset(perms.split()), channel, only_with_ban)


#: The one table of what the bot needs, per feature: the audit (``/setup check``) compares a guild against it,
#: the invite URL asks for its union (:func:`invite_permissions`), and :data:`STEP_PERMISSION` names, from it,
#: what a refused anti-spam step needs.
REQUIREMENTS: tuple[Requirement, ...] = (
    _req(Feature.core, "view_channel send_messages embed_links read_message_history", "mod_log"),
    _req(Feature.core, "view_channel send_messages embed_links", "announcements"),
    _req(Feature.antispam, "manage_messages moderate_members read_message_history"),
    _req(Feature.antispam, "ban_members", only_with_ban=True),
    # A lockdown denies @everyone these in every channel; Discord lets a bot deny only what it holds itself.
    _req(
        Feature.lockdown,
        "manage_roles manage_channels manage_guild send_messages send_messages_in_threads"
        " create_public_threads create_private_threads add_reactions create_instant_invite",
    ),
    _req(Feature.automod, "manage_guild"),
    _req(
        Feature.desk,
        "view_channel send_messages create_private_threads send_messages_in_threads manage_threads add_reactions",
        "staff_desk",
    ),
    _req(Feature.welcome, "view_channel send_messages embed_links", "welcome"),
    _req(Feature.ledger, "view_channel send_messages attach_files", "coordinators"),  # the reports with charts
    _req(Feature.sessions, "manage_events"),  # each safe space is a Discord event
    _req(Feature.study, "manage_channels connect speak move_members"),  # the voice rooms of study moments
)


def invite_permissions() -> frozenset[str]:
    """Every permission some feature needs: what the invite URL asks for, nothing more."""
    return frozenset().union(*(req.permissions for req in REQUIREMENTS))


#: Which permission a refused anti-spam step needs (what the alert tells the team to grant).
STEP_PERMISSION: Mapping[str, str] = {
    "role": "manage_roles",
    "overwrite": "manage_roles",
    "invites_dms": "manage_guild",
    "slowmode": "manage_channels",
    "delete": "manage_messages",
    "timeout": "moderate_members",
    "untimeout": "moderate_members",
    "ban": "ban_members",
    "alert": "send_messages",
    "automod": "manage_guild",
}


@dataclass(frozen=True)
class Finding:
    """One problem, as a message key with parameters (rendered by the i18n layer)."""

    key: str
    feature: Feature
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GuildSnapshot:
    """What the audit needs to know, as plain data."""

    guild_permissions: frozenset[str]
    bot_role_name: str
    bot_top_position: int
    channels: Mapping[str, tuple[str, frozenset[str]] | None]  # configured name -> (channel name, perms) / missing
    managed_roles: Mapping[str, tuple[str, int]]  # configured role name -> (role name, position)
    needs_ban: bool = False


def audit(snapshot: GuildSnapshot) -> list[Finding]:
    """Every missing permission and every role the bot cannot manage, with what to change."""
    findings: list[Finding] = []
    guild_needs = [r for r in REQUIREMENTS if r.channel_role is None and (snapshot.needs_ban or not r.only_with_ban)]
    if "administrator" not in snapshot.guild_permissions:
        for req in guild_needs:
            for perm in sorted(req.permissions - snapshot.guild_permissions):
                findings.append(
                    Finding("audit.missing_guild", req.feature, {"perm": perm, "role": snapshot.bot_role_name})
                )
    for req in REQUIREMENTS:
        if req.channel_role is None:
            continue
        entry = snapshot.channels.get(req.channel_role)
        if entry is None:
            if req.channel_role in snapshot.channels:
                findings.append(Finding("audit.channel_gone", req.feature, {"setting": req.channel_role}))
            continue
        channel_name, perms = entry
        for perm in sorted(req.permissions - perms):
            findings.append(Finding("audit.missing_channel", req.feature, {"perm": perm, "channel": channel_name}))
    for setting, (role_name, position) in sorted(snapshot.managed_roles.items()):
        if position >= snapshot.bot_top_position:
            findings.append(
                Finding(
                    "audit.role_order",
                    Feature.antispam,
                    {"role": role_name, "bot_role": snapshot.bot_role_name, "setting": setting},
                )
            )
    return _dedupe(findings)


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    unique = []
    for f in findings:
        mark = (f.key, tuple(sorted(f.params.items())))
        if mark not in seen:
            seen.add(mark)
            unique.append(f)
    return unique
