"""Persistent session buttons (dynamic custom_ids ``sessions:<action>:<id>``) and the anonymous-question modal.

Follow / stop following (announcement), ask anonymously (room), three faces (after the session), and the
team's Approve / Reject under a question (staff only, checked here). The desk's "Praat met ons" button is
the desk's own (same custom_id, handled by the desk).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.adapters.checks import member_may
from bot.adapters.components import Guarded, HappyModal, HappyView, say
from bot.adapters.context import runtime_of
from bot.adapters.replies import escape, interaction_lang
from bot.services.sessions import SessionsService
from bot.services.sessions.port import Button

log = logging.getLogger("happymood.sessions")

TALK_ID = "desk:talk"
"""The desk's persistent "Praat met ons" button (cogs/desk/_views.py); only this custom_id is shared."""
ACTIONS = "follow|unfollow|ask|vote_good|vote_ok|vote_bad|approve|reject"
TEMPLATE = rf"sessions:(?P<action>{ACTIONS}):(?P<ref>[0-9]+)"
STYLE = {
    "follow": (discord.ButtonStyle.primary, "🔔"),
    "unfollow": (discord.ButtonStyle.secondary, "🔕"),
    "ask": (discord.ButtonStyle.primary, "❓"),
    "vote_good": (discord.ButtonStyle.secondary, "😀"),
    "vote_ok": (discord.ButtonStyle.secondary, "😐"),
    "vote_bad": (discord.ButtonStyle.secondary, "🙁"),
    "approve": (discord.ButtonStyle.success, "✅"),
    "reject": (discord.ButtonStyle.danger, "✖️"),
}


def _service(interaction: discord.Interaction[Any]) -> SessionsService:
    service = runtime_of(interaction).services.sessions
    assert service is not None, "its views and commands exist only when the sessions cog is loaded"
    return service


class AskModal(HappyModal):
    def __init__(self, session_id: int, title: str, label: str) -> None:
        super().__init__(title=title[:45], timeout=900, custom_id=f"sessions:askmodal:{session_id}")
        self.session_id = session_id
        self.question: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
            label=label[:45], style=discord.TextStyle.paragraph, max_length=500, custom_id="question"
        )
        self.add_item(self.question)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None:
            return
        answer = await _service(interaction).tools.ask(
            interaction.guild_id, self.session_id, interaction.user.id, escape(str(self.question.value))
        )
        await say(interaction, answer)


class SessionButton(Guarded, discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, action: str, ref: int, label: str = "") -> None:
        style, emoji = STYLE[action]
        super().__init__(
            discord.ui.Button(label=label or None, style=style, emoji=emoji, custom_id=f"sessions:{action}:{ref}")
        )
        self.action, self.ref = action, ref

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SessionButton:
        return cls(match["action"], int(match["ref"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        guild, user = interaction.guild, interaction.user
        if guild is None:
            return
        service = _service(interaction)
        if self.action in ("follow", "unfollow"):
            await say(interaction, await service.follow(guild.id, self.ref, user.id, self.action == "follow"))
        elif self.action == "ask":
            i18n = service.text.i18n
            await interaction.response.send_modal(
                AskModal(self.ref, i18n.t("sessions.ask.title", "nl"), i18n.t("sessions.ask.label", "nl"))
            )
        elif self.action.startswith("vote_"):
            roles = {r.id for r in getattr(user, "roles", [])}
            perms = getattr(user, "guild_permissions", None)
            is_admin = bool(perms and perms.administrator) or user.id == guild.owner_id
            await say(interaction, await service.tools.vote(guild.id, self.ref, user.id, roles, is_admin, self.action))
        else:
            lang = await interaction_lang(runtime_of(interaction), interaction)
            if not await member_may(interaction, "staff"):
                await say(interaction, service.text.i18n.t("errors.not_allowed.staff", lang))
                return
            await interaction.response.defer(ephemeral=True, thinking=True)
            key = await service.tools.decide(guild.id, self.ref, self.action == "approve", escape(user.display_name))
            await say(interaction, service.text.i18n.t(key, lang))


def view_for(buttons: tuple[Button, ...] | list[Button], labels: dict[str, str]) -> discord.ui.View:
    """The view to send for port :class:`Button` s (a stand-in: the registered items answer the clicks)."""
    view = HappyView(timeout=None)
    for button in buttons:
        if button.kind == "talk":
            view.add_item(
                discord.ui.Button(
                    label=labels["talk"], style=discord.ButtonStyle.success, emoji="💬", custom_id=TALK_ID
                )
            )
        else:
            view.add_item(SessionButton(button.kind, button.ref, labels.get(button.kind, "")))
    return view


def register(bot: discord.Client) -> None:
    bot.add_dynamic_items(SessionButton)
