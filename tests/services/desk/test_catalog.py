"""desk_ui.toml holds exactly the glue's keys plus the command texts, in both languages."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.services.desk.text import UiKeys

LOCALES = Path(__file__).resolve().parents[3] / "bot" / "i18n" / "locales"


def test_glue_catalog_matches_the_keys_in_code() -> None:
    for lang in ("nl", "en"):
        keys = set(tomllib.loads((LOCALES / lang / "desk_ui.toml").read_text(encoding="utf-8")))
        assert {k for k in keys if k.startswith("desk_ui.")} == UiKeys.all(), lang
        assert all(k.startswith(("desk_ui.", "cmd.desk.")) for k in keys - {"name"}), lang  # [name]: command names
