"""Messages: create/edit bodies, embeds, allowed mentions, components, bulk delete and history queries.

From Discord's documented request objects (``MessageCreateRequest``, ``RichEmbed``, the component request
objects) plus the limits the spec leaves out: 2,000 characters of content for a bot and 6,000 characters
of embed text in one message.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from sandbox.validation.base import (
    Body,
    Bool,
    Color,
    Int,
    QueryInt,
    Snowflake,
    SnowflakeSet,
    Str,
    check,
    field_error,
    unique,
)

MAX_CONTENT = 2000
MAX_EMBED_TEXT = 6000


Url = Annotated[Str, Field(max_length=2048)]


class EmbedAuthor(Body):
    name: Annotated[Str, Field(max_length=256)] | None = None
    url: Url | None = None
    icon_url: Url | None = None


class EmbedField(Body):
    name: Annotated[Str, Field(max_length=256)]
    value: Annotated[Str, Field(max_length=1024)]
    inline: Bool | None = None


class EmbedFooter(Body):
    text: Annotated[Str, Field(max_length=2048)] | None = None
    icon_url: Url | None = None


class EmbedMedia(Body):
    url: Url | None = None
    width: Int | None = None
    height: Int | None = None


class Embed(Body):
    type: Annotated[Str, Field(max_length=64)] | None = None
    url: Url | None = None
    title: Annotated[Str, Field(max_length=256)] | None = None
    color: Color | None = None
    timestamp: Str | None = None
    description: Annotated[Str, Field(max_length=4096)] | None = None
    author: EmbedAuthor | None = None
    image: EmbedMedia | None = None
    thumbnail: EmbedMedia | None = None
    video: EmbedMedia | None = None
    footer: EmbedFooter | None = None
    fields: Annotated[list[EmbedField], Field(max_length=25)] | None = None


AllowedMentionType = Literal["users", "roles", "everyone"]


class AllowedMentions(Body):
    parse: Annotated[list[AllowedMentionType], AfterValidator(unique)] | None = None
    users: Annotated[SnowflakeSet, Field(max_length=100)] | None = None
    roles: Annotated[SnowflakeSet, Field(max_length=100)] | None = None
    replied_user: Bool | None = None


class MessageReference(Body):
    message_id: Snowflake
    channel_id: Snowflake | None = None
    guild_id: Snowflake | None = None
    fail_if_not_exists: Bool | None = None
    type: Literal[0, 1] | None = None


class AttachmentRef(Body):
    id: Snowflake
    filename: Annotated[Str, Field(min_length=1, max_length=1024)] | None = None
    description: Annotated[Str, Field(max_length=1024)] | None = None
    is_spoiler: Bool | None = None


Nonce = Annotated[Any, AfterValidator(lambda v: _nonce(v))]


def _nonce(value: Any) -> Any:
    from pydantic_core import PydanticCustomError

    if value is None or (isinstance(value, int) and not isinstance(value, bool) and -(1 << 63) <= value < (1 << 63)):
        return value
    if isinstance(value, str):
        if len(value) > 25:
            raise PydanticCustomError("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        return value
    raise PydanticCustomError("NONCE_TYPE_INVALID", "Nonce must be an integer or a string.")


class MessageFields(Body):
    """Shared by channel messages, interaction responses and webhook messages."""

    content: Annotated[Str, Field(max_length=MAX_CONTENT)] | None = None
    embeds: Annotated[list[Embed], Field(max_length=10)] | None = None
    allowed_mentions: AllowedMentions | None = None
    components: Annotated[list[dict[str, Any]], Field(max_length=40)] | None = None
    flags: Int | None = None
    attachments: Annotated[list[AttachmentRef], Field(max_length=10)] | None = None
    poll: dict[str, Any] | None = None
    tts: Bool | None = None


class MessageCreate(MessageFields):
    sticker_ids: Annotated[list[Snowflake], Field(max_length=3)] | None = None
    message_reference: MessageReference | None = None
    nonce: Nonce = None
    enforce_nonce: Bool | None = None


class MessageEdit(MessageFields):
    pass


class BulkDelete(Body):
    messages: Annotated[SnowflakeSet, Field(min_length=2, max_length=100)]


class HistoryQuery(Body):
    around: Snowflake | None = None
    before: Snowflake | None = None
    after: Snowflake | None = None
    limit: QueryInt | None = Field(None, ge=1, le=100)


# ---------------------------------------------------------------------- components
class Emoji(Body):
    id: Snowflake | None = None
    name: Annotated[Str, Field(max_length=32)] | None = None
    animated: Bool | None = None


class Button(Body):
    type: Literal[2]
    id: Annotated[Int, Field(ge=0)] | None = None
    style: Literal[1, 2, 3, 4, 5, 6]
    custom_id: Annotated[Str, Field(min_length=1, max_length=100)] | None = None
    label: Annotated[Str, Field(max_length=80)] | None = None
    disabled: Bool | None = None
    url: Annotated[Str, Field(max_length=512)] | None = None
    sku_id: Snowflake | None = None
    emoji: Emoji | None = None


class SelectOption(Body):
    label: Annotated[Str, Field(min_length=1, max_length=100)]
    value: Annotated[Str, Field(min_length=1, max_length=100)]
    description: Annotated[Str, Field(max_length=100)] | None = None
    emoji: Emoji | None = None
    default: Bool | None = None


class Select(Body):
    type: Literal[3, 5, 6, 7, 8]
    id: Annotated[Int, Field(ge=0)] | None = None
    custom_id: Annotated[Str, Field(min_length=1, max_length=100)]
    placeholder: Annotated[Str, Field(max_length=150)] | None = None
    min_values: Annotated[Int, Field(ge=0, le=25)] | None = None
    max_values: Annotated[Int, Field(ge=1, le=25)] | None = None
    disabled: Bool | None = None
    required: Bool | None = None
    options: Annotated[list[SelectOption], Field(min_length=1, max_length=25)] | None = None
    default_values: Annotated[list[dict[str, Any]], Field(max_length=25)] | None = None
    channel_types: list[Int] | None = None


class TextInput(Body):
    type: Literal[4]
    id: Annotated[Int, Field(ge=0)] | None = None
    custom_id: Annotated[Str, Field(min_length=1, max_length=100)]
    style: Literal[1, 2] | None = None
    label: Annotated[Str, Field(max_length=45)] | None = None
    min_length: Annotated[Int, Field(ge=0, le=4000)] | None = None
    max_length: Annotated[Int, Field(ge=1, le=4000)] | None = None
    required: Bool | None = None
    value: Annotated[Str, Field(max_length=4000)] | None = None
    placeholder: Annotated[Str, Field(max_length=100)] | None = None


class Layout(Body):
    """Rows, containers, sections, labels (children checked one by one) and the display components."""

    type: Literal[1, 9, 10, 11, 12, 13, 14, 17, 18]
    id: Annotated[Int, Field(ge=0)] | None = None
    components: list[dict[str, Any]] | None = None
    content: Annotated[Str, Field(min_length=1, max_length=4000)] | None = None
    accent_color: Color | None = None
    label: Annotated[Str, Field(max_length=45)] | None = None
    description: Annotated[Str, Field(max_length=100)] | None = None


SELECTS = frozenset({3, 5, 6, 7, 8})


def check_components(components: Any, path: tuple[str | int, ...], *, modal: bool = False) -> None:
    """Each component by its type, with its position in the error tree; action rows hold 1 to 5 children."""
    if not isinstance(components, list):
        return
    for index, component in enumerate(components):
        where = (*path, index)
        if not isinstance(component, dict):
            raise field_error(where, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        kind = component.get("type")
        model: type[Body] = Button if kind == 2 else Select if kind in SELECTS else TextInput if kind == 4 else Layout
        check(model, component, where)
        if kind == 1:
            children = component.get("components")
            if not isinstance(children, list) or not 1 <= len(children) <= 5:
                raise field_error((*where, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
        if isinstance(component.get("components"), list):
            check_components(component["components"], (*where, "components"), modal=modal)
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                check_components([component[key]], (*where, key), modal=modal)


def embed_text(embed: dict[str, Any]) -> int:
    """Characters Discord counts towards the 6,000 of a message's embeds."""

    def length(value: Any) -> int:
        return len(value) if isinstance(value, str) else 0

    total = length(embed.get("title")) + length(embed.get("description"))
    total += length((embed.get("footer") or {}).get("text")) + length((embed.get("author") or {}).get("name"))
    for item in embed.get("fields") or []:
        if isinstance(item, dict):
            total += length(item.get("name")) + length(item.get("value"))
    return total


def check_message(body: Any, model: type[Body] = MessageCreate, path: tuple[str | int, ...] = ()) -> None:
    """A message body: the model, its components and the total embed size."""
    check(model, body if body is not None else {}, path)
    if not isinstance(body, dict):
        return
    check_components(body.get("components"), (*path, "components"))
    embeds = body.get("embeds") or []
    if sum(embed_text(e) for e in embeds) > MAX_EMBED_TEXT:
        raise field_error((*path, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def check_message_edit(body: Any) -> None:
    check_message(body, MessageEdit)
