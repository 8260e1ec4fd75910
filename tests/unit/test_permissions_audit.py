from bot.domain.permissions_audit import Feature, GuildSnapshot, audit

ALL_GUILD = frozenset(
    ["manage_messages", "moderate_members", "read_message_history", "manage_roles", "manage_channels", "manage_guild"]
)
CHAN = frozenset(["view_channel", "send_messages", "embed_links", "read_message_history"])


def snap(**kw):  # type: ignore[no-untyped-def]
    base = dict(
        guild_permissions=ALL_GUILD,
        bot_role_name="Happy Mood",
        bot_top_position=5,
        channels={"mod_log": ("mod-log", CHAN)},
        managed_roles={"youth": ("Jongeren", 2)},
    )
    base.update(kw)
    return GuildSnapshot(**base)


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
