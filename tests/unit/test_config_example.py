"""config.example.toml documents every settings key, and is itself a valid configuration."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.settings import DERIVED_KEYS, Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        annotation: Any = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys.extend(_keys(annotation, f"{prefix}{name}."))
        else:
            keys.append(f"{prefix}{name}")
    return keys


def _documented(text: str) -> set[str]:
    table, found = "", set()
    for raw in text.splitlines():
        line = raw.strip()
        if m := re.match(r"^\[+([\w.]+)\]+$", line):
            table = m.group(1) + "."
            found.add(m.group(1))
        elif m := re.match(r"^#?\s*(\w+)\s*=", line):
            found.add(table + m.group(1))
    return found


def test_every_key_is_documented() -> None:
    missing = sorted(set(_keys(Settings)) - _documented(EXAMPLE.read_text()) - {"discord.token"} - DERIVED_KEYS)
    assert missing == []


def test_example_loads() -> None:
    load_settings(EXAMPLE)


def test_the_example_states_exactly_the_code_defaults() -> None:
    """A newcomer copying config.example.toml gets what the code would do without it."""
    example, defaults = load_settings(EXAMPLE).model_dump(), Settings().model_dump()
    # The one deliberate difference: [referrals] carries a sample municipality to show a card's shape.
    assert defaults["referrals"] == {"municipalities": {}, "aliases": {}} and example["referrals"]["municipalities"]
    example.pop("referrals"), defaults.pop("referrals")
    assert example == defaults
