"""Slash commands, buttons and modals through discord.py's app_commands and ui, end to end."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from sandbox import connected, wait_for
from tests.sandbox.support import World, make_client

desk = app_commands.Group(name="desk", description="Contact desk")
case = app_commands.Group(name="case", description="Cases", parent=desk)


@desk.command(name="open", description="Open the desk")
@app_commands.describe(topic="What about", urgent="Urgent?", youth="Who", hours="For how long")
async def desk_open(
    interaction: discord.Interaction, topic: str, youth: discord.Member, urgent: bool = False, hours: int = 1
) -> None:
    await interaction.response.send_message(
        f"{topic}|{youth.id}|{urgent}|{hours}|{interaction.locale.value}", ephemeral=True
    )


@case.command(name="close", description="Close a case")
async def case_close(interaction: discord.Interaction, number: int) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    await interaction.followup.send(f"closed {number}", ephemeral=True)
    await interaction.edit_original_response(content=f"case {number} gesloten")


class Panel(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Praat met ons", custom_id="panel:talk", style=discord.ButtonStyle.primary)
    async def talk(self, interaction: discord.Interaction, button: discord.ui.Button[Panel]) -> None:
        await interaction.response.send_modal(TalkModal())


class TalkModal(discord.ui.Modal, title="Waarover wil je praten?"):
    about: discord.ui.TextInput[TalkModal] = discord.ui.TextInput(label="Onderwerp", custom_id="talk:about")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"bedankt: {self.about.value}", ephemeral=True)


class DeskBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=make_client().intents, guild_ready_timeout=0.05)
        self.tree.add_command(desk)

    async def setup_hook(self) -> None:
        self.add_view(Panel())


async def test_slash_command_group_subcommand_options(world: World) -> None:
    sb = world.sb
    bot = DeskBot()
    async with connected(sb, bot, world.bot.token):
        synced = await bot.tree.sync()
        assert [c.name for c in synced] == ["desk"]
        assert synced[0].id == int(next(iter(world.bot.global_commands.values()))["id"])
        interaction = await sb.run_slash_command(
            world.guild,
            world.general,
            world.alice,
            "desk",
            subcommand="open",
            options={"topic": "school", "youth": world.bob, "urgent": True},
        )
        response = await interaction.wait_response()
    assert response["type"] == 4
    assert response["data"]["flags"] == 64
    assert response["data"]["content"] == f"school|{world.bob}|True|1|nl"
    assert interaction.ephemeral
    assert sb.channel_messages(world.general) == []


async def test_deferred_subcommand_group_with_followup_and_edit(world: World) -> None:
    sb = world.sb
    bot = DeskBot()
    async with connected(sb, bot, world.bot.token):
        await bot.tree.sync()
        interaction = await sb.run_slash_command(
            world.guild, world.general, world.alice, "desk", group="case", subcommand="close", options={"number": 7}
        )
        assert (await interaction.wait_response())["type"] == 5
        followup = await interaction.wait_followup()
        edit = await interaction.wait_edit()
    assert followup["content"] == "closed 7"
    assert followup["flags"] & 64
    assert edit["content"] == "case 7 gesloten"
    original = sb.message_index[interaction.original_message_id or 0]
    assert original.content == "case 7 gesloten" and original.ephemeral


async def test_persistent_button_opens_modal_and_submit_reaches_bot(world: World) -> None:
    sb = world.sb
    panel = Panel()
    panel_id = sb.seed_bot_message(world.general, world.bot, "Contactpunt", components=panel.to_components())
    bot = DeskBot()
    async with connected(sb, bot, world.bot.token):
        click = await sb.click_button(panel_id, "panel:talk", world.alice)
        modal = await click.wait_response()
        assert modal["type"] == 9
        assert modal["data"]["custom_id"]
        submitted = await sb.submit_modal(click, {"talk:about": "thuis"})
        answer = await submitted.wait_response()
    assert answer["data"]["content"] == "bedankt: thuis"
    assert answer["data"]["flags"] == 64


async def test_late_interaction_answer_is_refused(world: World) -> None:
    sb = world.sb
    sb.interaction_deadline = 0.05
    client = make_client()
    tree = app_commands.CommandTree(client)
    errors: list[Exception] = []

    @tree.command(name="slow", description="Too slow")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.1)
        try:
            await interaction.response.send_message("te laat")
        except discord.NotFound as exc:
            errors.append(exc)

    async with connected(sb, client, world.bot.token):
        await sb.run_slash_command(world.guild, world.general, world.alice, "slow")
        await wait_for(lambda: errors)
    assert isinstance(errors[0], discord.NotFound) and errors[0].code == 10062


async def test_command_names_are_validated_on_sync(world: World) -> None:
    sb = world.sb
    client = make_client()
    tree = app_commands.CommandTree(client)

    @tree.command(name="hulp", description="x" * 100)
    async def hulp(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok")

    async with connected(sb, client, world.bot.token):
        await tree.sync()
        rec = sb.requests_to("PUT /applications/{application_id}/commands")[-1]
        rec.json[0]["description_localizations"] = {"nl-BE": "fout"}
        with pytest.raises(discord.HTTPException) as caught:
            await client.http.bulk_upsert_global_commands(world.bot.application_id, rec.json)
    assert caught.value.status == 400
    assert [c["name"] for c in world.bot.global_commands.values()] == ["hulp"]


async def test_autocomplete_choices(world: World) -> None:
    sb = world.sb
    client = make_client()
    tree = app_commands.CommandTree(client)

    async def zones(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = ["Europe/Brussels", "Europe/Amsterdam", "America/New_York"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    @tree.command(name="tijdzone", description="Kies een tijdzone")
    @app_commands.autocomplete(zone=zones)
    async def tijdzone(interaction: discord.Interaction, zone: str) -> None:
        await interaction.response.send_message(zone)

    async with connected(sb, client, world.bot.token):
        await tree.sync()
        typing = await sb.run_autocomplete(
            world.guild, world.general, world.alice, "tijdzone", focused="zone", options={"zone": "Europe/"}
        )
        answer = await typing.wait_response()
    assert answer["type"] == 8
    assert [c["value"] for c in answer["data"]["choices"]] == ["Europe/Brussels", "Europe/Amsterdam"]
