"""The desk's persistent buttons (fixed custom_ids, ``timeout=None``, registered at start-up) and replies."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.adapters.checks import member_may
from bot.adapters.components import Guarded, HappyView
from bot.adapters.context import runtime_of
from bot.adapters.replies import NO_PINGS, interaction_lang
from bot.domain.desk import Msg
from bot.services.desk import Button, DeskService

log = logging.getLogger("happymood.desk")

TALK_ID = "desk:talk"
STOP_ID = "desk:stop"
SEND_NOW_TEMPLATE = r"desk:now:(?P<held>[0-9]+)"


def desk(interaction: discord.Interaction[Any]) -> DeskService:
    service = runtime_of(interaction).services.desk
    assert service is not None, "its views and commands exist only when the desk cog is loaded"
    return service


async def respond(interaction: discord.Interaction[Any], chunks: Sequence[str]) -> None:
    """Ephemeral answer in one or more messages (the first as the response, the rest as follow-ups)."""
    for chunk in chunks or ["…"]:
        if interaction.response.is_done():
            await interaction.followup.send(chunk, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(chunk, ephemeral=True, allowed_mentions=NO_PINGS)


async def respond_youth(interaction: discord.Interaction[Any], *messages: Msg) -> None:
    """What a youth reads: Dutch first, then English."""
    await respond(interaction, desk(interaction).core.text.youth(*messages))


async def respond_staff(interaction: discord.Interaction[Any], *messages: Msg) -> None:
    """What the team reads: the interaction's language (else the guild's)."""
    service = desk(interaction)
    lang = await interaction_lang(service.core.shared, interaction)
    await respond(interaction, ["\n".join(service.core.text.staff(m, lang) for m in messages)[:2000]])


class TalkView(HappyView):
    """ "Praat met ons": opens a private conversation with the team (in the welcome post or a DM)."""

    def __init__(self, label: str = "Praat met ons") -> None:
        super().__init__(timeout=None)
        self.talk.label = label

    @discord.ui.button(label="Praat met ons", style=discord.ButtonStyle.success, emoji="💬", custom_id=TALK_ID)
    async def talk(self, interaction: discord.Interaction[Any], _button: discord.ui.Button[TalkView]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await desk(interaction).youth.on_talk(interaction.user.id, interaction.guild_id)
        await respond_youth(interaction, answer)


class StopView(HappyView):
    """Under the youth's DM: end the conversation with the team."""

    def __init__(self, label: str = "Gesprek beëindigen") -> None:
        super().__init__(timeout=None)
        self.stop_button.label = label

    @discord.ui.button(label="Gesprek beëindigen", style=discord.ButtonStyle.secondary, custom_id=STOP_ID)
    async def stop_button(self, interaction: discord.Interaction[Any], _button: discord.ui.Button[StopView]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await respond_youth(interaction, await desk(interaction).youth.stop(interaction.user.id))


class SendNowButton(Guarded, discord.ui.DynamicItem[discord.ui.Button[Any]], template=SEND_NOW_TEMPLATE):
    """Under a held-reply notice: deliver it now as urgent (staff only, checked here; logged, no content)."""

    def __init__(self, held_id: int, label: str = "Nu versturen — dringend") -> None:
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.danger, custom_id=f"desk:now:{held_id}")
        )
        self.held_id = held_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SendNowButton:
        return cls(int(match["held"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        service = desk(interaction)
        if not await member_may(interaction, "staff"):
            lang = await interaction_lang(service.core.shared, interaction)
            await respond(interaction, [service.core.shared.i18n.t("errors.not_allowed.staff", lang)])
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        await respond_staff(interaction, await service.staff.send_now([self.held_id], interaction.user.id))


def build_view(button: Button) -> discord.ui.View:
    """The view to send under a message for a port :class:`Button`."""
    if button.kind == "talk":
        return TalkView(button.label or "Praat met ons")
    if button.kind == "stop":
        return StopView(button.label or "Gesprek beëindigen")
    view = HappyView(timeout=None)
    assert button.held_id is not None
    view.add_item(SendNowButton(button.held_id, button.label or "Nu versturen — dringend"))
    return view


def register(bot: discord.Client) -> None:
    """Make the buttons work after a restart (persistent views and the dynamic send-now item)."""
    bot.add_view(TalkView())
    bot.add_view(StopView())
    bot.add_dynamic_items(SendNowButton)
