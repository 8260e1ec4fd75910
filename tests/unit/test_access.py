"""Who counts as moderator, coordinator, staff and youth — before and after a server configures its roles."""

from __future__ import annotations

from bot.domain.guild_config import Access, GuildConfig, GuildRoles

MOD_ROLE, COORD_ROLE, OTHER = 10, 11, 12
BARE = Access(GuildConfig())
SET_UP = Access(GuildConfig(roles=GuildRoles(moderator=MOD_ROLE, coordinator=COORD_ROLE)))


def test_before_setup_discord_permissions_make_moderators_and_coordinators() -> None:
    assert BARE.is_moderator({OTHER}, False, {"moderate_members"})
    assert BARE.is_moderator({OTHER}, False, {"manage_guild"})
    assert not BARE.is_coordinator({OTHER}, False, {"moderate_members"})
    assert BARE.is_coordinator({OTHER}, False, {"manage_guild"})
    assert BARE.can_configure({OTHER}, False, {"manage_guild"})
    assert BARE.is_staff({OTHER}, False, {"moderate_members"})
    assert not BARE.is_youth({OTHER}, False, False, {"moderate_members"})
    assert not BARE.is_moderator({OTHER}, False, ())
    assert BARE.is_youth({OTHER}, False, False, ())


def test_once_roles_are_configured_the_roles_and_administrators_decide() -> None:
    assert not SET_UP.is_moderator({OTHER}, False, {"moderate_members", "manage_guild"})
    assert not SET_UP.is_coordinator({OTHER}, False, {"manage_guild"})
    assert SET_UP.is_moderator({MOD_ROLE}, False)
    assert SET_UP.is_moderator({COORD_ROLE}, False)
    assert SET_UP.is_coordinator({COORD_ROLE}, False) and not SET_UP.is_coordinator({MOD_ROLE}, False)
    assert SET_UP.is_moderator({OTHER}, True) and SET_UP.can_configure({OTHER}, True)


def test_a_configured_moderator_role_alone_keeps_the_coordinator_fallback() -> None:
    only_mods = Access(GuildConfig(roles=GuildRoles(moderator=MOD_ROLE)))
    assert not only_mods.is_moderator({OTHER}, False, {"moderate_members"})
    assert only_mods.is_coordinator({OTHER}, False, {"manage_guild"})
    assert only_mods.is_moderator({OTHER}, False, {"manage_guild"})  # a coordinator is a moderator too
