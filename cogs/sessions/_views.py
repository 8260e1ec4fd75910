"""Persistent **Volg** / **Niet meer volgen** buttons under a session's announcement (dynamic custom_ids)."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.adapters.replies import NO_PINGS
from bot.services.sessions import SessionsService

log = logging.getLogger("happymood.sessions")

FOLLOW_TEMPLATE = r"sessions:(?P<action>follow|unfollow):(?P<session>[0-9]+)"


def _service(interaction: discord.Interaction[Any]) -> SessionsService:
    return interaction.client.runtime.services["sessions"]  # type: ignore[attr-defined, no-any-return]


class FollowButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=FOLLOW_TEMPLATE):
    def __init__(self, session_id: int, on: bool, label: str) -> None:
        action = "follow" if on else "unfollow"
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary if on else discord.ButtonStyle.secondary,
                emoji="🔔" if on else "🔕",
                custom_id=f"sessions:{action}:{session_id}",
            )
        )
        self.session_id, self.on = session_id, on

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FollowButton:
        return cls(int(match["session"]), match["action"] == "follow", "")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None:
            return
        answer = await _service(interaction).follow(interaction.guild_id, self.session_id, interaction.user.id, self.on)
        await interaction.response.send_message(answer, ephemeral=True, allowed_mentions=NO_PINGS)


def follow_view(session_id: int, follow_label: str, unfollow_label: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(FollowButton(session_id, True, follow_label))
    view.add_item(FollowButton(session_id, False, unfollow_label))
    return view


def register(bot: discord.Client) -> None:
    bot.add_dynamic_items(FollowButton)
