"""Every message exists in every language, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.i18n import LANGUAGES, CatalogError, I18n, lang_for, load_catalog
from bot.i18n.translator import CatalogTranslator, _, choice, choices, derived_key, valid_name


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


# ---------------------------------------------------------------------------------- command names

STUDY = """
[name]
"studie" = "{studie}"
"studie vraag" = "{vraag}"
"studie vraag vak" = "{vak}"
[description]
"studie" = "{description}"
"studie vraag vak" = "{option}"
[choice]
"wiskunde" = "{choice}"
"""
DUTCH = {"studie": "studie", "vraag": "vraag", "vak": "vak", "description": "Studiemomenten", "option": "Welk vak"}
ENGLISH = {
    "studie": "study",
    "vraag": "ask",
    "vak": "subject",
    "description": "Study moments",
    "option": "Which subject",
}


def _catalogs(tmp_path: Path, **english: str) -> I18n:
    for lang, words in (("nl", {**DUTCH, "choice": "wiskunde"}), ("en", {**ENGLISH, "choice": "maths", **english})):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "studie.toml").write_text(STUDY.format(**words), encoding="utf-8")
    return I18n(tmp_path)


def _study_group() -> app_commands.Group:
    group = app_commands.Group(name="studie", description="Study moments")

    @group.command(name="vraag", description=_("Ask a question", "study.ask"))
    @app_commands.describe(vak="Which subject")
    @app_commands.choices(vak=[app_commands.Choice(name="wiskunde", value="maths")])
    async def ask(interaction: discord.Interaction[Any], vak: str) -> None: ...

    return group


async def _payload(i18n: I18n) -> dict[str, Any]:
    client = discord.Client(intents=discord.Intents.none())
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    try:
        return await _study_group().get_translated_payload(tree, CatalogTranslator(i18n))
    finally:
        await client.close()


async def test_a_new_command_is_localized_by_catalog_entries_alone(tmp_path: Path) -> None:
    """No key in the code: the translator derives it from the command path (Dutch names), so a feature only adds
    ``[name]``, ``[description]`` and ``[choice]`` entries."""
    payload = await _payload(_catalogs(tmp_path))
    assert payload["name"] == "studie"
    assert payload["name_localizations"] == {"nl": "studie", "en-US": "study", "en-GB": "study"}
    assert payload["description_localizations"]["en-GB"] == "Study moments"
    [sub] = payload["options"]
    assert sub["name_localizations"]["en-US"] == "ask"
    assert sub["description_localizations"] == {}  # an explicit key that no catalog has: no derived fallback
    [option] = sub["options"]
    assert option["name_localizations"] == {"nl": "vak", "en-US": "subject", "en-GB": "subject"}
    assert option["description_localizations"]["en-US"] == "Which subject"
    assert option["choices"][0]["name_localizations"]["en-GB"] == "maths"


async def test_a_catalog_name_discord_would_refuse_is_left_out(tmp_path: Path) -> None:
    payload = await _payload(_catalogs(tmp_path, studie="Study Moments"))
    assert "en-US" not in payload["name_localizations"]  # Discord would refuse the whole tree for it
    assert payload["options"][0]["name_localizations"]["en-US"] == "ask"


def test_derived_keys_follow_the_command_path() -> None:
    group = _study_group()
    ask = group.get_command("vraag")
    assert isinstance(ask, app_commands.Command)
    [param] = ask.parameters
    choice_ = app_commands.Choice(name="wiskunde", value="maths")
    cases: list[tuple[Any, Any, str]] = [
        (Where.group_name, group, "name.studie"),
        (Where.group_description, group, "description.studie"),
        (Where.command_name, ask, "name.studie vraag"),
        (Where.parameter_name, param, "name.studie vraag vak"),
        (Where.parameter_description, param, "description.studie vraag vak"),
        (Where.choice_name, choice_, "choice.wiskunde"),
    ]
    for where, data, key in cases:
        text = app_commands.locale_str(getattr(data, "name", ""))
        assert derived_key(text, app_commands.TranslationContext(where, data)) == key


def test_every_catalog_name_is_valid_for_discord_and_the_dutch_one_is_the_default() -> None:
    i18n = I18n()
    for lang, catalog in i18n.catalogs.items():
        for key, value in catalog.items():
            if key.startswith("name."):
                assert valid_name(value), f"{lang}: {key} = {value!r}"
                if lang == "nl":
                    assert value == key.rsplit(" ", 1)[-1].removeprefix("name."), key


def test_a_catalog_choice_has_its_dutch_text_as_default_name() -> None:
    [day] = choices("cmd.desk.day", ["mon"])
    assert (day.name, day.value) == ("maandag", "mon")
    assert choice("setup.channel.mod_log", "mod_log").name == "modlog"


def test_discord_name_rule() -> None:
    assert valid_name("vergeet-mij") and valid_name("min_leeftijd") and valid_name("coördinator")
    assert not valid_name("Setup") and not valid_name("twee woorden") and not valid_name("x" * 33)
    assert not valid_name("")


def test_every_threshold_and_setting_has_a_readable_name() -> None:
    from bot.services.antispam.options import SETTING_NAMES, THRESHOLD_NAMES

    i18n = I18n()
    keys = [f"antispam.threshold.name.{n}" for n in THRESHOLD_NAMES] + [
        f"antispam.setting.name.{n}" for n in SETTING_NAMES
    ]
    for lang in LANGUAGES:
        for key in keys:
            assert 1 <= len(i18n.catalogs[lang].get(key, "")) <= 100, f"{lang}: {key}"  # a choice name's limit


def test_english_messages_name_commands_as_an_english_client_shows_them() -> None:
    """An English client lists ``/help``, not ``/hulp``: a message telling it to type the Dutch name misleads."""
    catalog = I18n().catalogs["en"]
    dutch_only = {path for key, name in catalog.items() if key.startswith("name.") and " " not in (path := key[5:])}
    dutch_only = {path for path in dutch_only if catalog[f"name.{path}"] != path}
    for key, text in catalog.items():
        for word in re.findall(r"(?<![\w/])/([a-z][a-z-]*)", text):
            assert word not in dutch_only, f"{key} names /{word}"
