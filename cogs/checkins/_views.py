"""Persistent check-in buttons (``checkins:<action>:<ref>``, ref = consent row or proposal id), the modal to
edit a check-in before it goes out, and the colleague picker behind **Overdragen**."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.adapters.components import Guarded, HappyModal, HappyView
from bot.adapters.context import runtime_of
from bot.adapters.replies import NO_PINGS, interaction_lang
from bot.domain.checkins import CheckinRefused
from bot.services.checkins import Answer, Button, CheckinsService

log = logging.getLogger("happymood.checkins")

ACTIONS = "yes|no|stop|send|postpone|handover|release"
TEMPLATE = rf"checkins:(?P<action>{ACTIONS}):(?P<ref>[0-9]+)"
HANDOVER_TEMPLATE = r"checkins:to:(?P<ref>[0-9]+)"
YOUTH_ACTIONS = ("yes", "no", "stop")
STYLE = {
    "yes": discord.ButtonStyle.success,
    "no": discord.ButtonStyle.secondary,
    "stop": discord.ButtonStyle.secondary,
    "send": discord.ButtonStyle.primary,
    "postpone": discord.ButtonStyle.secondary,
    "handover": discord.ButtonStyle.secondary,
    "release": discord.ButtonStyle.danger,
}


def service_of(interaction: discord.Interaction[Any]) -> CheckinsService:
    service = runtime_of(interaction).services.checkins
    assert service is not None, "its views and commands exist only when the checkins cog is loaded"
    return service


def label(service: CheckinsService, action: str) -> str:
    """Youths read both languages on their buttons; the team's buttons carry the Dutch names of the issue."""
    key = f"checkins.button.{action}"
    if action in YOUTH_ACTIONS:
        nl, en = service.i18n.t(key, "nl"), service.i18n.t(key, "en")
        return (nl if nl == en else f"{nl} · {en}")[:80]
    return service.i18n.t(key, "nl")[:80]


async def say(interaction: discord.Interaction[Any], text: str) -> None:
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)


async def tell(interaction: discord.Interaction[Any], result: Answer | CheckinRefused, *, youth: bool) -> None:
    """A youth reads Dutch then English; the team its own language."""
    service = service_of(interaction)
    if youth:
        await say(interaction, service.youth_text(result.key, **result.params))
        return
    lang = await interaction_lang(runtime_of(interaction), interaction)
    await say(interaction, service.i18n.t(result.key, lang, **result.params))


class CheckinModal(HappyModal):
    """**Check-in sturen**: the warm default text, editable before it goes out."""

    def __init__(self, row_id: int, service: CheckinsService) -> None:
        super().__init__(title=service.i18n.t("checkins.modal.title", "nl")[:45], timeout=900)
        self.row_id = row_id
        self.text: discord.ui.TextInput[CheckinModal] = discord.ui.TextInput(
            label=service.i18n.t("checkins.modal.label", "nl")[:45],
            style=discord.TextStyle.paragraph,
            default=service.default_checkin()[:2000],
            max_length=2000,
            custom_id="text",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            result: Answer | CheckinRefused = await service_of(interaction).send(
                self.row_id, interaction.user.id, str(self.text.value)
            )
        except CheckinRefused as refused:
            result = refused
        await tell(interaction, result, youth=False)


class HandoverSelect(Guarded, discord.ui.DynamicItem[discord.ui.UserSelect[Any]], template=HANDOVER_TEMPLATE):
    """Pick the colleague who takes over (checked to be staff by the service)."""

    def __init__(self, row_id: int, placeholder: str = "") -> None:
        super().__init__(
            discord.ui.UserSelect(
                custom_id=f"checkins:to:{row_id}", placeholder=placeholder or None, min_values=1, max_values=1
            )
        )
        self.row_id = row_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> HandoverSelect:
        return cls(int(match["ref"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        values: list[str] = list(data.get("values") or [])
        if not values:
            return
        try:
            result: Answer | CheckinRefused = await service_of(interaction).hand_over(
                self.row_id, interaction.user.id, int(values[0])
            )
        except CheckinRefused as refused:
            result = refused
        await tell(interaction, result, youth=False)


class CheckinButton(Guarded, discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, action: str, ref: int, text: str = "") -> None:
        super().__init__(
            discord.ui.Button(label=text or action, style=STYLE[action], custom_id=f"checkins:{action}:{ref}")
        )
        self.action, self.ref = action, ref

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CheckinButton:
        return cls(match["action"], int(match["ref"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        service, user = service_of(interaction), interaction.user.id
        if self.action == "send":
            await interaction.response.send_modal(CheckinModal(self.ref, service))
            return
        if self.action == "handover":
            view = HappyView(timeout=None)
            view.add_item(HandoverSelect(self.ref, service.i18n.t("checkins.handover.placeholder", "nl")))
            lang = await interaction_lang(runtime_of(interaction), interaction)
            await interaction.response.send_message(
                service.i18n.t("checkins.handover.pick", lang), view=view, ephemeral=True, allowed_mentions=NO_PINGS
            )
            view.stop()
            return
        youth = self.action in YOUTH_ACTIONS
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            if self.action in ("yes", "no"):
                result: Answer | CheckinRefused = await service.answer_proposal(self.ref, user, self.action == "yes")
            elif self.action == "stop":
                result = await service.stop_button(self.ref, user)
            elif self.action == "postpone":
                result = await service.postpone(self.ref, user)
            else:
                result = await service.release(self.ref, user)
        except CheckinRefused as refused:
            result = refused
        await tell(interaction, result, youth=youth)


def view_for(buttons: Sequence[Button], service: CheckinsService) -> discord.ui.View:
    """The view to send (a stand-in: the registered dynamic items answer the clicks, also after a restart)."""
    view = HappyView(timeout=None)
    for button in buttons:
        view.add_item(CheckinButton(button.kind, button.ref, label(service, button.kind)))
    return view


def register(bot: discord.Client) -> None:
    bot.add_dynamic_items(CheckinButton, HandoverSelect)
