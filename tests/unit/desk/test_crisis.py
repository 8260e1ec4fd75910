"""Crisis phrase matching (whole words, variants, gaps) and the safety configuration."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from bot.domain.crisis import (
    DEFAULT_HELP_LINES,
    CrisisDetector,
    CrisisMatch,
    HelpLine,
    SafetyConfig,
    format_help_lines,
    normalize_words,
)


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector()


@pytest.mark.parametrize(
    "text",
    [
        "zelfmoord",
        "ik denk aan ZELFMOORD",
        "zelf moord",
        "zelf-moord",
        "zélfmoord",
        "zelf\u200bmoord",
        "zelfmoordgedachten heb ik",
        "Ik wil dood!!",
        "ik wil echt dood",
        "ik wil gewoon echt dood",
        "ik wil doooood",
        "ik wil niet meer leven",
        "ik wil echt niet meer leven",
        "soms snijd ik mezelf... nee: ik snijd mezelf",
        "ik wil mezelf snijden",
        "ik zie het niet meer zitten",
    ],
)
def test_dutch_positives(detector: CrisisDetector, text: str) -> None:
    assert detector.matches(text) == CrisisMatch("nl")


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "gonna kill my self",
        "kms",
        "lol kms",
        "suicide",
        "feeling suicidal tonight",
        "su1c1de",
        "I want to die",
        "i want to diiie",
        "I don't want to live anymore",
        "thinking about self-harm",
        "selfharm",
    ],
)
def test_english_positives(detector: CrisisDetector, text: str) -> None:
    assert detector.matches(text) == CrisisMatch("en")


@pytest.mark.parametrize(
    "text",
    [
        "ik ben doodmoe",
        "dat is doodnormaal",
        "ondoordringbaar",
        "de dood van de hoofdpersoon in het boek",
        "ik wil niet dood",
        "brood snijden",
        "ik heb 10 kms gefietst",
        "ik wil een ijsje",
        "I want to diet",
        "killing it today",
        "",
        "!!! ???",
    ],
)
def test_false_positives(detector: CrisisDetector, text: str) -> None:
    assert detector.matches(text) is None


def test_gap_is_limited(detector: CrisisDetector) -> None:
    assert detector.matches("ik wil echt heel erg graag dood") is None  # four filler words
    assert CrisisDetector(["ik wil dood"], [], max_gap=0).matches("ik wil echt dood") is None
    assert CrisisDetector(["ik wil dood"], [], max_gap=0).matches("ik wil dood") == CrisisMatch("nl")


def test_match_holds_nothing_of_the_text(detector: CrisisDetector) -> None:
    found = detector.matches("ik wil dood, mijn naam is Sam")
    assert found is not None
    assert [field.name for field in dataclasses.fields(found)] == ["language"]


def test_shared_word_is_found_whichever_list_has_it(detector: CrisisDetector) -> None:
    assert detector.matches("ik ben suïcidaal") == CrisisMatch("en")  # "suicid*" covers both spellings


def test_dutch_list_wins_when_both_hit(detector: CrisisDetector) -> None:
    assert detector.matches("zelfmoord / suicide") == CrisisMatch("nl")


def test_config_supplies_the_phrases() -> None:
    custom = SafetyConfig(crisis_phrases_nl=["ik ga eraan onderdoor"], crisis_phrases_en=["done with life"])
    detector = custom.detector()
    assert detector.matches("Ik ga eraan onder door") == CrisisMatch("nl")
    assert detector.matches("honestly done with life") == CrisisMatch("en")
    assert detector.matches("zelfmoord") is None


def test_normalize_words() -> None:
    assert normalize_words("Zélf\u200b-MOORD!!  ik  wil") == ["zelf", "mord", "ik", "wil"]
    assert normalize_words("don’t") == ["dont"]
    assert normalize_words("zelfmoord*", keep_star=True) == ["zelfmord*"]


def test_safety_defaults() -> None:
    config = SafetyConfig()
    assert [(line.name, line.number) for line in config.help_lines] == [
        ("Zelfmoordlijn 1813", "1813"),
        ("Awel", "102"),
        ("Tele-Onthaal", "106"),
        ("112", "112"),
    ]
    assert config.help_lines == list(DEFAULT_HELP_LINES)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"crisis_phrases_nl": ["zelfmoord", "!!!"]}, r"crisis_phrases_nl\n.*phrase 1 \('!!!'\) has no words"),
        ({"crisis_phrases_en": []}, r"crisis_phrases_en\n"),
        ({"help_lines": []}, r"help_lines\n"),
        (
            {
                "help_lines": [
                    {"name": "X", "number": "1", "text_nl": "a", "text_en": "b", "hours": "24/7", "url": "www.x"}
                ]
            },
            r"help_lines\.0\.url\n.*'www\.x' must start with https://",
        ),
        ({"help_lines": [{"name": "X", "number": "1"}]}, r"help_lines\.0\.text_nl\n"),
    ],
)
def test_safety_config_errors_name_the_key(config: dict[str, object], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        SafetyConfig.model_validate(config)


def test_detector_rejects_empty_phrase() -> None:
    with pytest.raises(ValueError, match=r"'\.\.\.' has no words"):
        CrisisDetector(["..."], [])


def test_format_help_lines() -> None:
    lines = [
        DEFAULT_HELP_LINES[0],
        HelpLine(name="Awel", number="102", text_nl="Voor jongeren.", text_en="For youths.", hours="16-22"),
    ]
    assert format_help_lines(lines, "en") == (
        "• **Zelfmoordlijn 1813** (24/7): Thinking about suicide? Talk to someone, free and anonymous, "
        "also at night. Call or chat. <https://www.zelfmoord1813.be>\n"
        "• **Awel** 102 (16-22): For youths."
    )
    assert format_help_lines(lines[1:], "nl") == "• **Awel** 102 (16-22): Voor jongeren."


def test_the_ascii_fast_path_reads_words_exactly_as_the_full_unicode_path() -> None:
    """Plain ASCII text skips the Unicode steps; a zero-width space (removed there) forces the full path."""
    import random

    from bot.domain.crisis import normalize_words

    rng = random.Random(13)
    alphabet = "abcdeooooz Z3lfM00rd*'`-_.,!?10 kms  DOOD\t\n@$4"
    for _ in range(2_000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 40)))
        for keep_star in (False, True):
            assert normalize_words(text, keep_star=keep_star) == normalize_words(text + "\u200b", keep_star=keep_star)


def test_the_quick_rejection_never_hides_a_phrase() -> None:
    """Every default phrase, alone or inside chat, still matches after the anchor/prefix pre-check."""
    from bot.domain.crisis import DEFAULT_PHRASES_EN, DEFAULT_PHRASES_NL, CrisisDetector

    detector = CrisisDetector()
    for phrase in (*DEFAULT_PHRASES_NL, *DEFAULT_PHRASES_EN):
        text = phrase.replace("*", "en")
        assert detector.matches(text) is not None, phrase
        assert detector.matches(f"haha ok maar {text} echt") is not None, phrase
