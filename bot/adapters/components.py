"""One answer for every failure: slash commands, buttons, selects and modals end in a localized ephemeral
message, never in Discord's "This interaction failed".

:func:`answer_failure` is the one mapping (the command tree calls it too). Views and modals get it
through :class:`HappyView` / :class:`HappyModal`; a persistent :class:`discord.ui.DynamicItem` gets it by
mixing in :class:`Guarded` (discord.py only logs a dynamic item's errors).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.adapters.context import runtime_of
from bot.adapters.replies import NO_PINGS, escape, reply
from bot.domain.errors import UserFacingError, UserText
from bot.i18n import lang_for

log = logging.getLogger("happymood.interactions")

#: Errors that mean the data behind an answer is out of reach (database away or too slow), not a bug.
UNAVAILABLE = (OSError, TimeoutError, ConnectionError)


def unreachable(error: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError  # the database layer's "could not reach it"

    return isinstance(error, (*UNAVAILABLE, DBAPIError))


async def say(interaction: discord.Interaction[Any], text: str) -> None:
    """An ephemeral answer, as a follow-up when the interaction was answered or deferred already."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)


async def unavailable(interaction: discord.Interaction[Any]) -> None:
    """ "Temporarily unavailable", from the interaction's locale alone: nothing here may wait for storage."""
    runtime = runtime_of(interaction)
    await say(interaction, runtime.i18n.t("errors.unavailable", lang_for(str(interaction.locale))))


def _option_of(interaction: discord.Interaction[Any], error: app_commands.TransformerError) -> str:
    """The name of the option whose value could not be used (for the error message)."""
    data: dict[str, Any] = dict(interaction.data or {})
    options: list[dict[str, Any]] = list(data.get("options", []))
    found: list[dict[str, Any]] = []
    while options:
        option = options.pop(0)
        options.extend(option.get("options", []))
        if option.get("type") == error.type.value:
            found.append(option)
    named = [o for o in found if str(o.get("value")) == str(getattr(error.value, "id", error.value))] or found
    return str(named[0].get("name", "?")) if named else "?"


def echoed(params: dict[str, Any]) -> dict[str, Any]:
    """An error's params as shown: what the person typed (:class:`UserText`) escaped, the rest as it is."""
    return {name: escape(value) if isinstance(value, UserText) else value for name, value in params.items()}


async def answer_failure(interaction: discord.Interaction[Any], error: BaseException, *, what: str) -> None:
    """The one mapping from an exception to what the person reads (``what`` names the source in the log)."""
    runtime = runtime_of(interaction)
    original = getattr(error, "original", error)
    try:
        if unreachable(original):
            log.error("%s could not reach its data", what, exc_info=original)
            await unavailable(interaction)
        elif isinstance(error, app_commands.TransformerError):
            await reply(runtime, interaction, "errors.bad_option", option=_option_of(interaction, error))
        elif isinstance(original, UserFacingError):
            await reply(runtime, interaction, original.key, **echoed(original.params))
        elif isinstance(error, app_commands.NoPrivateMessage):
            await reply(runtime, interaction, "errors.guild_only")
        else:
            log.error("%s failed", what, exc_info=original)
            await reply(runtime, interaction, "errors.unexpected")
    except discord.HTTPException:
        log.warning("could not tell the user that %s failed", what, exc_info=True)


class HappyView(discord.ui.View):
    """A view whose every item failure is answered (see :func:`answer_failure`)."""

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, item: Any, /) -> None:
        await answer_failure(interaction, error, what=f"button {getattr(item, 'custom_id', None) or item!r}")


class HappyModal(discord.ui.Modal):
    """A modal whose failure is answered (see :func:`answer_failure`)."""

    # discord.py's Modal.on_error drops BaseView's ``item`` argument itself; this matches Modal, not BaseView.
    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        await answer_failure(interaction, error, what=f"modal {self.custom_id}")


Callback = Callable[[Any, discord.Interaction[Any]], Awaitable[None]]


class Guarded:
    """Mix in before :class:`discord.ui.DynamicItem`: the item's ``callback`` failures are answered too."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        callback: Callback | None = cls.__dict__.get("callback")
        if callback is None:
            return

        @functools.wraps(callback)
        async def guarded(self: Any, interaction: discord.Interaction[Any]) -> None:
            try:
                await callback(self, interaction)
            except Exception as error:
                await answer_failure(interaction, error, what=f"button {getattr(self, 'custom_id', cls.__name__)}")

        cls.callback = guarded  # type: ignore[attr-defined]  # a mixin: the subclass defines callback
