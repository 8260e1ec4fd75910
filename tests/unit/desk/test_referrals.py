"""Referral directory: tolerant municipality lookup, typo suggestions, config validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.domain.referrals import (
    ReferralConfig,
    ReferralDirectory,
    ReferralHit,
    Service,
    format_services,
    municipality_key,
)
from tests.support.checks import present

CAW = Service(
    name="CAW Oost-Vlaanderen",
    description_nl="Gratis hulp bij allerlei vragen.",
    description_en="Free help with all kinds of questions.",
    phone="0800 13 500",
    url="https://www.caw.be",
    address="Stationsstraat 1, 9100 Sint-Niklaas",
)
JAC = Service(name="JAC", description_nl="Jongerenonthaal.", description_en="Youth drop-in.")


@pytest.fixture
def directory() -> ReferralDirectory:
    return ReferralDirectory(
        {"Sint-Niklaas": [CAW, JAC], "Lokeren": [JAC], "Sint-Gillis-Waas": [], "Sinaai": [JAC]},
        aliases={"Belsele": "Sint-Niklaas"},
    )


@pytest.mark.parametrize(
    "query",
    ["Sint-Niklaas", "sint niklaas", "SINT-NIKLAAS", "SintNiklaas", "St.-Niklaas", " sint - niklaas ", "Belsele"],
)
def test_lookup_variants(directory: ReferralDirectory, query: str) -> None:
    assert directory.lookup(query) == ReferralHit("Sint-Niklaas", (CAW, JAC))


def test_lookup_unpacks_as_pair(directory: ReferralDirectory) -> None:
    name, services = present(directory.lookup("lokeren"))
    assert (name, services) == ("Lokeren", (JAC,))


def test_lookup_accents() -> None:
    assert ReferralDirectory({"Zelé": [JAC]}).lookup("zele") == ReferralHit("Zelé", (JAC,))


def test_lookup_miss(directory: ReferralDirectory) -> None:
    assert directory.lookup("Gent") is None
    assert directory.lookup("") is None


def test_suggest_typos(directory: ReferralDirectory) -> None:
    assert directory.suggest("Sint-Niklas") == ["Sint-Niklaas"]
    assert directory.suggest("Lokren") == ["Lokeren"]
    assert directory.suggest("Belsel") == ["Sint-Niklaas"]  # alias resolves to its municipality
    assert directory.suggest("Antwerpen") == []
    assert directory.suggest("Sint-Niklas", n=0) == []
    assert ReferralDirectory({}).suggest("x") == []


def test_municipality_key() -> None:
    assert municipality_key("'s-Gravenwezel") == "sgravenwezel"
    assert municipality_key("St. Gillis-Waas") == "sintgilliswaas"


def test_municipalities_sorted(directory: ReferralDirectory) -> None:
    assert directory.municipalities() == ["Lokeren", "Sinaai", "Sint-Gillis-Waas", "Sint-Niklaas"]


def test_from_config() -> None:
    config = ReferralConfig.model_validate(
        {
            "municipalities": {"Temse": [{"name": "JAC", "description_nl": "a", "description_en": "b"}]},
            "aliases": {"Tielrode": "temse"},
        }
    )
    assert ReferralDirectory.from_config(config).lookup("tielrode") == ReferralHit(
        "Temse", (Service(name="JAC", description_nl="a", description_en="b"),)
    )


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"municipalities": {"Sint-Niklaas": [], "sint niklaas": []}},
            r"'sint niklaas' and 'Sint-Niklaas' are the same",
        ),
        ({"municipalities": {"Temse": []}, "aliases": {"Tielrode": "Temsee"}}, r"aliases\.Tielrode: 'Temsee' is not"),
        ({"municipalities": {"Temse": [], "Lokeren": []}, "aliases": {"temse": "Lokeren"}}, r"aliases\.temse: already"),
        ({"municipalities": {"--": []}}, r"municipalities: '--' is not a place name"),
        (
            {
                "municipalities": {
                    "Temse": [{"name": "X", "description_nl": "a", "description_en": "b", "url": "caw.be"}]
                }
            },
            r"municipalities\.Temse\.0\.url\n.*'caw\.be' must start with https://",
        ),
        ({"municipalities": {"Temse": [{"name": "X"}]}}, r"municipalities\.Temse\.0\.description_nl\n"),
        ({"gemeenten": {}}, r"gemeenten\n"),
    ],
)
def test_config_errors_name_the_key(config: dict[str, object], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        ReferralConfig.model_validate(config)


def test_directory_rejects_clash_directly() -> None:
    with pytest.raises(ValueError, match="same place"):
        ReferralDirectory({"Sint-Niklaas": [], "St Niklaas": []})


def test_format_services() -> None:
    assert format_services([CAW, JAC], "nl") == (
        "• **CAW Oost-Vlaanderen**: Gratis hulp bij allerlei vragen.\n"
        "  ☎ 0800 13 500 · <https://www.caw.be> · 📍 Stationsstraat 1, 9100 Sint-Niklaas\n"
        "• **JAC**: Jongerenonthaal."
    )
    assert format_services([JAC], "en") == "• **JAC**: Youth drop-in."
