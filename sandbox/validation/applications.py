"""Applications and users: commands, interaction callbacks, interaction webhooks, the bot's user and DMs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sandbox.validation.base import (
    Bitfield,
    Body,
    Bool,
    Int,
    QueryBool,
    Snowflake,
    Str,
    check,
    field_error,
)
from sandbox.validation.messages import MessageFields, check_components, check_message

Name = Annotated[Str, Field(min_length=1, max_length=32)]
Description = Annotated[Str, Field(max_length=100)]
Localized = dict[str, Annotated[Str, Field(min_length=1, max_length=100)]]
MAX_PERMISSIONS = (1 << 54) - 1


class Choice(Body):
    name: Annotated[Str, Field(min_length=1, max_length=100)]
    name_localizations: dict[str, Annotated[Str, Field(min_length=1, max_length=100)]] | None = None
    value: Any


class CommandOption(Body):
    type: Literal[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    name: Name
    name_localizations: dict[str, Name] | None = None
    description: Annotated[Str, Field(min_length=1, max_length=100)]
    description_localizations: Localized | None = None
    required: Bool | None = None
    choices: Annotated[list[Choice], Field(max_length=25)] | None = None
    options: Annotated[list[CommandOption], Field(max_length=25)] | None = None
    channel_types: list[Int] | None = None
    min_value: int | float | None = None
    max_value: int | float | None = None
    min_length: Annotated[Int, Field(ge=0, le=6000)] | None = None
    max_length: Annotated[Int, Field(ge=1, le=6000)] | None = None
    autocomplete: Bool | None = None


class CommandFields(Body):
    name_localizations: dict[str, Name] | None = None
    description: Description | None = None
    description_localizations: Localized | None = None
    options: Annotated[list[CommandOption], Field(max_length=25)] | None = None
    default_member_permissions: Bitfield | None = None
    dm_permission: Bool | None = None
    contexts: Annotated[list[Literal[0, 1, 2]], Field(min_length=1)] | None = None
    integration_types: Annotated[list[Literal[0, 1]], Field(min_length=1)] | None = None
    nsfw: Bool | None = None
    handler: Literal[1, 2] | None = None
    type: Literal[1, 2, 3, 4] | None = None


class Command(CommandFields):
    name: Name
    id: Snowflake | None = None


class CommandEdit(CommandFields):
    name: Name | None = None


def check_commands(body: Any) -> None:
    """``PUT …/commands``: a list of at most 100 commands (errors keyed by index, like Discord)."""
    if body is None:
        return
    if not isinstance(body, list):
        raise field_error((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
    if len(body) > 100:
        raise field_error((), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    for index, command in enumerate(body):
        check(Command, command, (index,))
        _check_permissions(command, (index,))


def check_command(body: Any) -> None:
    check(Command, body)
    _check_permissions(body, ())


def check_command_edit(body: Any) -> None:
    check(CommandEdit, body)
    _check_permissions(body, ())


def _check_permissions(command: dict[str, Any], path: tuple[str | int, ...]) -> None:
    value = command.get("default_member_permissions")
    if value is not None and int(value) > MAX_PERMISSIONS:
        raise field_error((*path, "default_member_permissions"), "NUMBER_TYPE_MAX", "Invalid permissions.")


# ---------------------------------------------------------------------- interactions & webhooks
class Callback(Body):
    type: Literal[1, 4, 5, 6, 7, 8, 9, 10, 12]
    data: dict[str, Any] | None = None


class Modal(Body):
    custom_id: Annotated[Str, Field(min_length=1, max_length=100)]
    title: Annotated[Str, Field(min_length=1, max_length=45)]
    components: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=5)]


class AutocompleteChoices(Body):
    choices: Annotated[list[Choice], Field(max_length=25)] | None = None


class CallbackQuery(Body):
    with_response: QueryBool | None = None


def check_callback(body: Any) -> None:
    """An interaction response: the envelope, then ``data`` by response type."""
    check(Callback, body)
    data = body.get("data")
    kind = body["type"]
    if kind in (4, 7) and data is not None:
        check_message(data, MessageFields, ("data",))
    elif kind == 5 and data is not None:
        check(MessageFields, data, ("data",))
    elif kind == 8:
        check(AutocompleteChoices, data if data is not None else {}, ("data",))
    elif kind == 9:
        if data is None:
            raise field_error(("data",), "BASE_TYPE_REQUIRED", "This field is required")
        check(Modal, data, ("data",))
        check_components(data.get("components"), ("data", "components"), modal=True)


class WebhookMessage(MessageFields):
    username: Annotated[Str, Field(min_length=1, max_length=80)] | None = None
    avatar_url: Annotated[Str, Field(max_length=2048)] | None = None
    thread_name: Annotated[Str, Field(max_length=100)] | None = None


class WebhookQuery(Body):
    wait: QueryBool | None = None
    thread_id: Snowflake | None = None
    with_components: QueryBool | None = None


def check_webhook_message(body: Any) -> None:
    check_message(body, WebhookMessage)


def check_webhook_edit(body: Any) -> None:
    check_message(body, MessageFields)


# ---------------------------------------------------------------------- users
class MeEdit(Body):
    username: Annotated[Str, Field(min_length=2, max_length=32)] | None = None
    avatar: Str | None = None
    banner: Str | None = None


class OpenDM(Body):
    recipient_id: Snowflake
