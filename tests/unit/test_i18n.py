"""Every message exists in every language, with the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from bot.i18n import LANGUAGES, CatalogError, I18n, lang_for, load_catalog


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    i18n = I18n()
    nl = i18n.catalogs["nl"]
    for lang in LANGUAGES:
        other = i18n.catalogs[lang]
        assert sorted(set(nl) - set(other)) == [], f"keys missing in {lang}"
        assert sorted(set(other) - set(nl)) == [], f"keys only in {lang}"
        mismatched = [k for k in nl if _fields(nl[k]) != _fields(other[k])]
        assert mismatched == [], f"placeholders differ in {lang}"


def test_area_files_are_paired(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2] / "bot" / "i18n" / "locales"
    files = {lang: sorted(p.name for p in (root / lang).glob("*.toml")) for lang in LANGUAGES}
    assert files["nl"] == files["en"]


def test_missing_key_in_one_language_is_caught(tmp_path: Path) -> None:
    (tmp_path / "nl").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "nl" / "a.toml").write_text('"x.y" = "hallo {naam}"\n"x.z" = "extra"\n')
    (tmp_path / "en" / "a.toml").write_text('"x.y" = "hello {naam}"\n')
    i18n = I18n(tmp_path)
    assert set(i18n.catalogs["nl"]) - set(i18n.catalogs["en"]) == {"x.z"}
    assert i18n.t("x.z", "en") == "extra"  # falls back to Dutch
    assert i18n.t("x.y", "en", naam="Sam") == "hello Sam"
    assert i18n.t("nope", "en") == "nope"


def test_duplicate_key_across_area_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "a.toml").write_text('"k" = "1"\n')
    (tmp_path / "nl" / "b.toml").write_text('"k" = "2"\n')
    with pytest.raises(CatalogError, match="defined twice"):
        load_catalog("nl", tmp_path)


def test_locale_resolution() -> None:
    assert lang_for("en-US", "nl") == "en"
    assert lang_for("en-GB") == "en"
    assert lang_for("nl", "en") == "nl"
    assert lang_for("fr", "en") == "en"
    assert lang_for(None, None) == "nl"


def test_both_languages_dutch_first() -> None:
    i18n = I18n()
    text = i18n.both("errors.guild_only")
    assert text.index("server.") < text.index("This command")
