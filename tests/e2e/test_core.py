"""The foundation end to end: /setup over INTERACTION_CREATE, persistence across restarts, refusals."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import discord
import pytest

from bot.app import discover_extensions
from bot.demo.world import World
from bot.runtime import Runtime
from bot.scheduling import Job
from tests.support.checks import present

EPHEMERAL = 64


async def test_admin_sets_mod_log_and_it_survives_a_restart(bare_world: World) -> None:
    w = bare_world
    i = await w.sandbox.run_slash_command(
        w.guild_id,
        w.channels["general"],
        w.users["owner"],
        "setup",
        subcommand="kanaal",
        options={"functie": "mod_log", "kanaal": w.channels["mod_log"]},
        locale="nl",
    )
    body = await i.wait_response()
    assert body["data"]["flags"] & EPHEMERAL
    assert "Opgeslagen" in body["data"]["content"]
    assert body["data"]["allowed_mentions"] == {"parse": []}

    await w.restart()
    assert w.runtime is not None
    assert (await w.runtime.guild_config(w.guild_id)).channels.mod_log == w.channels["mod_log"]
    shown = await (await w.slash("owner", "setup", subcommand="toon", locale="en-US")).wait_response()
    assert f"<#{w.channels['mod_log']}>" in shown["data"]["content"]
    assert "Settings of this server" in shown["data"]["content"]


async def test_non_admin_is_refused_in_their_language_and_nothing_changes(bare_world: World) -> None:
    w = bare_world
    before = len(w.sandbox.requests)
    for locale, text in (("nl", "Dit mag enkel een beheerder"), ("en-GB", "Only an administrator")):
        i = await w.slash(
            "youth1",
            "setup",
            subcommand="kanaal",
            options={"functie": "mod_log", "kanaal": w.channels["general"]},
            locale=locale,
        )
        body = await i.wait_response()
        assert body["data"]["flags"] & EPHEMERAL
        assert text in body["data"]["content"]
    assert w.runtime is not None
    assert (await w.runtime.guild_config(w.guild_id)).channels.mod_log is None
    # Only the two interaction callbacks reached the API: no settings message, no channel edit.
    routes = {r.route for r in w.sandbox.requests[before:]}
    assert routes == {"POST /interactions/{interaction_id}/{token}/callback"}


async def test_coordinator_role_may_configure_but_moderator_may_not(world: World) -> None:
    ok = await (await world.slash("lien", "setup", subcommand="taal", options={"taal": "en"})).wait_response()
    assert "Opgeslagen" in ok["data"]["content"]
    no = await (await world.slash("noor", "setup", subcommand="taal", options={"taal": "nl"})).wait_response()
    assert "enkel een beheerder of de coördinator" in no["data"]["content"]


async def test_bad_input_gets_a_localized_error_and_changes_nothing(world: World) -> None:
    i = await world.slash("owner", "setup", subcommand="tijdzone", options={"zone": "Mars/Olympus"})
    body = await i.wait_response()
    assert body["data"]["flags"] & EPHEMERAL
    assert "Mars/Olympus" in body["data"]["content"] and "niets veranderd" in body["data"]["content"]
    i = await world.slash(
        "owner",
        "setup",
        subcommand="kanaal",
        options={"functie": "safe_space_category", "kanaal": world.channels["chill"]},
    )
    body = await i.wait_response()
    assert "categorie" in body["data"]["content"]
    assert world.runtime is not None
    cfg = await world.runtime.guild_config(world.guild_id)
    assert cfg.timezone is None and cfg.channels.safe_space_category == world.channels["safe_space_category"]


async def test_scheduled_action_runs_exactly_once_after_a_kill_and_late_restart(world: World) -> None:
    ran: list[Job] = []

    async def handler(job: Job) -> None:
        ran.append(job)

    def register(runtime: Runtime) -> None:
        runtime.scheduler.register("test.ping", handler)

    assert world.runtime is not None
    register(world.runtime)
    world.runtime_hooks.append(register)  # the restarted process knows the handler too
    await world.runtime.scheduler.schedule("test.ping", world.clock.now() + timedelta(hours=1), key="ping")
    await world.kill_bot()
    await world.clock.advance(timedelta(hours=3))
    assert ran == []

    await world.start_bot()
    assert [j.key for j in ran] == ["ping"]
    await world.clock.advance(timedelta(hours=1))
    assert len(ran) == 1


async def test_permission_audit_reports_missing_permissions_to_the_mod_log(world: World) -> None:
    ok = await (await world.slash("owner", "setup", subcommand="check")).wait_response()
    assert ok["data"]["content"].startswith("✅")
    guild = world.sandbox.guilds[world.guild_id]
    role = guild.roles[world.roles["bot"]]
    role.permissions &= ~(1 << 40)  # an administrator takes MODERATE_MEMBERS away
    world.sandbox.dispatch_role("GUILD_ROLE_UPDATE", guild, role)
    await world.until(lambda: not present(world.bot.get_guild(world.guild_id)).me.guild_permissions.moderate_members)
    i = await world.slash("owner", "setup", subcommand="check")
    body = await i.wait_response()
    assert "**Leden een time-out geven**" in body["data"]["content"]  # Discord's own name, not the flag
    assert "moderate_members" not in body["data"]["content"]
    assert "anti-spam" in body["data"]["content"]
    english = await (await world.slash("owner", "setup", subcommand="check", locale="en-US")).wait_response()
    assert "**Timeout Members**" in english["data"]["content"]


async def test_commands_are_synced_with_dutch_and_english_descriptions(world: World) -> None:
    [sync] = world.sandbox.requests_to("PUT /applications/{application_id}/commands")[-1:]
    setup = next(cmd for cmd in sync.json if cmd["name"] == "setup")
    assert setup["description_localizations"]["nl"] == "Stel Happy Mood in voor deze server"
    assert setup["description_localizations"]["en-US"] == "Set up Happy Mood for this server"
    sub = next(opt for opt in setup["options"] if opt["name"] == "kanaal")
    assert sub["description_localizations"]["nl"] == "Koppel een functie aan een kanaal"
    functie = next(opt for opt in sub["options"] if opt["name"] == "functie")
    choice = next(c for c in functie["choices"] if c["value"] == "mod_log")
    assert choice["name_localizations"] == {"nl": "modlog", "en-US": "mod log", "en-GB": "mod log"}


#: Every top-level command must be classified here, so a new one cannot slip into the menu unclassified.
#: Staff commands: the permission a member needs to see it in the menu (administrators can widen it per role in
#: Server Settings → Integrations); the server checks the member's role on every use anyway.
STAFF_COMMANDS: dict[str, discord.Permissions] = {
    "setup": discord.Permissions(manage_guild=True),
    "antispam": discord.Permissions(manage_guild=True),
    "stats": discord.Permissions(manage_guild=True),
    "lockdown": discord.Permissions(moderate_members=True),
    "desk": discord.Permissions(manage_threads=True),
    "doorverwijzen": discord.Permissions(manage_threads=True),
    "moment": discord.Permissions(manage_events=True),
    "safespace": discord.Permissions(manage_events=True),
}
#: Public commands: everyone sees them (``/studie`` too: peer supporters are youths with a role, not a permission).
PUBLIC_COMMANDS = {"over", "uren", "hulp", "privacy", "vergeet-mij", "leeftijd", "mijngegevens", "checkin", "studie"}
ENGLISH = ("en-US", "en-GB")
NAME = re.compile(r"^[-_\w]{1,32}$")  # Discord's rule; \w covers letters and digits of every script


def _synced(world: World) -> list[dict[str, Any]]:
    [sync] = world.sandbox.requests_to("PUT /applications/{application_id}/commands")[-1:]
    return list(sync.json)


async def test_every_synced_command_is_classified_and_only_staff_commands_are_hidden(world: World) -> None:
    commands = {cmd["name"]: cmd for cmd in _synced(world)}
    unclassified = sorted(set(commands) - set(STAFF_COMMANDS) - PUBLIC_COMMANDS)
    assert unclassified == [], f"classify these in STAFF_COMMANDS or PUBLIC_COMMANDS: {unclassified}"
    assert sorted(set(STAFF_COMMANDS) - set(commands)) == []
    for name, needed in STAFF_COMMANDS.items():
        assert int(commands[name]["default_member_permissions"] or 0) == needed.value, name  # a string or an int
    for name in PUBLIC_COMMANDS & set(commands):
        assert commands[name].get("default_member_permissions") is None, name


async def test_every_dutch_name_has_an_english_localization(world: World) -> None:
    """Commands, subcommands, options and choices: Dutch by default, English for en-US and en-GB, valid for Discord."""
    missing: list[str] = []

    def check_level(path: str, items: list[dict[str, Any]]) -> None:
        for locale in ("default", "nl", *ENGLISH):
            names = [(item.get("name_localizations") or {}).get(locale, item["name"]) for item in items]
            assert len(names) == len(set(names)), f"{path}: names not unique in {locale}: {names}"
        for item in items:
            where = f"{path} {item['name']}".strip()
            localized = item.get("name_localizations") or {}
            assert NAME.match(item["name"]) and item["name"] == item["name"].lower(), where
            assert localized.get("nl", item["name"]) == item["name"], f"{where}: the Dutch name is the default"
            for locale in ENGLISH:
                if locale not in localized:
                    missing.append(f"{where} ({locale})")
                elif not (NAME.match(localized[locale]) and localized[locale] == localized[locale].lower()):
                    missing.append(f"{where} ({locale}): {localized[locale]!r} is not a valid name")
            options = item.get("options") or []
            if options:
                check_level(where, options)
            for choice in item.get("choices") or []:
                given = choice.get("name_localizations") or {}
                missing.extend(f"{where} choice {choice['value']} ({loc})" for loc in ENGLISH if loc not in given)

    check_level("", _synced(world))
    assert missing == [], "\n".join(missing)


async def test_joining_a_server_posts_the_audit_before_any_setup(world: World) -> None:
    """A new server that gave the bot too few rights hears at once what to change, in its system channel."""
    sb = world.sandbox
    guild_id = sb.create_guild("Tweede server", owner_id=world.users["owner"])
    too_few = discord.Permissions(view_channel=True, send_messages=True, embed_links=True, read_message_history=True)
    await sb.add_bot_to_guild(guild_id, world.app, permissions=too_few.value)
    system = sb.guilds[guild_id].system_channel_id
    assert system is not None
    await world.until(lambda: sb.channel_messages(system))
    [report] = sb.channel_messages(system)
    assert report.content.startswith("⚠️ **Permissiecontrole**")
    for missing in ("Leden een time-out geven", "Berichten beheren", "Rollen beheren", "Server beheren"):
        assert f"**{missing}**" in report.content  # Discord's own names, not the flags
    assert "manage_guild" not in report.content
    assert report.allowed_mentions == {"parse": []}


@pytest.mark.parametrize("zone", ["🕒" * 50, "Europe/" + "x" * 300, "../../etc/passwd"])
async def test_a_hostile_time_zone_gets_the_localized_error_not_a_crash(world: World, zone: str) -> None:
    body = await (await world.slash("owner", "setup", subcommand="tijdzone", options={"zone": zone})).wait_response()
    assert body["data"]["flags"] & EPHEMERAL and "niets veranderd" in body["data"]["content"]
    assert world.runtime is not None and (await world.runtime.guild_config(world.guild_id)).timezone is None
    assert world.sandbox.internal_errors == []


async def test_a_command_whose_data_is_out_of_reach_answers_in_time_that_it_is_unavailable(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert world.runtime is not None

    @contextlib.asynccontextmanager
    async def hanging() -> AsyncIterator[Any]:
        await asyncio.sleep(3600)  # the database does not answer
        yield None

    monkeypatch.setattr(world.runtime.db, "session", hanging)
    loop = asyncio.get_running_loop()
    started = loop.time()
    body = await (await world.slash("noor", "lockdown", subcommand="status")).wait_response()
    assert loop.time() - started < 3.0  # within Discord's deadline
    assert body["data"]["flags"] & EPHEMERAL and "tijdelijk niet beschikbaar" in body["data"]["content"]


async def test_a_deleted_channel_given_to_setup_kanaal_names_the_option_and_changes_nothing(world: World) -> None:
    assert world.runtime is not None
    before = await world.runtime.guild_config(world.guild_id)
    gone = world.sandbox.channels[world.channels["chill"]]
    await world.sandbox.delete_channel(gone)
    await world.sandbox.flush()
    i = await world.slash("owner", "setup", subcommand="kanaal", options={"functie": "mod_log", "kanaal": gone.id})
    body = await i.wait_response()
    assert body["data"]["flags"] & EPHEMERAL and "niets veranderd" in body["data"]["content"]
    assert "**kanaal**" in body["data"]["content"]  # the option is named
    assert await world.runtime.guild_config(world.guild_id) == before


async def test_every_cog_loads_and_command_names_are_unique(world: World) -> None:
    """A feature's cog that fails to load, or two features claiming one name, must fail here and not in production."""
    assert world.bot is not None
    assert sorted(world.bot.extensions) == sorted(discover_extensions())
    [sync] = world.sandbox.requests_to("PUT /applications/{application_id}/commands")[-1:]
    names = [cmd["name"] for cmd in sync.json]
    assert len(names) == len(set(names)), names

    def unique_below(options: list[dict[str, Any]]) -> None:
        below = [o["name"] for o in options if o.get("type") in (1, 2)]
        assert len(below) == len(set(below)), below
        for option in options:
            unique_below(option.get("options", []))

    for command in sync.json:
        unique_below(command.get("options", []))


async def test_every_feature_is_built_and_wired_in_one_place(world: World) -> None:
    """The composition root: each cog set its typed service, and bot.wiring joined them once."""
    assert world.runtime is not None
    services = world.runtime.services
    assert services.loaded() == ["ledger", "desk", "antispam", "sessions", "study", "checkins"]
    ledger = services.ledger
    assert ledger.forget_registry.names == ["checkins", "desk", "sessions", "study"]
    assert services.checkins is not None and services.desk is not None and services.antispam is not None
    assert list(services.desk.core.stop_hooks) == ["checkins"]
    assert services.antispam.not_a_youth == ledger.discard_newcomer
    await world.restart()  # a new process wires again, exactly once
    assert world.runtime.services.ledger.forget_registry.names == ["checkins", "desk", "sessions", "study"]
    assert world.runtime.services.desk is not None and list(world.runtime.services.desk.core.stop_hooks) == ["checkins"]
