"""Building blocks of the request models and the translation of pydantic errors into Discord's error body.

Models only *check* a body (handlers keep reading the raw JSON); unknown fields are ignored like Discord
does. Types are strict where Discord is (a boolean is ``true``/``false``, never ``"yes"``); snowflakes may
be strings or integers and permission bitfields strings of digits or integers, as Discord accepts both.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from sandbox.errors import ApiError

MAX_SNOWFLAKE = (1 << 64) - 1
QUERY_TRUE = frozenset({"true", "True", "1"})
QUERY_FALSE = frozenset({"false", "False", "0"})


class Body(BaseModel):
    """A request body (or query) model: unknown fields are ignored, nothing is coerced silently."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def _snowflake(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("NUMBER_TYPE_COERCE", "Value {value} is not snowflake.", {"value": value})
    if isinstance(value, int) and 0 <= value <= MAX_SNOWFLAKE:
        return value
    if isinstance(value, str) and value.isdigit() and int(value) <= MAX_SNOWFLAKE:
        return value
    raise PydanticCustomError("NUMBER_TYPE_COERCE", 'Value "{value}" is not snowflake.', {"value": str(value)[:50]})


def _bitfield(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return value
    raise PydanticCustomError("NUMBER_TYPE_COERCE", 'Value "{value}" is not int.', {"value": str(value)[:50]})


def _query_bool(value: Any) -> Any:
    if value in QUERY_TRUE or value in QUERY_FALSE:
        return value
    raise PydanticCustomError("BOOLEAN_TYPE_CONVERT", "Must be either true or false.")


def _query_int(value: Any) -> Any:
    text = str(value)
    if text.lstrip("-").isdigit():
        return int(text)
    raise PydanticCustomError("NUMBER_TYPE_COERCE", 'Value "{value}" is not int.', {"value": text[:50]})


def unique(values: list[Any] | None) -> list[Any] | None:
    """Discord's set types: every value once (``1`` and ``"1"`` are the same snowflake)."""
    if values is None:
        return None
    seen: set[str] = set()
    for value in values:
        key = str(value)
        if key in seen:
            raise PydanticCustomError("SET_TYPE_ALREADY_CONTAINS_VALUE", "The set already contains this value.")
        seen.add(key)
    return values


Snowflake = Annotated[Any, AfterValidator(_snowflake)]
Bitfield = Annotated[Any, AfterValidator(_bitfield)]
QueryBool = Annotated[Any, AfterValidator(_query_bool)]
#: a query integer (constraints such as ``Field(ge=1, le=100)`` go on the field)
QueryInt = Annotated[StrictInt, BeforeValidator(_query_int)]
Bool = StrictBool
Int = StrictInt
Str = StrictStr
Color = Annotated[StrictInt, Field(ge=0, le=0xFFFFFF)]
#: a set of snowflakes (no value twice)
SnowflakeSet = Annotated[list[Snowflake], AfterValidator(unique)]


# ---------------------------------------------------------------------- pydantic → Discord errors
_CODES: dict[str, tuple[str, str]] = {
    "missing": ("BASE_TYPE_REQUIRED", "This field is required"),
    "string_type": ("STRING_TYPE_CONVERT", "Could not interpret {input} as string."),
    "string_too_long": ("BASE_TYPE_MAX_LENGTH", "Must be {max_length} or fewer in length."),
    "string_too_short": ("BASE_TYPE_MIN_LENGTH", "Must be {min_length} or more in length."),
    "too_long": ("BASE_TYPE_MAX_LENGTH", "Must be {max_length} or fewer in length."),
    "too_short": ("BASE_TYPE_MIN_LENGTH", "Must be {min_length} or more in length."),
    "int_type": ("NUMBER_TYPE_COERCE", "Value {input} is not int."),
    "int_parsing": ("NUMBER_TYPE_COERCE", "Value {input} is not int."),
    "float_type": ("NUMBER_TYPE_COERCE", "Value {input} is not a number."),
    "less_than_equal": ("NUMBER_TYPE_MAX", "int value should be less than or equal to {le}."),
    "less_than": ("NUMBER_TYPE_MAX", "int value should be less than {lt}."),
    "greater_than_equal": ("NUMBER_TYPE_MIN", "int value should be greater than or equal to {ge}."),
    "greater_than": ("NUMBER_TYPE_MIN", "int value should be greater than {gt}."),
    "bool_type": ("BOOLEAN_TYPE_CONVERT", "Must be either true or false."),
    "literal_error": ("BASE_TYPE_CHOICES", "Value must be one of {expected}."),
    "enum": ("BASE_TYPE_CHOICES", "Value must be one of {expected}."),
    "dict_type": ("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"),
    "model_type": ("DICT_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"),
    "model_attributes_type": ("DICT_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"),
    "list_type": ("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"),
}


def _entry(error: Any) -> dict[str, str]:
    kind = error["type"]
    if kind.isupper():  # our own PydanticCustomError: the type is Discord's code
        return {"code": kind, "message": error["msg"]}
    code, template = _CODES.get(kind, ("BASE_TYPE_BAD_REQUEST", error["msg"]))
    params = {**(error.get("ctx") or {}), "input": repr(error.get("input"))[:60]}
    try:
        message = template.format(**params)
    except (KeyError, IndexError):
        message = error["msg"]
    return {"code": code, "message": message}


def error_tree(exc: ValidationError, prefix: tuple[str | int, ...] = ()) -> dict[str, Any]:
    """Discord's nested ``errors`` object: ``{"embeds": {"0": {"title": {"_errors": [...]}}}}``."""
    tree: dict[str, Any] = {}
    for error in exc.errors():
        node = tree
        for part in (*prefix, *error["loc"]):
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append(_entry(error))
    return tree


def invalid_form_body(errors: dict[str, Any]) -> ApiError:
    return ApiError(400, 50035, "Invalid Form Body", errors)


def check(model: type[BaseModel], data: Any, prefix: tuple[str | int, ...] = ()) -> None:
    """Validate ``data`` with ``model``; 400 Invalid Form Body with the error tree if it does not fit."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        raise invalid_form_body(error_tree(exc, prefix)) from None


def field_error(path: tuple[str | int, ...], code: str, message: str) -> ApiError:
    """One field's error as a 400 Invalid Form Body (for checks a model cannot express)."""
    tree: dict[str, Any] = {}
    node = tree
    for part in path:
        node = node.setdefault(str(part), {})
    node["_errors"] = [{"code": code, "message": message}]
    return invalid_form_body(tree)
