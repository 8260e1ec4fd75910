from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import discord

from bot.adapters.audit import render
from bot.domain.permissions_audit import (
    PERMISSION_KEYS,
    REQUIREMENTS,
    STEP_PERMISSION,
    Feature,
    GuildSnapshot,
    audit,
    invite_permissions,
    permission_key,
)
from bot.i18n import LANGUAGES, I18n

ALL_GUILD = frozenset([
    "manage_messages", "moderate_members", "read_message_history", "manage_roles", "manage_channels", "manage_guild",
    "send_messages", "send_messages_in_threads", "create_public_threads", "create_private_threads", "add_reactions",
    "create_instant_invite", "manage_events", "connect", "speak", "move_members",
])  # fmt: skip
CHAN = frozenset(["view_channel", "send_messages", "embed_links", "read_message_history"])


WELL_CONFIGURED = GuildSnapshot(
    guild_permissions=ALL_GUILD,
    bot_role_name="Happy Mood",
    bot_top_position=5,
    channels={"mod_log": ("mod-log", CHAN)},
    managed_roles={"youth": ("Jongeren", 2)},
)


def snap(**changes: Any) -> GuildSnapshot:
    return replace(WELL_CONFIGURED, **changes)


def test_a_well_configured_guild_has_no_findings() -> None:
    assert audit(snap()) == []


def test_missing_guild_permissions_are_named_per_feature() -> None:
    findings = audit(snap(guild_permissions=ALL_GUILD - {"moderate_members", "manage_guild"}))
    assert [(f.key, f.params["perm"], f.feature) for f in findings] == [
        ("audit.missing_guild", "moderate_members", Feature.antispam),
        ("audit.missing_guild", "manage_guild", Feature.lockdown),
    ]


def test_administrator_covers_guild_permissions_but_channel_overwrites_still_count() -> None:
    findings = audit(
        snap(
            guild_permissions=frozenset({"administrator"}), channels={"mod_log": ("mod-log", CHAN - {"send_messages"})}
        )
    )
    assert [(f.key, f.params) for f in findings] == [
        ("audit.missing_channel", {"perm": "send_messages", "channel": "mod-log"})
    ]


def test_role_order_and_deleted_channels_and_ban() -> None:
    findings = audit(
        snap(
            managed_roles={"youth": ("Jongeren", 5), "expert_guest": ("Expert", 1)},
            channels={"mod_log": None},
            needs_ban=True,
        )
    )
    assert [(f.key, f.params.get("perm") or f.params.get("role") or f.params.get("setting")) for f in findings] == [
        ("audit.missing_guild", "ban_members"),
        ("audit.channel_gone", "mod_log"),
        ("audit.role_order", "Jongeren"),
    ]


# ------------------------------------------------------------------------------ human permission names


def _named_flags() -> set[str]:
    """Every permission flag the bot can name: what it needs, what a refused step needs, who counts before setup."""
    from cogs.setup import ACCESS_PERMISSIONS

    needed = {perm for req in REQUIREMENTS for perm in req.permissions}
    return needed | set(STEP_PERMISSION.values()) | set(ACCESS_PERMISSIONS)


def test_every_permission_the_bot_names_has_a_human_name_in_both_languages() -> None:
    i18n = I18n()
    for flag in sorted(_named_flags()):
        key = permission_key(flag)
        assert key is not None, f"{flag} is missing from PERMISSION_KEYS"
        for lang in LANGUAGES:
            assert i18n.catalogs[lang].get(key), f"{key} is missing in {lang}"
            assert i18n.permission(flag, lang) != flag
    assert set(PERMISSION_KEYS) <= set(discord.Permissions.VALID_FLAGS)  # only real Discord flags


def test_permission_names_are_discords_words_aliases_included() -> None:
    i18n = I18n()
    assert i18n.permission("manage_guild", "nl") == "Server beheren"
    assert i18n.permission("manage_guild", "en") == "Manage Server"
    assert i18n.permission("read_messages", "en") == i18n.permission("view_channel", "en") == "View Channels"
    assert permission_key("no_such_flag") is None and i18n.permission("no_such_flag", "nl") == "no_such_flag"


def test_the_audit_report_names_permissions_as_people_read_them() -> None:
    findings = audit(snap(guild_permissions=ALL_GUILD - {"moderate_members"}))
    runtime: Any = SimpleNamespace(i18n=I18n())
    dutch, english = render(runtime, findings, "nl"), render(runtime, findings, "en")
    assert "**Leden een time-out geven**" in dutch and "**Timeout Members**" in english
    assert "moderate_members" not in dutch + english


# ------------------------------------------------------------------------------ one table for every use


def test_the_invite_asks_for_exactly_what_the_features_need() -> None:
    """The invite URL's permissions are the table's union (nothing the audit would not ask for, nothing less)."""
    from bot.adapters.invite import REQUIRED

    assert REQUIRED.value == discord.Permissions(**dict.fromkeys(invite_permissions(), True)).value
    # What the bot asked for before the table was one: a change here is a deliberate one.
    assert set(invite_permissions()) == {
        "view_channel", "send_messages", "send_messages_in_threads", "create_private_threads",
        "create_public_threads", "manage_threads", "embed_links", "attach_files", "read_message_history",
        "manage_messages", "manage_channels", "manage_roles", "manage_guild", "moderate_members", "ban_members",
        "manage_events", "create_instant_invite", "add_reactions", "connect", "speak", "move_members",
    }  # fmt: skip


def test_every_step_permission_is_one_the_antispam_features_require() -> None:
    antispam = {Feature.antispam, Feature.lockdown, Feature.automod, Feature.core}
    needed = {perm for req in REQUIREMENTS if req.feature in antispam for perm in req.permissions}
    assert set(STEP_PERMISSION.values()) <= needed


def test_ban_is_asked_of_a_guild_only_where_the_settings_ban() -> None:
    without = audit(snap(guild_permissions=ALL_GUILD - {"ban_members"}))
    with_ban = audit(replace(snap(guild_permissions=ALL_GUILD - {"ban_members"}), needs_ban=True))
    assert without == [] and [f.params["perm"] for f in with_ban] == ["ban_members"]
