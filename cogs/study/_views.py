"""The study panel's persistent buttons (dynamic custom_ids ``study:<action>:<room id>``).

**Ik doe mee**, **Vraag hulp**, **Uit de rij** (leave the queue) and the host's **Volgende** (take the next).
Every decision (and who may press *Volgende*) is the service's; this only answers ephemerally.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.adapters.components import Guarded, HappyView
from bot.adapters.context import runtime_of
from bot.adapters.people import person
from bot.adapters.replies import reply
from bot.domain.study import StudyRefused
from bot.services.study import Answer, Button, StudyService

log = logging.getLogger("happymood.study")

TEMPLATE = r"study:(?P<action>join|help|leave|next):(?P<ref>[0-9]+)"
STYLE = {
    "join": (discord.ButtonStyle.success, "🙋"),
    "help": (discord.ButtonStyle.primary, "✋"),
    "leave": (discord.ButtonStyle.secondary, "↩️"),
    "next": (discord.ButtonStyle.secondary, "➡️"),
}


def _service(interaction: discord.Interaction[Any]) -> StudyService:
    service = runtime_of(interaction).services.study
    assert service is not None, "its views and commands exist only when the study cog is loaded"
    return service


async def answer(interaction: discord.Interaction[Any], found: Answer) -> None:
    """The ephemeral answer in the member's language."""
    await reply(runtime_of(interaction), interaction, found.key, **found.params)


class StudyButton(Guarded, discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, action: str, ref: int, label: str = "") -> None:
        style, emoji = STYLE[action]
        super().__init__(
            discord.ui.Button(label=label or None, style=style, emoji=emoji, custom_id=f"study:{action}:{ref}")
        )
        self.action, self.ref = action, ref

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StudyButton:
        return cls(match["action"], int(match["ref"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None:
            return
        service, gid, uid = _service(interaction), interaction.guild_id, interaction.user.id
        try:
            if self.action == "join":
                found = await service.join(gid, self.ref, uid)
            elif self.action == "help":
                found = await service.ask_help(gid, self.ref, uid)
            elif self.action == "leave":
                found = await service.leave_queue(gid, self.ref, uid)
            else:
                await interaction.response.defer(ephemeral=True, thinking=True)
                found = await service.take_next(gid, self.ref, person(interaction.user))
        except StudyRefused as refused:
            found = Answer(refused.key, refused.params)
        await answer(interaction, found)


def view_for(buttons: Sequence[Button], labels: dict[str, str]) -> discord.ui.View:
    """The view to send (a stand-in: the registered dynamic items answer the clicks)."""
    view = HappyView(timeout=None)
    for button in buttons:
        view.add_item(StudyButton(button.kind, button.ref, labels.get(button.kind, "")))
    return view


def register(bot: discord.Client) -> None:
    bot.add_dynamic_items(StudyButton)
