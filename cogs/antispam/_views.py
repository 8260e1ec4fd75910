"""Persistent incident buttons: the custom_id carries the action and the incident row id, so they keep working
after a restart (registered once with ``bot.add_dynamic_items``). Every press is checked server-side."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.adapters.checks import member_may
from bot.adapters.components import Guarded, HappyView
from bot.adapters.replies import interaction_lang, reply
from bot.services.antispam import AntispamService, Blocked

STYLES = {
    "unlock": discord.ButtonStyle.success,
    "keep": discord.ButtonStyle.secondary,
    "ban": discord.ButtonStyle.danger,
    "undo": discord.ButtonStyle.secondary,
}


class IncidentButton(
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"antispam:(?P<action>unlock|keep|ban|undo):(?P<incident>[0-9]{1,19})",
):
    def __init__(self, action: str, incident_id: int, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(label=label or action, style=STYLES[action], custom_id=f"antispam:{action}:{incident_id}")
        )
        self.action, self.incident_id = action, incident_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> IncidentButton:
        return cls(match["action"], int(match["incident"]), getattr(item, "label", None))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        runtime = interaction.client.runtime
        if not await member_may(interaction, "moderator"):
            await reply(runtime, interaction, "errors.not_allowed.moderator")
            return
        service: AntispamService = runtime.services.antispam
        incident = await service.store.incident(self.incident_id)
        if incident is None or incident.guild_id != interaction.guild_id:
            await reply(runtime, interaction, "antispam.button.unknown")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        user = interaction.user.id
        try:
            if self.action == "unlock":
                done = await service.unlock(incident.guild_id, by="moderator", user_id=user, incident_id=incident.id)
                await reply(runtime, interaction, "antispam.button.unlocked" if done else "antispam.button.not_locked")
            elif self.action == "keep":
                kept = await service.keep_locked(incident.id)
                await reply(runtime, interaction, "antispam.button.kept" if kept else "antispam.button.not_locked")
            elif self.action == "ban":
                await reply(
                    runtime, interaction, "antispam.button.banned", count=await service.ban_flagged(incident.id)
                )
            else:
                count = await service.undo_timeouts(incident.id)
                await reply(runtime, interaction, "antispam.button.undone", count=count)
        except Blocked as exc:
            lang = await interaction_lang(runtime, interaction)
            needed = runtime.i18n.permission(exc.permission, lang) if exc.permission else exc.status
            await reply(runtime, interaction, "antispam.button.blocked", permission=needed)


def incident_view(incident_id: int, buttons: Sequence[tuple[str, str]]) -> discord.ui.View:
    """A persistent view (no timeout) with the given (action, label) buttons for one incident."""
    view = HappyView(timeout=None)
    for action, label in buttons:
        view.add_item(IncidentButton(action, incident_id, label))
    return view
